// §1.8 CONFLUENT SCHEMA REGISTRY plan rules.
import { planError } from '../errors';
import { invalidConnection, type Opts } from './opts';
import { privatelinkPortCheck } from './sql';

/** Rust url::ParseError texts for the cases WHATWG URL rejects. */
export function urlParseError(s: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return 'relative URL without a base';
  try {
    new URL(s);
    return undefined;
  } catch {
    return 'invalid domain character';
  }
}

export function planCsr(o: Opts): void {
  const url = o.text('URL');
  if (url === undefined) throw planError(invalidConnection('must specify URL'));
  const err = urlParseError(url);
  if (err) throw planError(`parsing schema registry url: ${err}`);
  const u = new URL(url);
  if (!u.hostname) throw planError(invalidConnection('URL must specify domain name'));
  if (u.pathname !== '' && u.pathname !== '/') throw planError(invalidConnection('URL must have an empty path'));
  if (o.has('SSL KEY') !== o.has('SSL CERTIFICATE'))
    throw planError(
      invalidConnection('reading from SSL-auth Confluent Schema Registry requires both SSL KEY and SSL CERTIFICATE'),
    );
  privatelinkPortCheck(o, 'CONFLUENT SCHEMA REGISTRY');
}
