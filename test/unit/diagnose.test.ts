// Diagnostics without servers: the `diagnose` input's rules, the MySQL binlog/GTID and grant readings (MySQL
// variables that MariaDB cannot produce), secret lookup, the verdict's text and scrubbing, and mz-diagnose's
// usage, JSON mode and catalog mode (against the stand-in, upstreams on closed ports).
import * as net from 'node:net';
import { Client } from 'pg';
import { main, USAGE } from '../../provider/diagnose/cli';
import { secretValue } from '../../provider/diagnose/context';
import { diagnose, PROBED_KINDS } from '../../provider/diagnose/index';
import { binlogFindings, replicationGrants } from '../../provider/diagnose/mysql';
import { hostPort } from '../../provider/diagnose/net';
import { formatVerdict, scrubVerdict, UNREACHABLE_NOTE, type Verdict } from '../../provider/diagnose/verdict';
import { DIAGNOSED_KINDS, diagnoseFailures } from '../../provider/diagnose/wiring';
import { isRealMaterialize, materializeUrl } from '../support/materialize';

describe('the diagnose input', () => {
  test.each([
    [undefined, []],
    [true, []],
    [false, []],
    [{ timeoutMs: 2000, secrets: { a: 'x' }, sshPrivateKey: 'k' }, []],
    ['yes', ['diagnose must be true, false or { timeoutMs?, secrets?, sshPrivateKey?, sshHostKeySha256? }']],
    [{ budget: 1 }, ['diagnose has no option budget (it takes timeoutMs, secrets, sshPrivateKey, sshHostKeySha256)']],
    [{ timeoutMs: 99 }, ['diagnose.timeoutMs must be an integer from 100 to 30000']],
    [{ timeoutMs: 1.5 }, ['diagnose.timeoutMs must be an integer from 100 to 30000']],
    [{ secrets: { a: 1 } }, ['diagnose.secrets must map secret names to their values (strings)']],
    [{ sshPrivateKey: 3 }, ['diagnose.sshPrivateKey must be a private key (PEM or OpenSSH text)']],
    [{ sshHostKeySha256: `SHA256:${'A'.repeat(43)}` }, []],
    [
      { sshHostKeySha256: 'ssh-ed25519 AAAA' },
      [
        'diagnose.sshHostKeySha256 must be a SHA256 fingerprint as ssh-keygen -lf prints it (SHA256: and 43 base64 characters)',
      ],
    ],
  ])('%j', (value, reasons) => {
    expect(diagnoseFailures(value)).toEqual(reasons.map((reason) => ({ property: 'diagnose', reason })));
  });

  test('the kinds the provider diagnoses are the kinds with a probe', () => {
    expect([...DIAGNOSED_KINDS].sort()).toEqual([...PROBED_KINDS].sort());
  });
});

describe('MySQL readings', () => {
  const mysql8 = {
    log_bin: 'ON',
    binlog_format: 'ROW',
    binlog_row_image: 'FULL',
    gtid_mode: 'ON',
    enforce_gtid_consistency: 'ON',
  };
  test('MySQL 8 with everything Materialize needs', () => {
    expect(binlogFindings('8.0.36', mysql8).map((f) => [f.check, f.ok])).toEqual([
      ['log_bin', true],
      ['binlog_format', true],
      ['binlog_row_image', true],
      ['gtid_mode', true],
      ['enforce_gtid_consistency', true],
    ]);
  });
  test('GTIDs off, enforce_gtid_consistency WARN', () => {
    const f = binlogFindings('8.0.36', { ...mysql8, gtid_mode: 'OFF_PERMISSIVE', enforce_gtid_consistency: 'WARN' });
    expect(f.filter((x) => !x.ok).map((x) => x.detail)).toEqual([
      'gtid_mode is OFF_PERMISSIVE',
      'enforce_gtid_consistency is WARN',
    ]);
    expect(f[3].change).toBe(
      'set gtid_mode = ON (MySQL steps it up one value at a time: OFF_PERMISSIVE, ON_PERMISSIVE, ON for gtid_mode)',
    );
  });
  test('binary log off', () => {
    const f = binlogFindings('5.7.44-log', { ...mysql8, log_bin: 'OFF' });
    expect(f[0]).toEqual({
      check: 'log_bin',
      ok: false,
      detail: 'log_bin is OFF',
      change: 'turn the binary log on (log_bin, and a server_id) and restart the server',
    });
  });
  test('MariaDB: no MySQL GTIDs, whatever its own settings', () => {
    const f = binlogFindings('10.11.6-MariaDB', {
      log_bin: 'ON',
      binlog_format: 'ROW',
      binlog_row_image: 'FULL',
      gtid_strict_mode: 'ON',
    });
    expect(f.map((x) => [x.check, x.ok])).toEqual([
      ['log_bin', true],
      ['binlog_format', true],
      ['binlog_row_image', true],
      ['GTIDs', false],
    ]);
    expect(f[3].detail).toContain('gtid_strict_mode is ON');
  });
  test.each([
    [['GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `mz`@`%`'], []],
    [['GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `mz`@`%`'], []],
    [["GRANT REPLICATION REPLICA, REPLICATION CLIENT ON *.* TO 'mz'@'%'"], []],
    [["GRANT ALL PRIVILEGES ON *.* TO `mz`@`%` IDENTIFIED BY PASSWORD '*A'"], []],
    [
      ['GRANT USAGE ON *.* TO `mz`@`%`', 'GRANT ALL PRIVILEGES ON `shop`.* TO `mz`@`%`'],
      ['REPLICATION SLAVE', 'REPLICATION CLIENT'],
    ],
    [['GRANT REPLICATION CLIENT ON *.* TO `mz`@`%`'], ['REPLICATION SLAVE']],
  ])('grants %j miss %j', (grants, missing) => {
    expect(replicationGrants(grants)).toEqual({ ok: missing.length === 0, missing });
  });
});

test('secret lookup: the most qualified name wins; a reference defaults to the connection schema', () => {
  const secrets = { pw: 'bare', 'sales.pw': 'schema', 'prod.sales.pw': 'full' };
  expect(secretValue({ name: 'pw' }, secrets, { schemaName: 'sales', databaseName: 'prod' })).toBe('full');
  expect(secretValue({ name: 'pw' }, secrets, { schemaName: 'sales' })).toBe('schema');
  expect(secretValue({ name: 'pw', schemaName: 'other' }, secrets, {})).toBe('bare');
  expect(secretValue({ name: 'nope' }, secrets, {})).toBeUndefined();
});

test('hostPort', () => {
  expect(hostPort('b1:9093', 9092)).toEqual({ host: 'b1', port: 9093 });
  expect(hostPort('b1', 9092)).toEqual({ host: 'b1', port: 9092 });
  expect(hostPort('[::1]:29092', 9092)).toEqual({ host: '::1', port: 29092 });
});

test('the verdict as text, with secrets scrubbed (also in base64)', () => {
  const v: Verdict = {
    kind: 'postgres',
    target: 'db:5432',
    via: 'mz@bastion:22',
    ok: false,
    step: 'auth',
    observed: 'password "s3cret-v" rejected; header czNjcmV0LXY=',
    change: 'check PASSWORD',
    checks: [
      { check: 'TCP db:5432 from the bastion', status: 'ok' },
      { check: 'login as u (SSL MODE disable)', status: 'failed', detail: 'password "s3cret-v" rejected' },
    ],
    note: UNREACHABLE_NOTE,
  };
  expect(formatVerdict(scrubVerdict(v, ['s3cret-v']))).toBe(
    [
      'Diagnosis: from this machine, postgres at db:5432 through the SSH tunnel mz@bastion:22 fails at step auth.',
      '  observed: password "********" rejected; header ********',
      '  change:   check PASSWORD',
      '  [ok] TCP db:5432 from the bastion',
      '  [failed] login as u (SSL MODE disable): password "********" rejected',
      `  note: ${UNREACHABLE_NOTE}`,
    ].join('\n'),
  );
});

describe('the budget', () => {
  // A server that accepts connections and never answers: each probe must give up within its budget and say
  // at which step it was waiting.
  let silent: net.Server;
  let port: number;
  const held: net.Socket[] = [];
  beforeAll(async () => {
    silent = net.createServer((sock) => held.push(sock.on('error', () => undefined)));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    port = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    held.forEach((s) => s.destroy());
    await new Promise((r) => silent.close(r));
  });

  test.each([
    ['kafka', { brokers: [`127.0.0.1:PORT`], securityProtocol: 'PLAINTEXT' }, 'TLS', 'first request (ApiVersions)'],
    [
      'postgres',
      { host: '127.0.0.1', port: 'PORT', user: 'u', database: 'd' },
      'auth',
      'login as u (SSL MODE disable)',
    ],
    ['mysql', { host: '127.0.0.1', port: 'PORT', user: 'u' }, 'auth', 'login as u (SSL MODE disabled)'],
    ['confluent-schema-registry', { url: 'http://127.0.0.1:PORT' }, 'auth', 'GET /subjects'],
  ] as const)('%s answers within its budget', async (kind, args, step, during) => {
    const withPort = JSON.parse(JSON.stringify(args).replace(/"PORT"|PORT/g, String(port)));
    const started = Date.now();
    const v = await diagnose({ kind, args: withPort, budgetMs: 700 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(v).toMatchObject({ ok: false, step, observed: `no answer within 700 ms (during: ${during})` });
  });
});

describe('mz-diagnose', () => {
  let closed: number;
  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const lines: string[] = [];
    const code = await main(argv, env, (s) => lines.push(s));
    return { code, out: lines.join('\n') };
  };
  beforeAll(async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closed = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
  });

  test('usage errors exit 2 with the usage', async () => {
    expect(await run([])).toEqual({
      code: 2,
      out: `mz-diagnose: give exactly one of --json, --json-file, --name\n\n${USAGE}`,
    });
    expect((await run(['--json', '{"kind":"kafka","args":{}}', '--timeout', '5'])).out).toContain(
      '--timeout must be an integer from 100 to 30000',
    );
    expect((await run(['--json', '{"kind":"nope","args":{}}'])).out).toMatch(
      /^mz-diagnose: "kind" must be one of aws, /,
    );
    expect((await run(['--json', '{}'], { MZ_DIAGNOSE_SECRETS: '[1' })).out).toMatch(/MZ_DIAGNOSE_SECRETS must be/);
    expect((await run(['--help'])).code).toBe(0);
  });

  test('a kind without a probe exits 3', async () => {
    expect(await run(['--json', '{"kind":"aws","args":{"region":"us-east-1"}}'])).toEqual({
      code: 3,
      out: 'mz-diagnose: there is no probe for aws connections (probes: kafka, confluent-schema-registry, postgres, mysql, ssh-tunnel)',
    });
  });

  test('JSON mode: a failing step exits 1; --format json is the verdict; secret values stay out', async () => {
    const json = JSON.stringify({
      kind: 'postgres',
      args: { host: '127.0.0.1', port: closed, user: 'u', password: { name: 'pw' }, database: 'd' },
    });
    const r = await run(['--json', json, '--format', 'json'], { MZ_DIAGNOSE_SECRETS: '{"pw":"cli-secret-77"}' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({
      kind: 'postgres',
      target: `127.0.0.1:${closed}`,
      ok: false,
      step: 'TCP',
      observed: `nothing accepts connections on 127.0.0.1:${closed} (ECONNREFUSED)`,
      change: `check the port (${closed}) and that the server listens on 127.0.0.1`,
      checks: [
        {
          check: `TCP 127.0.0.1:${closed}`,
          status: 'failed',
          detail: `nothing accepts connections on 127.0.0.1:${closed} (ECONNREFUSED)`,
        },
      ],
      note: UNREACHABLE_NOTE,
    });
  });

  (isRealMaterialize() ? test.skip : test)(
    'catalog mode: the connection and its SSH tunnel are read by name',
    async () => {
      const c = new Client({ connectionString: materializeUrl() });
      await c.connect();
      try {
        await c.query('DROP SCHEMA IF EXISTS diag_cli CASCADE');
        await c.query('CREATE SCHEMA diag_cli');
        await c.query(`CREATE CONNECTION diag_cli.jump TO SSH TUNNEL (HOST '127.0.0.1', PORT ${closed}, USER 'ops')`);
        await c.query(
          `CREATE CONNECTION diag_cli.pg TO POSTGRES (HOST 'db.internal', USER 'u', DATABASE 'd', SSH TUNNEL diag_cli.jump) WITH (VALIDATE = false)`,
        );
        const r = await run(['--name', 'pg', '--schema', 'diag_cli', '--url', materializeUrl()], {
          MZ_DIAGNOSE_SSH_KEY: 'unused: the bastion is not reachable',
        });
        expect(r.code).toBe(1);
        expect(r.out.split('\n').slice(0, 3)).toEqual([
          `Diagnosis: from this machine, postgres at db.internal:5432 through the SSH tunnel ops@127.0.0.1:${closed} fails at step TCP.`,
          `  observed: nothing accepts connections on 127.0.0.1:${closed} (ECONNREFUSED)`,
          `  change:   check the port (${closed}) and that the server listens on 127.0.0.1`,
        ]);
        const missing = await run(['--name', 'nope', '--schema', 'diag_cli', '--url', materializeUrl()]);
        expect(missing.code).toBe(2);
        expect(missing.out).toContain('no connection materialize.diag_cli.nope in the catalog');
      } finally {
        await c.query('DROP SCHEMA IF EXISTS diag_cli CASCADE');
        await c.end();
      }
    },
  );
});
