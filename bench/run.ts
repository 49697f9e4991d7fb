// npm run bench: 200 connections of mixed kinds (plus the secrets they reference) through the real
// dynamic-provider server against the Materialize stand-in, with the engine's parallelism. See README.md.
//   node scripts/run-ts.js bench/run.ts [--groups 20] [--latency 20] [--parallel N] [--no-latency]
import { Client, Pool } from 'pg';
import { makeProgramDir, removeProgramDir } from '../test/engine';
import type { StatementLogEntry } from '../test/standin';
import { DEFAULTS } from '../provider/lifecycle/endpoint';

const POOL_SIZE = DEFAULTS.poolSize;
import { capture, type Registration } from './capture';
import { BenchEngine, type CommandResult } from './engine';
import { fleet, USAGE_ROLES } from './fleet';
import { startLatencyProxy } from './latency-proxy';
import { startStandinProcess, type StandinProcess as Standin } from './standin-process';
import { tfSequence, type Kind, type Operation } from './terraform';

const APPLICATION_NAME = 'pulumi-materialize-connections';
const PROJECT = 'bench';
const STACK = 'dev';
const SCHEMA = 'bench';

/**
 * The fewest round trips per resource the product can do: create = CREATE + read back; refresh = read (of an
 * object on its own; reads that come together share statements, down to one per kind: provider/lifecycle/batch.ts);
 * update = the id check of the name (ALTER addresses the object by name: pulumi-engine-findings.md A7) + ALTER + read back;
 * delete = the id check + DROP. The id checks are one round trip each that a name-addressed DROP/ALTER cannot avoid
 * (Materialize's parser refuses an id in DROP). `--usage` adds one GRANT to create and update. Every command that
 * sends SQL also reads the environment id once (`SELECT mz_environment_id()`, once per pool per provider process):
 * what tells where an object lives, whatever its address is spelled like (issue 16).
 */
const PER_COMMAND_MINIMUM = 1;
const BASE_MINIMUM: Record<Operation, number> = { create: 2, preview: 0, refresh: 1, update: 3, delete: 2 };
const LABEL: Record<Operation, string> = {
  create: 'create (up)',
  preview: 'no-change preview',
  refresh: 'refresh',
  update: 'update of 3 options (up)',
  delete: 'delete (destroy)',
};
/** The step each operation is about (an update run also has `same` steps, for the unchanged secrets). */
const STEP: Record<Operation, string> = {
  create: 'create',
  preview: 'same',
  refresh: 'read',
  update: 'update',
  delete: 'delete',
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const GROUPS = Number(arg('groups') ?? 20);
const LATENCY = Number(arg('latency') ?? 20);
const PARALLEL = arg('parallel') === undefined ? Infinity : Number(arg('parallel'));
const CEILING_N = 240;
const WITH_LATENCY = !process.argv.includes('--no-latency');
const USAGE = process.argv.includes('--usage');
const minimum = (op: Operation) => BASE_MINIMUM[op] + (USAGE && (op === 'create' || op === 'update') ? 1 : 0);
/**
 * The Terraform provider grants with one `materialize_connection_grant` / `materialize_secret_grant` resource per
 * (object, role). Its create sends GRANT, a role lookup, an object lookup and the read: 4 statements
 * (terraform-provider-materialize, pkg/resources/resource_grant_connection_test.go). Added to create (one grant
 * each) and update (the one new grant per connection); its refresh/delete statements are not added.
 */
const TF_GRANT_CREATE = 4;
// Only the stand-in latency run: the scale check (`--groups 84 --latency 200 --latency-only`, 1,008 resources,
// unbounded parallelism, queued on a pool of 8 for minutes) without the other two runs.
const LATENCY_ONLY = process.argv.includes('--latency-only');

interface Measured {
  op: Operation;
  resources: number;
  wallMs: number;
  startMs: number;
  roundTrips: number;
  byVerb: Record<string, number>;
  connectionsOpened: number;
  sessions: number;
  peakInFlight: number;
  providerCpuMs: number;
  benchCpuMs: number;
  standinCpuMs: number;
  tf: number;
}

function kindOf(r: Registration): Kind {
  const kind = r.name.replace(/(-[ab])?-\d+$/, '');
  const map: Record<string, Kind> = {
    pw: 'secret',
    key: 'secret',
    ssh: 'ssh-tunnel',
    pg: 'postgres',
    mysql: 'mysql',
    kafka: 'kafka',
    csr: 'confluent-schema-registry',
    aws: 'aws',
  };
  if (!map[kind]) throw new Error(`bench: no kind for ${r.name}`);
  return map[kind];
}

/** Statements of the product (by application_name) that ran at the stand-in. */
async function productStatements(s: Standin): Promise<StatementLogEntry[]> {
  return (await s.log()).filter((e) => e.applicationName === APPLICATION_NAME);
}

function peakInFlight(entries: StatementLogEntry[]): number {
  const events = entries.flatMap((e) => [
    [e.startedAt, 1],
    [e.startedAt + Math.max(e.durationMs, 1), -1],
  ]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) peak = Math.max(peak, (now += d));
  return peak;
}

/**
 * What the server itself allows: a bare pg pool of the provider's size sending `n` parameterized SELECTs
 * (the product's read shape) at once, with no Pulumi in between. No client can beat this wall time.
 */
async function serverCeiling(target: { host: string; port: number }, n: number): Promise<number> {
  const pool = new Pool({
    ...target,
    user: 'materialize',
    password: 'materialize',
    database: 'materialize',
    max: POOL_SIZE,
    application_name: 'bench-ceiling',
  });
  try {
    await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.query('SELECT 1')));
    const t = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => pool.query('SELECT $1::text AS x', [`u${i}`])));
    return performance.now() - t;
  } finally {
    await pool.end();
  }
}

async function measure(
  standin: Standin,
  op: Operation,
  regs: Registration[],
  run: () => Promise<CommandResult>,
): Promise<Measured> {
  await standin.clearLog();
  const opened = await standin.connectionsOpened();
  const standinCpu = await standin.cpuMs();
  const r = await run();
  const standinCpuMs = (await standin.cpuMs()) - standinCpu;
  const log = await productStatements(standin);
  const failed = log.filter((e) => !e.ok);
  if (failed.length) throw new Error(`bench: ${op}: ${failed.length} statements failed, e.g. ${failed[0].message}`);
  const byVerb: Record<string, number> = {};
  for (const e of log) {
    const verb = e.sql.trimStart().split(/\s+/)[0].toUpperCase();
    byVerb[verb] = (byVerb[verb] ?? 0) + 1;
  }
  const resources = r.ops[STEP[op]] ?? 0;
  return {
    op,
    resources,
    wallMs: r.wallMs,
    startMs: r.startMs,
    roundTrips: log.length,
    byVerb,
    connectionsOpened: (await standin.connectionsOpened()) - opened,
    sessions: new Set(log.map((e) => e.session)).size,
    peakInFlight: peakInFlight(log),
    providerCpuMs: r.providerCpuMs,
    benchCpuMs: r.benchCpuMs,
    standinCpuMs,
    tf:
      regs.reduce((n, reg) => n + tfSequence(kindOf(reg), op).statements.length, 0) +
      (USAGE && (op === 'create' || op === 'update') ? resources * TF_GRANT_CREATE : 0),
  };
}

function expectOps(op: Operation, r: CommandResult, want: Record<string, number>): CommandResult {
  const got = JSON.stringify(Object.entries(r.ops).sort());
  if (got !== JSON.stringify(Object.entries(want).sort()))
    throw new Error(`bench: ${op}: expected steps ${JSON.stringify(want)}, got ${JSON.stringify(r.ops)}`);
  return r;
}

async function lifecycle(
  standin: Standin,
  target: { host: string; port: number },
  dir: string,
  v1: Registration[],
  v2: Registration[],
): Promise<Measured[]> {
  const engine = new BenchEngine({
    projectDir: dir,
    project: PROJECT,
    stack: STACK,
    parallel: PARALLEL,
    config: { ...target, username: 'materialize', password: 'materialize', database: 'materialize' },
  });
  const total = v1.length;
  const changed = v2.filter((r) => kindOf(r) !== 'secret').length;
  const out: Measured[] = [];
  const step = async (
    op: Operation,
    regs: Registration[],
    want: Record<string, number>,
    f: () => Promise<CommandResult>,
  ) => out.push(await measure(standin, op, regs, async () => expectOps(op, await f(), want)));
  try {
    await step('create', v1, { create: total }, () => engine.up(v1));
    await step('preview', v1, { same: total }, () => engine.up(v1, true));
    await step('refresh', v1, { read: total }, () => engine.refresh());
    await step('update', v2, { update: changed, same: total - changed }, () => engine.up(v2));
    await step('delete', v2, { delete: total }, () => engine.destroy());
  } catch (e) {
    process.stderr.write(engine.logs.slice(-20).join('\n') + '\n');
    throw e;
  }
  return out;
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '∞');
const verbs = (m: Measured) =>
  Object.entries(m.byVerb)
    .map(([v, n]) => `${n} ${v}`)
    .join(' + ') || '—';

function table(title: string, rows: Measured[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| operation | resources | wall ms | round trips (statements) | per resource | physical minimum | TF sequence | connections opened | peak in-flight |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const m of rows) {
    const per = m.resources ? m.roundTrips / m.resources : 0;
    const min = minimum(m.op) * m.resources + (m.op === 'preview' ? 0 : PER_COMMAND_MINIMUM);
    const flag = m.roundTrips > min ? ' ⚠' : '';
    lines.push(
      `| ${LABEL[m.op]} | ${m.resources} | ${fmt(m.wallMs)} | ${m.roundTrips} (${verbs(m)})${flag} | ${fmt(per, 2)} | ` +
        `${min} (${minimum(m.op)}/res) | ${m.tf} (${fmt(m.resources ? m.tf / m.resources : 0, 2)}/res) | ` +
        `${m.connectionsOpened} | ${m.peakInFlight} |`,
    );
  }
  return lines.join('\n');
}

function floorTable(title: string, rows: Measured[], latency: number, parallelism: number, ceiling: number): string {
  const lines = [
    `### ${title}`,
    '',
    `floor = round trips × ${latency} ms ÷ ${parallelism} (parallelism = min(engine --parallel ${fmt(PARALLEL)}, pool ${POOL_SIZE}))`,
    '',
    `server ceiling: a bare pg pool of ${POOL_SIZE} sending ${CEILING_N} parameterized SELECTs at once takes ${fmt(ceiling)} ms ` +
      `(${fmt(ceiling / CEILING_N, 1)} ms per statement) on this path, with no Pulumi involved.`,
    '',
    '| operation | round trips | wall ms | floor ms | wall ÷ floor | server-ceiling ms (round trips × ceiling per statement) | wall ÷ ceiling | peak in-flight | CPU ms: provider / engine / stand-in |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const m of rows) {
    const floor = (m.roundTrips * latency) / parallelism;
    const server = (m.roundTrips * ceiling) / CEILING_N;
    lines.push(
      `| ${LABEL[m.op]} | ${m.roundTrips} | ${fmt(m.wallMs)} | ${fmt(floor)} | ${floor ? fmt(m.wallMs / floor, 2) : '—'} | ` +
        `${fmt(server)} | ${server ? fmt(m.wallMs / server, 2) : '—'} | ` +
        `${m.peakInFlight} | ${fmt(m.providerCpuMs)} / ${fmt(m.benchCpuMs)} / ${fmt(m.standinCpuMs)} |`,
    );
  }
  return lines.join('\n');
}

function tfLegend(regs: Registration[]): string {
  const kinds = [...new Set(regs.map(kindOf))];
  const ops: Operation[] = ['create', 'preview', 'refresh', 'update', 'delete'];
  const lines = ['### Terraform provider statement sequences (from peers.md)', ''];
  for (const op of ops) {
    const same = new Map<string, Kind[]>();
    for (const k of kinds) {
      const s = tfSequence(k, op);
      const key = `${s.statements.length} (${s.statements.join(' → ') || 'none'}); ${s.source}`;
      same.set(key, [...(same.get(key) ?? []), k]);
    }
    for (const [key, ks] of same) lines.push(`- ${op}, ${ks.join('/')}: ${key}`);
  }
  return lines.join('\n');
}

async function main() {
  const t0 = performance.now();
  const standin = await startStandinProcess();
  const dir = makeProgramDir();
  const setup = new Client({ connectionString: standin.url, application_name: 'bench-setup' });
  try {
    await setup.connect();
    await setup.query(`CREATE SCHEMA "${SCHEMA}"`);
    if (USAGE) for (const role of USAGE_ROLES) await setup.query(`CREATE ROLE "${role}"`);
    const v1 = await capture(fleet({ groups: GROUPS, schema: SCHEMA, version: 1, usage: USAGE }), PROJECT, STACK);
    const v2 = await capture(fleet({ groups: GROUPS, schema: SCHEMA, version: 2, usage: USAGE }), PROJECT, STACK);
    const connections = v1.filter((r) => kindOf(r) !== 'secret').length;
    const kinds = Object.entries(
      v1.reduce<Record<string, number>>((m, r) => ({ ...m, [kindOf(r)]: (m[kindOf(r)] ?? 0) + 1 }), {}),
    )
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    const parallelism = Math.min(PARALLEL, POOL_SIZE);
    const out: string[] = [
      `## pulumi-materialize-connections benchmark`,
      '',
      `${v1.length} resources: ${connections} connections + ${v1.length - connections} secrets (${kinds}); ` +
        `engine parallelism ${fmt(PARALLEL)} (Pulumi's default: unbounded), provider pool ${POOL_SIZE} per endpoint, ` +
        `one provider process per command. Round trips = statements with application_name ${APPLICATION_NAME} in the stand-in's log.` +
        (USAGE
          ? ` --usage: every object grants USAGE to ${USAGE_ROLES[0]}; the update also grants ${USAGE_ROLES[1]} on every connection.`
          : ''),
      '',
    ];
    const print = (s: string) => {
      out.push(s, '');
      process.stdout.write(s + '\n\n');
    };
    process.stdout.write(out.join('\n'));

    const local = { host: '127.0.0.1', port: standin.port };
    // Warm-up (not reported): JIT, the stand-in's first statements of each kind, pg and gRPC code paths.
    await lifecycle(
      standin,
      local,
      dir,
      v1.filter((r) => r.name.endsWith('-0')),
      v2.filter((r) => r.name.endsWith('-0')),
    );
    if (!LATENCY_ONLY) {
      const base = await lifecycle(standin, local, dir, v1, v2);
      print(table('No injected latency', base));
      print(
        floorTable(
          'No injected latency: wall time against the server ceiling',
          base,
          0,
          parallelism,
          await serverCeiling(local, CEILING_N),
        ),
      );
    }

    if (WITH_LATENCY) {
      await standin.setLatency(LATENCY);
      const slow = await lifecycle(standin, local, dir, v1, v2);
      const slowCeiling = await serverCeiling(local, CEILING_N);
      await standin.reset();
      print(table(`Stand-in latency ${LATENCY} ms per statement (faults.setLatency)`, slow));
      print(
        floorTable(
          `Stand-in latency ${LATENCY} ms per statement: wall time against the floor`,
          slow,
          LATENCY,
          parallelism,
          slowCeiling,
        ),
      );

      const proxy = LATENCY_ONLY ? undefined : await startLatencyProxy(local, LATENCY);
      if (proxy)
        try {
          const via = { host: '127.0.0.1', port: proxy.port };
          const net = await lifecycle(standin, via, dir, v1, v2);
          const netCeiling = await serverCeiling(via, CEILING_N);
          print(table(`Network latency ${LATENCY} ms per client flight (bench/latency-proxy.ts)`, net));
          print(
            floorTable(
              `Network latency ${LATENCY} ms: wall time against the floor`,
              net,
              LATENCY,
              parallelism,
              netCeiling,
            ),
          );
        } finally {
          await proxy.close();
        }
    }
    print(tfLegend(v1));
    process.stdout.write(`total ${fmt((performance.now() - t0) / 1000, 1)} s\n`);
  } finally {
    await setup.end().catch(() => undefined);
    await standin.close();
    removeProgramDir(dir);
  }
}

// `--cli`: the real Pulumi CLI against the no-op floor instead (bench/cli.ts).
if (process.argv.includes('--cli')) void import('./cli');
else
  main().catch((e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
