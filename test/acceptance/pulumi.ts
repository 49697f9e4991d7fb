// Drives the real Pulumi CLI (built by `npm run pulumi-cli`) on a program copied into a scratch folder, with a
// local file backend and a passphrase: what a user's `pulumi up` in CI does, nothing simulated.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../..');
const PACKAGE = 'pulumi-materialize-connections';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr, for messages. */
  output: string;
}

export interface StackOptions {
  /** A directory with Pulumi.yaml and the program (examples/<name>, or a fixture). */
  programDir: string;
  stack?: string;
  /** Extra environment for every command (AWS endpoints, say). */
  env?: Record<string, string>;
}

let counter = 0;

function cliDir(): string {
  const dir = process.env.PULUMI_CLI_DIR;
  if (!dir)
    throw new Error('PULUMI_CLI_DIR is not set: the acceptance global setup builds the CLI (npm run pulumi-cli)');
  return dir;
}

/** Copies what a Pulumi project needs to run outside the repository: its files and the tsconfig it extends. */
function copyProgram(programDir: string, into: string): string {
  const target = path.join(into, 'programs', path.basename(programDir));
  fs.mkdirSync(target, { recursive: true });
  for (const f of fs.readdirSync(programDir)) {
    const from = path.join(programDir, f);
    if (fs.statSync(from).isFile() && !/^Pulumi\..+\.yaml$/.test(f)) fs.copyFileSync(from, path.join(target, f));
  }
  // examples/<name>/tsconfig.json extends ../tsconfig.pulumi.json.
  fs.copyFileSync(path.join(ROOT, 'examples/tsconfig.pulumi.json'), path.join(into, 'programs/tsconfig.pulumi.json'));
  // Modules resolve upwards: the repository's packages, each linked, and this package linked to this checkout
  // here (not in the repository's node_modules, which a worktree may share with other checkouts).
  const modules = path.join(into, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules')))
    if (entry !== PACKAGE) fs.symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
  fs.symlinkSync(ROOT, path.join(modules, PACKAGE), 'dir');
  return target;
}

export class Stack {
  readonly work: string;
  readonly dir: string;
  readonly name: string;
  /** The environment of every command (the canary harness spawns the CLI with it, its logs to files). */
  readonly env: NodeJS.ProcessEnv;
  /** Every command run, with its result, for failure messages. */
  readonly history: { args: string[]; result: CliResult }[] = [];

  constructor(o: StackOptions) {
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), `mz-acceptance-${process.pid}-${counter++}-`));
    this.dir = copyProgram(o.programDir, this.work);
    this.name = o.stack ?? 'acceptance';
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MZ_|PULUMI_|AWS_)/.test(k)));
    this.env = {
      ...inherited,
      PATH: `${cliDir()}${path.delimiter}${process.env.PATH}`,
      PULUMI_HOME: path.join(this.work, 'pulumi-home'),
      PULUMI_BACKEND_URL: `file://${path.join(this.work, 'state')}`,
      PULUMI_CONFIG_PASSPHRASE: 'acceptance-passphrase',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      // ts-node compiles without type-checking here: `npm run typecheck` type-checks every example.
      PULUMI_NODEJS_TRANSPILE_ONLY: 'true',
      ...o.env,
    };
    fs.mkdirSync(path.join(this.work, 'state'));
  }

  /** Runs `pulumi <args> --stack <name> --non-interactive`; resolves whatever the exit code. */
  run(args: string[], input?: string): Promise<CliResult> {
    const full = [...args, '--stack', this.name, '--non-interactive'];
    return new Promise((resolve) => {
      const child = execFile(
        path.join(cliDir(), 'pulumi'),
        full,
        { cwd: this.dir, env: this.env, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          const result = { code, stdout, stderr, output: `${stdout}\n${stderr}` };
          this.history.push({ args: full, result });
          resolve(result);
        },
      );
      if (input !== undefined) child.stdin!.end(input);
      else child.stdin!.end();
    });
  }

  /** Runs and throws with the CLI's output unless it exits 0. */
  async ok(args: string[], input?: string): Promise<CliResult> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(' ')} exited ${r.code}:\n${r.output}`);
    return r;
  }

  /** `pulumi stack init` and the config: plain values, then secrets (through stdin, never argv). */
  async init(config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    await this.ok(['stack', 'init']);
    const plain = Object.entries(config).flatMap(([k, v]) => ['--plaintext', `${k}=${v}`]);
    if (plain.length) await this.ok(['config', 'set-all', ...plain]);
    for (const [k, v] of Object.entries(secrets)) await this.ok(['config', 'set', '--secret', k], v);
  }

  async setConfig(key: string, value: string): Promise<void> {
    await this.ok(['config', 'set', key, value]);
  }

  /** The checkpoint as `pulumi stack export` prints it (secrets stay ciphertext). */
  async exportState(): Promise<string> {
    return (await this.ok(['stack', 'export'])).stdout;
  }

  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.ok(['stack', 'output', '--json', '--show-secrets'])).stdout);
  }

  remove(): void {
    fs.rmSync(this.work, { recursive: true, force: true });
  }
}

/** Materialize's configuration for a stack, pointing at the acceptance run's stand-in. */
export function materializeConfig(): { config: Record<string, string>; secrets: Record<string, string> } {
  const url = new URL(process.env.MZ_STANDIN_URL ?? '');
  return {
    config: {
      'materialize:host': url.hostname,
      'materialize:port': url.port,
      'materialize:username': decodeURIComponent(url.username),
      'materialize:database': 'materialize',
      'materialize:sslmode': 'disable',
    },
    secrets: { 'materialize:password': decodeURIComponent(url.password) },
  };
}

/** Materialize's address as the MZ_* variables the provider reads: the environment of a deploy script. */
export function materializeEnv(standinUrl: string): Record<string, string> {
  const url = new URL(standinUrl);
  return {
    MZ_HOST: url.hostname,
    MZ_PORT: url.port,
    MZ_USER: decodeURIComponent(url.username),
    MZ_PASSWORD: decodeURIComponent(url.password),
    MZ_DATABASE: 'materialize',
    MZ_SSLMODE: 'disable',
  };
}

/** A value as a reader of the state or the output could find it: as is, base64 (padded or not), hex, URL-encoded. */
export function forms(value: string): string[] {
  const b64 = Buffer.from(value).toString('base64');
  return [value, b64, b64.replace(/=+$/, ''), Buffer.from(value).toString('hex'), encodeURIComponent(value)];
}
