// Fault injection for reliability tests: fail or delay the next N statements, add latency, drop connections.
export interface InjectedError {
  code: string;
  message: string;
}

/** An injected error, for the next statement whose text contains `match` (any statement when unset). */
interface PendingFailure extends InjectedError {
  match?: string;
}

export class Faults {
  private fails: PendingFailure[] = [];
  private delays: number[] = [];
  private dropAfter = 0;
  latencyMs = 0;
  constructor(private dropAll: () => void) {}

  failNext(
    n: number,
    err: InjectedError = { code: 'XX000', message: 'stand-in: injected failure' },
    match?: string,
  ): void {
    for (let i = 0; i < n; i++) this.fails.push({ ...err, match });
  }
  delayNext(n: number, ms: number): void {
    for (let i = 0; i < n; i++) this.delays.push(ms);
  }
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  dropConnections(): void {
    this.dropAll();
  }
  /** The nth next statement takes effect, then every connection drops before its reply is sent. */
  dropAfterNext(n: number): void {
    this.dropAfter = n;
  }
  /** Called once a statement has taken effect, before its reply goes out. */
  afterStatement(): void {
    if (this.dropAfter > 0 && --this.dropAfter === 0) this.dropAll();
  }
  reset(): void {
    this.fails = [];
    this.delays = [];
    this.dropAfter = 0;
    this.latencyMs = 0;
  }
  /** Called once per statement: waits as configured, then returns an error to inject, if any. */
  async onStatement(sql: string): Promise<InjectedError | undefined> {
    await this.wait();
    return this.takeFailure(sql);
  }
  /** The delay part of onStatement alone, for callers that must wait before taking a lock. */
  async wait(): Promise<void> {
    const delay = this.latencyMs + (this.delays.shift() ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  }
  takeFailure(sql: string): InjectedError | undefined {
    const next = this.fails[0];
    if (!next || (next.match !== undefined && !sql.includes(next.match))) return undefined;
    this.fails.shift();
    return { code: next.code, message: next.message };
  }
}
