// The real Pulumi CLI on the campaign's program, one scratch folder and one stack per schedule, local file
// backend with a passphrase (as test/acceptance/pulumi.ts), plus what the campaign needs besides: a run
// killed with SIGKILL after a given time, and every output kept for the leak check.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../..');
const PROGRAM = path.join(__dirname, 'program');

export interface CliResult {
  args: string[];
  code: number | null;
  /** Killed by the campaign (SIGKILL) or by the time limit. */
  killed: boolean;
  stdout: string;
  /** stdout and stderr. */
  output: string;
}

/**
 * node_modules for the scratch folder: every package of the checkout's, with this package pointing at the
 * checkout itself (a worktree's node_modules may be another checkout's, whose link would load that one's lib/).
 */
function linkModules(into: string): void {
  const nm = path.join(into, 'node_modules');
  fs.mkdirSync(nm);
  const source = path.join(ROOT, 'node_modules');
  for (const entry of fs.readdirSync(source)) {
    if (entry === 'pulumi-materialize-connections' || entry === '.bin') continue;
    fs.symlinkSync(path.join(source, entry), path.join(nm, entry));
  }
  fs.symlinkSync(ROOT, path.join(nm, 'pulumi-materialize-connections'), 'dir');
}

export class CampaignStack {
  readonly work: string;
  readonly dir: string;
  readonly name = 'campaign';
  private readonly env: NodeJS.ProcessEnv;
  readonly outputs: string[] = [];

  constructor(
    private readonly cliDir: string,
    env: Record<string, string>,
    readonly passphrase: string,
  ) {
    this.work = fs.mkdtempSync(path.join(os.tmpdir(), 'mz-campaign-'));
    this.dir = path.join(this.work, 'programs', 'campaign');
    fs.mkdirSync(this.dir, { recursive: true });
    for (const f of fs.readdirSync(PROGRAM)) fs.copyFileSync(path.join(PROGRAM, f), path.join(this.dir, f));
    fs.copyFileSync(
      path.join(ROOT, 'examples/tsconfig.pulumi.json'),
      path.join(this.work, 'programs/tsconfig.pulumi.json'),
    );
    linkModules(this.work);
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MZ_|PULUMI_|AWS_)/.test(k)));
    this.env = {
      ...inherited,
      PATH: `${cliDir}${path.delimiter}${process.env.PATH}`,
      PULUMI_HOME: path.join(this.work, 'pulumi-home'),
      PULUMI_BACKEND_URL: `file://${path.join(this.work, 'state')}`,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      PULUMI_NODEJS_TRANSPILE_ONLY: 'true',
      ...env,
    };
    fs.mkdirSync(path.join(this.work, 'state'));
  }

  writeModel(model: unknown): void {
    fs.writeFileSync(path.join(this.dir, 'model.json'), JSON.stringify(model, null, 1));
  }

  /** `pulumi <args> --stack campaign --non-interactive`; with killAfterMs, SIGKILL after that long. */
  run(args: string[], o: { input?: string; killAfterMs?: number; timeoutMs?: number } = {}): Promise<CliResult> {
    const full = [...args, '--stack', this.name, '--non-interactive'];
    return new Promise((resolve) => {
      // detached: the CLI and its plugins form one process group, so that the kill reaches them all at once.
      const child = spawn(path.join(this.cliDir, 'pulumi'), full, { cwd: this.dir, env: this.env, detached: true });
      let output = '';
      let stdout = '';
      let killed = false;
      child.stdout.on('data', (d) => {
        output += d;
        stdout += d;
      });
      child.stderr.on('data', (d) => (output += d));
      const kill = () => {
        killed = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timers = [setTimeout(kill, o.timeoutMs ?? 300_000)];
      if (o.killAfterMs !== undefined) timers.push(setTimeout(kill, o.killAfterMs));
      // A CLI that exits before reading its input (killed, crashed at start) must not crash the campaign: its
      // exit code and output tell what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(o.input ?? '');
      child.on('close', (code) => {
        timers.forEach(clearTimeout);
        if (killed) this.killLeftovers();
        this.outputs.push(output);
        resolve({ args: full, code, killed, stdout, output });
      });
    });
  }

  async ok(args: string[], input?: string): Promise<CliResult> {
    const r = await this.run(args, { input });
    if (r.code !== 0) throw new Error(`pulumi ${args.join(' ')} exited ${r.code}:\n${r.output}`);
    return r;
  }

  async init(config: Record<string, string>, secrets: Record<string, string>): Promise<void> {
    await this.ok(['stack', 'init']);
    const plain = Object.entries(config).flatMap(([k, v]) => ['--plaintext', `${k}=${v}`]);
    if (plain.length) await this.ok(['config', 'set-all', ...plain]);
    for (const [k, v] of Object.entries(secrets)) await this.ok(['config', 'set', '--secret', k], v);
  }

  /** The checkpoint as `pulumi stack export` prints it (secrets stay ciphertext). */
  async exportState(): Promise<Checkpoint> {
    const r = await this.run(['stack', 'export']);
    // Seed 7137 once failed here after a SIGKILLed `up` ("failed to load checkpoint: EOF"), not seen again: the
    // state folder as it is then (names, sizes) goes into the error, to find what the killed CLI left.
    if (r.code !== 0) throw new Error(`pulumi stack export exited ${r.code}:\n${r.output}\n${this.stateListing()}`);
    return JSON.parse(r.stdout);
  }

  private stateListing(): string {
    const root = path.join(this.work, 'state');
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? walk(full) : [`${path.relative(root, full)} ${fs.statSync(full).size} bytes`];
      });
    return `state folder:\n  ${walk(root).join('\n  ')}`;
  }

  /**
   * The processes this stack's CLI started and a SIGKILL orphaned: the language host and the dynamic provider
   * run in process groups of their own, so the group kill does not reach them; the whole run dies, as with a
   * lost runner. Found by their PULUMI_HOME (Linux /proc).
   */
  killLeftovers(): void {
    const mark = `PULUMI_HOME=${this.env.PULUMI_HOME}`;
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let environ: string;
      try {
        environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
      } catch {
        continue;
      }
      if (environ.split('\0').includes(mark))
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
    }
  }

  remove(): void {
    this.killLeftovers();
    fs.rmSync(this.work, { recursive: true, force: true });
  }
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  delete?: boolean;
  /**
   * A delete-before-replace whose delete ran and whose create has not yet: the object is gone on purpose, the next
   * `up` creates the replacement, and refresh leaves such an entry as it is (pkg/v3 resource/deploy/step.go,
   * RefreshStep.Apply).
   */
  pendingReplacement?: boolean;
  /** Marked by `pulumi state taint`: the next `up` replaces it, and the mark stays until a replacement succeeds. */
  taint?: boolean;
  outputs?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

export interface Checkpoint {
  deployment: { resources?: StateResource[]; pending_operations?: { type: string; resource: StateResource }[] };
}
