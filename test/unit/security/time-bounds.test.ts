// Audit findings 3, 4 and 9: a server that stops answering cannot hang an operation, waiting for a pooled
// client is queueing and not an error, and connectTimeout is checked and belongs to the pool's identity.
import { dynamicProvider } from '../../../provider';
import { closeAllPools, poolFor, withSession } from '../../../provider/lifecycle/pool';
import { endpointProblems, resolveEndpoint } from '../../../provider/lifecycle/endpoint';
import { startStandin, type Standin } from '../../standin';
import { startHostile, type HostileServer } from '../../hostile/server';

const servers: HostileServer[] = [];
afterEach(async () => {
  await closeAllPools();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function hostile(opts: Parameters<typeof startHostile>[0]): Promise<HostileServer> {
  const s = await startHostile({ host: '127.0.0.1', auth: 'trust', ...opts });
  servers.push(s);
  return s;
}

async function elapsed<T>(p: Promise<T>): Promise<{ ms: number; error?: Error }> {
  const start = Date.now();
  try {
    await p;
    return { ms: Date.now() - start };
  } catch (error) {
    return { ms: Date.now() - start, error: error as Error };
  }
}

describe('a statement that gets no answer times out (finding 3)', () => {
  test('create: the error says what was running and that the state is unknown; the read-back runs on a fresh connection', async () => {
    const s = await hostile({ answer: (sql) => (sql.startsWith('CREATE') ? 'hang' : { rows: [] }) });
    const r = await elapsed(
      dynamicProvider('secret').create({
        name: 'hung',
        value: 'EnvModePassword',
        materialize: { host: s.host, port: s.port, statementTimeout: 1 },
      }),
    );
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(5000);
    expect(r.error?.message).toBe(
      'creating secret "materialize"."public"."hung": no answer within 1 s (statementTimeout); whether Materialize ' +
        "applied the statement is unknown, so the object's state is unknown",
    );
    expect((r.error as { id?: string }).id).toBeUndefined();
    // The pool's first session reads the environment id (once per pool), then the CREATE hangs.
    expect(s.statements).toHaveLength(3);
    expect(s.statements[0]).toBe('SELECT mz_environment_id() AS environment_id');
    expect(s.statements[1]).toBe(
      `CREATE SECRET "materialize"."public"."hung" AS decode('${Buffer.from('EnvModePassword').toString('base64')}', 'base64')`,
    );
    expect(s.statements[2]).toMatch(/^SELECT o\.id, o\.name, .*FROM mz_catalog\.mz_secrets o/s);
    // Two connections: the hung one was destroyed, not returned to the pool.
    expect(s.startups).toHaveLength(2);
  });

  test('a server that never speaks is bounded by connectTimeout', async () => {
    const s = await hostile({ silent: true });
    const r = await elapsed(
      withSession(resolveEndpoint({ host: s.host, port: s.port, connectTimeout: 1 }, {}), (q) => q.query('SELECT 1')),
    );
    expect(r.ms).toBeLessThan(4000);
    expect(r.error?.message).toMatch(
      new RegExp(
        `^cannot connect to Materialize at 127\\.0\\.0\\.1:${s.port} \\(database materialize, user materialize, sslmode disable, connectTimeout 1 s\\): .*timeout`,
      ),
    );
  });

  test('keepalive and the per-statement timeout are set on every connection, and configurable', () => {
    const e = resolveEndpoint({ host: 'localhost', keepaliveIdle: 10, statementTimeout: 42 }, {});
    const options = poolFor(e).options as unknown as Record<string, unknown>;
    expect(options).toMatchObject({ keepAlive: true, keepAliveInitialDelayMillis: 10_000, query_timeout: 42_000 });
    const defaults = poolFor(resolveEndpoint({ host: 'localhost' }, {})).options as unknown as Record<string, unknown>;
    expect(defaults).toMatchObject({
      keepAlive: true,
      keepAliveInitialDelayMillis: 60_000,
      query_timeout: 300_000,
      max: 8,
    });
  });
});

describe('connectTimeout is checked and part of the pool key (finding 9)', () => {
  test.each([
    [0, 'materialize.connectTimeout must be an integer from 1 to 3600 (seconds), got 0'],
    [-1, 'materialize.connectTimeout must be an integer from 1 to 3600 (seconds), got -1'],
    [1.5, 'materialize.connectTimeout must be an integer from 1 to 3600 (seconds), got 1.5'],
    ['soon', 'materialize.connectTimeout must be an integer from 1 to 3600 (seconds), got string "soon"'],
  ])('connectTimeout %j', (value, problem) => {
    expect(endpointProblems({ connectTimeout: value }, {})).toEqual([problem]);
  });

  test.each([
    ['MZ_CONNECT_TIMEOUT', '0', 'MZ_CONNECT_TIMEOUT must be an integer from 1 to 3600 (seconds), got "0"'],
    ['MZ_STATEMENT_TIMEOUT', 'soon', 'MZ_STATEMENT_TIMEOUT must be an integer from 1 to 86400 (seconds), got "soon"'],
    ['MZ_POOL_SIZE', '1e3', 'MZ_POOL_SIZE must be an integer from 1 to 100, got "1e3"'],
    ['MZ_PORT', 'abc', 'MZ_PORT must be an integer from 1 to 65535, got "abc"'],
  ])('%s=%s', (variable, value, problem) => {
    expect(endpointProblems(undefined, { [variable]: value })).toEqual([problem]);
  });

  test("one resource's timeout does not apply to another's connections", async () => {
    const s = await hostile({ silent: true });
    const slow = resolveEndpoint({ host: s.host, port: s.port, connectTimeout: 30 }, {});
    const quick = resolveEndpoint({ host: s.host, port: s.port, connectTimeout: 1 }, {});
    expect(poolFor(slow)).not.toBe(poolFor(quick));
    const r = await elapsed(withSession(quick, (q) => q.query('SELECT 1')));
    expect(r.error).toBeDefined();
    expect(r.ms).toBeLessThan(4000);
  });
});

describe('waiting for a pooled client is queueing (finding 4)', () => {
  let mz: Standin;
  beforeAll(async () => {
    mz = await startStandin({ port: 0 });
  });
  afterAll(() => mz.close());

  test('60 concurrent sessions on a pool of 2 with 200 ms statements and a 1 s connect timeout all succeed', async () => {
    mz.faults.setLatency(200);
    try {
      const e = resolveEndpoint(
        { host: '127.0.0.1', port: mz.port, password: 'materialize', poolSize: 2, connectTimeout: 1 },
        {},
      );
      const before = mz.connectionsOpened();
      const started = Date.now();
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) => withSession(e, (q) => q.query(`SELECT ${i} AS i`))),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(results.map((r) => (r as PromiseFulfilledResult<unknown>).value)).toEqual(
        Array.from({ length: 60 }, (_, i) => [{ i }]),
      );
      // 60 statements two at a time: about 30 × 200 ms, far past the 1 s connect timeout.
      expect(Date.now() - started).toBeGreaterThan(5000);
      expect(mz.connectionsOpened() - before).toBe(2);
    } finally {
      mz.faults.reset();
    }
  }, 30_000);
});
