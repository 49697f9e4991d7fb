// Audit findings 5 and 6: a connection dropped at every step of create, update and delete neither crashes the
// provider nor leaves an object Pulumi does not know about. The stand-in's faults: `dropAfterNext` (the
// statement takes effect and its reply is lost) and `delayNext` + `dropConnections` (dropped in flight).
import { Client } from 'pg';
import { dynamicProvider } from '../../../provider';
import { closeAllPools, withSession } from '../../../provider/lifecycle/pool';
import { resolveEndpoint } from '../../../provider/lifecycle/endpoint';
import { startStandin, type Standin } from '../../standin';

jest.setTimeout(30_000);

let mz: Standin;
const APP = 'pulumi-materialize-connections';
const secret = dynamicProvider('secret');

beforeAll(async () => {
  mz = await startStandin({ port: 0 });
  // The pool reads the environment id on its first session only: read it now, so every test counts the same statements.
  await withSession(resolveEndpoint(materialize()), async () => undefined);
}, 60_000);
afterAll(async () => {
  await closeAllPools();
  await mz.close();
});
afterEach(() => mz.faults.reset());

const materialize = () => ({ host: '127.0.0.1', port: mz.port, password: 'materialize' });

async function sql(statement: string, params?: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: mz.url, application_name: 'lost-connection-test' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(statement, params)).rows;
  } finally {
    await client.end();
  }
}

async function found(name: string): Promise<{ id: string; comment: string | null } | undefined> {
  const [row] = await sql(
    `SELECT o.id, cm.comment FROM mz_catalog.mz_secrets o
     LEFT JOIN mz_internal.mz_comments cm ON cm.id = o.id AND cm.object_sub_id IS NULL WHERE o.name = $1`,
    [name],
  );
  return row as { id: string; comment: string | null } | undefined;
}

const mine = () => mz.log().filter((e) => e.applicationName === APP);

/** Runs `op` with the nth statement it sends held 1 s by the server and every connection dropped meanwhile. */
async function droppedInFlight<T>(nth: number, op: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  mz.clearLog();
  if (nth > 1) mz.faults.delayNext(nth - 1, 0);
  mz.faults.delayNext(1, 1000);
  const settled = op().then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason) => ({ status: 'rejected', reason }) as const,
  );
  const deadline = Date.now() + 10_000;
  while (mine().length < nth - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300));
  mz.faults.dropConnections();
  const result = await settled;
  await new Promise((r) => setTimeout(r, 1000)); // the held statement runs out its delay
  return result;
}

async function replyLost<T>(nth: number, op: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  mz.clearLog();
  mz.faults.dropAfterNext(nth);
  return op().then(
    (value) => ({ status: 'fulfilled', value }) as const,
    (reason) => ({ status: 'rejected', reason }) as const,
  );
}

const lost =
  /the connection to Materialize was lost \(Connection terminated unexpectedly\); whether Materialize applied the statement is unknown, so the object's state is unknown/;

describe('create (CREATE, COMMENT, SELECT)', () => {
  const inputs = (name: string) => ({ name, value: 'v4lue-of-secret', comment: 'c', materialize: materialize() });

  test('CREATE took effect, reply lost: the object is handed to Pulumi (id and state)', async () => {
    const r = await replyLost(1, () => secret.create(inputs('lc_create_1')));
    const row = await found('lc_create_1');
    expect(row).toEqual({ id: expect.stringMatching(/^u\d+$/), comment: null });
    expect(r.status).toBe('rejected');
    const err = (r as PromiseRejectedResult).reason as Error & { id?: string; properties?: Record<string, unknown> };
    expect(err.message).toMatch(/^creating secret "materialize"\."public"\."lc_create_1": /);
    expect(err.message).toMatch(lost);
    expect(err.id).toBe(row!.id);
    expect(err.properties).toMatchObject({ name: 'lc_create_1', secretId: row!.id });
    expect(mine().map((e) => e.sql.split(' ').slice(0, 2).join(' '))).toEqual(['CREATE SECRET', 'SELECT o.id,']);
  });

  test('COMMENT took effect, reply lost: the compensating DROP runs on a fresh connection', async () => {
    const r = await replyLost(2, () => secret.create(inputs('lc_create_2')));
    expect(r.status).toBe('rejected');
    expect(((r as PromiseRejectedResult).reason as Error).message).toMatch(
      /^COMMENT ON SECRET "materialize"\."public"\."lc_create_2" IS 'c': the connection to Materialize was lost/,
    );
    expect(await found('lc_create_2')).toBeUndefined();
    expect(mine().map((e) => e.sql)).toEqual([
      expect.stringMatching(/^CREATE SECRET/),
      `COMMENT ON SECRET "materialize"."public"."lc_create_2" IS 'c'`,
      'DROP SECRET IF EXISTS "materialize"."public"."lc_create_2"',
    ]);
    expect(new Set(mine().map((e) => e.session)).size).toBe(2);
  });

  test('the read-back lost: sent again on a fresh connection, and the create succeeds', async () => {
    const r = await replyLost(3, () => secret.create(inputs('lc_create_3')));
    const row = await found('lc_create_3');
    expect(r).toEqual({ status: 'fulfilled', value: expect.objectContaining({ id: row!.id }) });
    expect(row!.comment).toBe('c');
  });

  test('COMMENT dropped in flight: the object is removed', async () => {
    const r = await droppedInFlight(2, () => secret.create(inputs('lc_create_4')));
    expect(r.status).toBe('rejected');
    expect(await found('lc_create_4')).toBeUndefined();
  });

  test('the read-back dropped in flight: sent again, the create succeeds', async () => {
    const r = await droppedInFlight(3, () => secret.create(inputs('lc_create_5')));
    expect(r).toEqual({
      status: 'fulfilled',
      value: expect.objectContaining({ id: (await found('lc_create_5'))!.id }),
    });
  });

  test('CREATE dropped in flight and applied afterwards: reported as unknown (the documented limit)', async () => {
    const r = await droppedInFlight(1, () => secret.create(inputs('lc_create_6')));
    expect(r.status).toBe('rejected');
    const err = (r as PromiseRejectedResult).reason as Error & { id?: string };
    expect(err.message).toMatch(lost);
    expect(err.id).toBeUndefined();
    // The server applied it after the provider had looked: the next run is told, and adoption is the way on.
    expect(await found('lc_create_6')).toBeDefined();
    await expect(secret.create(inputs('lc_create_6'))).rejects.toThrow(
      /already exists and is not managed by this resource/,
    );
  });
});

describe('update (SELECT id check, ALTER SECRET value, RENAME, COMMENT, SELECT)', () => {
  async function made(name: string) {
    const r = await secret.create({ name, value: 'old-value-1', comment: 'a', materialize: materialize() });
    return r;
  }
  const change = (name: string) => ({
    name: `${name}_new`,
    value: 'new-value-2',
    comment: 'b',
    materialize: materialize(),
  });

  test('the id check lost: sent again (a SELECT is safe to repeat), the update succeeds', async () => {
    const { id, outs } = await made('lc_update_0');
    const r = await replyLost(1, () => secret.update(id, outs, change('lc_update_0')));
    expect(r).toEqual({
      status: 'fulfilled',
      value: { outs: expect.objectContaining({ name: 'lc_update_0_new', comment: 'b', value: 'new-value-2' }) },
    });
  });

  test.each([1, 2, 3])('ALTER %i took effect, reply lost: Pulumi gets the object as it now is', async (nth) => {
    const name = `lc_update_${nth}`;
    const { id, outs } = await made(name);
    const r = await replyLost(nth + 1, () => secret.update(id, outs, change(name)));
    expect(r.status).toBe('rejected');
    const err = (r as PromiseRejectedResult).reason as Error & { id?: string; properties?: Record<string, unknown> };
    expect(err.message).toMatch(lost);
    expect(err.id).toBe(id);
    expect(err.properties).toMatchObject({ name: nth >= 2 ? `${name}_new` : name, secretId: id });
    // A value nobody can read back is recorded as set only once its ALTER is known to have applied; until then
    // the next run sends it again (ALTER SECRET ... AS is idempotent).
    expect(err.properties!.value).toBe(nth >= 2 ? 'new-value-2' : 'old-value-1');
  });

  test('the read-back lost: sent again, the update succeeds', async () => {
    const { id, outs } = await made('lc_update_4');
    const r = await replyLost(5, () => secret.update(id, outs, change('lc_update_4')));
    expect(r).toEqual({
      status: 'fulfilled',
      value: { outs: expect.objectContaining({ name: 'lc_update_4_new', comment: 'b' }) },
    });
  });
});

describe('delete (SELECT id check, DROP IF EXISTS)', () => {
  test('reply lost: sent again on a fresh connection; the object is gone', async () => {
    const { id, outs } = await secret.create({ name: 'lc_delete_1', value: 'x', materialize: materialize() });
    const r = await replyLost(2, () => secret.delete(id, outs));
    expect(r.status).toBe('fulfilled');
    expect(await found('lc_delete_1')).toBeUndefined();
    expect(mine().map((e) => e.sql)).toEqual([
      expect.stringMatching(/^SELECT o\.id, [\s\S]*\nFROM mz_catalog\.mz_secrets o\n/),
      'DROP SECRET IF EXISTS "materialize"."public"."lc_delete_1"',
      'DROP SECRET IF EXISTS "materialize"."public"."lc_delete_1"',
    ]);
  });

  test('dropped in flight: sent again; the object is gone', async () => {
    const { id, outs } = await secret.create({ name: 'lc_delete_2', value: 'x', materialize: materialize() });
    const r = await droppedInFlight(2, () => secret.delete(id, outs));
    expect(r.status).toBe('fulfilled');
    expect(await found('lc_delete_2')).toBeUndefined();
  });
});
