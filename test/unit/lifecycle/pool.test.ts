// The pooled session: a clear error when Materialize is unreachable, and one connection reused across operations.
import { closeAllPools, withSession } from '../../../provider/lifecycle/pool';
import { resolveEndpoint } from '../../../provider/lifecycle/endpoint';
import { isRealMaterialize, materializeUrl } from '../../support/materialize';
import { standinControl } from '../../standin/control';
import { startStandin } from '../../standin';
import { CutProxy } from '../../services/cut-proxy';

afterAll(() => closeAllPools());

test('an unreachable Materialize is named, with where the settings come from', async () => {
  const e = resolveEndpoint({ host: '127.0.0.1', port: 1, username: 'me', connectTimeout: 2 }, {});
  await expect(withSession(e, async (s) => s.query('SELECT 1'))).rejects.toThrow(
    /^cannot connect to Materialize at 127\.0\.0\.1:1 \(database materialize, user me, sslmode disable, connectTimeout 2 s\): .*ECONNREFUSED.*Set materialize:host\/port\/username\/password \(stack config\), MZ_HOST and friends, or the resource's materialize input\.$/s,
  );
});

test('sessions reuse one pooled connection', async () => {
  const u = new URL(materializeUrl());
  const e = resolveEndpoint(
    {
      host: u.hostname,
      port: Number(u.port),
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    },
    {},
  );
  const before = isRealMaterialize() ? 0 : (await standinControl().stats()).connectionsOpened;
  const pids = new Set<unknown>();
  for (let i = 0; i < 3; i++)
    await withSession(e, async (s) => {
      const [row] = await s.query('SELECT pg_backend_pid() AS pid');
      pids.add(row.pid);
    });
  expect(pids.size).toBe(1);
  if (!isRealMaterialize()) expect((await standinControl().stats()).connectionsOpened - before).toBe(1);
});

test('a lost connection whose reconnect is refused reports the refusal, not a second release of the lost client', async () => {
  // A private stand-in: its latency and the cut must not reach other suites' statements.
  const mz = await startStandin({ port: 0, password: 'pool-test-password' });
  const proxy = await new CutProxy('127.0.0.1', mz.port).start();
  const e = resolveEndpoint(
    { host: '127.0.0.1', port: proxy.port, username: 'materialize', password: 'pool-test-password', connectTimeout: 5 },
    {},
  );
  try {
    await withSession(e, async (s) => s.query('SELECT 1'));
    mz.faults.setLatency(300);
    // The SELECT is under way when every connection is cut and new ones are refused: it is sent again (a read is
    // safe to repeat) on a new connection, which is refused.
    proxy.cutLater(100, 5_000);
    await expect(withSession(e, async (s) => s.query('SELECT 2'))).rejects.toThrow(
      /^cannot connect to Materialize at 127\.0\.0\.1:\d+ /,
    );
  } finally {
    await closeAllPools();
    await proxy.close();
    await mz.close();
  }
});
