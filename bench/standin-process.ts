// The stand-in in a process of its own, so that its work (PGlite, the pgwire server) does not share an
// event loop with the engine emulation it is measuring. Driven over the IPC channel of child_process.fork.
import { fork, type ChildProcess } from 'child_process';
import * as path from 'path';
import type { StatementLogEntry } from '../test/standin';

type Request = { id: number; op: 'log' | 'clearLog' | 'opened' | 'setLatency' | 'reset' | 'cpu'; ms?: number };
type Reply = { id: number; value?: unknown; error?: string };

export interface StandinProcess {
  port: number;
  url: string;
  log(): Promise<StatementLogEntry[]>;
  clearLog(): Promise<void>;
  connectionsOpened(): Promise<number>;
  setLatency(ms: number): Promise<void>;
  reset(): Promise<void>;
  /** CPU time (user + system) of the stand-in process so far, in ms. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

/** In the child: start the stand-in and serve requests. */
async function child(): Promise<void> {
  const { startStandin } = await import('../test/standin');
  const s = await startStandin({ port: 0 });
  process.on('message', async (m: Request) => {
    const reply = (value?: unknown) => process.send!({ id: m.id, value } satisfies Reply);
    try {
      if (m.op === 'log') return reply(s.log());
      if (m.op === 'clearLog') return reply(s.clearLog());
      if (m.op === 'opened') return reply(s.connectionsOpened());
      if (m.op === 'setLatency') return reply(s.faults.setLatency(m.ms ?? 0));
      if (m.op === 'reset') return reply(s.faults.reset());
      if (m.op === 'cpu') {
        const u = process.cpuUsage();
        return reply((u.user + u.system) / 1000);
      }
    } catch (e) {
      process.send!({ id: m.id, error: String(e) } satisfies Reply);
    }
  });
  process.on('disconnect', () => void s.close().finally(() => process.exit(0)));
  process.send!({ id: 0, value: { port: s.port, url: s.url } });
}

/** `profileDir`: write a V8 CPU profile of the stand-in there when it exits. */
export async function startStandinProcess(profileDir?: string): Promise<StandinProcess> {
  const runTs = path.resolve(__dirname, '..', 'scripts', 'run-ts.js');
  const proc: ChildProcess = fork(runTs, [__filename, '--child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  const pending = new Map<number, (r: Reply) => void>();
  let next = 1;
  proc.on('message', (r: Reply) => {
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  });
  const started = await new Promise<{ port: number; url: string }>((resolve, reject) => {
    pending.set(0, (r) => resolve(r.value as { port: number; url: string }));
    proc.once('exit', (code) => reject(new Error(`stand-in process exited (${code}) before it started`)));
  });
  const call = <T>(op: Request['op'], ms?: number) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, (r) => (r.error ? reject(new Error(r.error)) : resolve(r.value as T)));
      proc.send({ id, op, ms } satisfies Request);
    });
  return {
    ...started,
    log: () => call('log'),
    clearLog: () => call('clearLog'),
    connectionsOpened: () => call('opened'),
    setLatency: (ms) => call('setLatency', ms),
    reset: () => call('reset'),
    cpuMs: () => call('cpu'),
    close: async () => {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.disconnect();
      await exited;
    },
  };
}

if (process.argv.includes('--child')) void child();
