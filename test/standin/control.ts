// Typed client for the stand-in's HTTP control endpoint (usable from any jest worker).
import type { StatementLogEntry } from './statement-log';

export type { StatementLogEntry };

export interface FaultsRequest {
  failNext?: number | { n: number; code?: string; message?: string; match?: string };
  delayNext?: { n: number; ms: number };
  latencyMs?: number;
  dropConnections?: boolean;
  reset?: boolean;
}

export interface StandinControl {
  log(filter?: { session?: number; applicationName?: string }): Promise<StatementLogEntry[]>;
  clearLog(): Promise<void>;
  faults(req: FaultsRequest): Promise<void>;
  /** Fails the next n statements (with `match`: the next n whose text contains it). */
  failNext(n: number, err?: { code: string; message: string; match?: string }): Promise<void>;
  delayNext(n: number, ms: number): Promise<void>;
  setLatency(ms: number): Promise<void>;
  dropConnections(): Promise<void>;
  resetFaults(): Promise<void>;
  secretValue(database: string, schema: string, name: string): Promise<string | undefined>;
  stats(): Promise<{ connectionsOpened: number; port: number }>;
}

export function standinControl(controlUrl: string = process.env.MZ_STANDIN_CONTROL_URL ?? ''): StandinControl {
  if (!controlUrl) throw new Error('standinControl: no control URL (MZ_STANDIN_CONTROL_URL is not set)');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(new URL(path, controlUrl), {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await r.json()) as T;
    if (!r.ok && r.status !== 404) throw new Error(`stand-in control ${path}: HTTP ${r.status}`);
    return json;
  };
  const faults = (req: FaultsRequest) => call<unknown>('POST', '/faults', req).then(() => undefined);
  return {
    async log(filter) {
      const all = await call<StatementLogEntry[]>('GET', '/log');
      return all.filter(
        (e) =>
          (filter?.session === undefined || e.session === filter.session) &&
          (filter?.applicationName === undefined || e.applicationName === filter.applicationName),
      );
    },
    clearLog: () => call<unknown>('POST', '/log/clear').then(() => undefined),
    faults,
    failNext: (n, err) => faults({ failNext: err ? { n, ...err } : n }),
    delayNext: (n, ms) => faults({ delayNext: { n, ms } }),
    setLatency: (ms) => faults({ latencyMs: ms }),
    dropConnections: () => faults({ dropConnections: true }),
    resetFaults: () => faults({ reset: true }),
    async secretValue(database, schema, name) {
      const q = new URLSearchParams({ database, schema, name });
      const r = await call<{ value: string | null }>('GET', `/secret?${q}`);
      return r.value ?? undefined;
    },
    stats: () => call('GET', '/stats'),
  };
}
