// mz-diagnose --name reads Materialize with the provider's own endpoint settings (issue 18, item 4): no PG*
// fallback, no cleartext password across a network, MZ_SSLROOTCERT, connect and statement timeouts within the
// budget; and the command exits once its verdict is written, whatever sockets a probe's client library keeps.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { main } from '../../provider/diagnose/cli';
import { makeCertificates, type TestCertificates } from '../hostile/certs';
import { startHostile, type HostileServer } from '../hostile/server';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
let certs: TestCertificates;
const servers: HostileServer[] = [];
const PG_ENV_PASSWORD = 'from-PGPASSWORD-not-to-be-sent';
const MZ_PASSWORD = 'mz-diagnose-password-9';

beforeAll(() => {
  certs = makeCertificates();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => certs.remove());

async function hostile(opts: Parameters<typeof startHostile>[0]): Promise<HostileServer> {
  const s = await startHostile({ answer: () => ({ rows: [] }), ...opts });
  servers.push(s);
  return s;
}

async function run(env: NodeJS.ProcessEnv, extra: string[] = []): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await main(['--name', 'conn', ...extra], env, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
}

test('PGPASSWORD is never sent when MZ_PASSWORD is unset', async () => {
  const s = await hostile({ host: '127.0.0.1' });
  const saved = process.env.PGPASSWORD;
  process.env.PGPASSWORD = PG_ENV_PASSWORD;
  try {
    const r = await run({ MZ_HOST: s.host, MZ_PORT: String(s.port), MZ_SSLMODE: 'disable' });
    expect(r.code).toBe(2);
    expect(r.text).toContain('PGPASSWORD and ~/.pgpass are not read');
  } finally {
    if (saved === undefined) delete process.env.PGPASSWORD;
    else process.env.PGPASSWORD = saved;
  }
  expect(s.passwords).toEqual([]);
});

test('a cleartext password request over an unencrypted connection to another host is refused', async () => {
  const s = await hostile({});
  const r = await run({ MZ_HOST: s.host, MZ_PORT: String(s.port), MZ_SSLMODE: 'disable', MZ_PASSWORD });
  expect(r.code).toBe(2);
  expect(r.text).toContain('asked for the password in cleartext over an unencrypted connection; refused');
  expect(s.passwords).toEqual([]);
});

test('an invalid MZ_SSLMODE is refused before connecting', async () => {
  const s = await hostile({});
  const r = await run({ MZ_HOST: s.host, MZ_PORT: String(s.port), MZ_SSLMODE: 'prefer', MZ_PASSWORD });
  expect(r.code).toBe(2);
  expect(r.text).toContain('MZ_SSLMODE');
  expect(s.startups).toEqual([]);
});

test.each([
  ['MZ_SSLROOTCERT', (caPath: string, port: number) => ({ env: { MZ_SSLROOTCERT: caPath }, url: undefined, port })],
  [
    '--url ?sslrootcert=',
    (caPath: string, port: number) => ({
      env: {},
      url: `postgres://materialize:${MZ_PASSWORD}@127.0.0.2:${port}/materialize?sslmode=verify-full&sslrootcert=${encodeURIComponent(caPath)}`,
      port,
    }),
  ],
])('%s: the server is verified against that CA, and the password goes over TLS', async (_how, make) => {
  const s = await hostile({ tls: certs.signed });
  const { env, url } = make(certs.caPath, s.port);
  const r = await run(
    { MZ_HOST: s.host, MZ_PORT: String(s.port), MZ_SSLMODE: 'verify-full', MZ_PASSWORD, ...env },
    url ? ['--url', url] : [],
  );
  // Connected and asked the catalog: the hostile server knows no connection.
  expect(r.text).toContain('no connection materialize.public.conn in the catalog');
  expect(s.passwords).toEqual([MZ_PASSWORD]);
  expect(s.tlsHandshakes).toBe(1);
});

test('without the CA, verify-full refuses the unknown certificate and sends no password', async () => {
  const s = await hostile({ tls: certs.signed });
  const r = await run({ MZ_HOST: s.host, MZ_PORT: String(s.port), MZ_SSLMODE: 'verify-full', MZ_PASSWORD });
  expect(r.code).toBe(2);
  expect(r.text).toMatch(/certificate/);
  expect(s.passwords).toEqual([]);
});

test('a silent Materialize: the connect timeout is at most the budget, and says so', async () => {
  const s = await hostile({ silent: true });
  const r = await run({ MZ_HOST: s.host, MZ_PORT: String(s.port), MZ_SSLMODE: 'disable', MZ_PASSWORD }, [
    '--timeout',
    '2000',
  ]);
  expect(r.code).toBe(2);
  expect(r.text).toContain('connectTimeout 2 s');
});

test('the command exits once the verdict is written, although the Kafka client keeps its socket', async () => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  try {
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'lib/provider/diagnose/cli.js'),
        '--json',
        JSON.stringify({ kind: 'kafka', args: { brokers: [`127.0.0.1:${port}`] } }),
        '--timeout',
        '1000',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // Only a bound for a hang (the test's own failure), not a measurement.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('exit', (c, sig) => resolve([c, sig])),
    );
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(code).toBe(1);
    expect(out).toContain('Diagnosis: from this machine, kafka at 127.0.0.1:');
  } finally {
    silent.close();
  }
});
