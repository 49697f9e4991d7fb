// Reads by catalog id coalesce while the pool's sessions are busy (provider/lifecycle/batch.ts). The property:
// whatever the order, the timing, the pool's size, the mix of kinds, repeated ids and objects gone meanwhile, each
// read answers exactly what the same read answers on its own, and a fleet read at once sends fewer statements than
// reads, each one SELECT of at most MAX_IDS_PER_READ ids. A failed SELECT fails every read it carried, each naming
// its own object. Stand-in only (its statement log and injected faults), on a private stand-in.
import { dynamicProvider, type ResourceKind } from '../../provider';
import { MAX_IDS_PER_READ } from '../../provider/lifecycle/batch';
import { closeAllPools } from '../../provider/lifecycle/pool';
import { CutProxy } from '../services/cut-proxy';
import { startStandin, type Standin } from '../standin';
import { isRealMaterialize } from '../support/materialize';

const schema = 'e2e_batched_reads';
const describeStandin = isRealMaterialize() ? describe.skip : describe;
type Props = Record<string, unknown>;

let standin: Standin;

/** The inputs of one object of `kind`, against the private stand-in (at `port`) through a pool of `poolSize`. */
function inputs(kind: ResourceKind, name: string, poolSize: number, port?: number): Props {
  const u = new URL(standin.url);
  const materialize = {
    host: u.hostname,
    port: port ?? Number(u.port),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    sslmode: 'disable',
    poolSize,
  };
  const common = { name, schemaName: schema, materialize };
  switch (kind) {
    case 'secret':
      return { ...common, value: `value of ${name}` };
    case 'ssh-tunnel':
      return { ...common, host: `${name}.example.com`, user: 'ubuntu' };
    case 'postgres':
      return { ...common, host: 'pg.example.com', database: name, user: 'mz', validate: false };
    case 'kafka':
      return { ...common, brokers: [`${name}:9092`], validate: false };
    default:
      throw new Error(kind);
  }
}

interface Made {
  kind: ResourceKind;
  id: string;
  /** The outputs, as the state holds them, through a pool of each size. */
  outs: Map<number, Props>;
  /** What a read on its own answers. */
  alone: unknown;
}

const KINDS: ResourceKind[] = ['secret', 'ssh-tunnel', 'postgres', 'kafka'];
const POOL_SIZES = [1, 2, 8];
const made: Made[] = [];

async function create(kind: ResourceKind, name: string): Promise<Made> {
  const p = dynamicProvider(kind);
  const checked = await p.check({}, inputs(kind, name, 1));
  expect(checked.failures).toBeUndefined();
  const { id, outs } = await p.create(checked.inputs!);
  // The same object seen through pools of other sizes (another pool, the same Materialize).
  const all = new Map<number, Props>();
  for (const size of POOL_SIZES) {
    const again = (await p.check({}, inputs(kind, name, size))).inputs!;
    all.set(size, { ...outs, materialize: again.materialize });
  }
  return { kind, id, outs: all, alone: undefined };
}

/** A small deterministic generator, so that a failing seed can be run again. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** A read's answer without the endpoint settings, which carry the pool's size. */
function withoutSettings(read: unknown): unknown {
  const strip = (o: unknown) => {
    if (!o || typeof o !== 'object') return o;
    const { materialize: _settings, ...rest } = o as Props;
    return rest;
  };
  const r = read as { props?: unknown; inputs?: unknown };
  return {
    ...r,
    ...('props' in r ? { props: strip(r.props) } : {}),
    ...('inputs' in r ? { inputs: strip(r.inputs) } : {}),
  };
}

const providerStatements = (from: number) =>
  standin.log().filter((e) => e.seq > from && e.applicationName === 'pulumi-materialize-connections');
const lastSeq = () => standin.log().at(-1)?.seq ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeStandin('reads by id coalesce (private stand-in)', () => {
  const gone = new Set<string>();

  beforeAll(async () => {
    standin = await startStandin({ port: 0, password: 'batched-reads-password' });
    const client = new (await import('pg')).Client({ connectionString: standin.url });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    for (const kind of KINDS) for (let i = 0; i < 4; i++) made.push(await create(kind, `${kind}-${i}`));
    // Each read on its own, one at a time: one SELECT by `o.id = $1` each.
    for (const m of made) {
      const from = lastSeq();
      m.alone = await dynamicProvider(m.kind).read(m.id, m.outs.get(1)!);
      expect(providerStatements(from).map((e) => e.sql.split('\n').at(-1))).toEqual(['WHERE o.id = $1']);
    }
    // Two objects go away outside Pulumi: their reads answer nothing.
    for (const m of [made[1], made[6]]) {
      const kind = m.kind === 'secret' ? 'SECRET' : 'CONNECTION';
      const name = (m.outs.get(1)!.name as string).replace(/"/g, '""');
      await client.query(`DROP ${kind} "materialize"."${schema}"."${name}" CASCADE`);
      gone.add(m.id);
    }
    await client.end();
  }, 120_000);

  afterAll(async () => {
    await closeAllPools();
    await standin?.close();
  });

  afterEach(() => standin.faults.reset());

  test.each([1, 2, 3, 4, 5, 6])('seed %i: every read answers what it answers alone', async (seed) => {
    const rand = random(seed);
    const poolSize = POOL_SIZES[seed % POOL_SIZES.length];
    // Each statement takes a while, so that reads arrive while every session is busy.
    standin.faults.setLatency(2 + Math.floor(rand() * 6));
    // Every object, some twice, in an order of the seed's.
    const reads = [...made, ...made.filter(() => rand() < 0.3)].sort(() => rand() - 0.5);
    const from = lastSeq();
    const results = await Promise.all(
      reads.map(async (m) => {
        const wait = rand();
        // Some at once, some a turn later, some a few milliseconds later.
        if (wait < 0.3) await new Promise((r) => setImmediate(r));
        else if (wait < 0.6) await sleep(Math.floor(wait * 10));
        return dynamicProvider(m.kind).read(m.id, m.outs.get(poolSize)!);
      }),
    );
    // A read answers exactly what it answers alone, but for the endpoint settings (the pool's size) it was given.
    reads.forEach((m, i) =>
      expect(withoutSettings(results[i])).toEqual(gone.has(m.id) ? {} : withoutSettings(m.alone)),
    );
    const statements = providerStatements(from).filter((e) => !e.sql.includes('mz_environment_id()'));
    expect(statements.every((e) => e.ok && e.sql.startsWith('SELECT '))).toBe(true);
    // Reads that find a free session go alone; the others share statements: never more statements than reads.
    expect(statements.length).toBeLessThanOrEqual(reads.length);
    for (const e of statements) {
      const ids = (e.sql.match(/\$\d+/g) ?? []).length;
      expect(ids).toBeGreaterThanOrEqual(1);
      expect(ids).toBeLessThanOrEqual(MAX_IDS_PER_READ);
    }
    // Never more statements at once than the pool has sessions.
    const overlapping = statements.map(
      (a) => statements.filter((b) => b.startedAt <= a.startedAt && a.startedAt < b.startedAt + b.durationMs).length,
    );
    expect(Math.max(...overlapping)).toBeLessThanOrEqual(poolSize);
  });

  test('a fleet read at once through a pool of one: one statement per kind, whatever the number of reads', async () => {
    standin.faults.setLatency(5);
    const from = lastSeq();
    const results = await Promise.all(made.map((m) => dynamicProvider(m.kind).read(m.id, m.outs.get(1)!)));
    made.forEach((m, i) => expect(results[i]).toEqual(gone.has(m.id) ? {} : m.alone));
    const statements = providerStatements(from);
    expect(statements.map((e) => (e.sql.match(/\$\d+/g) ?? []).length).sort()).toEqual(KINDS.map(() => 4));
    expect(statements.map((e) => e.sql.split('\n').at(-1))).toEqual(KINDS.map(() => 'WHERE o.id IN ($1, $2, $3, $4)'));
  });

  test('a failed SELECT fails each read it carried, naming that read’s own object; the others are answered', async () => {
    const reads = made.filter((m) => m.kind === 'postgres' && !gone.has(m.id));
    standin.faults.setLatency(20);
    // Through a pool of one: the first SELECT goes out alone, the rest wait for its session and go out together.
    standin.faults.failNext(
      2,
      { code: 'XX000', message: 'the catalog is unavailable' },
      'FROM mz_catalog.mz_connections',
    );
    const from = lastSeq();
    const first = dynamicProvider('postgres').read(reads[0].id, reads[0].outs.get(1)!);
    await sleep(5);
    const rest = reads.slice(1).map((m) => dynamicProvider('postgres').read(m.id, m.outs.get(1)!));
    const outcomes = await Promise.allSettled([first, ...rest]);
    outcomes.forEach((o, i) => {
      expect(o.status).toBe('rejected');
      const name = reads[i].outs.get(1)!.name as string;
      expect((o as PromiseRejectedResult).reason.message).toBe(
        `reading POSTGRES connection "materialize"."${schema}"."${name}": the catalog is unavailable\n(SQLSTATE XX000)`,
      );
    });
    expect(providerStatements(from).map((e) => [e.ok, (e.sql.match(/\$\d+/g) ?? []).length])).toEqual([
      [false, 1],
      [false, reads.length - 1],
    ]);
    // Then a read goes through again.
    standin.faults.reset();
    expect(await dynamicProvider('postgres').read(reads[0].id, reads[0].outs.get(1)!)).toEqual(reads[0].alone);
  });

  test('a refused connection attempt fails one read, not every read waiting for a session', async () => {
    const proxy = await new CutProxy('127.0.0.1', Number(new URL(standin.url).port)).start();
    try {
      const p = dynamicProvider('secret');
      const through: { id: string; outs: Props; alone: unknown }[] = [];
      for (let i = 0; i < 10; i++) {
        const { id, outs } = await p.create(
          (await p.check({}, inputs('secret', `via-proxy-${i}`, 2, proxy.port))).inputs!,
        );
        through.push({ id, outs, alone: await p.read(id, outs) });
      }
      // A new pool: its first connection attempts happen now, and the proxy refuses exactly one of them.
      await closeAllPools();
      proxy.refuseNext(1);
      const outcomes = await Promise.allSettled(through.map((t) => p.read(t.id, t.outs)));
      const failed = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      expect(failed).toHaveLength(1);
      expect(failed[0].reason.message).toMatch(/^cannot connect to Materialize at 127\.0\.0\.1:\d+ /);
      outcomes.forEach((o, i) => {
        if (o.status === 'fulfilled') expect(o.value).toEqual(through[i].alone);
      });
    } finally {
      await closeAllPools();
      await proxy.close();
    }
  });
});
