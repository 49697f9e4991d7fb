// The probes read SSL MODE as Materialize does (materialize-semantics.md §1.10), so a verdict never blames a
// certificate Materialize would not check, nor passes one it would refuse (issue 18, item 6). PostgreSQL against a
// hostile server that offers TLS with a chosen certificate; MySQL's names through the same mapping.
import { tlsCheckOf } from '../../provider/diagnose/context';
import { diagnose, type Verdict } from '../../provider/diagnose';
import { makeCertificates, type TestCertificates } from '../hostile/certs';
import { startHostile, type HostileServer } from '../hostile/server';

jest.setTimeout(60_000);

let certs: TestCertificates;
const servers: HostileServer[] = [];
const PW = 'tls-mode-probe-password';
beforeAll(() => {
  certs = makeCertificates();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => certs.remove());

async function probe(cert: 'wrongHost' | 'selfSigned' | 'signed', sslMode: string) {
  const s = await startHostile({ tls: certs[cert], answer: () => ({ rows: [{ wal_level: 'logical' }] }) });
  servers.push(s);
  const v = (await diagnose({
    kind: 'postgres',
    args: {
      host: s.host,
      port: s.port,
      user: 'u',
      database: 'd',
      password: { name: 'pw' },
      sslMode,
      sslCertificateAuthority: certs.ca,
    },
    secrets: { pw: PW },
    budgetMs: 10_000,
  })) as Verdict;
  return { v, s };
}

const loggedIn = (v: Verdict, mode: string) =>
  v.checks.some((c) => c.check === `login as u (SSL MODE ${mode})` && c.status === 'ok');

describe('PostgreSQL', () => {
  test.each(['require', 'required'])(
    '%s encrypts and verifies nothing: a self-signed certificate passes',
    async (mode) => {
      const { v, s } = await probe('selfSigned', mode);
      expect(loggedIn(v, mode)).toBe(true);
      expect(s.passwords).toEqual([PW]);
    },
  );

  test.each(['verify-ca', 'verify_ca'])('%s checks the chain, not the name', async (mode) => {
    const other = await probe('wrongHost', mode);
    expect(loggedIn(other.v, mode)).toBe(true);
    const self = await probe('selfSigned', mode);
    expect(self.v.step).toBe('TLS');
    expect(self.s.passwords).toEqual([]);
  });

  test.each(['verify-full', 'verify_full'])('%s checks the chain and the name', async (mode) => {
    const other = await probe('wrongHost', mode);
    expect(other.v.step).toBe('TLS');
    expect(other.s.passwords).toEqual([]);
    const good = await probe('signed', mode);
    expect(loggedIn(good.v, mode)).toBe(true);
  });

  test('a mode Materialize refuses (it is case-sensitive for PostgreSQL) is a configuration failure, not verify-full', async () => {
    const { v, s } = await probe('signed', 'REQUIRE');
    expect(v).toMatchObject({
      ok: false,
      step: 'configuration',
      observed: 'SSL MODE "REQUIRE" is not one Materialize accepts for PostgreSQL',
    });
    expect(s.passwords).toEqual([]);
  });
});

test('MySQL: every spelling Materialize accepts, case-insensitive, - or _', () => {
  const cases: Record<string, string> = {
    DISABLED: 'none',
    REQUIRED: 'encrypt',
    require: 'encrypt',
    VERIFY_CA: 'chain',
    'verify-ca': 'chain',
    VERIFY_IDENTITY: 'full',
    'Verify-Identity': 'full',
  };
  for (const [mode, check] of Object.entries(cases)) expect([mode, tlsCheckOf('mysql', mode)]).toEqual([mode, check]);
  expect(() => tlsCheckOf('mysql', 'verify-full')).toThrow(
    'SSL MODE "verify-full" is not one Materialize accepts for MySQL',
  );
});
