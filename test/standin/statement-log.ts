// The statement log: every client statement with its timing, for exact round-trip counts.
export interface StatementLogEntry {
  seq: number;
  session: number;
  applicationName: string;
  sql: string;
  startedAt: number;
  durationMs: number;
  ok: boolean;
  code?: string;
  message?: string;
}

export class StatementLog {
  private entries: StatementLogEntry[] = [];
  private seq = 0;
  private readonly max = 100_000;
  start(session: number, applicationName: string, sql: string): StatementLogEntry {
    const e: StatementLogEntry = {
      seq: ++this.seq,
      session,
      applicationName,
      sql,
      startedAt: Date.now(),
      durationMs: 0,
      ok: true,
    };
    this.entries.push(e);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    return e;
  }
  finish(e: StatementLogEntry, err?: { code: string; message: string }): void {
    e.durationMs = Date.now() - e.startedAt;
    if (err) {
      e.ok = false;
      e.code = err.code;
      e.message = err.message;
    }
  }
  list(): StatementLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
  clear(): void {
    this.entries = [];
  }
}
