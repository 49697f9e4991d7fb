// Issue 16 in the provider itself (the real CLI runs of test/acceptance/ownership.test.ts cover the engine's part):
// Materialize's environment id, not the address's spelling, decides where an object lives; no create adopts what
// a resource of the stack holds; a rotation that did not run is not recorded as done.
import { Client } from 'pg';
import { dynamicProvider } from '../../../provider';
import { resetStackConfig, resolveEndpoint } from '../../../provider/lifecycle/endpoint';
import { closeAllPools, withSession } from '../../../provider/lifecycle/pool';
import { startStandin, type Standin } from '../../standin';

jest.setTimeout(60_000);

let a: Standin;
let b: Standin;
const ssh = dynamicProvider('ssh-tunnel');
type Props = Record<string, unknown>;
// Not "materialize": a password equal to the database's name masks that name in every statement shown.
const PASSWORD = 'ownership-test-password';

beforeAll(async () => {
  [a, b] = await Promise.all([
    startStandin({ port: 0, password: PASSWORD }),
    startStandin({ port: 0, password: PASSWORD }),
  ]);
}, 60_000);
afterAll(async () => {
  await closeAllPools();
  await Promise.all([a.close(), b.close()]);
});
afterEach(() => a.faults.reset());

const at = (s: Standin, host = '127.0.0.1') => ({ host, port: s.port, password: PASSWORD });
const tunnel = (name: string, materialize: Props, extra: Props = {}) => ({
  name,
  host: 'bastion.example.com',
  user: 'materialize',
  materialize,
  ...extra,
});

async function ids(s: Standin): Promise<Record<string, string>> {
  const client = new Client({ connectionString: s.url, application_name: 'ownership-test' });
  await client.connect();
  try {
    const rows = (await client.query('SELECT name, id FROM mz_catalog.mz_connections ORDER BY name')).rows;
    return Object.fromEntries(rows.map((r) => [r.name, r.id]));
  } finally {
    await client.end();
  }
}

type Impl = ReturnType<typeof dynamicProvider>;

async function created(name: string, materialize: Props, extra: Props = {}, impl: Impl = ssh) {
  const inputs = (await impl.check({}, tunnel(name, materialize, extra))).inputs!;
  const { id, outs } = await impl.create(inputs);
  return { id, inputs, outs };
}

/** The provider as a new provider process loads it: no module state shared with the others. */
function newProcess(): Impl {
  let impl: Impl | undefined;
  jest.isolateModules(() => {
    impl = (require('../../../provider') as { dynamicProvider: typeof dynamicProvider }).dynamicProvider('ssh-tunnel');
  });
  return impl!;
}

describe('the stand-in answers mz_environment_id() like Materialize', () => {
  test('one id per instance, in the form <cloud>-<region>-<organization uuid>-<ordinal>, whatever the address', async () => {
    const env = (s: Standin, host: string) =>
      withSession(resolveEndpoint(at(s, host), {}), async (session) => session.environmentId);
    const ofA = await env(a, '127.0.0.1');
    expect(ofA).toMatch(/^[a-z0-9]+-[a-z0-9-]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\d+$/);
    expect(ofA).toBe(a.environmentId);
    expect(await env(a, 'localhost')).toBe(ofA);
    expect(await env(b, '127.0.0.1')).toBe(b.environmentId);
    expect(b.environmentId).not.toBe(ofA);
  });

  test('read once per pool: a second session sends no identity query', async () => {
    const e = resolveEndpoint({ ...at(a), poolSize: 3 }, {});
    await withSession(e, async () => undefined);
    a.clearLog();
    await withSession(e, async (s) => s.query('SELECT 1'));
    expect(a.log().map((l) => l.sql)).toEqual(['SELECT 1']);
  });
});

describe('where an object lives: the environment, not the spelling of its address', () => {
  test('create records the environment; another spelling of the same server is an update that replaces nothing', async () => {
    const { id, inputs, outs } = await created('spell1', at(a, '127.0.0.1'));
    expect(outs).toMatchObject({
      materializeEndpoint: `127.0.0.1:${a.port}`,
      materializeEnvironment: a.environmentId,
    });
    const news = (await ssh.check(inputs, tunnel('spell1', at(a, 'localhost')))).inputs!;
    expect(news.materializeEndpoint).toBe(`localhost:${a.port}`);
    expect(await ssh.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = (await ssh.update(id, outs, news)).outs;
    expect(updated).toMatchObject({
      materializeEndpoint: `localhost:${a.port}`,
      materializeEnvironment: a.environmentId,
    });
    // Read, update and delete under the new spelling reach the object.
    expect((await ssh.read(id, updated)).id).toBe(id);
    await ssh.delete(id, updated);
    expect(await ids(a)).not.toHaveProperty('spell1');
  });

  test("another environment is a replacement when the resource's own input moves it", async () => {
    const { id, inputs, outs } = await created('move1', at(a));
    const moved = (await ssh.check(inputs, tunnel('move1', at(b)))).inputs!;
    expect(await ssh.diff(id, outs, moved)).toEqual({
      changes: true,
      replaces: ['materialize'],
      deleteBeforeReplace: false,
    });
    await ssh.delete(id, outs);
  });

  test('another environment through the stack config is refused in diff (A4); another spelling through it is not', async () => {
    const config = (port: number, host = '127.0.0.1') => ({
      config: { get: (k: string) => ({ 'materialize:port': String(port), 'materialize:host': host })[k] },
    });
    try {
      await ssh.configure(config(a.port));
      const { id, inputs, outs } = await created('cfg1', { password: PASSWORD });
      await ssh.configure(config(b.port));
      const news = (await ssh.check(inputs, tunnel('cfg1', { password: PASSWORD }))).inputs!;
      await expect(ssh.diff(id, outs, news)).rejects.toThrow(
        'and the change comes from materialize:host/port in the stack config or MZ_HOST/MZ_PORT, not from this resource',
      );
      await ssh.configure(config(a.port, 'localhost'));
      const respelled = (await ssh.check(inputs, tunnel('cfg1', { password: PASSWORD }))).inputs!;
      expect(await ssh.diff(id, outs, respelled)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
      await ssh.delete(id, outs);
    } finally {
      resetStackConfig();
    }
  });

  test('a forced replacement after a config move: the old delete drops the object where the state recorded it, in any process', async () => {
    const config = (port: number) => ({
      config: { get: (k: string) => ({ 'materialize:port': String(port), 'materialize:host': '127.0.0.1' })[k] },
    });
    const drops = (s: Standin) =>
      s
        .log()
        .map((l) => l.sql)
        .filter((sql) => sql.startsWith('DROP'));
    try {
      await ssh.configure(config(a.port));
      const old = await created('moved1', { password: PASSWORD });
      // `up --replace` after `pulumi config set materialize:port`: the engine checks with no old inputs and
      // skips diff, so the replacement is created in the new environment; the old delete runs in a new process.
      const later = newProcess();
      await later.configure(config(b.port));
      const replacement = await created('moved1', { password: PASSWORD }, {}, later);
      expect(replacement.outs.materializeEnvironment).toBe(b.environmentId);
      a.clearLog();
      b.clearLog();
      await later.delete(old.id, old.outs);
      expect(drops(a)).toEqual(['DROP CONNECTION IF EXISTS "materialize"."public"."moved1"']);
      expect(drops(b)).toEqual([]);
      expect(await ids(a)).not.toHaveProperty('moved1');
      expect((await ids(b)).moved1).toBe(replacement.id);
      // The recorded address unreachable: refused, naming both places and why.
      const gone = { ...replacement.outs, materializeEndpoint: '127.0.0.1:1', materializeEnvironment: 'mz-gone' };
      await expect(later.delete(replacement.id, gone)).rejects.toThrow(
        `lives in the Materialize at 127.0.0.1:1 (environment mz-gone), but the settings now point at 127.0.0.1:${b.port} ` +
          `(environment ${b.environmentId}).`,
      );
      await expect(later.delete(replacement.id, gone)).rejects.toThrow(
        'Dropping it where it was recorded (127.0.0.1:1) failed too: ',
      );
      expect((await ids(b)).moved1).toBe(replacement.id);
      await later.delete(replacement.id, replacement.outs);
    } finally {
      resetStackConfig();
    }
  });

  test('read, update and delete refuse an object recorded in another environment, whatever the address says', async () => {
    const { id, outs } = await created('elsewhere1', at(a));
    const recorded = { ...outs, materializeEnvironment: b.environmentId };
    const refusal = `SSH TUNNEL connection "materialize"."public"."elsewhere1" lives in the Materialize at 127.0.0.1:${a.port} (environment ${b.environmentId}), but the settings now point at 127.0.0.1:${a.port} (environment ${a.environmentId})`;
    await expect(ssh.read(id, recorded)).rejects.toThrow(refusal);
    await expect(ssh.delete(id, recorded)).rejects.toThrow(refusal);
    await expect(ssh.update(id, recorded, { ...recorded, port: 2222 })).rejects.toThrow(refusal);
    expect((await ids(a)).elsewhere1).toBe(id);
    await ssh.delete(id, outs);
  });

  test('a diff that cannot reach the new address says so, naming both places', async () => {
    const { id, inputs, outs } = await created('unreachable1', at(a));
    const news = (await ssh.check(inputs, tunnel('unreachable1', { ...at(a), port: 1, connectTimeout: 2 }))).inputs!;
    await expect(ssh.diff(id, outs, news)).rejects.toThrow(
      `lives in the Materialize at 127.0.0.1:${a.port} (environment ${a.environmentId}); the settings now give 127.0.0.1:1, and whether that is the same Materialize cannot be told without reaching it`,
    );
    await ssh.delete(id, outs);
  });
});

describe('one object, one resource', () => {
  const dropsOf = (name: string) =>
    a
      .log()
      .map((l) => l.sql)
      .filter((sql) => sql.startsWith('DROP') && sql.includes(`"${name}"`));

  test("a forced replacement adopts the object; the old resource's delete leaves it, with no memory of the create", async () => {
    const old = await created('own1', at(a), { adoptExisting: true }, newProcess());
    // `up --replace`: the engine checks with no old inputs, creates (which adopts), then deletes the old resource,
    // here in a later provider process (a failed dependent left it pending): the delete has its old outputs alone.
    const replacement = await created('own1', at(a), { adoptExisting: true }, newProcess());
    expect(replacement.id).toBe(old.id);
    a.clearLog();
    await newProcess().delete(old.id, old.outs);
    expect(dropsOf('own1')).toEqual([]);
    expect((await ids(a)).own1).toBe(old.id);
    // What removes it: adoptExisting turned off by an `up`, then the delete.
    const off = (await ssh.check(replacement.inputs, tunnel('own1', at(a), { adoptExisting: false }))).inputs!;
    const { outs } = await ssh.update(replacement.id, replacement.outs, off);
    await ssh.delete(replacement.id, outs);
    expect(dropsOf('own1')).toEqual([`DROP CONNECTION IF EXISTS "materialize"."public"."own1"`]);
    expect(await ids(a)).not.toHaveProperty('own1');
  });

  test('adoptExisting turned on together with a forced replacement: in this process the old delete leaves it too', async () => {
    const old = await created('own2', at(a), {}, newProcess());
    const run = newProcess();
    const replacement = await created('own2', at(a), { adoptExisting: true }, run);
    expect(replacement.id).toBe(old.id);
    a.clearLog();
    await run.delete(old.id, old.outs);
    expect(dropsOf('own2')).toEqual([]);
    expect((await ids(a)).own2).toBe(old.id);
  });

  test('a replacement its diff planned drops the old object as any delete does', async () => {
    const old = await created('own3', at(a), { adoptExisting: true });
    const moved = (await ssh.check(old.inputs, tunnel('own3', at(a), { adoptExisting: true, schemaName: 'other' })))
      .inputs!;
    expect(await ssh.diff(old.id, old.outs, moved)).toMatchObject({ replaces: ['schemaName'] });
    a.clearLog();
    await ssh.delete(old.id, old.outs);
    expect(dropsOf('own3')).toEqual([`DROP CONNECTION IF EXISTS "materialize"."public"."own3"`]);
  });

  test('two resources of one run naming the same object: the second adoption is refused', async () => {
    const first = await created('twice1', at(a), { adoptExisting: true });
    const second = (await ssh.check({}, tunnel('twice1', at(a), { adoptExisting: true }))).inputs!;
    await expect(ssh.create(second)).rejects.toThrow(
      `cannot adopt SSH TUNNEL connection "materialize"."public"."twice1" (catalog id ${first.id}): another resource of this run created or adopted it`,
    );
    expect((await ids(a)).twice1).toBe(first.id);
  });

  test('a forced replacement after a config-driven address change is refused at create, before any statement', async () => {
    const { id, inputs, outs } = await created('cfgmove1', at(a));
    // The old inputs recorded another address (the stack config said so then); this resource's own input is unchanged.
    await ssh.check({ ...inputs, materializeEndpoint: `other.example:${a.port}` }, tunnel('cfgmove1', at(a)));
    const again = (await ssh.check({}, tunnel('cfgmove1', at(a)))).inputs!;
    a.clearLog();
    await expect(ssh.create(again)).rejects.toThrow("this replacement skipped the provider's diff");
    expect(a.log()).toEqual([]);
    // A diff (a plain `pulumi up`) asks the new address and clears it.
    expect(await ssh.diff(id, { ...outs, materializeEndpoint: `other.example:${a.port}` }, again)).toMatchObject({
      replaces: [],
    });
    await ssh.delete(id, outs);
  });
});

test('keyRotation: an options ALTER that applied and a ROTATE KEYS that failed records the old rotation value', async () => {
  const { id, inputs, outs } = await created('rot1', at(a), { keyRotation: 1 });
  const news = (await ssh.check(inputs, tunnel('rot1', at(a), { keyRotation: 2, port: 2222 }))).inputs!;
  a.faults.failNext(1, { code: 'XX000', message: 'rotation failed' }, 'ROTATE KEYS');
  const err = (await ssh.update(id, outs, news).catch((e) => e)) as Error & { properties?: Props };
  expect(err.message).toContain('rotation failed');
  expect(err.properties).toMatchObject({ port: 2222, keyRotation: 1 });
  // The next run plans the rotation again, and only it.
  const retry = (await ssh.check(err.properties!, tunnel('rot1', at(a), { keyRotation: 2, port: 2222 }))).inputs!;
  expect(retry.plannedSql).toEqual([`ALTER CONNECTION "materialize"."public"."rot1" ROTATE KEYS`]);
  await ssh.delete(id, outs);
});

describe('a name held by an object of another type (D4)', () => {
  async function outOfBand(statement: string): Promise<string> {
    const client = new Client({ connectionString: a.url, application_name: 'ownership-test' });
    await client.connect();
    try {
      await client.query(statement);
      const name = /"([^"]+)"\s+(TO|AS)\b/.exec(statement)![1];
      return (await client.query('SELECT id FROM mz_catalog.mz_objects WHERE name = $1', [name])).rows[0].id;
    } finally {
      await client.end();
    }
  }
  const secret = dynamicProvider('secret');
  const pg = dynamicProvider('postgres');
  const pgInputs = (name: string, extra: Props = {}) => ({
    name,
    host: 'db.example.com',
    database: 'app',
    user: 'app',
    validate: false,
    materialize: at(a),
    ...extra,
  });
  const attempt = async (impl: Impl, news: Props) => impl.create((await impl.check({}, news)).inputs!);

  test('adoptExisting on a secret, a connection holds the name: the error names its type and id, and what to do', async () => {
    const id = await outOfBand(
      `CREATE CONNECTION "materialize"."public"."held1" TO SSH TUNNEL (HOST 'bastion.example.com', USER 'm')`,
    );
    a.clearLog();
    await expect(
      attempt(secret, { name: 'held1', value: 'held-value', adoptExisting: true, materialize: at(a) }),
    ).rejects.toThrow(
      `secret "materialize"."public"."held1" cannot be created: the name is held by the ssh-tunnel connection ` +
        `(catalog id ${id}), not by a secret, and adoptExisting takes over only an object of the same type. Nothing ` +
        'was changed. Give this resource another `name` (or `schemaName`), or drop or rename that object in ' +
        'Materialize if it is not needed, then run `pulumi up` again',
    );
    expect((await ids(a)).held1).toBe(id);
    expect(a.log().filter((l) => /^(ALTER|DROP|COMMENT|GRANT)/.test(l.sql))).toEqual([]);
  });

  test('adoptExisting on a PostgreSQL connection, an SSH tunnel holds the name: refused before any change', async () => {
    const id = await outOfBand(
      `CREATE CONNECTION "materialize"."public"."held2" TO SSH TUNNEL (HOST 'bastion.example.com', USER 'm')`,
    );
    a.clearLog();
    await expect(attempt(pg, pgInputs('held2', { adoptExisting: true }))).rejects.toThrow(
      `POSTGRES connection "materialize"."public"."held2" cannot be created: the name is held by the ssh-tunnel ` +
        `connection (catalog id ${id}), not by a POSTGRES connection, and adoptExisting takes over only an object ` +
        'of the same type. Nothing was changed.',
    );
    expect(a.log().filter((l) => /^(CREATE|ALTER|DROP|COMMENT|GRANT)/.test(l.sql))).toEqual([]);
    expect((await ids(a)).held2).toBe(id);
  });

  test('without adoptExisting, a secret holds the name of a connection: named, and adoptExisting not suggested', async () => {
    const id = await outOfBand(`CREATE SECRET "materialize"."public"."held3" AS 'x'`);
    const refused = attempt(pg, pgInputs('held3'));
    await expect(refused).rejects.toThrow(
      `POSTGRES connection "materialize"."public"."held3" cannot be created: the name is held by the secret ` +
        `(catalog id ${id}), not by a POSTGRES connection. Nothing was changed.`,
    );
    await expect(refused).rejects.not.toThrow('adoptExisting');
  });

  test('the same type without adoptExisting keeps the advice to set it', async () => {
    await outOfBand(`CREATE SECRET "materialize"."public"."held4" AS 'x'`);
    await expect(attempt(secret, { name: 'held4', value: 'v', materialize: at(a) })).rejects.toThrow(
      'Otherwise set adoptExisting: true to take the object over, or choose another name',
    );
  });
});
