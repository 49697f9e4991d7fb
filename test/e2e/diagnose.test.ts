// Diagnostics through the real dynamic-provider server: a connection Materialize rejects at create or update
// (validation, SQLSTATE 58000) comes back with the probe's verdict; `diagnose: false` turns it off; other
// errors get none; the probe's secrets are stored encrypted. Needs no services: the upstream is a closed port.
import * as net from 'node:net';
import * as mz from '../../sdk';
import { EngineError, type Engine } from '../engine';
import { isRealMaterialize } from '../support/materialize';
import { startE2E, type E2E } from './harness';

const schema = 'e2e_diagnose';
const q = (name: string) => `"materialize"."${schema}"."${name}"`;
let e2e: E2E;
let engine: Engine;
let closedPort: number;

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(
    () => new Error('expected the run to fail'),
    (err) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

beforeAll(async () => {
  e2e = await startE2E(schema);
  engine = e2e.engine;
  // A port that was just free: nothing listens there.
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closedPort = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
}, 60_000);
afterAll(async () => {
  await engine?.destroy().catch(() => undefined);
  await e2e?.close();
});
afterEach(async () => {
  await engine.destroy().catch(() => undefined);
});

const kafka = (broker: string, extra: Partial<mz.KafkaConnectionArgs> = {}) =>
  new mz.KafkaConnection('k', {
    name: 'k',
    schemaName: schema,
    brokers: [broker],
    securityProtocol: 'PLAINTEXT',
    ...extra,
  });

(isRealMaterialize() ? test.skip : test)(
  "a create Materialize rejects shows the probe's verdict under Materialize's error, and leaves nothing",
  async () => {
    const broker = `127.0.0.1:${closedPort}`;
    const started = Date.now();
    const err = await failure(engine.up(() => void kafka(broker)));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(err.message).toContain(`creating KAFKA connection ${q('k')}: Meta data fetch error`);
    expect(err.message).toContain('(SQLSTATE 58000)');
    expect(err.message).toContain(`Diagnosis: from this machine, kafka at ${broker} fails at step TCP.`);
    expect(err.message).toContain(`  observed: nothing accepts connections on ${broker} (ECONNREFUSED)`);
    expect(err.message).toContain(
      `  change:   check the port (${closedPort}) and that the server listens on 127.0.0.1`,
    );
    expect(err.message).toContain(`  [failed] TCP ${broker}: nothing accepts connections on ${broker} (ECONNREFUSED)`);
    expect(err.message).toContain(
      '  note: This may be expected: Materialize may reach this host through AWS PrivateLink',
    );
    expect(await e2e.sql(`SELECT name FROM mz_connections WHERE name = 'k'`)).toEqual([]);
  },
);

test("diagnose: false leaves Materialize's error alone", async () => {
  const err = await failure(engine.up(() => void kafka(`127.0.0.1:${closedPort}`, { diagnose: false })));
  expect(err.message).toContain('Meta data fetch error');
  expect(err.message).not.toContain('Diagnosis:');
});

test('an update Materialize rejects shows the verdict too; the probe secrets are stored encrypted', async () => {
  await engine.up(() => void kafka(`127.0.0.1:${closedPort}`, { validate: false }));
  const err = await failure(
    engine.up(
      () =>
        void kafka(`localhost:${closedPort}`, {
          validate: true,
          diagnose: { timeoutMs: 3000, secrets: { unused: 'probe-secret-0c1d' } },
        }),
    ),
  );
  expect(err.message).toMatch(/ALTER CONNECTION .* SET \(BROKERS = \('localhost:\d+'\)\).*: Meta data fetch error/s);
  expect(err.message).toContain(`Diagnosis: from this machine, kafka at localhost:${closedPort} fails at step TCP.`);
  expect(err.message).toMatch(/\[ok\] DNS localhost: (127\.0\.0\.1|::1)\n/);
  expect(err.message).not.toContain('probe-secret-0c1d');
  expect(JSON.stringify(engine.state)).not.toContain('probe-secret-0c1d');
  expect(engine.logs.join('\n')).not.toContain('probe-secret-0c1d');
});

test('an error that is not a validation failure gets no verdict', async () => {
  await e2e.sql(
    `CREATE CONNECTION ${q('k')} TO KAFKA (BROKER 'b:9092', SECURITY PROTOCOL PLAINTEXT) WITH (VALIDATE = false)`,
  );
  try {
    const err = await failure(engine.up(() => void kafka(`127.0.0.1:${closedPort}`)));
    expect(err.message).toContain('already exists');
    expect(err.message).not.toContain('Diagnosis:');
  } finally {
    await e2e.sql(`DROP CONNECTION IF EXISTS ${q('k')}`);
  }
});

test('a bad diagnose input fails check before any SQL', async () => {
  const err = await failure(
    engine.up(() => void kafka('b:9092', { diagnose: { timeoutMs: 99_999 } as never, validate: false })),
  );
  expect(err.message).toContain('diagnose.timeoutMs must be an integer from 100 to 30000');
  expect(await e2e.sql(`SELECT name FROM mz_connections WHERE name = 'k'`)).toEqual([]);
});
