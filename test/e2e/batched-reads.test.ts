// Reads by id coalesce while the pool's sessions are busy, and in a burst (a refresh) read ahead
// (provider/lifecycle/batch.ts). The properties:
// - whatever the order, the timing, the pool's size, the mix of kinds, repeated ids and objects gone meanwhile, each
//   read answers exactly what the same read answers on its own; a fleet read at once sends fewer statements than
//   reads, each one SELECT of at most MAX_IDS_PER_READ ids; a failed SELECT fails every read it carried, each naming
//   its own object;
// - read ahead, a read answers what it answers on its own whatever this process changed meanwhile, whenever the row
//   kept was read (within keepMs) and wherever the object now is; a refresh that reads one object at a time sends one
//   read by id and one read ahead per kind; reads apart stay reads by id.
// Stand-in only (its statement log and injected faults), on a private stand-in.
import { dynamicProvider, type ResourceKind } from '../../provider';
import { forgetReads, MAX_IDS_PER_READ, READ_AHEAD } from '../../provider/lifecycle/batch';
import { resolveEndpoint, type MaterializeEndpoint } from '../../provider/lifecycle/endpoint';
import { closeAllPools, withSession } from '../../provider/lifecycle/pool';
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

const READ_AHEAD_DEFAULTS = { ...READ_AHEAD };

describeStandin('reads by id (private stand-in)', () => {
  const gone = new Set<string>();

  beforeAll(async () => {
    standin = await startStandin({ port: 0, password: 'batched-reads-password' });
    const client = new (await import('pg')).Client({ connectionString: standin.url });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    for (const kind of KINDS) for (let i = 0; i < 4; i++) made.push(await create(kind, `${kind}-${i}`));
    // Each read on its own, one at a time, not read ahead: one SELECT by `o.id = $1` each.
    READ_AHEAD.limit = 0;
    for (const m of made) {
      const from = lastSeq();
      m.alone = await dynamicProvider(m.kind).read(m.id, m.outs.get(1)!);
      expect(providerStatements(from).map((e) => e.sql.split('\n').at(-1))).toEqual(['WHERE o.id = $1']);
    }
    Object.assign(READ_AHEAD, READ_AHEAD_DEFAULTS);
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

  afterEach(() => {
    standin.faults.reset();
    Object.assign(READ_AHEAD, READ_AHEAD_DEFAULTS);
  });

  describe('coalesced (read ahead off)', () => {
    beforeEach(() => {
      READ_AHEAD.limit = 0;
    });

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
      expect(statements.map((e) => e.sql.split('\n').at(-1))).toEqual(
        KINDS.map(() => 'WHERE o.id IN ($1, $2, $3, $4)'),
      );
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

  describe('read ahead', () => {
    // Each test starts as a new provider process would: nothing read, nothing kept.
    beforeEach(() => forgetReads());
    let variant = 0;
    /** A pool of its own (another pool key), so that nothing is read or kept in this process for it yet. */
    function freshPool(poolSize = 1): (m: Made) => Props {
      const mine = ++variant;
      return (m) => {
        const outs = m.outs.get(poolSize)!;
        return { ...outs, materialize: { ...(outs.materialize as Props), keepaliveIdle: 1000 + mine } };
      };
    }
    /** The last line of each statement since `from` (environment reads left out): `WHERE o.id = $1`, `LIMIT 1000`. */
    const tails = (from: number) =>
      providerStatements(from)
        .filter((e) => !e.sql.includes('mz_environment_id()'))
        .map((e) => e.sql.split('\n').at(-1));
    const expected = (m: Made) => (gone.has(m.id) ? {} : withoutSettings(m.alone));
    const ofKind = (kind: ResourceKind) => made.filter((m) => m.kind === kind);
    const quoted = (m: Made) =>
      `${m.kind === 'secret' ? 'SECRET' : 'CONNECTION'} "materialize"."${schema}"."${m.outs.get(1)!.name as string}"`;
    /** Time is not what these tests are about: windows no slow machine reaches. */
    const WIDE = { burstMs: 60_000, keepMs: 60_000 };

    async function readAs(via: (m: Made) => Props, m: Made): Promise<{ props?: Props }> {
      return (await dynamicProvider(m.kind).read(m.id, via(m))) as { props?: Props };
    }
    async function readsRight(via: (m: Made) => Props, m: Made): Promise<void> {
      expect(withoutSettings(await readAs(via, m))).toEqual(expected(m));
    }
    /** What a read of `m` answers on its own now: by id, through a pool of its own. */
    async function aloneNow(m: Made): Promise<unknown> {
      const limit = READ_AHEAD.limit;
      READ_AHEAD.limit = 0;
      try {
        return withoutSettings(await readAs(freshPool(), m));
      } finally {
        READ_AHEAD.limit = limit;
      }
    }
    /** A COMMENT (NULL: none) sent through this process's own sessions, as an update sends its statements. */
    async function commentHere(via: (m: Made) => Props, m: Made, text: string | null): Promise<void> {
      const endpoint = resolveEndpoint(via(m).materialize as MaterializeEndpoint);
      await withSession(endpoint, (s) => s.query(`COMMENT ON ${quoted(m)} IS ${text === null ? 'NULL' : `'${text}'`}`));
    }
    /** A COMMENT sent by someone else (another client, not this process's pools). */
    async function commentOutside(m: Made, text: string | null): Promise<void> {
      const client = new (await import('pg')).Client({ connectionString: standin.url });
      await client.connect();
      try {
        await client.query(`COMMENT ON ${quoted(m)} IS ${text === null ? 'NULL' : `'${text}'`}`);
      } finally {
        await client.end();
      }
    }

    test('a refresh that reads one object at a time: per kind, one read by id and one read ahead', async () => {
      Object.assign(READ_AHEAD, WIDE);
      const via = freshPool();
      const perKind: Record<string, (string | undefined)[]> = {};
      for (const m of made) {
        const from = lastSeq();
        await readsRight(via, m);
        (perKind[m.kind] ??= []).push(...tails(from));
      }
      expect(perKind).toEqual({
        // secret-1 is gone: the read ahead does not find it, and the read by id says so.
        secret: ['WHERE o.id = $1', 'LIMIT 1000', 'WHERE o.id = $1'],
        // ssh-tunnel-2 is gone: nothing kept for it, the schema was just read ahead, so by id.
        'ssh-tunnel': ['WHERE o.id = $1', 'LIMIT 1000', 'WHERE o.id = $1'],
        postgres: ['WHERE o.id = $1', 'LIMIT 1000'],
        kafka: ['WHERE o.id = $1', 'LIMIT 1000'],
      });
    });

    test('reads further apart than burstMs go alone, by id', async () => {
      READ_AHEAD.burstMs = 20;
      const via = freshPool();
      const from = lastSeq();
      for (const m of ofKind('postgres')) {
        await sleep(40);
        await readsRight(via, m);
      }
      expect(tails(from)).toEqual(ofKind('postgres').map(() => 'WHERE o.id = $1'));
    });

    test('a row kept longer than keepMs is not used: the schema is read ahead again', async () => {
      Object.assign(READ_AHEAD, { burstMs: 60_000, keepMs: 30 });
      const via = freshPool();
      const [a, b, c] = ofKind('postgres');
      const from = lastSeq();
      await readsRight(via, a);
      await readsRight(via, b);
      await sleep(60);
      await readsRight(via, c);
      expect(tails(from)).toEqual(['WHERE o.id = $1', 'LIMIT 1000', 'LIMIT 1000']);
    });

    test('a statement this process sends voids every row kept before it', async () => {
      Object.assign(READ_AHEAD, WIDE);
      const via = freshPool();
      const [a, b, c, d] = ofKind('postgres');
      await readsRight(via, a);
      await readsRight(via, b);
      // c and d are kept now; c changes through this process's own sessions.
      await commentHere(via, c, 'changed here');
      try {
        const from = lastSeq();
        const read = await readAs(via, c);
        // Read ahead again (c answered, d kept anew), so d costs nothing.
        await readsRight(via, d);
        expect(tails(from)).toEqual(['LIMIT 1000']);
        expect(read.props?.comment).toBe('changed here');
        expect(withoutSettings(read)).toEqual(await aloneNow(c));
      } finally {
        await commentHere(via, c, null);
      }
    });

    test('a kept row answers only the first read of its object in this process', async () => {
      Object.assign(READ_AHEAD, WIDE);
      const via = freshPool();
      const [a, b, c] = ofKind('kafka');
      await readsRight(via, a);
      await readsRight(via, b);
      let from = lastSeq();
      await readsRight(via, c);
      expect(tails(from)).toEqual([]);
      // Changed by someone else: a second read of c, or of a, sees it.
      await commentOutside(c, 'changed outside');
      await commentOutside(a, 'changed outside');
      try {
        from = lastSeq();
        expect((await readAs(via, c)).props?.comment).toBe('changed outside');
        expect((await readAs(via, a)).props?.comment).toBe('changed outside');
        expect(tails(from)).toEqual(['WHERE o.id = $1', 'WHERE o.id = $1']);
      } finally {
        await commentOutside(c, null);
        await commentOutside(a, null);
      }
    });

    test('a kept row never answers an object already read through another pool (another spelling, other settings)', async () => {
      Object.assign(READ_AHEAD, WIDE);
      const poolB = freshPool();
      const [a, b, c] = ofKind('kafka');
      await readsRight(poolB, a);
      await readsRight(poolB, b);
      // c is kept in pool B's reads; someone else changes it, and a read through pool A sees that.
      await commentOutside(c, 'changed outside');
      try {
        expect((await readAs(freshPool(), c)).props?.comment).toBe('changed outside');
        // Pool B's kept row is older than what this process already answered: not used.
        const from = lastSeq();
        expect((await readAs(poolB, c)).props?.comment).toBe('changed outside');
        expect(tails(from)).toEqual(['WHERE o.id = $1']);
      } finally {
        await commentOutside(c, null);
      }
    });

    test('keepMs runs from when the read ahead was sent, not from when its answer arrived', async () => {
      const proxy = await new CutProxy('127.0.0.1', Number(new URL(standin.url).port)).start();
      try {
        Object.assign(READ_AHEAD, { burstMs: 60_000, keepMs: 300 });
        const [a, b, c] = ofKind('postgres');
        const through = (m: Made): Props => ({
          ...m.outs.get(1)!,
          materialize: { ...(m.outs.get(1)!.materialize as Props), port: proxy.port },
        });
        expect((await readAs(through, a)).props?.connectionId).toBe(a.id);
        // The read ahead (b's read) runs at once in the server, and its answer takes 700 ms to come back.
        proxy.downDelayMs = 700;
        const from = lastSeq();
        const pending = readAs(through, b);
        // Once the server has run it (its answer is still on the way):
        while (!providerStatements(from).some((e) => e.sql.endsWith('LIMIT 1000'))) await sleep(5);
        await commentOutside(c, 'changed outside');
        const readAheadSeq = providerStatements(from).find((e) => e.sql.endsWith('LIMIT 1000'))?.seq;
        expect(readAheadSeq).toBeLessThan(lastSeq());
        expect((await pending).props?.connectionId).toBe(b.id);
        proxy.downDelayMs = 0;
        try {
          // Over 300 ms after the rows were read: c's kept row may not answer; the schema is read ahead anew.
          const before = lastSeq();
          expect((await readAs(through, c)).props?.comment).toBe('changed outside');
          expect(tails(before)).toEqual(['LIMIT 1000']);
        } finally {
          await commentOutside(c, null);
        }
      } finally {
        await proxy.close();
        await closeAllPools();
      }
    });

    test('an object the state places in another schema is found by id', async () => {
      Object.assign(READ_AHEAD, WIDE);
      const via = freshPool();
      const [a, b] = ofKind('postgres');
      await readsRight(via, a);
      const from = lastSeq();
      const read = await dynamicProvider('postgres').read(b.id, { ...via(b), schemaName: 'public' });
      expect(withoutSettings(read)).toEqual(expected(b));
      expect(tails(from)).toEqual(['LIMIT 1000', 'WHERE o.id = $1']);
    });

    test('a schema with more objects than the limit is read ahead once, then by id', async () => {
      // Rows kept for 1 ms: each read comes after the last read ahead's rows expired, so only the limit stops another.
      Object.assign(READ_AHEAD, { burstMs: 60_000, keepMs: 1, limit: 2 });
      const via = freshPool();
      const from = lastSeq();
      for (const m of ofKind('postgres')) {
        await readsRight(via, m);
        await sleep(5);
      }
      const statements = tails(from);
      expect(statements.slice(0, 2)).toEqual(['WHERE o.id = $1', 'LIMIT 2']);
      // The second read is answered by the read ahead if its row is among the two, or else by id.
      expect(statements.slice(2)).toEqual(
        ofKind('postgres')
          .slice(statements.length === 4 ? 2 : 1)
          .map(() => 'WHERE o.id = $1'),
      );
    });

    test('a failed read ahead leaves its reads, and the schema’s later reads, to the read by id', async () => {
      Object.assign(READ_AHEAD, WIDE);
      const via = freshPool();
      // Whatever failed it (a row that cannot be right, a timeout) would fail it again: it is not tried again.
      standin.faults.failNext(100, { code: 'XX000', message: 'the catalog is unavailable' }, 'LIMIT 1000');
      const from = lastSeq();
      for (const m of ofKind('postgres')) await readsRight(via, m);
      expect(
        providerStatements(from)
          .filter((e) => !e.sql.includes('mz_environment_id()'))
          .map((e) => [e.ok, e.sql.split('\n').at(-1)]),
      ).toEqual([
        [true, 'WHERE o.id = $1'],
        [false, 'LIMIT 1000'],
        [true, 'WHERE o.id = $1'],
        [true, 'WHERE o.id = $1'],
        [true, 'WHERE o.id = $1'],
      ]);
    });

    test.each([1, 2, 3, 4, 5, 6])(
      'seed %i: every read answers what it answers alone, whatever this process changes meanwhile',
      async (seed) => {
        const rand = random(seed * 7919);
        // Even seeds: short windows, so that bursts end and kept rows expire while reads go on.
        if (seed % 2 === 0)
          Object.assign(READ_AHEAD, { burstMs: 5 + Math.floor(rand() * 20), keepMs: 5 + Math.floor(rand() * 30) });
        const via = freshPool(POOL_SIZES[seed % POOL_SIZES.length]);
        standin.faults.setLatency(Math.floor(rand() * 4));
        const from = lastSeq();
        const order = [...made].sort(() => rand() - 0.5);
        const half = Math.floor(order.length / 2);
        // Objects read in the second half that this process changes while the first half is read.
        const changed = order.slice(half).filter((m) => !gone.has(m.id) && rand() < 0.4);
        const waits = order.map(() => rand());
        const readAt = async (m: Made, i: number) => {
          // Some at once, some a turn later, some a few milliseconds later.
          if (waits[i] < 0.3) await new Promise((r) => setImmediate(r));
          else if (waits[i] < 0.6) await sleep(Math.floor(waits[i] * 10));
          return readAs(via, m);
        };
        const firstHalf = Promise.all(order.slice(0, half).map((m, i) => readAt(m, i)));
        const changes = (async () => {
          await sleep(Math.floor(rand() * 8));
          for (const m of changed) await commentHere(via, m, `changed by seed ${seed}`);
        })();
        const [first] = await Promise.all([firstHalf, changes]);
        try {
          first.forEach((r, i) => expect(withoutSettings(r)).toEqual(expected(order[i])));
          const second = await Promise.all(order.slice(half).map((m, i) => readAt(m, half + i)));
          // What each changed object answers on its own now (after: a read of it here would void its kept row).
          const now = new Map<string, unknown>();
          for (const m of changed) now.set(m.id, await aloneNow(m));
          second.forEach((r, i) => {
            const m = order[half + i];
            expect(withoutSettings(r)).toEqual(now.get(m.id) ?? expected(m));
            if (now.has(m.id)) expect(r.props?.comment).toBe(`changed by seed ${seed}`);
          });
        } finally {
          for (const m of changed) await commentHere(via, m, null);
        }
        expect(providerStatements(from).every((e) => e.ok)).toBe(true);
      },
    );
  });
});
