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
  mz = await startStandin({ port: 0, password: 'lost-connection-password' });
  // The pool reads the environment id on its first session only: read it now, so every test counts the same statements.
  await withSession(resolveEndpoint(materialize()), async () => undefined);
}, 60_000);
afterAll(async () => {
  await closeAllPools();
  await mz.close();
});
afterEach(() => mz.faults.reset());

const materialize = () => ({ host: '127.0.0.1', port: mz.port, password: 'lost-connection-password' });

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

/** Leaves `n` clients idle in the pool: `n` sessions held at once, each having sent a statement. */
async function warmPool(n: number): Promise<void> {
  let ready = 0;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const held = Array.from({ length: n }, () =>
    withSession(resolveEndpoint(materialize()), async (s) => {
      await s.query('SELECT 1');
      if (++ready === n) open();
      await gate;
    }),
  );
  await Promise.all(held);
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

describe('a lost connection takes the idle pooled clients with it (the fault campaign, seed 3017)', () => {
  test.each([0, 1, 3, 7])(
    'the read-back after a CREATE lost with %i other clients idle: sent again until a live connection answers, the object is recorded',
    async (idle) => {
      const name = `lc_pool_${idle}`;
      await warmPool(idle + 1);
      const r = await replyLost(3, () =>
        secret.create({ name, value: 'v4lue-of-secret', comment: 'c', materialize: materialize() }),
      );
      const row = await found(name);
      expect(r).toEqual({ status: 'fulfilled', value: expect.objectContaining({ id: row!.id }) });
      const reads = mine().filter((e) => e.sql.startsWith('SELECT o.id,'));
      // The lost one, each dead idle client tried, and the one that answered; never more than the pool allows.
      expect(reads.length).toBeGreaterThanOrEqual(2);
      expect(reads.length).toBeLessThanOrEqual(2 + idle + 1);
    },
  );
});

describe('the CREATE succeeded, reading its catalog id did not', () => {
  const refused = { code: 'XX000', message: 'injected: read refused' };
  const inputs = (name: string) => ({ name, value: 'v4lue-of-secret', materialize: materialize() });

  test('the object is dropped again: nothing is left that Pulumi does not know', async () => {
    mz.clearLog();
    mz.faults.failNext(1, refused, 'SELECT');
    await expect(secret.create(inputs('lc_unread_1'))).rejects.toThrow(
      /^secret "materialize"\."public"\."lc_unread_1" was created, then reading secret "materialize"\."public"\."lc_unread_1": injected: read refused(.|\n)*; it was dropped again, so nothing is left$/,
    );
    expect(await found('lc_unread_1')).toBeUndefined();
    expect(mine().map((e) => e.sql.split(' ').slice(0, 2).join(' '))).toEqual([
      'CREATE SECRET',
      'SELECT o.id,',
      'DROP SECRET',
    ]);
  });

  test('the DROP refused too: the error says the object exists and is not in the state, and how to take it over', async () => {
    mz.faults.failNext(1, refused, 'SELECT');
    mz.faults.failNext(1, { code: 'XX000', message: 'injected: drop refused' }, 'DROP');
    const err = await secret.create(inputs('lc_unread_2')).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toBe(
      'secret "materialize"."public"."lc_unread_2" was created, but reading its catalog id failed and dropping it ' +
        'again: injected: drop refused\n(SQLSTATE XX000): it exists in Materialize and not in the state. The next ' +
        '`pulumi up` reports that it already exists: then set adoptExisting: true on this resource for one `pulumi up` ' +
        '(README "After a killed `pulumi up`"), or drop it by hand.',
    );
    const row = await found('lc_unread_2');
    expect(row).toBeDefined();
    // What the message promises: adoption takes it over.
    const adopted = await secret.create({ ...inputs('lc_unread_2'), adoptExisting: true });
    expect(adopted.id).toBe(row!.id);
  });
});

describe('nothing untracked, wherever the connections drop among concurrent creates', () => {
  // Three creates at once (CREATE, COMMENT, SELECT each) on a pool with idle clients; every connection drops
  // after the nth statement. Whatever n: an object in the catalog is one Pulumi is told about (the create's
  // result, or the id of its failure); a create that reports nothing made left nothing.
  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9])('all connections dropped after statement %i', async (n) => {
    const names = [0, 1, 2].map((i) => `lc_many_${n}_${i}`);
    await warmPool(4);
    mz.clearLog();
    mz.faults.dropAfterNext(n);
    const results = await Promise.allSettled(
      names.map((name) => secret.create({ name, value: 'v4lue-of-secret', comment: 'c', materialize: materialize() })),
    );
    mz.faults.reset();
    for (const [i, name] of names.entries()) {
      const row = await found(name);
      const r = results[i];
      const told = r.status === 'fulfilled' ? r.value.id : (r.reason as { id?: string }).id;
      expect({ name, inCatalog: row?.id, toldPulumi: told }).toEqual({ name, inCatalog: row?.id, toldPulumi: row?.id });
    }
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
