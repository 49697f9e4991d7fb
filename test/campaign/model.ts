// The program model and the random changes the campaign draws from it: add and remove resources of every
// kind, change options in place, change what forces a replacement, rename, move schema, swap references,
// toggle adoptExisting, usage and the endpoint's spelling, rotate keys. Every draw comes from one seeded
// generator, so a seed replays the same schedule.
import type { Kind, Model, ModelResource } from './program/model-types';

/** mulberry32: small, fast, and the same on every machine. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
}

const RANK: Record<Kind, number> = {
  secret: 0,
  ssh: 1,
  postgres: 2,
  mysql: 2,
  kafka: 2,
  csr: 2,
  aws: 3,
  role: 4,
  bastion: 5,
};
/** Names drawn from a small pool, so that names meet again (renames onto old names, strangers, adoption). */
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'Odd "name"', 'g'];
export const ROLES = ['camp_reader', 'camp_writer'];
const MAX_RESOURCES = 7;

export interface Schedule {
  seed: number;
  schemas: [string, string];
  /** A new canary for every secret value the schedule gives (distinct across seeds). */
  canary(): string;
}

export class ModelGen {
  private counter = 0;
  readonly canaries: { label: string; value: string; user?: string }[] = [];
  readonly roleNames = new Set<string>();

  constructor(
    private readonly rng: Rng,
    private readonly sched: { seed: number; schemas: [string, string] },
    /** Changes not drawn (`--without`), e.g. while a known defect is being fixed elsewhere. */
    private readonly without: ReadonlySet<string> = new Set(),
  ) {}

  canary(label: string, user?: string): string {
    const value = `cnry${this.sched.seed}x${this.rng.hex(12)}`;
    this.canaries.push({ label, value, user });
    return value;
  }

  /** Names in use in a schema (items share one namespace per schema). */
  private taken(m: Model, schema: string): Set<string> {
    return new Set(
      m.resources.filter((r) => r.kind !== 'role' && r.kind !== 'bastion' && r.schema === schema).map((r) => r.name),
    );
  }
  freeName(m: Model, schema: string, avoid: ReadonlySet<string> = new Set()): string | undefined {
    const taken = this.taken(m, schema);
    const free = NAMES.filter((n) => !taken.has(n) && !avoid.has(`${schema}.${n}`));
    return free.length ? this.rng.pick(free) : undefined;
  }

  private of(m: Model, ...kinds: Kind[]): ModelResource[] {
    return m.resources.filter((r) => kinds.includes(r.kind));
  }

  add(m: Model, kind: Kind, avoid: ReadonlySet<string> = new Set()): string | undefined {
    if (m.resources.length >= MAX_RESOURCES) return undefined;
    const schema = this.rng.pick(this.sched.schemas);
    const name = this.freeName(m, schema, avoid);
    if (name === undefined) return undefined;
    const r: ModelResource = { key: `${kind}${this.counter++}`, kind, name, schema };
    const secrets = this.of(m, 'secret');
    const tunnels = this.of(m, 'ssh');
    const user = `user${this.rng.int(1, 9)}`;
    switch (kind) {
      case 'secret':
        r.value = this.canary(`Secret ${r.key}`);
        break;
      case 'postgres':
      case 'mysql':
      case 'csr':
        r.user = user;
        r.port = kind === 'postgres' ? m.env.pgPort : kind === 'mysql' ? m.env.mysqlPort : 8081;
        if (secrets.length && this.rng.chance(0.7)) r.password = this.rng.pick(secrets).key;
        if (tunnels.length && this.rng.chance(0.3)) r.tunnel = this.rng.pick(tunnels).key;
        r.userSecret = this.rng.chance(0.3) || undefined;
        break;
      case 'kafka':
        r.port = 9092;
        if (secrets.length && this.rng.chance(0.6)) {
          r.password = this.rng.pick(secrets).key;
          r.user = user;
        }
        r.progressTopic = this.rng.chance(0.5) ? `progress-${this.rng.int(1, 3)}` : undefined;
        break;
      case 'ssh':
        r.keyRotation = this.rng.chance(0.5) ? 1 : undefined;
        break;
      case 'aws': {
        if (this.of(m, 'aws').length) return undefined;
        r.roleName = `camp-${this.sched.seed}-${this.counter}`;
        this.roleNames.add(r.roleName);
        m.resources.push(r);
        m.resources.push({
          key: `role${this.counter++}`,
          kind: 'role',
          name: r.roleName,
          schema,
          connection: r.key,
          description: 'v1',
        });
        sort(m);
        return `add aws connection ${r.key} and its role`;
      }
      case 'bastion':
        if (!tunnels.length || this.of(m, 'bastion').length) return undefined;
        r.tunnel = this.rng.pick(tunnels).key;
        break;
      case 'role':
        return undefined;
    }
    if (kind !== 'bastion' && this.rng.chance(0.3)) r.comment = `comment ${this.rng.int(1, 5)}`;
    if (kind !== 'bastion' && this.rng.chance(0.2)) r.usage = [this.rng.pick(ROLES)];
    m.resources.push(r);
    sort(m);
    return `add ${kind} ${r.key} (${r.schema}.${r.name})`;
  }

  /** Removes a resource and what cannot live without it (references elsewhere are dropped or re-pointed). */
  remove(m: Model, r: ModelResource): string {
    const gone = new Set([r.key]);
    for (const x of m.resources)
      if ((x.kind === 'role' && x.connection === r.key) || (x.kind === 'bastion' && x.tunnel === r.key))
        gone.add(x.key);
    m.resources = m.resources.filter((x) => !gone.has(x.key));
    for (const x of m.resources) {
      if (x.password && gone.has(x.password)) {
        x.password = undefined;
        if (x.kind === 'kafka') x.user = undefined;
      }
      if (x.tunnel && gone.has(x.tunnel)) x.tunnel = undefined;
    }
    return `remove ${[...gone].join(', ')}`;
  }

  /** One change of the program, described; undefined when the drawn change does not apply. */
  change(m: Model, avoid: ReadonlySet<string>): string | undefined {
    const objects = m.resources.filter((r) => r.kind !== 'role' && r.kind !== 'bastion');
    const any = objects.length ? this.rng.pick(objects) : undefined;
    const what = this.rng.pick([
      'add',
      'add',
      'add',
      'remove',
      'comment',
      'port',
      'user',
      'rename',
      'schema',
      'swap',
      'adopt',
      'usage',
      'rotate',
      'spelling',
      'topic',
      'tunnel',
      'value',
      'role',
      'dbr',
      'byname',
    ] as const);
    if (this.without.has(what)) return undefined;
    const kinds: Kind[] = ['secret', 'secret', 'postgres', 'mysql', 'kafka', 'csr', 'ssh', 'aws', 'bastion'];
    switch (what) {
      case 'add':
        return this.add(m, this.rng.pick(kinds), avoid);
      case 'remove':
        return m.resources.length ? this.remove(m, this.rng.pick(m.resources)) : undefined;
      case 'comment':
        if (!any) return undefined;
        any.comment = this.rng.chance(0.3) ? undefined : `comment ${this.rng.int(1, 5)}`;
        return `comment of ${any.key} -> ${any.comment ?? '(none)'}`;
      case 'port': {
        const c = this.rng.pick([...this.of(m, 'postgres', 'mysql'), ...[]]);
        if (!c) return undefined;
        c.port =
          c.port === 5 ? (c.kind === 'postgres' ? m.env.pgPort : m.env.mysqlPort) : this.rng.pick([5, c.port! + 1]);
        return `port of ${c.key} -> ${c.port}`;
      }
      case 'user': {
        const c = this.rng.pick(this.of(m, 'postgres', 'mysql', 'csr'));
        if (!c) return undefined;
        if (this.rng.chance(0.5)) c.userSecret = !c.userSecret || undefined;
        else c.user = `user${this.rng.int(1, 9)}`;
        return `user of ${c.key} -> ${c.user}${c.userSecret ? ' (as a secret)' : ''}`;
      }
      case 'rename': {
        if (!any) return undefined;
        const name = this.freeName(m, any.schema, avoid);
        if (name === undefined) return undefined;
        const from = any.name;
        any.name = name;
        return `rename ${any.key} ${from} -> ${name}`;
      }
      case 'schema': {
        if (!any) return undefined;
        const to = any.schema === this.sched.schemas[0] ? this.sched.schemas[1] : this.sched.schemas[0];
        if (this.taken(m, to).has(any.name) || avoid.has(`${to}.${any.name}`)) return undefined;
        any.schema = to;
        return `move ${any.key} to schema ${to} (replaces)`;
      }
      case 'swap': {
        const c = this.rng.pick(m.resources.filter((r) => r.password !== undefined));
        const secrets = this.of(m, 'secret').filter((s) => s.key !== c?.password);
        if (!c || !secrets.length) return undefined;
        c.password = this.rng.pick(secrets).key;
        return `${c.key} now references ${c.password}`;
      }
      case 'adopt':
        if (!any) return undefined;
        any.adopt = !any.adopt || undefined;
        return `adoptExisting of ${any.key} -> ${Boolean(any.adopt)}`;
      case 'usage':
        if (!any) return undefined;
        any.usage = this.rng.pick([undefined, [], [ROLES[0]], [...ROLES], ['PUBLIC']]);
        return `usage of ${any.key} -> ${JSON.stringify(any.usage ?? null)}`;
      case 'rotate': {
        const t = this.rng.pick(this.of(m, 'ssh'));
        if (!t) return undefined;
        t.keyRotation = (t.keyRotation ?? 0) + 1;
        return `keyRotation of ${t.key} -> ${t.keyRotation}`;
      }
      case 'spelling':
        if (!any) return undefined;
        any.host = this.rng.pick([undefined, '127.0.0.1', 'localhost'].filter((h) => h !== any.host));
        return `materialize.host of ${any.key} -> ${any.host ?? '(stack config)'}`;
      case 'topic': {
        const k = this.rng.pick(this.of(m, 'kafka'));
        if (!k) return undefined;
        k.progressTopic = this.rng.pick([undefined, 'progress-1', 'progress-2'].filter((t) => t !== k.progressTopic));
        return `progressTopic of ${k.key} -> ${k.progressTopic ?? '(default)'} (replaces)`;
      }
      case 'tunnel': {
        const c = this.rng.pick(this.of(m, 'postgres', 'mysql', 'csr'));
        const tunnels = this.of(m, 'ssh');
        if (!c || !tunnels.length) return undefined;
        c.tunnel = this.rng.pick([undefined, ...tunnels.map((t) => t.key)].filter((t) => t !== c.tunnel));
        return `tunnel of ${c.key} -> ${c.tunnel ?? '(none)'} (replaces)`;
      }
      case 'value': {
        const s = this.rng.pick(this.of(m, 'secret'));
        if (!s) return undefined;
        s.value = this.canary(`Secret ${s.key}`);
        return `value of ${s.key} -> a new canary`;
      }
      case 'role': {
        const r = this.rng.pick(this.of(m, 'role'));
        if (!r) return undefined;
        r.description = `v${this.rng.int(1, 9)}`;
        return `description of ${r.key} -> ${r.description}`;
      }
      case 'byname': {
        const r = this.rng.pick(this.of(m, 'role'));
        if (!r) return undefined;
        r.byName = !r.byName || undefined;
        return `${r.key} names its connection ${r.byName ? 'by { name, schemaName }' : 'by the resource'}`;
      }
      case 'dbr':
        if (!any) return undefined;
        any.deleteBeforeReplace = !any.deleteBeforeReplace || undefined;
        return `deleteBeforeReplace of ${any.key} -> ${Boolean(any.deleteBeforeReplace)}`;
    }
  }
}

export function sort(m: Model): void {
  m.resources.sort((a, b) => RANK[a.kind] - RANK[b.kind]);
}

export const clone = (m: Model): Model => JSON.parse(JSON.stringify(m));
