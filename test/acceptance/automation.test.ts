// examples/automation/deploy.ts with the real Pulumi CLI: an Automation API inline program in a temporary work
// dir without node_modules (LocalWorkspace's default), started from a folder that has none either. With
// workspaceOptions() the preview (and its policy pack), up, a second preview and destroy work and the state holds
// no secret; without it the preview fails and the failure names the helper.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { clear, objects } from './catalog';
import { materializeEnv, ROOT } from './pulumi';

jest.setTimeout(600_000);

const PG_PASSWORD = 'automation-pg-SEKRET';
let scratch: string;

/** Runs a TypeScript script (scripts/run-ts.js) from the scratch folder; resolves whatever the exit code. */
function runScript(file: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(MZ_|PULUMI_|AWS_|NODE_PATH)/.test(k)),
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run-ts.js'), file], {
      cwd: scratch,
      env: {
        ...inherited,
        PATH: `${process.env.PULUMI_CLI_DIR}${path.delimiter}${process.env.PATH}`,
        PULUMI_HOME: path.join(scratch, 'pulumi-home'),
        PULUMI_BACKEND_URL: `file://${path.join(scratch, 'state')}`,
        PULUMI_CONFIG_PASSPHRASE: 'acceptance-passphrase',
        PULUMI_SKIP_UPDATE_CHECK: 'true',
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
        TMPDIR: path.join(scratch, 'tmp'),
        ...materializeEnv(process.env.MZ_STANDIN_URL ?? ''),
        PG_PASSWORD,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

// The deploy script imports this checkout by its package name, and workspaceOptions() looks for it where the
// installed package would be: beside @pulumi/pulumi in node_modules. Link it there for the run, as an install
// would place it (a link that resolves elsewhere, another checkout's, is refused rather than used).
const LINK = path.join(ROOT, 'node_modules', 'pulumi-materialize-connections');
let linked = false;

beforeAll(async () => {
  if (!fs.existsSync(LINK)) {
    fs.symlinkSync('..', LINK, 'dir');
    linked = true;
  } else if (fs.realpathSync(LINK) !== fs.realpathSync(ROOT))
    throw new Error(`${LINK} exists but is not this checkout; remove it`);
  await clear();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mz-automation-'));
  for (const d of ['state', 'tmp']) fs.mkdirSync(path.join(scratch, d));
  // LocalWorkspace makes its work dir under TMPDIR: nothing there or above it may hold a node_modules.
  for (let dir = path.join(scratch, 'tmp'); dir !== path.dirname(dir); dir = path.dirname(dir))
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
});
afterAll(async () => {
  if (linked) fs.rmSync(LINK);
  fs.rmSync(scratch, { recursive: true, force: true });
  await clear();
});

const DEPLOY = path.join(ROOT, 'examples/automation/deploy.ts');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('the deploy script: preview on a pull request, up on main, nothing to do after, destroy', async () => {
  const preview = await runScript(DEPLOY, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' });
  expect(preview.output).toContain('+ pulumi-nodejs:dynamic/materialize:PostgresConnection: (create)');
  expect(preview.output).toContain(
    `[0]: "CREATE CONNECTION \\"materialize\\".\\"public\\".\\"automation_pg\\" TO POSTGRES (HOST = 'pg.example.com'`,
  );
  // The policy pack ran: the example's validate: false (a placeholder host) is the one advisory finding.
  expect(preview.output).toContain(`materialize-connections@v${VERSION} [advisory]  keep-validation`);
  expect(preview.output).not.toContain('[mandatory]');
  expect(preview.output).toContain('preview: {"create":3}');
  expect(preview.code).toBe(0);
  expect(await objects()).toEqual([]);

  const up = await runScript(DEPLOY, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' });
  expect(up.output).toContain('up: succeeded, {"create":3}');
  expect(up.output).toContain('qualifiedName: "materialize"."public"."automation_pg"');
  expect(up.code).toBe(0);
  expect(await objects()).toEqual(['automation_pg', 'automation_pg_password']);

  const again = await runScript(DEPLOY, { DEPLOY_MODE: 'preview' });
  expect(again.output).toContain('preview: {"same":3}');
  expect(again.code).toBe(0);

  // The checkpoint (the file backend's JSON) holds the password only as ciphertext.
  const stateFiles = fs.readdirSync(path.join(scratch, 'state'), { recursive: true }) as string[];
  const checkpoints = stateFiles.filter((f) => f.endsWith('.json')).map((f) => path.join(scratch, 'state', f));
  expect(checkpoints.length).toBeGreaterThan(0);
  for (const f of checkpoints) expect(fs.readFileSync(f, 'utf8')).not.toContain(PG_PASSWORD);
  for (const r of [preview, up, again]) expect(r.output).not.toContain(PG_PASSWORD);

  const destroy = await runScript(DEPLOY, { DEPLOY_MODE: 'destroy' });
  expect(destroy.code).toBe(0);
  expect(await objects()).toEqual([]);
});

test('without workspaceOptions(): the preview fails, and the failure names the helper', async () => {
  const bare = await runScript(path.join(ROOT, 'test/acceptance/programs/automation-bare/preview.ts'), {});
  expect(bare.code).toBe(1);
  expect(bare.output).toContain(
    "options did not come from workspaceOptions() of 'pulumi-materialize-connections/automation'",
  );
  expect(bare.output).toContain("Cannot find module '@pulumi/pulumi/cmd/dynamic-provider'");
  expect(await objects()).toEqual([]);
});
