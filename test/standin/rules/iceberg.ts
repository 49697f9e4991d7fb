// ICEBERG CATALOG plan rules: §1.11, with materialize-newest-features.md §4.2/§4.3 (newer options, CREDENTIAL or
// GCP CONNECTION). Texts marked [unverified] follow the addendum's pattern `ICEBERG <type> connections do not support`.
import { planError } from '../errors';
import { urlParseError } from './csr';
import { invalidConnection, type Opts } from './opts';

const BIGLAKE_URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog';
const fail = (m: string) => planError(invalidConnection(m));

export function planIceberg(o: Opts): void {
  const type = o.text('CATALOG TYPE');
  if (type === undefined) throw fail('ICEBERG connections must specify CATALOG TYPE');
  const t = type.toLowerCase(); // case-insensitive (§4.1)
  if (t !== 'rest' && t !== 's3tablesrest') throw fail(`unknown CATALOG TYPE "${type}"`); // [unverified] §10.3
  const url = o.text('URL');
  if (url === undefined) throw fail('must specify URL');
  const err = urlParseError(url);
  if (err) throw planError(`parsing Iceberg catalog url: ${err}`);
  const delegation = o.text('ACCESS DELEGATION');
  if (delegation !== undefined && delegation.toLowerCase() !== 'vended-credentials')
    throw planError(`invalid iceberg access delegation: ${delegation}`); // substring verified (§4.3)
  const storage = o.text('STORAGE PROVIDER');
  if (storage !== undefined && !['s3', 'gcs', 'adls'].includes(storage.toLowerCase()))
    throw planError("invalid iceberg storage provider, expected 's3', 'gcs', or 'adls'");
  if (t === 's3tablesrest') {
    if (o.has('GCP CONNECTION')) throw fail('ICEBERG s3tablesrest connections do not support GCP CONNECTION');
    for (const opt of ['OAUTH2 SERVER URL', 'ACCESS DELEGATION', 'STORAGE PROVIDER'])
      if (o.has(opt)) throw fail(`ICEBERG s3tablesrest connections do not support ${opt}`); // ACCESS DELEGATION [unverified]
    if (!o.has('WAREHOUSE')) throw fail('ICEBERG s3tablesrest connections must specify WAREHOUSE');
    if (!o.has('AWS CONNECTION')) throw fail('ICEBERG s3tablesrest connections require an AWS connection');
    return;
  }
  if (o.has('AWS CONNECTION'))
    throw fail('ICEBERG rest connections do not support AWS CONNECTION.\n\nTry s3tablesrest instead.');
  const credential = o.has('CREDENTIAL');
  const gcp = o.has('GCP CONNECTION');
  if (credential && gcp) throw fail('ICEBERG rest connections may set CREDENTIAL or GCP CONNECTION, not both');
  if (!credential && !gcp) throw fail('ICEBERG rest connections require a CREDENTIAL or GCP CONNECTION');
  if (gcp) {
    if (url !== BIGLAKE_URL) throw fail(`GCP connection can only be used with '${BIGLAKE_URL}'`);
    if (o.has('OAUTH2 SERVER URL'))
      throw fail('ICEBERG rest connections with GCP CONNECTION do not support OAUTH2 SERVER URL'); // [unverified]
    if (storage !== undefined && storage.toLowerCase() !== 'gcs')
      throw fail("ICEBERG rest connections with GCP CONNECTION only support STORAGE PROVIDER 'gcs'"); // [unverified]
  }
}
