// Audit findings 1 and 2, and the TLS rules of issue 13: sslmode is checked wherever it comes from, a host
// across a network gets verify-full by default, verify-ca checks the CA only, sslrootcert is honoured, and a
// password never goes in cleartext over an unencrypted connection to such a host. Real certificates, a
// hostile server that asks for the password in cleartext and records it.
import { closeAllPools, withSession } from '../../../provider/lifecycle/pool';
import {
  configureFromStack,
  endpointProblems,
  resetStackConfig,
  resolveEndpoint,
  type MaterializeEndpoint,
} from '../../../provider/lifecycle/endpoint';
import { makeCertificates, type TestCertificates } from '../../hostile/certs';
import { startHostile, type HostileServer } from '../../hostile/server';

let certs: TestCertificates;
const servers: HostileServer[] = [];
const PASSWORD = 'Sup3r-S3cret-App-Password';

beforeAll(() => {
  certs = makeCertificates();
});
afterEach(async () => {
  resetStackConfig();
  await closeAllPools();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => certs.remove());

async function hostile(cert?: 'signed' | 'wrongHost' | 'selfSigned', host?: string): Promise<HostileServer> {
  const s = await startHostile({ tls: cert && certs[cert], host, answer: () => ({ rows: [{ one: '1' }] }) });
  servers.push(s);
  return s;
}

/** One round trip through the provider's pool with these settings (and no MZ_* from the test machine). */
async function select(s: HostileServer, own: MaterializeEndpoint, env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  const e = resolveEndpoint({ host: s.host, port: s.port, password: PASSWORD, connectTimeout: 5, ...own }, env);
  return withSession(e, (session) => session.query('SELECT 1 AS one'));
}

const ACCEPTED = 'must be one of disable, require, verify-ca, verify-full';

describe('sslmode is validated wherever it comes from (finding 1)', () => {
  const bad = ['verify_full', 'VERIFY-FULL', 'verify-full ', 'prefer', 'allow', ''];

  test.each(bad.filter((v) => v !== ''))('MZ_SSLMODE=%j is refused, naming the accepted values', async (mode) => {
    const s = await hostile('selfSigned');
    expect(endpointProblems(undefined, { MZ_SSLMODE: mode })).toEqual([
      `MZ_SSLMODE ${ACCEPTED} (got ${JSON.stringify(mode)})`,
    ]);
    await expect(select(s, {}, { MZ_SSLMODE: mode })).rejects.toThrow(
      `invalid Materialize connection settings: MZ_SSLMODE ${ACCEPTED} (got ${JSON.stringify(mode)})`,
    );
    expect(s.startups).toEqual([]);
    expect(s.passwords).toEqual([]);
  });

  test.each(bad.filter((v) => v !== ''))('materialize:sslmode %j is refused', async (mode) => {
    const s = await hostile('selfSigned');
    configureFromStack({ config: { get: (k) => (k === 'materialize:sslmode' ? mode : undefined) } });
    expect(endpointProblems(undefined, {})).toEqual([`materialize:sslmode ${ACCEPTED} (got ${JSON.stringify(mode)})`]);
    await expect(select(s, {})).rejects.toThrow(`materialize:sslmode ${ACCEPTED}`);
    expect(s.passwords).toEqual([]);
  });

  test.each(bad)('the resource input sslmode %j is refused', (mode) => {
    expect(endpointProblems({ sslmode: mode }, {})).toEqual([
      `materialize.sslmode ${ACCEPTED} (got ${JSON.stringify(mode)})`,
    ]);
    expect(() => resolveEndpoint({ sslmode: mode }, {})).toThrow(`materialize.sslmode ${ACCEPTED}`);
  });
});

describe('a host across a network is verified by default (finding 2)', () => {
  test('no sslmode, self-signed certificate: refused before the password is sent', async () => {
    const s = await hostile('selfSigned');
    expect(resolveEndpoint({ host: s.host }, {}).sslmode).toBe('verify-full');
    await expect(select(s, {})).rejects.toThrow(/self[- ]signed certificate/);
    expect(s.passwords).toEqual([]);
  });

  test('sslrootcert as a path, as PEM text, or from MZ_SSLROOTCERT makes a private CA trusted', async () => {
    const s = await hostile('signed');
    await expect(select(s, { sslrootcert: certs.caPath })).resolves.toEqual([{ one: '1' }]);
    await expect(select(s, { sslrootcert: certs.ca })).resolves.toEqual([{ one: '1' }]);
    await expect(select(s, {}, { MZ_SSLROOTCERT: certs.caPath })).resolves.toEqual([{ one: '1' }]);
    // The third has the same settings as the first, so it reuses that pooled connection.
    expect(s.passwords).toEqual([PASSWORD, PASSWORD]);
    expect(s.tlsHandshakes).toBe(2);
  });

  test("a CA-signed certificate without the CA is refused (Node's trust store does not have it)", async () => {
    const s = await hostile('signed');
    await expect(select(s, {})).rejects.toThrow(/unable to verify the first certificate|local issuer/);
    expect(s.passwords).toEqual([]);
  });

  test('verify-full checks the host name; verify-ca checks the CA only, as in libpq', async () => {
    const s = await hostile('wrongHost');
    await expect(select(s, { sslrootcert: certs.caPath })).rejects.toThrow(
      /IP: 127\.0\.0\.2 is not in the cert's list/,
    );
    expect(s.passwords).toEqual([]);
    await expect(select(s, { sslrootcert: certs.caPath, sslmode: 'verify-ca' })).resolves.toEqual([{ one: '1' }]);
    expect(s.passwords).toEqual([PASSWORD]);
  });

  test('verify-ca still refuses a certificate no trusted CA signed', async () => {
    const s = await hostile('selfSigned');
    await expect(select(s, { sslrootcert: certs.caPath, sslmode: 'verify-ca' })).rejects.toThrow(/self[- ]signed/);
    expect(s.passwords).toEqual([]);
  });

  test('require encrypts without verifying, only when asked for', async () => {
    const s = await hostile('selfSigned');
    await expect(select(s, { sslmode: 'require' })).resolves.toEqual([{ one: '1' }]);
    expect(s.tlsHandshakes).toBe(1);
  });

  test('an unreadable sslrootcert or one with no certificate is an error, not a fallback', async () => {
    const s = await hostile('signed');
    await expect(select(s, { sslrootcert: `${certs.dir}/missing.pem` })).rejects.toThrow(
      `cannot read the sslrootcert file ${JSON.stringify(`${certs.dir}/missing.pem`)}: ENOENT`,
    );
    await expect(select(s, { sslrootcert: '-----BEGIN PRIVATE KEY-----\nx\n' })).rejects.toThrow(
      'sslrootcert (PEM text) holds no PEM certificate',
    );
    expect(s.startups).toEqual([]);
  });
});

describe('the password is never sent in cleartext across a network', () => {
  test('sslmode disable to a non-local host: a cleartext password request is refused', async () => {
    const s = await hostile(undefined);
    await expect(select(s, { sslmode: 'disable' })).rejects.toThrow(
      `the server at 127.0.0.2:${s.port} asked for the password in cleartext over an unencrypted connection; refused`,
    );
    expect(s.startups).toHaveLength(1);
    expect(s.passwords).toEqual([]);
  });

  test('a local host without TLS may still use a password (a local materialized)', async () => {
    const s = await hostile(undefined, '127.0.0.1');
    await expect(select(s, {})).resolves.toEqual([{ one: '1' }]);
    expect(s.passwords).toEqual([PASSWORD]);
  });
});
