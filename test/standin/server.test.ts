// The wire-level behaviour: auth, transactions (§6), multi-statement queries, the statement log, fault
// injection, the HTTP control endpoint, extended-protocol reads.
import { Client } from 'pg';
import { standinControl } from './control';
import { startStandin, type Standin } from './index';
import { runSteps, session, type Session } from './testkit';

let mz: Standin;
let s: Session;
beforeAll(async () => {
  mz = await startStandin({ port: 0, password: 'pw123' });
  s = await session(mz.url, 'server-test');
}, 30_000);
afterAll(async () => {
  await s?.end();
  await mz?.close();
});

test('SCRAM auth: wrong password and unknown user are refused', async () => {
  for (const [user, password] of [
    ['materialize', 'nope'],
    ['alice', 'pw123'],
  ]) {
    const c = new Client({ host: '127.0.0.1', port: mz.port, user, password, database: 'materialize' });
    await expect(c.connect()).rejects.toThrow(`password authentication failed for user "${user}"`);
    await c.end().catch(() => {});
  }
});

test('session variables and the fresh catalog', async () => {
  await runSteps(s, [
    { sql: 'SHOW database', rows: [{ database: 'materialize' }] },
    { sql: 'SHOW search_path', rows: [{ search_path: 'public' }] },
    { sql: 'SELECT current_database() AS db', rows: [{ db: 'materialize' }] },
    { sql: 'SELECT name FROM mz_databases', rows: [{ name: 'materialize' }] },
    { sql: 'SELECT s.name FROM mz_schemas s JOIN mz_databases d ON d.id = s.database_id', rows: [{ name: 'public' }] },
    { sql: "SELECT name, rolsuper FROM mz_roles WHERE id LIKE 'u%'", rows: [{ name: 'materialize', rolsuper: true }] },
    { sql: 'SET application_name = other', tag: 'SET' },
    { sql: 'SHOW application_name', rows: [{ application_name: 'other' }] },
    { sql: "SET application_name = 'server-test'", tag: 'SET' },
    { sql: 'SET nonsense = 1', error: 'unrecognized configuration parameter "nonsense"' },
  ]);
});

test('§6: DDL in a multi-statement query is refused (25001)', async () => {
  await runSteps(s, [
    {
      sql: "CREATE SECRET a AS 'x'; CREATE SECRET b AS 'y'",
      code: '25001',
      // OperationProhibitsTransaction(stmt.to_string()): the statement itself (secret.slt, command_handler.rs).
      error: "CREATE SECRET a AS 'x' cannot be run inside a transaction block",
    },
    { sql: 'SELECT 1 AS one; SELECT 2 AS two', rows: [{ two: 2 }] },
  ]);
  expect((await s.ok("SELECT count(*)::int AS n FROM mz_secrets WHERE name IN ('a', 'b')")).rows[0].n).toBe(0);
});

test('§6: one DDL per explicit transaction, applied at COMMIT', async () => {
  await runSteps(s, [
    { sql: 'BEGIN', tag: 'BEGIN' },
    { sql: "CREATE CONNECTION t1 TO SSH TUNNEL (HOST 'h', USER 'u')", tag: 'CREATE CONNECTION' },
    {
      sql: "SELECT count(*)::int AS n FROM mz_connections WHERE name = 't1'",
      code: '25000',
      error: 'transactions which modify objects are restricted to just modifying objects',
    },
    { sql: 'COMMIT', tag: 'ROLLBACK' },
    { sql: 'BEGIN' },
    { sql: "CREATE CONNECTION t1 TO SSH TUNNEL (HOST 'h', USER 'u')" },
    {
      sql: "CREATE CONNECTION t2 TO SSH TUNNEL (HOST 'h', USER 'u')",
      code: '25000',
      error: 'this transaction can only execute a single statement',
    },
    { sql: 'ROLLBACK', tag: 'ROLLBACK' },
    { sql: 'BEGIN' },
    { sql: "CREATE CONNECTION t1 TO SSH TUNNEL (HOST 'h', USER 'u')" },
    { sql: 'COMMIT', tag: 'COMMIT' },
    { sql: "SELECT name FROM mz_connections WHERE name = 't1'", rows: [{ name: 't1' }] },
    // The newest secret.slt: CREATE SECRET is not accepted as the single statement of a transaction block.
    { sql: 'START TRANSACTION', tag: 'BEGIN' },
    {
      sql: "CREATE SECRET t_secret AS 'text'",
      code: '25001',
      error: "CREATE SECRET t_secret AS 'text' cannot be run inside a transaction block",
    },
    { sql: 'ROLLBACK', tag: 'ROLLBACK' },
    { sql: "CREATE SECRET s1 AS 'x'", tag: 'CREATE SECRET' },
    { sql: 'BEGIN' },
    {
      sql: "ALTER SECRET s1 AS 'y'",
      code: '25001',
      error: "ALTER SECRET s1 AS 'y' cannot be run inside a transaction block",
    },
    {
      sql: 'SELECT 1',
      code: '25P02',
      error: 'current transaction is aborted, commands ignored until end of transaction block',
    },
    { sql: 'ROLLBACK' },
    { sql: 'BEGIN' },
    {
      sql: 'VALIDATE CONNECTION x',
      code: '25001',
      error: 'VALIDATE CONNECTION x cannot be run inside a transaction block',
    },
    { sql: 'ROLLBACK' },
  ]);
});

test('parse errors come from Materialize parser (42601); unsupported statements are refused', async () => {
  await runSteps(s, [
    { sql: "CREATE SECRET x = 'y'", code: '42601', error: 'Expected AS, found equals sign' },
    { sql: 'CREATE TABLE t (a int)', code: '0A000', error: /not supported by the Materialize stand-in/ },
  ]);
});

test('extended protocol: parameterised catalog reads', async () => {
  await s.ok("CREATE SECRET ext AS 'v'");
  const r = await s.ok('SELECT name FROM mz_secrets WHERE name = $1', ['ext']);
  expect(r.rows).toEqual([{ name: 'ext' }]);
});

test('statement log: per session and application_name, with timings and errors', async () => {
  mz.clearLog();
  const other = await session(mz.url, 'other-app');
  await s.ok('SELECT 1');
  await s.run('SELECT nope');
  await other.ok("CREATE SECRET logged AS 'x'");
  await other.end();
  const log = mz.log();
  expect(log.map((e) => [e.applicationName, e.sql, e.ok])).toEqual([
    ['server-test', 'SELECT 1', true],
    ['server-test', 'SELECT nope', false],
    ['other-app', "CREATE SECRET logged AS 'x'", true],
  ]);
  expect(log[0].session).not.toBe(log[2].session);
  expect(log[1].code).toBe('42703');
  expect(log.every((e) => e.durationMs >= 0 && e.seq > 0)).toBe(true);
  const ctl = standinControl(mz.controlUrl);
  expect((await ctl.log({ applicationName: 'other-app' })).length).toBe(1);
  expect(mz.log().length).toBe(3); // control traffic is not logged
  expect(await ctl.secretValue('materialize', 'public', 'logged')).toBe('x');
  expect(await ctl.secretValue('materialize', 'public', 'missing')).toBeUndefined();
  expect((await ctl.stats()).connectionsOpened).toBeGreaterThanOrEqual(2);
});

test('faults: failNext, delayNext, latency, dropConnections (direct and over HTTP)', async () => {
  const ctl = standinControl(mz.controlUrl);
  await ctl.failNext(2, { code: '57P01', message: 'boom' });
  expect((await s.run('SELECT 1')).code).toBe('57P01');
  expect((await s.run('SELECT 1')).message).toBe('boom');
  expect((await s.run('SELECT 1')).ok).toBe(true);
  mz.faults.delayNext(1, 300);
  let t = Date.now();
  await s.ok('SELECT 1');
  expect(Date.now() - t).toBeGreaterThanOrEqual(280);
  await ctl.setLatency(100);
  t = Date.now();
  await s.ok('SELECT 1');
  expect(Date.now() - t).toBeGreaterThanOrEqual(90);
  await ctl.resetFaults();
  const victim = await session(mz.url, 'victim');
  await ctl.dropConnections();
  expect((await victim.run('SELECT 1')).ok).toBe(false);
  s = await session(mz.url, 'server-test');
  expect((await s.run('SELECT 1')).ok).toBe(true);
});
