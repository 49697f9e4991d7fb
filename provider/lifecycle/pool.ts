// One pooled `pg` client per Materialize endpoint per provider process: every resource of a
// `pulumi up` against the same environment shares it, so connections are opened once, not per step.
import { createHash } from 'crypto';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import type { ResolvedEndpoint } from './endpoint';
import { MaterializeError } from './errors';

const pools = new Map<string, Pool>();
const APPLICATION_NAME = 'pulumi-materialize-connections';
export const POOL_SIZE = 8;

function key(e: ResolvedEndpoint): string {
  const pw = e.password === undefined ? '' : createHash('sha256').update(e.password).digest('hex');
  return [e.host, e.port, e.username, e.database, e.sslmode, pw].join('\u0000');
}

function ssl(mode: string): boolean | { rejectUnauthorized: boolean } {
  if (mode === 'disable') return false;
  return { rejectUnauthorized: mode === 'verify-full' || mode === 'verify-ca' };
}

export function poolFor(e: ResolvedEndpoint): Pool {
  const k = key(e);
  let pool = pools.get(k);
  if (!pool) {
    pool = new Pool({
      host: e.host,
      port: e.port,
      user: e.username,
      password: e.password,
      database: e.database,
      ssl: ssl(e.sslmode),
      application_name: APPLICATION_NAME,
      connectionTimeoutMillis: e.connectTimeout * 1000,
      max: POOL_SIZE,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    });
    // An idle client that the server drops must not crash the provider process.
    pool.on('error', () => undefined);
    pools.set(k, pool);
  }
  return pool;
}

/** A session for one resource operation; statements run one per round trip, outside any transaction. */
export interface Session {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
}

const used = new WeakSet<PoolClient>();

async function connect(e: ResolvedEndpoint): Promise<PoolClient> {
  try {
    return await poolFor(e).connect();
  } catch (err) {
    throw new MaterializeError(
      `cannot connect to Materialize at ${e.host}:${e.port} (database ${e.database}, user ${e.username}, sslmode ${e.sslmode}): ` +
        `${(err as Error).message}. Set materialize:host/port/username/password (stack config), MZ_HOST and friends, or the resource's materialize input.`,
      (err as { code?: string }).code,
    );
  }
}

/** Statements that are safe to send again if a broken connection leaves it unknown whether they ran. */
const IDEMPOTENT = /^(SELECT|DROP \w+ IF EXISTS) /;

/**
 * Runs `fn` on one pooled client. A pooled client the server closed while it sat idle fails its first
 * statement; when that statement is safe to repeat (a catalog read, a DROP IF EXISTS) the operation is
 * retried once on a new connection. A CREATE or ALTER is never sent twice.
 */
export async function withSession<T>(e: ResolvedEndpoint, fn: (s: Session) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const client = await connect(e);
    const reused = used.has(client);
    used.add(client);
    let statements = 0;
    let firstIdempotent = false;
    let broken: Error | undefined;
    try {
      return await fn({
        query: async <R extends QueryResultRow>(sql: string, params?: unknown[]) => {
          if (statements++ === 0) firstIdempotent = IDEMPOTENT.test(sql);
          try {
            return (await client.query<R>(sql, params)).rows;
          } catch (err) {
            // A lost connection is not reused; a SQL error (it has a SQLSTATE) leaves the session healthy.
            if (!(err as { code?: string }).code) broken = err as Error;
            throw err;
          }
        },
      });
    } catch (err) {
      if (broken && reused && statements === 1 && firstIdempotent && attempt === 0) continue;
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end()));
}
