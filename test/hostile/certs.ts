// Real certificates for the TLS tests, made with openssl in a temporary directory: a CA and a server
// certificate it signed for 127.0.0.2, one it signed for another name, and a self-signed one for 127.0.0.2.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCertificates {
  dir: string;
  caPath: string;
  ca: string;
  signed: KeyPair; // CA-signed, SAN IP:127.0.0.2
  wrongHost: KeyPair; // CA-signed, SAN DNS:other.example
  selfSigned: KeyPair; // self-signed, SAN IP:127.0.0.2
  remove(): void;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'pmc-certs-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const signed = (name: string, san: string): KeyPair => {
    openssl('req', ...KEY, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
    writeFileSync(f(`${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      f(`${name}.crt`),
      '-extfile',
      f(`${name}.ext`),
    );
    return { key: readFileSync(f(`${name}.key`), 'utf8'), cert: readFileSync(f(`${name}.crt`), 'utf8') };
  };
  openssl(
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    f('self.key'),
    '-out',
    f('self.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=evil.example',
    '-addext',
    'subjectAltName=IP:127.0.0.2',
  );
  return {
    dir,
    caPath: f('ca.crt'),
    ca: readFileSync(f('ca.crt'), 'utf8'),
    signed: signed('server', 'IP:127.0.0.2'),
    wrongHost: signed('other', 'DNS:other.example'),
    selfSigned: { key: readFileSync(f('self.key'), 'utf8'), cert: readFileSync(f('self.crt'), 'utf8') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
