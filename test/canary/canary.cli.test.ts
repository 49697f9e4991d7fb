// The leak harness: every option that can carry a secret, in every resource type, gets a distinct canary given
// as pulumi.secret() in the program; the real Pulumi CLI runs preview (with known and with unknown inputs), up,
// a refused statement, refresh after drift, a failing diagnosis and destroy, each with the engine's and the
// provider's logs on (-v=9 --logtostderr --logflow). Every output (stdout, stderr with the logs, `pulumi stack
// export` without --show-secrets, the serialized provider in it) is searched for every canary in every encoding
// of search.ts. Any finding fails, with which option, which output and which encoding.
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { fingerprint } from '../../provider/bastion';
import { standinControl } from '../standin/control';
import { services } from '../services/env';
import { clear, objects, sql } from '../acceptance/catalog';
import { materializeConfig, ROOT, Stack, type CliResult } from '../acceptance/pulumi';
import { buildPlan, uncoveredOptions, uncoveredOtherInputs, type PlanOptions } from './plan';
import { splitLog } from './logs';
import { describe as describeFindings, findLeaks, type Canary, type Haystack } from './search';

jest.setTimeout(1_800_000);

const RUN = randomBytes(3).toString('hex').slice(0, 5);
const LOG_FLAGS = ['-v=9', '--logtostderr', '--logflow'];
const ROLE = { accountId: '123456789012', roleName: `canary-${RUN}` };
const SCHEMA = `canary_${RUN}`;
const AWS_SECRET = `aws-env-secret-${RUN}/+=canary`;

let stack: Stack;
let registry: http.Server;
let registryUrl: string;
let keysDir: string;
let keysFile: string;
const SENTINEL = `# another tool's line, canary run ${RUN}`;
const REPORT = path.join(os.tmpdir(), `canary-findings-${RUN}.txt`);
const haystacks: Haystack[] = [];
const sdkRpcResponses: Haystack[] = [];
const canaries = new Map<string, Canary>();
const steps: Record<string, CliResult> = {};

/** A schema registry that answers every request 401, quoting the Authorization header it got. */
function echoRegistry(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error_code: 401, message: `Unauthorized: ${req.headers.authorization ?? 'none'}` }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function planOptions(over: Partial<PlanOptions>): PlanOptions {
  const mz = materializeConfig();
  const ssh = services.ssh();
  const hostKey = fs.readFileSync(path.join(path.dirname(ssh.clientKeyFile), 'host_ed25519.pub'), 'utf8').split(' ')[1];
  return {
    run: RUN,
    epoch: 1,
    commentFrom: 'plain',
    marker: `marker-${RUN}-1`,
    endpoint: {
      host: mz.config['materialize:host'],
      port: Number(mz.config['materialize:port']),
      username: mz.config['materialize:username'],
      database: 'materialize',
      sslmode: 'disable',
      password: mz.secrets['materialize:password'],
    },
    role: ROLE,
    bastion: {
      host: ssh.host,
      port: ssh.port,
      user: ssh.user,
      hostKeySha256: fingerprint(Buffer.from(hostKey, 'base64')),
      path: keysFile,
      privateKey: fs.readFileSync(ssh.clientKeyFile, 'utf8'),
    },
    ...over,
  };
}

/** Writes the step's plan into the program and remembers its canaries. */
function usePlan(over: Partial<PlanOptions>): void {
  const built = buildPlan(planOptions(over));
  for (const c of built.canaries) canaries.set(`${c.label}\u0000${c.value}`, c);
  fs.writeFileSync(path.join(stack.dir, 'plan.json'), JSON.stringify(built.plan, null, 2));
}

/** `pulumi <args>` with the logs on; stdout, and stderr with the engine's and the provider's logs, to files. */
function pulumi(step: string, args: string[]): Promise<CliResult> {
  const full = [...args, ...LOG_FLAGS, '--stack', stack.name, '--non-interactive'];
  // CANARY_OUTPUT_DIR keeps every command's output after the run (for a look at a finding in its context).
  const dir = process.env.CANARY_OUTPUT_DIR ?? stack.work;
  fs.mkdirSync(dir, { recursive: true });
  const file = step.replace(/[^a-z0-9]+/gi, '-');
  const out = path.join(dir, `${file}.stdout`);
  const err = path.join(dir, `${file}.stderr`);
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(process.env.PULUMI_CLI_DIR!, 'pulumi'), full, {
      cwd: stack.dir,
      env: stack.env,
      stdio: ['ignore', fs.openSync(out, 'w'), fs.openSync(err, 'w')],
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = fs.readFileSync(out, 'utf8');
      const stderr = fs.readFileSync(err, 'utf8');
      const log = splitLog(stderr);
      haystacks.push(
        { source: `${step}: stdout`, text: stdout },
        { source: `${step}: stderr with the engine's and the provider's logs`, text: log.searched },
      );
      sdkRpcResponses.push({ source: `${step}: @pulumi/pulumi debug log of RPC responses`, text: log.sdkRpcResponses });
      const result = { code: code ?? 1, stdout, stderr, output: `${stdout}\n${stderr}` };
      steps[step] = result;
      resolve(result);
    });
  });
}

async function ok(step: string, args: string[]): Promise<CliResult> {
  const r = await pulumi(step, args);
  if (r.code !== 0) {
    // The CLI's own messages, without the glog lines of -v=9.
    const messages = r.stderr.split('\n').filter((l) => !/^[IWEF]\d{4} /.test(l));
    throw new Error(
      `${step}: pulumi ${args.join(' ')} exited ${r.code}:\n${r.stdout.slice(-8000)}\n${messages.join('\n').slice(-8000)}`,
    );
  }
  return r;
}

/** `pulumi stack export` without --show-secrets, and the serialized provider of each resource in it, searched. */
async function exportState(step: string): Promise<string> {
  const state = await stack.exportState();
  haystacks.push({ source: `${step}: stack export`, text: state });
  const resources = (JSON.parse(state).deployment.resources ?? []) as {
    urn: string;
    inputs?: { __provider?: string };
  }[];
  for (const r of resources)
    if (r.inputs?.__provider)
      haystacks.push({
        source: `${step}: serialized provider of ${r.urn.split('::').pop()}`,
        text: r.inputs.__provider,
      });
  return state;
}

async function roleExists(): Promise<boolean> {
  const iam = new IAMClient({
    endpoint: services.motoUrl(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    await iam.send(new GetRoleCommand({ RoleName: ROLE.roleName }));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchEntityException') return false;
    throw e;
  } finally {
    iam.destroy();
  }
}

beforeAll(async () => {
  await clear();
  registry = await echoRegistry();
  registryUrl = `http://127.0.0.1:${(registry.address() as { port: number }).port}`;
  // The bastion's file: our own, in a folder the SSH user may write, with a line that is not ours.
  keysDir = fs.mkdtempSync(path.join(os.tmpdir(), `mz-canary-keys-${RUN}-`));
  fs.chmodSync(keysDir, 0o777);
  keysFile = path.join(keysDir, 'authorized_keys');
  fs.writeFileSync(keysFile, `${SENTINEL}\n`, { mode: 0o666 });
  fs.chmodSync(keysFile, 0o666);
  canaries.set('aws', { label: 'AWS_SECRET_ACCESS_KEY (environment of the CLI)', value: AWS_SECRET });
  stack = new Stack({
    programDir: path.join(ROOT, 'test/canary/program'),
    stack: 'canary',
    env: {
      AWS_ENDPOINT_URL_IAM: services.motoUrl(),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      AWS_REGION: 'us-east-1',
    },
  });
  // The password is no stack config: each resource gets it as pulumi.secret() in code (a canary too).
  await stack.init(materializeConfig().config);
});

afterAll(async () => {
  await standinControl().resetFaults();
  if (stack) {
    await stack.run(['destroy', '--yes', '--skip-preview']);
    stack.remove();
  }
  registry?.close();
  if (keysDir) fs.rmSync(keysDir, { recursive: true, force: true });
  await clear();
  await sql(`DROP SCHEMA IF EXISTS "materialize"."${SCHEMA}" CASCADE`);
});

test('every option that can carry a secret is planned with a canary', () => {
  expect(uncoveredOptions()).toEqual([]);
  const full = buildPlan(planOptions({ copies: true, echoRegistry: 'http://127.0.0.1:1' }));
  expect(uncoveredOtherInputs(full)).toEqual([]);
});

/** The outputs of the steps so far that no step has searched yet: each step searches its own. */
function takeOutputs(): { own: Haystack[]; sdk: Haystack[] } {
  return { own: haystacks.splice(0), sdk: sdkRpcResponses.splice(0) };
}

/** Every canary planned so far, searched in the step's outputs; the report appended to the run's file. */
function leaksOfStep(step: string): string {
  const { own, sdk } = takeOutputs();
  const all = [...canaries.values()];
  const findings = findLeaks(all, own);
  // Pulumi's own debug log of RPC responses holds the decrypted outputs of every provider: reported, apart.
  const upstream = findLeaks(all, sdk);
  fs.appendFileSync(
    REPORT,
    `## ${step}: ${findings.length} findings in ${own.length} outputs\n${describeFindings(findings)}\n` +
      `## ${step}: @pulumi/pulumi's debug log of RPC responses (not this package's): ${upstream.length}\n` +
      `${describeFindings(upstream)}\n\n`,
  );
  return describeFindings(findings);
}

const moved = { commentFrom: 'marker', marker: `marker-${RUN}-2`, markerSchema: SCHEMA } as const;

test('preview of a new stack, every input known', async () => {
  usePlan({});
  const known = await ok('preview (known inputs)', ['preview', '--diff']);
  expect(known.stdout).toMatch(/plannedSql\s*: \[secret\]/);
  expect(leaksOfStep('preview (known inputs)')).toBe('');
});

test('preview of a new stack, the comments taken from another resource id (unknown)', async () => {
  usePlan({ commentFrom: 'marker' });
  const unknown = await ok('preview (unknown input)', ['preview', '--diff']);
  expect(unknown.stdout).toMatch(/comment\s*: \[unknown\]/);
  expect(leaksOfStep('preview (unknown input)')).toBe('');
});

test('up', async () => {
  usePlan({ commentFrom: 'marker' });
  await ok('up', ['up', '--yes', '--skip-preview', '--diff']);
  await exportState('up');
  // The canaries reached Materialize, the IAM role and the bastion: they were given, not dropped on the way.
  const created = (await sql(`SELECT create_sql FROM mz_catalog.mz_connections WHERE name = 'kafka_text'`))[0];
  expect(String(created.create_sql)).toContain(`${RUN}1`);
  expect(await roleExists()).toBe(true);
  expect(fs.readFileSync(keysFile, 'utf8')).toContain('ssh-');
  expect(leaksOfStep('up')).toBe('');
});

test('an update whose comments are unknown in preview (the marker is replaced: its id is new)', async () => {
  await sql(`CREATE SCHEMA "materialize"."${SCHEMA}"`);
  usePlan(moved);
  const replaced = await ok('preview (update, unknown input)', ['preview', '--diff']);
  expect(replaced.stdout).toMatch(/comment\s*: "after u\d+" => \[unknown\]/);
  await ok('up (update)', ['up', '--yes', '--skip-preview', '--diff']);
  expect(leaksOfStep('update with an unknown input')).toBe('');
});

test('statements Materialize refuses: every canary changed (ALTER), a copy of every connection (CREATE)', async () => {
  const control = standinControl();
  usePlan({ ...moved, epoch: 2, copies: true });
  await control.failNext(100_000, { code: 'XX000', message: 'stand-in: refused', match: 'CONNECTION "' });
  // --continue-on-error: every resource's statement is tried, not only those started before the first failure.
  const refused = await pulumi('up (refused statements)', [
    'up',
    '--yes',
    '--skip-preview',
    '--diff',
    '--continue-on-error',
  ]);
  await control.resetFaults();
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain('stand-in: refused');
  expect(refused.output).toMatch(/ALTER CONNECTION/);
  expect(refused.output).toMatch(/creating [A-Z ]+ connection .*_new/);
  await exportState('up (refused statements)');
  expect(leaksOfStep('refused statements')).toBe('');
});

test('refresh after drift', async () => {
  await sql(`ALTER CONNECTION "materialize"."public"."pg_text" SET (PORT = 2345) WITH (VALIDATE = false)`);
  const refresh = await ok('refresh (drift)', ['refresh', '--yes', '--skip-preview', '--diff']);
  expect(refresh.stdout).toMatch(/updated/);
  await exportState('refresh');
  expect(leaksOfStep('refresh after drift')).toBe('');
});

test('a failing diagnosis: a registry that echoes the Authorization header in its 401 answer', async () => {
  usePlan({ ...moved, commentFrom: 'plain', epoch: 2, echoRegistry: registryUrl });
  const diagnosed = await pulumi('up (failing diagnosis)', [
    'up',
    '--yes',
    '--skip-preview',
    '--diff',
    '--continue-on-error',
  ]);
  expect(diagnosed.code).not.toBe(0);
  expect(diagnosed.output).toContain('Diagnosis: from this machine, confluent-schema-registry');
  expect(diagnosed.output).toContain('answered HTTP 401');
  await exportState('up (failing diagnosis)');
  expect(leaksOfStep('failing diagnosis')).toBe('');
});

test('destroy: nothing left in Materialize, in IAM, in the bastion file (whose other line stays)', async () => {
  await ok('destroy', ['destroy', '--yes', '--skip-preview']);
  await exportState('destroy');
  // One expectation, so that a failure shows everything left behind.
  expect({
    objects: await objects(),
    roleExists: await roleExists(),
    bastionFile: fs.readFileSync(keysFile, 'utf8'),
  }).toEqual({ objects: [], roleExists: false, bastionFile: `${SENTINEL}\n` });
  expect(leaksOfStep('destroy')).toBe('');
  console.log(`canary harness: ${canaries.size} canaries; report: ${REPORT}`);
});
