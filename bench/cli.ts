// `npm run bench -- --cli`: the 240-resource fleet (bench/fleet.ts: 200 connections of mixed kinds and the 40
// secrets they reference) deployed with the real Pulumi CLI (`npm run pulumi-cli`) against a stand-in, timing
// `up`, a no-change `preview`, `refresh`, an `up` that changes three options of every connection, and
// `destroy`; and in the same run the same number of no-op dynamic resources (a provider that does nothing),
// which is the floor every dynamic provider pays for the engine, the language host and the provider process.
// Both programs are plain JavaScript, so neither pays for TypeScript compilation.
import { execFileSync, execFile } from 'child_process';
import { transformSync } from '@swc/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { startStandin } from '../test/standin';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = 'bench_cli';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const GROUPS = Number(arg('groups') ?? 20);

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

/** bench/fleet.ts as the program's own JavaScript, importing the package as a user's program does. */
function fleetProgram(work: string): string {
  const source = fs
    .readFileSync(path.join(ROOT, 'bench/fleet.ts'), 'utf8')
    .replace("from '../sdk'", "from 'pulumi-materialize-connections'");
  const { code } = transformSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  return programDir(
    work,
    'fleet',
    [
      "const pulumi = require('@pulumi/pulumi');",
      "const { fleet } = require('./fleet');",
      "const version = new pulumi.Config().get('version') === '2' ? 2 : 1;",
      `module.exports = fleet({ groups: ${GROUPS}, schema: '${SCHEMA}', version })();`,
    ].join('\n'),
    { 'fleet.js': code },
  );
}

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
}

function pulumi(dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) =>
    execFile(
      'pulumi',
      [...args, '--non-interactive', '--stack', 'bench'],
      { cwd: dir, env, maxBuffer: 256 << 20 },
      (err, _o, stderr) =>
        err ? reject(new Error(`pulumi ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(Date.now() - started),
    ),
  );
}

async function measure(dir: string, env: NodeJS.ProcessEnv, config: string[]): Promise<Timing[]> {
  await pulumi(dir, env, ['stack', 'init']);
  await pulumi(dir, env, ['config', 'set-all', ...config.flatMap((c) => ['--plaintext', c])]);
  const t: Timing[] = [];
  t.push({ op: 'up (create)', ms: await pulumi(dir, env, ['up', '--yes', '--skip-preview']) });
  t.push({ op: 'preview (no change)', ms: await pulumi(dir, env, ['preview', '--expect-no-changes']) });
  t.push({ op: 'refresh', ms: await pulumi(dir, env, ['refresh', '--yes', '--skip-preview']) });
  await pulumi(dir, env, ['config', 'set', 'version', '2']);
  t.push({ op: 'up (update)', ms: await pulumi(dir, env, ['up', '--yes', '--skip-preview']) });
  t.push({ op: 'destroy', ms: await pulumi(dir, env, ['destroy', '--yes', '--skip-preview']) });
  return t;
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
  const standin = await startStandin({ port: 0, password: 'bench-cli-password' });
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
      MZ_PORT: String(standin.port),
      MZ_PASSWORD: 'bench-cli-password',
      MZ_SSLMODE: 'disable',
    };
  };
  try {
    console.log(
      `bench --cli: Pulumi CLI ${execFileSync(path.join(cliDir, 'pulumi'), ['version'], { encoding: 'utf8' }).trim()}, ${count} resources each, against the stand-in`,
    );
    const noop = await measure(noopProgram(work, count), env('noop'), []);
    const mz = await measure(fleetProgram(work), env('fleet'), []);
    console.log('');
    console.log('| operation | no-op dynamic resources (ms) | this package (ms) | ratio |');
    console.log('|---|---:|---:|---:|');
    for (let i = 0; i < mz.length; i++)
      console.log(`| ${mz[i].op} | ${noop[i].ms} | ${mz[i].ms} | ${(mz[i].ms / noop[i].ms).toFixed(2)} |`);
  } finally {
    await admin.end();
    await standin.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
