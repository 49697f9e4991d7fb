// `npm run bench -- --cli`: the 240-resource fleet (bench/fleet.ts: 200 connections of mixed kinds and the 40
// secrets they reference) deployed with the real Pulumi CLI (`npm run pulumi-cli`) against a stand-in, timing
// `up`, a no-change `preview`, `refresh`, an `up` that changes three options of every connection, and
// `destroy`; and in the same run the same number of no-op dynamic resources (a provider that does nothing),
// which is the floor every dynamic provider pays for the engine, the language host and the provider process.
// Both programs are plain JavaScript, so neither pays for TypeScript compilation. The fleets go through the commands
// in lockstep, and the commands that change nothing run `--repeat` times each (see `measure`).
import { execFileSync, execFile } from 'child_process';
import { transformSync } from '@swc/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { CLASSES } from '../provider/native/tokens';
import { startLatencyProxy } from './latency-proxy';
import { startStandinProcess, type StandinProcess } from './standin-process';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = 'bench_cli';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const GROUPS = Number(arg('groups') ?? 20);
/** `--profile DIR`: a V8 CPU profile of every Node process (program, provider) per command, in DIR/<fleet>/<op>. */
const PROFILE = arg('profile');
/** `--only fleet|noop|shaped` (comma-separated): only these fleets (to iterate on one side; ratios need two). */
const ONLY = arg('only')?.split(',');
const runs = (fleet: string) => !ONLY || ONLY.includes(fleet);
/** `--export DIR`: keep the stack's checkpoint after the create (`pulumi stack export`), per fleet, in DIR. */
const EXPORT = arg('export');
/**
 * `--latency MS`: the fleet reaches the stand-in through bench/latency-proxy.ts, which delays every client-to-server
 * chunk by MS (a Materialize across a network: sessions wait in parallel, connection set-up pays it too).
 */
const LATENCY = Number(arg('latency') ?? 0);
/** `--repeat N` (odd): how many times the commands that change nothing run per fleet; the middle run counts. */
const REPEAT = Number(arg('repeat') ?? 3);
if (!Number.isInteger(REPEAT) || REPEAT < 1 || REPEAT % 2 === 0) throw new Error('--repeat takes an odd number');

// Loaded into every Node process the CLI starts (NODE_OPTIONS --require): at exit it appends the process's
// role and CPU time to the file named by BENCH_CPU_FILE, so each command's CPU splits into program and provider,
// and with BENCH_PROFILE_DIR writes a V8 CPU profile there (NODE_OPTIONS refuses --cpu-prof).
const CPU_PROBE = `
const fs = require('fs');
const path = require('path');
const file = process.env.BENCH_CPU_FILE;
const dir = process.env.BENCH_PROFILE_DIR;
const script = process.argv[1] || '';
const role = /dynamic-provider/.test(script) ? 'provider' : /cmd[\\/]run/.test(script) ? 'program' : 'other';
let session;
if (dir) {
  session = new (require('inspector').Session)();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
}
// The CLI stops its plugins with SIGINT (then SIGKILL): leave through 'exit' so the figures are written.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
process.on('exit', () => {
  const u = process.cpuUsage();
  if (file) fs.appendFileSync(file, JSON.stringify({ role, cpuMs: (u.user + u.system) / 1000 }) + '\\n');
  if (session)
    session.post('Profiler.stop', (err, r) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, role + '-' + process.pid + '.cpuprofile'), JSON.stringify(r.profile));
    });
});
`;

function programDir(work: string, name: string, index: string, files: Record<string, string> = {}): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Pulumi.yaml'),
    `name: bench-${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
  );
  fs.writeFileSync(path.join(dir, 'index.js'), index);
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

/** bench/fleet.ts as the program's own JavaScript, importing `sdk` (the package, or the no-op classes below). */
function fleetProgram(work: string, name: string, sdk: string, files: Record<string, string> = {}): string {
  const source = fs.readFileSync(path.join(ROOT, 'bench/fleet.ts'), 'utf8').replace("from '../sdk'", `from '${sdk}'`);
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  return programDir(
    work,
    name,
    [
      "const pulumi = require('@pulumi/pulumi');",
      "const { fleet } = require('./fleet');",
      "const version = new pulumi.Config().get('version') === '2' ? 2 : 1;",
      `module.exports = fleet({ groups: ${GROUPS}, schema: '${SCHEMA}', version })();`,
    ].join('\n'),
    { 'fleet.js': code, ...files },
  );
}

// The fleet's program with every class of the package replaced by a no-op dynamic resource that takes the same
// inputs (secrets, references to other resources as { name, schemaName } data, so the same dependencies) and
// stores them as its outputs, plus the package's computed outputs. What any dynamic provider pays for inputs of
// this shape: the fleet over this is the package's own cost; this over the plain no-op is the shape's.
const SHAPED_SDK = `
const pulumi = require('@pulumi/pulumi');
const computed = (inputs) => ({
  ...inputs,
  qualifiedName: '"materialize"."' + inputs.schemaName + '"."' + inputs.name + '"',
  databaseName: 'materialize',
  owner: 'materialize',
  plannedSql: [],
  materializeEndpoint: 'bench',
});
const sameInputs = (olds, news) => Object.keys(news).every((k) => JSON.stringify(olds[k]) === JSON.stringify(news[k]));
const provider = {
  async create(inputs) { return { id: inputs.name, outs: computed(inputs) }; },
  async diff(_id, olds, news) { return { changes: !sameInputs(olds, news) }; },
  async update(_id, _olds, news) { return { outs: computed(news) }; },
  async read(id, props) { return { id, props }; },
  async delete() {},
};
class NoopObject extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    const props = { qualifiedName: undefined, databaseName: undefined, owner: undefined, plannedSql: undefined, materializeEndpoint: undefined };
    for (const [k, v] of Object.entries(args)) {
      if (v === undefined) continue;
      props[k] = v instanceof pulumi.Resource ? pulumi.all([v.name, v.schemaName]).apply(([n, s]) => ({ name: n, schemaName: s })) : v;
    }
    super(provider, name, props, opts);
  }
}
for (const name of ${JSON.stringify(Object.keys(CLASSES))}) exports[name] = class extends NoopObject {};
`;

/** The same number of resources whose provider does nothing: the engine's own cost per dynamic resource. */
function noopProgram(work: string, count: number): string {
  return programDir(
    work,
    'noop',
    [
      "const pulumi = require('@pulumi/pulumi');",
      "const version = new pulumi.Config().get('version') ?? '1';",
      'const provider = {',
      '  async create(inputs) { return { id: inputs.name, outs: inputs }; },',
      '  async diff(_id, olds, news) { return { changes: olds.version !== news.version }; },',
      '  async update(_id, _olds, news) { return { outs: news }; },',
      '  async read(id, props) { return { id, props }; },',
      '  async delete() {},',
      '};',
      `for (let i = 0; i < ${count}; i++)`,
      '  new pulumi.dynamic.Resource(provider, `noop-${i}`, { name: `noop-${i}`, version }, {});',
    ].join('\n'),
  );
}

interface Timing {
  op: string;
  ms: number;
  /** CPU ms of the whole command (the CLI, its plugins and the Node processes, from /usr/bin/time). */
  totalCpuMs: number;
  programCpuMs: number;
  providerCpuMs: number;
  /** The stand-in's CPU ms, and the sum of its statements' service times, during the command. */
  serverCpuMs: number;
  serverServiceMs: number;
  statements: number;
}

type Run = Omit<Timing, 'op' | 'serverCpuMs' | 'serverServiceMs' | 'statements'>;

function pulumi(dir: string, env: NodeJS.ProcessEnv, args: string[], label?: string): Promise<Run> {
  const started = Date.now();
  const cpuDir = path.join(dir, '.bench-cpu');
  fs.mkdirSync(cpuDir, { recursive: true });
  const tag = (label ?? args[0]).replace(/\W+/g, '-');
  const timeFile = path.join(cpuDir, `${tag}.time`);
  const nodeFile = path.join(cpuDir, `${tag}.jsonl`);
  for (const f of [timeFile, nodeFile]) fs.rmSync(f, { force: true });
  const options = [`--require ${path.join(path.dirname(dir), 'cpu-probe.js')}`];
  const runEnv: NodeJS.ProcessEnv = { ...env, BENCH_CPU_FILE: nodeFile, NODE_OPTIONS: options.join(' ') };
  // The CLI's own CPU profile (Go pprof: `go tool pprof -top DIR/.../engine.<pid>.cpu`).
  const engineProfile =
    PROFILE && label ? ['--profiling', path.join(path.resolve(PROFILE), path.basename(dir), tag, 'engine')] : [];
  if (PROFILE && label) {
    runEnv.BENCH_PROFILE_DIR = path.join(path.resolve(PROFILE), path.basename(dir), tag);
    // The CLI opens its CPU profile file at start: the folder must exist by then.
    fs.mkdirSync(runEnv.BENCH_PROFILE_DIR, { recursive: true });
  }
  return new Promise((resolve, reject) =>
    execFile(
      '/usr/bin/time',
      ['-f', '%U %S', '-o', timeFile, 'pulumi', ...args, ...engineProfile, '--non-interactive', '--stack', 'bench'],
      { cwd: dir, env: runEnv, maxBuffer: 256 << 20 },
      (err, _o, stderr) => {
        if (err) return reject(new Error(`pulumi ${args.join(' ')}: ${err.message}\n${stderr}`));
        const ms = Date.now() - started;
        const [user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        const procs = fs.existsSync(nodeFile)
          ? fs
              .readFileSync(nodeFile, 'utf8')
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as { role: string; cpuMs: number })
          : [];
        const cpu = (role: string) => procs.filter((p) => p.role === role).reduce((n, p) => n + p.cpuMs, 0);
        resolve({ ms, totalCpuMs: (user + sys) * 1000, programCpuMs: cpu('program'), providerCpuMs: cpu('provider') });
      },
    ),
  );
}

/** What one resource stores, on average: the checkpoint's bytes and properties, which the engine's cost follows. */
interface StateShape {
  bytes: number;
  inputs: number;
  outputs: number;
  dependencies: number;
}

/** Keys and values in a JSON value (an object counts its keys, each value counts once). */
function nodes(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((n: number, v) => n + nodes(v), 0);
  if (value !== null && typeof value === 'object')
    return 1 + Object.values(value).reduce((n: number, v) => n + 1 + nodes(v), 0);
  return 1;
}

function stateShape(file: string): StateShape {
  const exported = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    deployment: { resources: { custom?: boolean; id?: string; type: string; [k: string]: unknown }[] };
  };
  const resources = exported.deployment.resources.filter((r) => r.custom && !r.type.startsWith('pulumi:providers:'));
  const mean = (f: (r: Record<string, unknown>) => number) =>
    resources.reduce((n, r) => n + f(r), 0) / Math.max(1, resources.length);
  return {
    bytes: mean((r) => JSON.stringify(r).length),
    inputs: mean((r) => nodes(r.inputs ?? {})),
    outputs: mean((r) => nodes(r.outputs ?? {})),
    dependencies: mean((r) => nodes(r.propertyDependencies ?? {})),
  };
}

/** One fleet's stack: its program, its environment, and what was measured. */
interface Fleet {
  dir: string;
  env: NodeJS.ProcessEnv;
  timings: Timing[];
  shape?: StateShape;
}

/** The run in the middle by wall time (`runs` has an odd length). */
function median(runs: Timing[]): Timing {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
}

/**
 * Every fleet goes through the same commands in lockstep (each command runs for every fleet before the next
 * command starts), so a ratio compares runs made minutes apart at most, not a whole fleet's lifecycle apart: the
 * machine's speed drifts over minutes (the no-op's own refresh has taken 1.0 to 1.4 s on this machine). The
 * commands that change nothing (the no-change preview, the refresh) run REPEAT times per fleet, the fleets taking
 * turns in alternating order, and the run in the middle counts.
 */
async function measure(fleets: Fleet[], standin: StandinProcess): Promise<void> {
  for (const f of fleets) {
    await pulumi(f.dir, f.env, ['stack', 'init']);
    await pulumi(f.dir, f.env, ['config', 'set-all']);
  }
  const step = async (f: Fleet, op: string, args: string[]): Promise<Timing> => {
    await standin.clearLog();
    const cpu = await standin.cpuMs();
    const run = await pulumi(f.dir, f.env, args, op);
    const serverCpuMs = (await standin.cpuMs()) - cpu;
    const log = await standin.log();
    const serverServiceMs = log.reduce((n, e) => n + e.durationMs, 0);
    return { op, ...run, serverCpuMs, serverServiceMs, statements: log.length };
  };
  const once = async (op: string, args: string[]) => {
    for (const f of fleets) f.timings.push(await step(f, op, args));
  };
  const repeated = async (op: string, args: string[]) => {
    const runs = new Map<Fleet, Timing[]>(fleets.map((f) => [f, []]));
    for (let i = 0; i < REPEAT; i++)
      for (const f of i % 2 === 0 ? fleets : [...fleets].reverse()) runs.get(f)!.push(await step(f, op, args));
    for (const f of fleets) f.timings.push(median(runs.get(f)!));
  };
  await once('up (create)', ['up', '--yes', '--skip-preview']);
  // The checkpoint after the create (outside the timed commands): its size per resource is what every step rewrites.
  for (const f of fleets) {
    const file = path.resolve(EXPORT ?? f.dir, `${path.basename(f.dir)}.json`);
    if (EXPORT) fs.mkdirSync(EXPORT, { recursive: true });
    await pulumi(f.dir, f.env, ['stack', 'export', '--file', file]);
    f.shape = stateShape(file);
  }
  await repeated('preview (no change)', ['preview', '--expect-no-changes']);
  await repeated('refresh', ['refresh', '--yes', '--skip-preview']);
  for (const f of fleets) await pulumi(f.dir, f.env, ['config', 'set', 'version', '2']);
  await once('up (update)', ['up', '--yes', '--skip-preview']);
  await once('destroy', ['destroy', '--yes', '--skip-preview']);
}

function printShapes(shapes: [string, StateShape][]): void {
  console.log('');
  console.log(
    'state per resource after the create (pulumi stack export): JSON bytes, and properties (keys and values) of the ' +
      'inputs, outputs and property dependencies; the file backend rewrites it all after every step.',
  );
  console.log('| fleet | bytes | inputs | outputs | property dependencies |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, s] of shapes)
    console.log(
      `| ${name} | ${s.bytes.toFixed(0)} | ${s.inputs.toFixed(1)} | ${s.outputs.toFixed(1)} | ${s.dependencies.toFixed(1)} |`,
    );
}

const per = (ms: number, n: number) => (ms / n).toFixed(2);

/** Per command and per resource: wall, and the CPU of program, provider, engine (the rest) and server. */
function printSplit(name: string, t: Timing[], count: number): void {
  console.log('');
  console.log(
    `${name}, per resource (ms): wall, then CPU by process; engine = the CLI and its plugins (total − Node).`,
  );
  console.log(
    '| operation | wall | program CPU | provider CPU | engine CPU | server CPU | server service | statements |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of t) {
    const engine = x.totalCpuMs - x.programCpuMs - x.providerCpuMs;
    console.log(
      `| ${x.op} | ${per(x.ms, count)} | ${per(x.programCpuMs, count)} | ${per(x.providerCpuMs, count)} | ` +
        `${per(engine, count)} | ${per(x.serverCpuMs, count)} | ${per(x.serverServiceMs, count)} | ${x.statements} |`,
    );
  }
}

const cpuOf = (t: Timing) => t.totalCpuMs + t.serverCpuMs;

/** Wall and CPU (all processes, the stand-in's included) of one fleet over another, per command. */
function printRatios(baseName: string, base: Timing[], over: Timing[], overName = 'this package'): void {
  console.log('');
  console.log(`| operation | ${baseName} (ms) | ${overName} (ms) | ratio | CPU ratio |`);
  console.log('|---|---:|---:|---:|---:|');
  for (let i = 0; i < over.length; i++)
    console.log(
      `| ${over[i].op} | ${base[i].ms} | ${over[i].ms} | ${(over[i].ms / base[i].ms).toFixed(2)} | ` +
        `${(cpuOf(over[i]) / cpuOf(base[i])).toFixed(2)} |`,
    );
}

async function main() {
  const cliDir = execFileSync('bash', [path.join(ROOT, 'scripts/pulumi-cli.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  const link = path.join(ROOT, 'node_modules/pulumi-materialize-connections');
  if (!fs.existsSync(link)) fs.symlinkSync('..', link, 'dir');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mz-bench-cli-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(work, 'cpu-probe.js'), CPU_PROBE);
  const standin = await startStandinProcess(PROFILE && path.join(path.resolve(PROFILE), 'standin'));
  const proxy = LATENCY > 0 ? await startLatencyProxy({ host: '127.0.0.1', port: standin.port }, LATENCY) : undefined;
  const password = decodeURIComponent(new URL(standin.url).password);
  const admin = new Client({ connectionString: standin.url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${SCHEMA}"`);
  const count = GROUPS * 12;
  const env = (name: string): NodeJS.ProcessEnv => {
    fs.mkdirSync(path.join(work, `state-${name}`));
    return {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MZ_|PULUMI_)/.test(k))),
      PATH: `${cliDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_HOME: path.join(work, `home-${name}`),
      PULUMI_BACKEND_URL: `file://${path.join(work, `state-${name}`)}`,
      PULUMI_CONFIG_PASSPHRASE: 'bench',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      MZ_HOST: '127.0.0.1',
      MZ_PORT: String(proxy?.port ?? standin.port),
      MZ_PASSWORD: password,
      MZ_SSLMODE: 'disable',
    };
  };
  try {
    console.log(
      `bench --cli: Pulumi CLI ${execFileSync(path.join(cliDir, 'pulumi'), ['version'], { encoding: 'utf8' }).trim()}, ${count} resources each, against the stand-in` +
        (LATENCY > 0 ? ` ${LATENCY} ms away (each client flight delayed)` : ''),
    );
    const fleet = (dir: string, name: string): Fleet => ({ dir, env: env(name), timings: [] });
    const noop = runs('noop') ? fleet(noopProgram(work, count), 'noop') : undefined;
    const shaped = runs('shaped')
      ? fleet(fleetProgram(work, 'shaped', './noop-sdk', { 'noop-sdk.js': SHAPED_SDK }), 'shaped')
      : undefined;
    const mz = runs('fleet')
      ? fleet(fleetProgram(work, 'fleet', 'pulumi-materialize-connections'), 'fleet')
      : undefined;
    await measure(
      [noop, shaped, mz].filter((f): f is Fleet => f !== undefined),
      standin,
    );
    if (noop) printSplit('no-op dynamic resources', noop.timings, count);
    if (shaped) printSplit('no-op dynamic resources with the fleet’s inputs', shaped.timings, count);
    if (mz) printSplit('this package', mz.timings, count);
    printShapes(
      (
        [
          ['no-op dynamic resources', noop],
          ['no-op with the fleet’s inputs', shaped],
          ['this package', mz],
        ] as const
      ).flatMap(([name, m]) => (m?.shape ? [[name, m.shape] as [string, StateShape]] : [])),
    );
    if (noop && mz) printRatios('no-op dynamic resources', noop.timings, mz.timings);
    if (shaped && mz) printRatios('no-op dynamic resources with the fleet’s inputs', shaped.timings, mz.timings);
    if (noop && shaped)
      printRatios('no-op dynamic resources', noop.timings, shaped.timings, 'no-op with the fleet’s inputs');
  } finally {
    await admin.end();
    await proxy?.close();
    await standin.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
