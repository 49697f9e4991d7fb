// What each sslmode means to Node's TLS, as in libpq: `require` encrypts without checking who answers,
// `verify-ca` checks the certificate chain only, `verify-full` checks the chain and the host name. Any other
// value is refused here too, so nothing that was not validated can turn into an unchecked connection.
import { readFileSync } from 'fs';
import type { ConnectionOptions } from 'tls';
import type { ResolvedEndpoint } from './endpoint';
import { MaterializeError } from './errors';

const PEM = /^\s*-----BEGIN /;
const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;

/** The PEM text of `sslrootcert`: given inline, or read from the file it names. */
export function rootCertificates(value: string): string {
  let pem = value;
  if (!PEM.test(value)) {
    try {
      pem = readFileSync(value, 'utf8');
    } catch (err) {
      throw new MaterializeError(
        `cannot read the sslrootcert file ${JSON.stringify(value)}: ${(err as Error).message}`,
        (err as { code?: string }).code,
      );
    }
  }
  if (!CERTIFICATE.test(pem))
    throw new MaterializeError(
      `sslrootcert ${PEM.test(value) ? '(PEM text)' : JSON.stringify(value)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  return pem;
}

export function tlsOptions(e: Pick<ResolvedEndpoint, 'sslmode' | 'sslrootcert'>): false | ConnectionOptions {
  const ca = e.sslrootcert === undefined ? {} : { ca: rootCertificates(e.sslrootcert) };
  switch (e.sslmode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ...ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ...ca };
    default:
      throw new MaterializeError(
        `unknown sslmode ${JSON.stringify(e.sslmode)}; use disable, require, verify-ca or verify-full`,
      );
  }
}
