// Install smoke test: the package as users get it (an `npm pack` tarball installed into a Pulumi program directory
// with npm or pnpm), driven end to end through the real dynamic-provider server (test/engine) against the
// Materialize stand-in: create a Secret, an SSH tunnel and a Postgres connection that uses both, a no-change
// preview, destroy, and an empty catalog afterwards. Run by scripts/ci-install-smoke.sh, once per program dir.
//
// Usage: node scripts/run-ts.js test/install/smoke.ts <program dir> <npm|pnpm>
//
// Which copies run:
// - the program (this process) loads the SDK from the INSTALLED package (resolved from the program dir);
// - the provider process (spawned by the engine with cwd = program dir) runs the installed package's provider:
//   the serialized shim's `require('pulumi-materialize-connections/provider')` resolves from its cwd;
// - the engine runs the program under `pulumi.runtime.setMocks` and takes over the mock monitor, so it must use
//   the SAME @pulumi/pulumi instance as the installed SDK (the SDK registers resources through its own copy's
//   runtime settings; a second copy would have no monitor). test/engine imports plain `@pulumi/pulumi`, which
//   would be the repo's copy; a resolver hook below sends every `@pulumi/pulumi[/...]` request made from the repo's
//   test/ files to the copy the installed SDK resolves (from its real, symlink-resolved directory: under pnpm
//   that is its peer-dependency link in the virtual store). The run asserts that only one copy got loaded.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import type * as Pulumi from '@pulumi/pulumi';
import type * as Mz from '../../sdk';
import type * as EngineModule from '../engine';
import type * as HarnessModule from '../e2e/harness';
import type * as StandinModule from '../standin';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TEST_DIR = path.join(REPO_ROOT, 'test') + path.sep;
const PKG = 'pulumi-materialize-connections';
const TIMEOUT_MS = Number(process.env.INSTALL_SMOKE_TIMEOUT_MS ?? 120_000);

const t0 = Date.now();
const timings: [string, number][] = [];
let label = '?';
const say = (msg: string) => console.log(`[install-smoke ${label} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const s = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([what, Date.now() - s]);
  }
}

class SmokeFailure extends Error {}
function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new SmokeFailure(msg);
}
function checkEqual(actual: unknown, expected: unknown, msg: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${msg}\n    expected: ${e}\n    actual:   ${a}`);
}
const under = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep);

/** Sends `@pulumi/pulumi[/...]` requests from the repo's test/ files to the copy resolved from `fromDir`. */
function routePulumiTo(fromDir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Module = require('module') as any;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (
    request: string,
    parent: { filename?: string } | undefined,
    isMain: boolean,
    options?: { paths?: string[] },
  ) {
    if (
      (request === '@pulumi/pulumi' || request.startsWith('@pulumi/pulumi/')) &&
      parent?.filename?.startsWith(TEST_DIR) &&
      !options?.paths // explicit lookups (the engine resolving the provider server from the program dir) stay as they are
    ) {
      return resolve.call(this, request, parent, isMain, { paths: [fromDir] });
    }
    return resolve.call(this, request, parent, isMain, options);
  };
}

async function main(): Promise<void> {
  const programDir = fs.realpathSync(path.resolve(process.argv[2] ?? ''));
  const layout = process.argv[3];
  check(layout === 'npm' || layout === 'pnpm', 'usage: smoke.ts <program dir> <npm|pnpm>');
  label = layout;
  check(!under(programDir, REPO_ROOT), `the program dir must be outside the repo (${programDir})`);

  // ---- The installed copies
  // Resolve as a module of the program (resp. of the installed SDK) would: `require.resolve(x, { paths })` from
  // here is no good, Node tries package self-reference first, and this file is inside the package itself.
  const programRequire = createRequire(path.join(programDir, 'index.js'));
  const sdkEntry = programRequire.resolve(PKG);
  const pkgDir = path.dirname(programRequire.resolve(`${PKG}/package.json`));
  check(!under(pkgDir, REPO_ROOT), `${PKG} resolved from the program dir to the repo (${pkgDir})`);
  check(under(pkgDir, programDir), `${PKG} resolved outside the program dir (${pkgDir})`);
  const sdkRequire = createRequire(sdkEntry);
  const pulumiOfSdk = sdkRequire.resolve('@pulumi/pulumi');
  const pulumiOfProgram = programRequire.resolve('@pulumi/pulumi');
  checkEqual(pulumiOfSdk, pulumiOfProgram, "the SDK's @pulumi/pulumi is not the program's");
  check(under(pulumiOfSdk, programDir), `@pulumi/pulumi resolved outside the program dir (${pulumiOfSdk})`);
  const pgOfPkg = sdkRequire.resolve('pg');
  if (layout === 'npm') {
    checkEqual(pkgDir, path.join(programDir, 'node_modules', PKG), 'npm layout');
  } else {
    // pnpm's isolated layout: the package lives in the virtual store, its dependencies are not hoisted to the top.
    check(pkgDir.includes(`${path.sep}node_modules${path.sep}.pnpm${path.sep}`), `not a pnpm layout: ${pkgDir}`);
    let pgVisible = false;
    try {
      programRequire.resolve('pg');
      pgVisible = true;
    } catch {
      // expected: pg is the package's dependency, not the program's
    }
    check(!pgVisible, 'pnpm layout: pg (a dependency of the package) is visible from the program dir (hoisted?)');
  }
  const pulumiVersion = JSON.parse(
    fs.readFileSync(path.join(path.dirname(pulumiOfSdk), 'package.json'), 'utf8'),
  ).version;
  say(`${PKG} at ${pkgDir}`);
  say(`@pulumi/pulumi ${pulumiVersion} at ${path.dirname(pulumiOfSdk)}`);

  // ---- Load the engine with the SDK's @pulumi/pulumi, then the installed SDK
  routePulumiTo(pkgDir);
  const { startEngine } = require('../engine') as typeof EngineModule;
  const { materializeConfig } = require('../e2e/harness') as typeof HarnessModule;
  const { startStandin } = require('../standin') as typeof StandinModule;
  const { Client } = require('pg') as typeof import('pg');
  const pulumi = require(pulumiOfSdk) as typeof Pulumi;
  const mz = require(sdkEntry) as typeof Mz;
  const pulumiCopies = Object.keys(require.cache).filter((f) => /[\\/]@pulumi[\\/]pulumi[\\/]index\.js$/.test(f));
  checkEqual(pulumiCopies, [pulumiOfSdk], '@pulumi/pulumi copies loaded in the program process');
  const sdkCopies = Object.keys(require.cache).filter((f) => f.endsWith(path.join('lib', 'sdk', 'shim.js')));
  checkEqual(sdkCopies, [path.join(pkgDir, 'lib', 'sdk', 'shim.js')], 'SDK copies loaded in the program process');

  // ---- Stand-in, catalog client, engine (provider process in the program dir)
  const standin = await timed('start stand-in', () => startStandin({ port: 0 }));
  const cleanups: (() => Promise<unknown>)[] = [() => standin.close()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => console.error(`[install-smoke ${label}] cleanup: ${e}`));
  };
  let engineLogs: string[] = [];
  try {
    const client = new Client({ connectionString: standin.url });
    await client.connect();
    cleanups.push(() => client.end());
    const sql = async (q: string) => (await client.query(q)).rows as Record<string, unknown>[];
    const schema = 'install_smoke';
    await sql(`CREATE SCHEMA ${schema}`);

    const tracer = path.join(__dirname, 'trace-requires.js');
    const engine = await timed('start engine', () =>
      startEngine({
        projectDir: programDir,
        config: materializeConfig(standin.url),
        env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(tracer)}`.trim() },
      }),
    );
    cleanups.push(() => engine.stop());
    engineLogs = engine.logs;
    const pid = engine.providerPid;
    if (pid && fs.existsSync(`/proc/${pid}/cwd`)) {
      checkEqual(fs.realpathSync(`/proc/${pid}/cwd`), programDir, 'cwd of the provider process');
    }

    const program = () => {
      const pw = new mz.Secret('smoke_pw', { name: 'smoke_pw', schemaName: schema, value: pulumi.secret('hunter2') });
      const tunnel = new mz.SshTunnelConnection('smoke_tunnel', {
        name: 'smoke_tunnel',
        schemaName: schema,
        host: 'bastion.example.com',
        user: 'mz',
      });
      const pg = new mz.PostgresConnection('smoke_pg', {
        name: 'smoke_pg',
        schemaName: schema,
        host: 'pg.example.com',
        database: 'app',
        user: 'mz',
        password: pw,
        sshTunnel: tunnel,
        validate: false,
      });
      return { pg: pg.qualifiedName, tunnelKey: tunnel.publicKey1 };
    };
    const names = ['smoke_pg', 'smoke_pw', 'smoke_tunnel'];
    const ops = (r: { steps: { name: string; op: string }[] }) =>
      Object.fromEntries(r.steps.map((s) => [s.name, s.op]).sort((a, b) => a[0].localeCompare(b[0])));

    // ---- up: three creates
    const up = await timed('up (3 creates)', () => engine.up(program));
    checkEqual(ops(up), { smoke_pg: 'create', smoke_pw: 'create', smoke_tunnel: 'create' }, 'up: steps');
    checkEqual(up.steps[up.steps.length - 1].name, 'smoke_pg', 'up: the Postgres connection is created last');
    checkEqual(up.outputs.pg, `"materialize"."${schema}"."smoke_pg"`, 'up: stack output pg');
    check(/^ssh-ed25519 \S+ materialize$/.test(String(up.outputs.tunnelKey)), `up: tunnel key ${up.outputs.tunnelKey}`);
    const conns = await sql(`SELECT name, type, create_sql FROM mz_catalog.mz_connections ORDER BY name`);
    checkEqual(
      conns.map((r) => [r.name, r.type]),
      [
        ['smoke_pg', 'postgres'],
        ['smoke_tunnel', 'ssh-tunnel'],
      ],
      'catalog after up: connections',
    );
    const pgSql = String(conns[0].create_sql);
    check(pgSql.includes('smoke_tunnel') && pgSql.includes('smoke_pw'), `create_sql of smoke_pg: ${pgSql}`);
    checkEqual(
      (await sql(`SELECT name FROM mz_catalog.mz_secrets`)).map((r) => r.name),
      ['smoke_pw'],
      'secrets',
    );
    checkEqual(standin.secretValue('materialize', schema, 'smoke_pw'), 'hunter2', 'secret value in the stand-in');

    // ---- what the provider process loaded
    const traced = new Map<string, string>();
    for (const line of engine.logs) {
      const m = /\[install-smoke\] (\{.*\})$/.exec(line);
      if (m) {
        const { request, file } = JSON.parse(m[1]) as { request: string; file: string };
        traced.set(request, file);
      }
    }
    checkEqual(
      traced.get(`${PKG}/provider`),
      path.join(pkgDir, 'lib', 'provider', 'index.js'),
      'provider process: pulumi-materialize-connections/provider',
    );
    checkEqual(traced.get('pg'), pgOfPkg, "provider process: pg (the installed package's dependency)");
    say(`provider process loaded ${traced.get(`${PKG}/provider`)}`);
    say(`provider process loaded ${traced.get('pg')}`);

    // ---- no-change preview
    const preview = await timed('preview (no change)', () => engine.preview(program));
    checkEqual(ops(preview), { smoke_pg: 'same', smoke_pw: 'same', smoke_tunnel: 'same' }, 'preview: steps');

    // ---- destroy: nothing left
    const destroyed = await timed('destroy', () => engine.destroy());
    checkEqual(ops(destroyed), Object.fromEntries(names.map((n) => [n, 'delete'])), 'destroy: steps');
    checkEqual(destroyed.steps[0].name, 'smoke_pg', 'destroy: the Postgres connection is deleted first');
    checkEqual(engine.resourceViews, [], 'engine state after destroy');
    checkEqual(await sql(`SELECT name FROM mz_catalog.mz_connections`), [], 'catalog after destroy: connections');
    checkEqual(await sql(`SELECT name FROM mz_catalog.mz_secrets`), [], 'catalog after destroy: secrets');
    checkEqual(
      (await sql(`SELECT name FROM mz_catalog.mz_objects WHERE id LIKE 'u%'`)).map((r) => r.name),
      [],
      'catalog after destroy: user objects',
    );
    const errors = engine.logs.filter((l) => l.startsWith('[grpc error]') || l.startsWith('[engine]'));
    checkEqual(errors, [], 'engine errors');
  } catch (e) {
    if (engineLogs.length) {
      console.error(`[install-smoke ${label}] engine/provider logs:`);
      for (const l of engineLogs) console.error(`    ${l}`);
    }
    throw e;
  } finally {
    await timed('stop', cleanup);
  }
}

const timer = setTimeout(() => {
  console.error(`[install-smoke ${label}] FAILED: timed out after ${TIMEOUT_MS} ms`);
  process.exit(1);
}, TIMEOUT_MS);
timer.unref();

main().then(
  () => {
    const total = Date.now() - t0;
    say(`timings: ${timings.map(([w, ms]) => `${w} ${ms} ms`).join(', ')}; total ${total} ms`);
    say('OK');
    process.exit(0);
  },
  (e) => {
    console.error(`[install-smoke ${label}] FAILED: ${e instanceof SmokeFailure ? e.message : (e?.stack ?? e)}`);
    process.exit(1);
  },
);
