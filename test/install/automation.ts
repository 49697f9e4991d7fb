// Install test of the pipeline tools, as users get them (the packed tarball installed with npm or pnpm, see
// scripts/ci-install-smoke.sh), with the real Pulumi CLI against the Materialize stand-in:
// - examples/automation/deploy.ts copied into the program folder and run from there: an Automation API inline
//   program whose work dir is a temporary folder without node_modules, with workspaceOptions() of the installed
//   package (so NODE_PATH points into that install: under pnpm, the package's folder in the virtual store);
//   preview (with the installed package's policy pack, started by the CLI's language host from
//   node_modules/pulumi-materialize-connections/policy), up, a preview with nothing to do, destroy;
// - the installed `mz-plan` bin (node_modules/.bin) over a preview digest.
//
// Usage: node scripts/run-ts.js test/install/automation.ts <program dir> <npm|pnpm> <pulumi CLI dir>
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { materializeEnv } from '../acceptance/pulumi';
import { startStandin } from '../standin';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PG_PASSWORD = 'install-automation-SEKRET';

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

async function main(): Promise<void> {
  const [programDir, layout, cliDir] = process.argv.slice(2).map((a, i) => (i === 1 ? a : path.resolve(a)));
  check(
    programDir && (layout === 'npm' || layout === 'pnpm') && cliDir,
    'usage: automation.ts <dir> <npm|pnpm> <cli dir>',
  );
  const say = (m: string) => console.log(`[install-automation ${layout}] ${m}`);
  const standin = await startStandin({ port: 0 });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'install-automation-'));
  try {
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/automation/deploy.ts'), path.join(programDir, 'deploy.ts'));
    for (const d of ['state', 'tmp']) fs.mkdirSync(path.join(scratch, d));
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MZ_|PULUMI_|AWS_|NODE_PATH)/.test(k))),
      PATH: `${cliDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_HOME: path.join(scratch, 'pulumi-home'),
      PULUMI_BACKEND_URL: `file://${path.join(scratch, 'state')}`,
      PULUMI_CONFIG_PASSPHRASE: 'install-passphrase',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      TMPDIR: path.join(scratch, 'tmp'),
      ...materializeEnv(standin.url),
      PG_PASSWORD,
    };
    // Asynchronous: the stand-in serves from this process, and a spawnSync would stop it while the CLI runs.
    const deploy = (mode: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/run-ts.js'), 'deploy.ts'], {
          cwd: programDir,
          env: { ...env, DEPLOY_MODE: mode },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('close', (code) => {
          if (code !== 0) reject(new Error(`deploy ${mode} exited ${code}:\n${output}`));
          else if (output.includes(PG_PASSWORD)) reject(new Error(`deploy ${mode} printed the password`));
          else resolve(output);
        });
      });
    const objects = async () => {
      const c = new Client({ connectionString: standin.url });
      await c.connect();
      try {
        const rows = (await c.query("SELECT name FROM mz_catalog.mz_connections WHERE name LIKE 'automation%'")).rows;
        return rows.map((row) => String(row.name)).sort();
      } finally {
        await c.end();
      }
    };

    const preview = await deploy('preview');
    check(preview.includes('preview: {"create":3}'), `preview: no create of 3 in:\n${preview}`);
    check(preview.includes('[advisory]  keep-validation'), `preview: the policy pack did not report:\n${preview}`);
    // The script resolves the pack from the installed package (require.resolve of its package.json); the CLI
    // prints the path shortened, so its end is what can be checked.
    check(/materialize-connections\|local\|\S*pulumi-materialize-connections\/policy/.test(preview), 'pack not run');
    say('preview with the installed policy pack');
    const up = await deploy('up');
    check(up.includes('up: succeeded, {"create":3}'), `up:\n${up}`);
    check(JSON.stringify(await objects()) === '["automation_pg"]', `up: catalog ${await objects()}`);
    check((await deploy('preview')).includes('preview: {"same":3}'), 'a second preview found changes');
    await deploy('destroy');
    check((await objects()).length === 0, 'destroy left objects');
    say('deploy script: preview, up, preview (no changes), destroy');

    const bin = path.join(programDir, 'node_modules/.bin/mz-plan');
    const digest = JSON.stringify({
      steps: [
        {
          op: 'delete',
          urn: 'urn:pulumi:s::p::pulumi-nodejs:dynamic/materialize:Secret::pw',
          oldState: { type: 'pulumi-nodejs:dynamic/materialize:Secret', outputs: { name: 'pw', value: PG_PASSWORD } },
        },
      ],
    });
    const plan = spawnSync(bin, ['--format', 'text'], { input: digest, encoding: 'utf8' });
    check(plan.status === 0, `mz-plan exited ${plan.status}: ${plan.stderr}`);
    const expected =
      'Materialize plan: 0 to create, 0 to update, 0 replacements, 1 to delete\n\n' +
      'Delete Secret pw\n  DROP SECRET IF EXISTS "materialize"."public"."pw";\n';
    check(plan.stdout === expected, `mz-plan printed:\n${plan.stdout}`);
    say('mz-plan bin');
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(path.join(programDir, 'deploy.ts'), { force: true });
    await standin.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
