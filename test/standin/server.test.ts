// The wire-level behaviour: auth, transactions (§6), multi-statement queries, the statement log, fault
// injection, the HTTP control endpoint, extended-protocol reads.
import net from 'node:net';
import { Client, type QueryConfig } from 'pg';
import { standinControl } from './control';
import { startStandin, type Standin } from './index';
import { quoteIdent, quoteLiteral } from './names';
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

test('extended protocol: SELECTs are prepared once and shared, clients keep their own statement names', async () => {
  const clients = await Promise.all(
    [0, 1, 2].map(async () => {
      const c = new Client({ connectionString: mz.url });
      await c.connect();
      return c;
    }),
  );
  try {
    for (const n of ['sh_a', 'sh_b', 'sh_c']) await s.ok(`CREATE SECRET "${n}" AS 'v'`);
    // Each client's statement "mine" is a different SELECT; the same text with another statement name is shared.
    const texts = [
      'SELECT name FROM mz_secrets WHERE name = $1',
      "SELECT name || '!' AS name FROM mz_secrets WHERE name = $1",
      'SELECT upper(name) AS name FROM mz_secrets WHERE name = $1',
    ];
    const expected = (k: number, n: string) => [n, `${n}!`, n.toUpperCase()][k];
    // Interleaved, concurrent, named and unnamed: every answer is the asking client's own query's.
    for (let round = 0; round < 3; round++)
      await Promise.all(
        clients.flatMap((c, k) =>
          ['sh_a', 'sh_b', 'sh_c'].map(async (n, i) => {
            const q =
              (i + round) % 2 === 0 ? { name: 'mine', text: texts[k], values: [n] } : { text: texts[k], values: [n] };
            expect((await c.query(q)).rows).toEqual([{ name: expected(k, n) }]);
          }),
        ),
      );
    // A plan prepared before a catalog change sees the change.
    await s.ok("CREATE SECRET sh_d AS 'v'");
    expect((await clients[1].query({ name: 'mine', text: texts[1], values: ['sh_d'] })).rows).toEqual([
      { name: 'sh_d!' },
    ]);
    // Postgres refuses a second Parse of a named statement that exists.
    await expect(clients[0].query({ name: 'dup', text: 'SELECT 1 AS a', values: [] })).resolves.toBeDefined();
    const dup = new Client({ connectionString: mz.url });
    await dup.connect();
    try {
      await dup.query({ name: 'twice', text: 'SELECT $1::text AS a', values: ['x'] });
      // pg caches its named statements; a fresh name object with another text makes it Parse again.
      await expect(dup.query({ name: 'twice', text: 'SELECT $1::text AS b', values: ['x'] })).rejects.toThrow(
        'Prepared statements must be unique',
      );
    } finally {
      await dup.end();
    }
    // More distinct SELECTs than stay prepared: a client's earlier statement still answers.
    for (let i = 0; i < 300; i++) await clients[2].query(`SELECT ${i} + $1::int AS n`, [1]);
    expect((await clients[0].query({ name: 'mine', text: texts[0], values: ['sh_a'] })).rows).toEqual([
      { name: 'sh_a' },
    ]);
    // DISCARD and DEALLOCATE would reset the one engine session every client shares: refused, nothing reset.
    for (const sql of ['DISCARD ALL', 'DEALLOCATE ALL'])
      await expect(clients[1].query(sql)).rejects.toMatchObject({
        code: '0A000',
        message: `${sql.split(' ')[0]} is not supported by the Materialize stand-in`,
      });
    expect((await clients[0].query({ name: 'mine', text: texts[0], values: ['sh_b'] })).rows).toEqual([
      { name: 'sh_b' },
    ]);
    expect((await clients[2].query(texts[2], ['sh_c'])).rows).toEqual([{ name: 'SH_C' }]);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
});

test('extended protocol: the replies of one cycle go out in one write, at Sync', async () => {
  const c = new Client({ connectionString: mz.url });
  await c.connect();
  // Every socket write in this process goes through _writeGeneric (one call per write or writev); the server's
  // are those not made by this client's socket.
  const proto = net.Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
  const original = proto._writeGeneric;
  const client = (c as unknown as { connection: { stream: net.Socket } }).connection.stream;
  let serverWrites = 0;
  proto._writeGeneric = function (this: net.Socket, ...args: unknown[]) {
    if (this !== client) serverWrites++;
    return original.apply(this, args);
  };
  try {
    const queries: QueryConfig[] = [
      { text: 'SELECT name FROM mz_secrets WHERE name = $1', values: ['ext'] },
      { name: 'one_write', text: 'SELECT $1::int + 1 AS n', values: [1] },
      { name: 'one_write', text: 'SELECT $1::int + 1 AS n', values: [2] },
      { text: "CREATE SECRET one_write_s AS 'x'", values: [] },
    ];
    for (const q of queries) {
      serverWrites = 0;
      await c.query(q);
      expect(serverWrites).toBe(1);
    }
  } finally {
    proto._writeGeneric = original;
    await c.end();
  }
});

test('extended protocol: replies larger than the socket buffer are not held back until the client gives up', async () => {
  const c = new Client({ connectionString: mz.url, query_timeout: 10_000 });
  await c.connect();
  try {
    // From a few kilobytes to far past the socket's buffer (16 KiB), named and unnamed, one after another.
    for (const kb of [1, 15, 16, 17, 40, 200, 1000]) {
      const text = 'SELECT repeat($1::text, $2::int) AS r FROM generate_series(1, 4)';
      const want = Array.from({ length: 4 }, () => ({ r: 'x'.repeat(kb * 256) }));
      expect((await c.query(text, ['x', kb * 256])).rows).toEqual(want);
      expect((await c.query({ name: `big_${kb}`, text, values: ['x', kb * 256] })).rows).toEqual(want);
    }
  } finally {
    await c.end();
  }
});

test('the catalog projection keeps any text: quotes, backslashes, dollar signs, unicode', async () => {
  const odd = `it's \\ "odd" $1 ☃ \\'`;
  const ident = quoteIdent(odd);
  await s.ok(`CREATE SECRET ${ident} AS 'v'`);
  await s.ok(`COMMENT ON SECRET ${ident} IS ${quoteLiteral(odd)}`);
  const kafkaIdent = quoteIdent(`${odd} k`);
  await s.ok(
    `CREATE CONNECTION ${kafkaIdent} TO KAFKA (BROKER ${quoteLiteral(odd)}, SECURITY PROTOCOL PLAINTEXT) WITH (VALIDATE = false)`,
  );
  const secret = await s.ok(
    'SELECT o.name, c.comment FROM mz_secrets o JOIN mz_internal.mz_comments c ON c.id = o.id WHERE o.name = $1',
    [odd],
  );
  expect(secret.rows).toEqual([{ name: odd, comment: odd }]);
  const kafka = await s.ok(
    'SELECT k.brokers FROM mz_connections o JOIN mz_kafka_connections k ON k.id = o.id WHERE o.name = $1',
    [`${odd} k`],
  );
  expect(kafka.rows).toEqual([{ brokers: [odd] }]);
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
