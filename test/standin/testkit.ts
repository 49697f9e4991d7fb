// Test helpers: run statements against a stand-in (or a real Materialize) and capture exactly what came back:
// the command tag, rows, notices, SQLSTATE, message, detail and hint.
import { Client } from 'pg';
import { startStandin, type Standin } from './index';

export interface Outcome {
  ok: boolean;
  tag?: string;
  rows: Record<string, unknown>[];
  notices: string[];
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
}

export interface Session {
  client: Client;
  run(sql: string, params?: unknown[]): Promise<Outcome>;
  /** Runs and throws unless it succeeds. */
  ok(sql: string, params?: unknown[]): Promise<Outcome>;
  end(): Promise<void>;
}

export async function session(url: string, applicationName = 'standin-test'): Promise<Session> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  let notices: string[] = [];
  let tag: string | undefined;
  client.on('notice', (n) => notices.push(n.message ?? ''));
  client.on('error', () => {});
  await client.connect();
  (client as unknown as { connection: { on(ev: string, f: (m: { text: string }) => void): void } }).connection.on(
    'commandComplete',
    (m) => (tag = m.text),
  );
  const run = async (sql: string, params?: unknown[]): Promise<Outcome> => {
    notices = [];
    tag = undefined;
    try {
      const r = await client.query(sql, params);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return { ok: true, tag, rows: last.rows, notices };
    } catch (e) {
      const err = e as { code?: string; message: string; detail?: string; hint?: string };
      return { ok: false, rows: [], notices, code: err.code, message: err.message, detail: err.detail, hint: err.hint };
    }
  };
  return {
    client,
    run,
    async ok(sql, params) {
      const o = await run(sql, params);
      if (!o.ok) throw new Error(`${sql}\n  -> ${o.code} ${o.message}`);
      return o;
    },
    end: () => client.end(),
  };
}

/** One step of a conformance script: a statement and what Materialize answers. */
export interface Step {
  sql: string;
  /** Expected command tag, for success. */
  tag?: string;
  /** Expected error message (exact string, or RegExp); implies failure. */
  error?: string | RegExp;
  code?: string;
  notice?: string;
  rows?: Record<string, unknown>[];
  hint?: string;
  detail?: string;
}

export async function runSteps(s: Session, steps: Step[]): Promise<void> {
  for (const step of steps) {
    const o = await s.run(step.sql);
    const where = `\n  statement: ${step.sql}\n  outcome: ${JSON.stringify(o)}`;
    if (step.error !== undefined) {
      if (o.ok) throw new Error(`expected an error${where}`);
      if (typeof step.error === 'string' ? o.message !== step.error : !step.error.test(o.message ?? ''))
        throw new Error(`wrong error message, want ${String(step.error)}${where}`);
    } else if (!o.ok) throw new Error(`unexpected error${where}`);
    if (step.code !== undefined && o.code !== step.code) throw new Error(`wrong SQLSTATE, want ${step.code}${where}`);
    if (step.tag !== undefined && o.tag !== step.tag) throw new Error(`wrong tag, want ${step.tag}${where}`);
    if (step.notice !== undefined && !o.notices.includes(step.notice))
      throw new Error(`missing notice ${step.notice}${where}`);
    if (step.hint !== undefined && o.hint !== step.hint) throw new Error(`wrong hint, want ${step.hint}${where}`);
    if (step.detail !== undefined && o.detail !== step.detail)
      throw new Error(`wrong detail, want ${step.detail}${where}`);
    if (step.rows !== undefined) expect(o.rows).toEqual(step.rows);
  }
}

/**
 * A private stand-in and one session on it for the whole suite, so ids and names start from a fresh
 * catalog (the conformance suites assert exact ids). Read `mz` and `s` inside tests, after beforeAll.
 */
export function privateStandin(): { readonly mz: Standin; readonly s: Session } {
  const ctx = {} as { mz: Standin; s: Session };
  beforeAll(async () => {
    ctx.mz = await startStandin({ port: 0 });
    ctx.s = await session(ctx.mz.url);
  }, 120_000);
  afterAll(async () => {
    await ctx.s?.end();
    await ctx.mz?.close();
  });
  return ctx;
}
