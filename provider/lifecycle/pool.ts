// One pool of `pg` clients per Materialize endpoint per provider process: every resource of a `pulumi up`
// against the same environment shares it, so connections are opened once, not per step. Waiting for a free
// client is queueing (never an error); connecting, each statement and idle sockets are bounded in time.
import { createHash } from 'crypto';
import { Client, DatabaseError, Pool, type ClientConfig, type PoolClient, type QueryResultRow } from 'pg';
import { isLocal, type ResolvedEndpoint } from './endpoint';
import { MaterializeError } from './errors';
import { tlsOptions } from './tls';

const pools = new Map<string, Pool>();
/** Each pool's Materialize environment id, read once on the pool's first session (see `withSession`). */
const environments = new Map<string, Promise<string>>();
const APPLICATION_NAME = 'pulumi-materialize-connections';

function hash(text: string | undefined): string {
  return text === undefined ? '' : createHash('sha256').update(text).digest('hex');
}

const keys = new WeakMap<ResolvedEndpoint, string>();

/** Everything that shapes a connection is part of the key, so one resource's settings never leak into another's. */
export function poolKey(e: ResolvedEndpoint): string {
  let key = keys.get(e);
  if (key === undefined) keys.set(e, (key = computePoolKey(e)));
  return key;
}

function computePoolKey(e: ResolvedEndpoint): string {
  return [
    e.host,
    e.port,
    e.username,
    e.database,
    e.sslmode,
    hash(e.sslrootcert),
    e.connectTimeout,
    e.statementTimeout,
    e.keepaliveIdle,
    e.poolSize,
    hash(e.password),
  ].join('\u0000');
}

/**
 * node-postgres takes defaults from PG* variables and ~/.pgpass; none of that may reach Materialize
 * unasked. It also answers a cleartext password request on any connection; that is refused where the
 * password would cross a network unencrypted.
 */
function clientClass(e: ResolvedEndpoint): typeof Client {
  const refuseCleartext = e.sslmode === 'disable' && !isLocal(e.host);
  return class GuardedClient extends Client {
    constructor(config: ClientConfig) {
      // pg-pool hides `password` as a non-enumerable property, which a spread would drop.
      super({ ...config, password: config.password, connectionTimeoutMillis: e.connectTimeout * 1000 });
      const params = (this as unknown as { connectionParameters: Record<string, unknown> }).connectionParameters;
      for (const fromEnvironment of ['options', 'client_encoding', 'replication']) params[fromEnvironment] = undefined;
    }

    _handleAuthCleartextPassword(msg: unknown): void {
      const self = this as unknown as { connection: { emit(ev: string, err: Error): void } };
      if (refuseCleartext) {
        self.connection.emit(
          'error',
          new MaterializeError(
            `the server at ${e.host}:${e.port} asked for the password in cleartext over an unencrypted connection; ` +
              'refused. Use sslmode verify-full (or verify-ca) for a host across a network',
          ),
        );
        return;
      }
      (
        Client.prototype as unknown as { _handleAuthCleartextPassword(m: unknown): void }
      )._handleAuthCleartextPassword.call(this, msg);
    }
  };
}

export function poolFor(e: ResolvedEndpoint): Pool {
  const k = poolKey(e);
  let pool = pools.get(k);
  if (!pool) {
    pool = new Pool({
      Client: clientClass(e),
      host: e.host,
      port: e.port,
      user: e.username,
      // A function, so that node-postgres never falls back to PGPASSWORD or ~/.pgpass.
      password: async () => {
        if (e.password === undefined)
          throw new MaterializeError(
            'Materialize asked for a password and none is set (materialize:password, MZ_PASSWORD or the ' +
              "resource's materialize.password; PGPASSWORD and ~/.pgpass are not read)",
          );
        return e.password;
      },
      database: e.database,
      ssl: tlsOptions(e),
      application_name: APPLICATION_NAME,
      // The connect timeout is the client's own (above): here 0 means a checkout waits in the queue for as
      // long as it takes, since every statement ahead of it is bounded by query_timeout.
      connectionTimeoutMillis: 0,
      query_timeout: e.statementTimeout * 1000,
      keepAlive: true,
      keepAliveInitialDelayMillis: e.keepaliveIdle * 1000,
      max: e.poolSize,
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
  /**
   * `mz_environment_id()` of the Materialize this session reached: what identifies it whatever its address is
   * spelled like (two spellings of one server give one id; catalog ids repeat across environments).
   */
  readonly environmentId: string;
}

/** What reading the catalog needs of a session. */
export type Queryable = Pick<Session, 'query'>;

/** The statement that reads a Materialize environment's identity (an unmaterializable function: any role may call it). */
export const ENVIRONMENT_ID_SQL = 'SELECT mz_environment_id() AS environment_id';

/** An error after which nobody knows whether the statement took effect: no answer in time, or no connection. */
export interface OutcomeUnknown {
  outcomeUnknown: true;
}

export function isOutcomeUnknown(err: unknown): err is Error & OutcomeUnknown {
  return (err as Partial<OutcomeUnknown> | undefined)?.outcomeUnknown === true;
}

async function connect(e: ResolvedEndpoint): Promise<PoolClient> {
  try {
    return await poolFor(e).connect();
  } catch (err) {
    throw new MaterializeError(
      `cannot connect to Materialize at ${e.host}:${e.port} (database ${e.database}, user ${e.username}, sslmode ${e.sslmode}, ` +
        `connectTimeout ${e.connectTimeout} s): ${(err as Error).message}. Set materialize:host/port/username/password ` +
        "(stack config), MZ_HOST and friends, or the resource's materialize input.",
      (err as { code?: string }).code,
    );
  }
}

function unknownOutcome(err: Error, e: ResolvedEndpoint): Error & OutcomeUnknown {
  const timedOut = err.message === QUERY_TIMEOUT;
  const what = timedOut
    ? `no answer within ${e.statementTimeout} s (statementTimeout)`
    : `the connection to Materialize was lost (${err.message})`;
  return Object.assign(
    new Error(`${what}; whether Materialize applied the statement is unknown, so the object's state is unknown`),
    { outcomeUnknown: true as const },
  );
}

/** node-postgres's message when query_timeout expires. */
const QUERY_TIMEOUT = 'Query read timeout';

/** Statements that read and change nothing. */
const READ_ONLY = /^SELECT /;

let catalogChanges = 0;

/**
 * Moves whenever a statement that may change the catalog (anything but a SELECT) starts or ends in this process:
 * a row read ahead (batch.ts) is kept only if this did not move while it was read, and used only while it has not.
 */
export function catalogGeneration(): number {
  return catalogChanges;
}

/** Statements that are safe to send again if a broken connection leaves it unknown whether they ran. */
const IDEMPOTENT = /^(SELECT|DROP \w+ IF EXISTS) /;

/** One checked-out client, watched for errors for the whole checkout. */
class Checkout {
  broken: Error | undefined;
  private released = false;
  private readonly onError = (err: Error) => {
    this.broken ??= err;
  };
  constructor(readonly client: PoolClient) {
    // pg-pool removes its own listener while a client is checked out; a socket that dies mid-statement
    // then emits 'error' on the client, which would crash the process with no listener.
    client.on('error', this.onError);
  }
  /** Once: a reconnect that fails leaves the released checkout current, and `withSession` releases it at the end. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.client.removeListener('error', this.onError);
    this.client.release(this.broken ?? undefined);
  }
}

/**
 * Runs `fn` on one pooled client. A statement that is safe to repeat (a catalog read, a DROP IF EXISTS) and
 * lost its connection (a pooled client the server closed while idle, a dropped network) is sent again on
 * another connection, until one answers or every pooled client and a new one have failed. A CREATE or ALTER is never sent twice, and nothing is repeated after a timeout.
 * After a lost connection or a timeout, later statements of the same operation (a compensating DROP, a
 * read-back) run on a fresh connection, so what happened can still be found out.
 */
export async function withSession<T>(e: ResolvedEndpoint, fn: (s: Session) => Promise<T>): Promise<T> {
  let current = new Checkout(await connect(e));
  // A lost connection takes the pool's idle clients with it (a server restart, a dropped network), and the
  // pool learns of each only when it is used: a repeat may be handed one of them, so it may take as many
  // attempts as the pool has clients, plus one for a new connection.
  const attempts = e.poolSize + 2;
  const send = async <R extends QueryResultRow>(sql: string, params: unknown[] | undefined, attempt: number) => {
    if (current.broken) {
      current.release();
      current = new Checkout(await connect(e));
    }
    try {
      return (await current.client.query<R>(sql, params)).rows;
    } catch (err) {
      // An error the server sent leaves the session healthy; anything else (socket, timeout) does not.
      if (err instanceof DatabaseError) throw err;
      current.broken ??= err as Error;
      const timedOut = (err as Error).message === QUERY_TIMEOUT;
      if (attempt < attempts && !timedOut && IDEMPOTENT.test(sql)) return send<R>(sql, params, attempt + 1);
      throw unknownOutcome(err as Error, e);
    }
  };
  try {
    const environmentId = await environmentOf(e, () => send<{ environment_id: unknown }>(ENVIRONMENT_ID_SQL, [], 1));
    return await fn({
      query: async <R extends QueryResultRow>(sql: string, params?: unknown[]) => {
        if (READ_ONLY.test(sql)) return send<R>(sql, params, 1);
        catalogChanges++;
        try {
          return await send<R>(sql, params, 1);
        } finally {
          catalogChanges++;
        }
      },
      environmentId,
    });
  } finally {
    current.release();
  }
}

/**
 * The environment id of the pool's Materialize: one round trip on the pool's first session, then remembered
 * for the pool's life (one provider process). A failed read is not remembered, so the next session tries again.
 */
function environmentOf(e: ResolvedEndpoint, read: () => Promise<{ environment_id: unknown }[]>): Promise<string> {
  const k = poolKey(e);
  let known = environments.get(k);
  if (!known) {
    known = read().then(([row]) => {
      const id = row?.environment_id;
      if (typeof id !== 'string' || id === '')
        throw new MaterializeError(
          `the server at ${e.host}:${e.port} gave no Materialize environment id (SELECT mz_environment_id()): is it Materialize?`,
        );
      return id;
    });
    known.catch(() => environments.delete(k));
    environments.set(k, known);
  }
  return known;
}

export async function closeAllPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  environments.clear();
  await Promise.all(all.map((p) => p.end()));
}
