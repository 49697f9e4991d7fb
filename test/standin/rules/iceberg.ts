// §1.11 ICEBERG CATALOG plan rules.
import { planError } from '../errors';
import { urlParseError } from './csr';
import { invalidConnection, type Opts } from './opts';

export function planIceberg(o: Opts): void {
  const type = o.text('CATALOG TYPE');
  if (type === undefined) throw planError(invalidConnection('ICEBERG connections must specify CATALOG TYPE'));
  const t = type.toLowerCase(); // spellings and case are [unverified] (§1.4): accepted case-insensitively
  if (t !== 'rest' && t !== 's3tablesrest') throw planError(invalidConnection(`unknown CATALOG TYPE "${type}"`));
  const url = o.text('URL');
  if (url === undefined) throw planError(invalidConnection('must specify URL'));
  const err = urlParseError(url);
  if (err) throw planError(`parsing Iceberg catalog url: ${err}`);
  if (t === 's3tablesrest') {
    if (!o.has('WAREHOUSE'))
      throw planError(invalidConnection('ICEBERG s3tablesrest connections must specify WAREHOUSE'));
    if (!o.has('AWS CONNECTION'))
      throw planError(invalidConnection('ICEBERG s3tablesrest connections require an AWS connection'));
  } else if (!o.has('CREDENTIAL')) throw planError(invalidConnection('ICEBERG rest connections require a CREDENTIAL'));
}
