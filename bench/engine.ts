// A parallel step executor over the real dynamic-provider server: the part of the Pulumi engine that the
// benchmark measures. Like the CLI, every command (up, preview, refresh, destroy) gets a fresh provider
// process (so the pg pool starts empty) and Configure with the stack config. Steps run as the engine's
// step executor runs them: a resource's step starts once the steps of the resources it depends on are
// done (the program registers it only then), independent steps concurrently, at most `parallel` at once.
import * as fs from 'fs';
import { ProviderProcess } from '../test/engine/provider-process';
import { makeSecret, type PropertyMap } from '../test/engine/values';
import type { Registration } from './capture';

export interface StackConfig {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
}

export interface ResourceState {
  reg: Registration;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
}

export type StepOp = 'create' | 'same' | 'update' | 'replace' | 'read' | 'delete';

export interface CommandResult {
  /** Wall time of the steps (provider process start and Configure excluded). */
  wallMs: number;
  /** Provider process start + Configure. */
  startMs: number;
  /** CPU time (user + system) the provider process spent on the steps. */
  providerCpuMs: number;
  /** CPU time this process (engine emulation, and the stand-in when it runs in-process) spent on the steps. */
  benchCpuMs: number;
  ops: Record<string, number>;
}

/** utime + stime of a process, in ms (Linux /proc; 0 elsewhere). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks, USER_HZ = 100
  } catch {
    return 0;
  }
}

/** Runs `fn` for every node once the nodes it waits for are done; at most `parallel` fns at once. */
async function schedule<T>(
  nodes: T[],
  waitsFor: (n: T) => T[],
  fn: (n: T) => Promise<void>,
  parallel: number,
): Promise<void> {
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = async () => {
    if (running >= parallel) await new Promise<void>((r) => queue.push(r));
    running++;
  };
  const free = () => {
    running--;
    queue.shift()?.();
  };
  const done = new Map<T, Promise<void>>();
  const run = (n: T): Promise<void> => {
    let p = done.get(n);
    if (!p) {
      p = (async () => {
        await Promise.all(waitsFor(n).map(run));
        await slot();
        try {
          await fn(n);
        } finally {
          free();
        }
      })();
      done.set(n, p);
    }
    return p;
  };
  const results = await Promise.allSettled(nodes.map(run));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export class BenchEngine {
  /** The stack's state, in registration order. */
  state: ResourceState[] = [];
  readonly logs: string[] = [];

  constructor(
    private readonly o: { projectDir: string; project: string; stack: string; config: StackConfig; parallel: number },
  ) {}

  private async command(body: (p: ProviderProcess, ops: Record<string, number>) => Promise<void>) {
    const t0 = performance.now();
    const p = await ProviderProcess.start({
      cwd: this.o.projectDir,
      project: this.o.project,
      stack: this.o.stack,
      log: (l) => this.logs.push(l),
    });
    try {
      const c = this.o.config;
      const config: Record<string, unknown> = {
        'materialize:host': c.host,
        'materialize:port': String(c.port),
        'materialize:username': c.username,
        'materialize:password': makeSecret(c.password),
        'materialize:database': c.database,
        'materialize:sslmode': 'disable',
      };
      // ConfigureRequest.variables: `materialize:config:host` = plaintext value (the engine's legacy form).
      const plain: Record<string, string> = { ...config, 'materialize:password': c.password } as never;
      const variables = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k.replace(':', ':config:'), v]));
      await p.configure(config, variables);
      const t1 = performance.now();
      const cpu0 = cpuMsOf(p.child.pid);
      const own0 = process.cpuUsage();
      const ops: Record<string, number> = {};
      await body(p, ops);
      const wallMs = performance.now() - t1;
      const own = process.cpuUsage(own0);
      return {
        wallMs,
        startMs: t1 - t0,
        providerCpuMs: cpuMsOf(p.child.pid) - cpu0,
        benchCpuMs: (own.user + own.system) / 1000,
        ops,
      };
    } finally {
      await p.stop();
    }
  }

  private byUrn(): Map<string, ResourceState> {
    return new Map(this.state.map((s) => [s.reg.urn, s]));
  }

  /**
   * `pulumi up` / `pulumi preview` of a program (its captured registrations): Check, then Create for new
   * resources, or Diff and then Update / Same for existing ones (no replaces or deletes are expected here).
   */
  up(regs: Registration[], preview = false): Promise<CommandResult> {
    return this.command(async (p, ops) => {
      const old = this.byUrn();
      const byUrn = new Map(regs.map((r) => [r.urn, r]));
      const next = new Map<string, ResourceState>();
      const count = (op: StepOp) => (ops[op] = (ops[op] ?? 0) + 1);
      await schedule(
        regs,
        (r) => r.dependencies.map((u) => byUrn.get(u)!).filter(Boolean),
        async (r) => {
          const before = old.get(r.urn);
          const checked = await p.check(r.urn, before?.inputs ?? {}, r.inputs);
          if (checked.failures.length) throw new Error(`${r.urn}: check failed: ${JSON.stringify(checked.failures)}`);
          if (!before) {
            count('create');
            if (preview) return;
            const c = await p.create(r.urn, checked.inputs);
            next.set(r.urn, { reg: r, id: c.id, inputs: checked.inputs, outputs: c.properties });
            return;
          }
          const d = await p.diff(r.urn, before.id, before.outputs, checked.inputs, before.inputs);
          if (d.replaces.length) throw new Error(`${r.urn}: unexpected replace (${d.replaces.join(', ')})`);
          if (d.changes !== 'some') {
            count('same');
            next.set(r.urn, { ...before, reg: r, inputs: checked.inputs });
            return;
          }
          count('update');
          if (preview) return;
          const u = await p.update(r.urn, before.id, before.outputs, checked.inputs, before.inputs);
          next.set(r.urn, { reg: r, id: before.id, inputs: checked.inputs, outputs: u.properties });
        },
        this.o.parallel,
      );
      if (!preview) this.state = regs.map((r) => next.get(r.urn)!);
    });
  }

  /** `pulumi refresh`: Read every resource (refresh steps have no ordering among them). */
  refresh(): Promise<CommandResult> {
    return this.command(async (p, ops) => {
      await schedule(
        this.state,
        () => [],
        async (s) => {
          const r = await p.read(s.reg.urn, s.id, s.outputs, s.inputs);
          if (!r.id) throw new Error(`${s.reg.urn}: gone on refresh`);
          ops.read = (ops.read ?? 0) + 1;
          s.outputs = r.properties;
          if (r.inputs) s.inputs = r.inputs;
        },
        this.o.parallel,
      );
    });
  }

  /** `pulumi destroy`: a resource is deleted once everything that depends on it is gone. */
  destroy(): Promise<CommandResult> {
    return this.command(async (p, ops) => {
      const dependents = new Map<ResourceState, ResourceState[]>(this.state.map((s) => [s, []]));
      const byUrn = this.byUrn();
      for (const s of this.state) for (const u of s.reg.dependencies) dependents.get(byUrn.get(u)!)?.push(s);
      await schedule(
        this.state,
        (s) => dependents.get(s) ?? [],
        async (s) => {
          await p.delete(s.reg.urn, s.id, s.outputs, s.inputs);
          ops.delete = (ops.delete ?? 0) + 1;
        },
        this.o.parallel,
      );
      this.state = [];
    });
  }
}
