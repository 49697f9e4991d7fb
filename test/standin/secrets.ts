// Secret values (§4.1): the AS expression is typed as bytea by the SQL engine, checked, and stored write-only.
import { MzError, planError } from './errors';
import type { Store } from './store';

const MAX_SECRET_BYTES = 512 * 1024;

/** Values by secret id. Never exposed over SQL; only the test backdoor reads them. */
export class SecretStore {
  private values = new Map<string, Buffer>();
  set(id: string, v: Buffer): void {
    this.values.set(id, v);
  }
  get(id: string): Buffer | undefined {
    return this.values.get(id);
  }
  delete(id: string): void {
    this.values.delete(id);
  }
}

/**
 * Evaluates `AS <expr>` like Materialize: planned with no relation in scope, then `type_as` bytea. An untyped
 * string literal goes through bytea input ('\x..' hex, escape format with \\ and \nnn); any other type is an
 * error `AS must have type bytea, not type <t>`. Caller must hold the store lock.
 */
export async function evalSecretExpr(store: Store, expr: string): Promise<Buffer> {
  if (/\(\s*(select|values|with)\b/i.test(expr) || /^\s*(select|values)\b/i.test(expr))
    throw planError('AS does not allow subqueries');
  let type: string;
  try {
    const r = await store.db.query<{ t: string }>(`SELECT pg_typeof(${expr})::text AS t`);
    type = r.rows[0].t;
  } catch (e) {
    throw engineError(e);
  }
  if (type !== 'unknown' && type !== 'bytea') throw planError(`AS must have type bytea, not type ${type}`);
  let hex: string | null;
  try {
    const r = await store.db.query<{ h: string | null }>(`SELECT encode((${expr})::bytea, 'hex') AS h`);
    hex = r.rows[0].h;
  } catch (e) {
    throw engineError(e);
  }
  if (hex === null) throw planError('secret value can not be null');
  const buf = Buffer.from(hex, 'hex');
  if (buf.length > MAX_SECRET_BYTES) throw planError('secrets can not be bigger than 512KiB');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw planError('secret value must be valid UTF-8');
  }
  return buf;
}

function engineError(e: unknown): MzError {
  const err = e as { message?: string; code?: string };
  return new MzError(err.message ?? String(e), err.code ?? 'XX000');
}
