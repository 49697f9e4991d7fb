// The pgwire front end: pg-gateway does startup and SCRAM auth; this module runs statements one by one
// (§8.1: one statement per simple Query; DDL never in implicit multi-statement transactions, §6).
import net from 'node:net';
import { createScramSha256Data, type ScramSha256Data } from 'pg-gateway';
import type { Statement } from './ast';
import type { ExecResult } from './context';
import { MzError, SQLSTATE } from './errors';
import { statementDisplay } from './display';
import { Executor, allowedInTxnBlock, isDdl, statementKind } from './executor';
import type { Faults } from './faults';
import { mzParse, type Grammar } from './mzparser';
import { parseStatement } from './parser';
import { ClientSession } from './session';
import type { StatementLog } from './statement-log';
import type { Store } from './store';
import * as w from './wire';

// pg-gateway's Node adapter (CJS build; its "exports" map is not visible to moduleResolution=node).
const { fromNodeSocket } = require('pg-gateway/node') as {
  fromNodeSocket(socket: net.Socket, options: Record<string, unknown>): Promise<unknown>;
};

/**
 * pg-gateway stays silent about a socket its client closed (it skips errors whose code is ABORT_ERR), but it tests
 * `err instanceof Error` first, which fails under jest for Node's own stream errors (another realm). It then logs
 * them with console.error, often after the test that dropped the socket has ended, which jest counts as a failure.
 * The same filter, without the realm check.
 */
function silenceAbortedSockets(): void {
  const original = console.error;
  if ((original as { abortFilter?: true }).abortFilter) return;
  const filtered = (...args: unknown[]) => {
    const first = args[0] as { code?: unknown } | undefined;
    if (args.length === 1 && first !== null && typeof first === 'object' && first.code === 'ABORT_ERR') return;
    original.apply(console, args);
  };
  console.error = Object.assign(filtered, { abortFilter: true as const });
}
silenceAbortedSockets();

/**
 * Statement kinds (from Materialize's parser) that the SQL engine may answer. Not DISCARD or DEALLOCATE: every
 * client shares the engine's one session, whose settings and prepared statements they would reset for all.
 */
const ENGINE_KINDS = new Set([
  'select',
  'show_columns',
  'explain_plan',
  'declare',
  'fetch',
  'close',
  'prepare',
  'execute',
  'subscribe',
  'copy',
]);

const MAX_BATCH_BYTES = 1_000_000; // §1.1 MAX_STATEMENT_BATCH_SIZE

/**
 * Postgres holds an extended-protocol cycle's replies (Parse, Bind, Describe, Execute, Close) and sends them at
 * Sync or Flush; pg-gateway writes each reply on its own, so the socket is corked until then (one write, one
 * packet for the client to read, instead of five).
 */
const HELD_UNTIL_SYNC = new Set(['P', 'B', 'D', 'E', 'C']);

/** SELECTs kept prepared in the engine session at once (the least recently parsed are closed beyond it). */
const MAX_PREPARED = 256;

interface EngineStatement {
  sql: string;
  /** The Parse message's text and parameter types, when the statement is shared through `prepared`. */
  key?: string;
}

interface Conn {
  socket: net.Socket;
  session?: ClientSession;
  /** Holding the engine lock for an extended-protocol cycle (until Sync). */
  release?: () => void;
  /** Extended protocol: prepared statements and portals handled by the stand-in itself. */
  ownStatements: Map<string, { sql: string; stmt: Statement }>;
  ownPortals: Map<string, { sql: string; stmt: Statement }>;
  /** The client's prepared statements the engine answers: the text, and its key in `prepared` (SELECTs only). */
  engineStatements: Map<string, EngineStatement>;
  enginePortals: Map<string, string>;
  extError: boolean;
  /** Replies of an extended-protocol cycle are held back (socket corked) until its Sync or Flush. */
  corked?: boolean;
  /** The statement's latency was already waited out at Parse, before the engine lock. */
  waited?: boolean;
}

export interface ServerDeps {
  store: Store;
  executor: Executor;
  log: StatementLog;
  faults: Faults;
  user: string;
  password: string;
  /** The grammar beyond the parser package (features.ts). */
  features: Grammar;
  /** Password of another role that may log in (CREATE ROLE ... LOGIN PASSWORD '...'), if any. */
  rolePassword?(user: string): string | undefined;
}

export class PgServer {
  private server = net.createServer((s) => this.accept(s));
  private conns = new Set<Conn>();
  private nextSession = 1;
  private scram?: Promise<ScramSha256Data>;
  private wrongScram = new Map<string, Promise<ScramSha256Data>>();
  private lastContext = '';
  /**
   * SELECTs prepared once in the shared engine session, by Parse text and parameter types, under names of the
   * stand-in's own: PGlite parses and plans a catalog query (joins, inlined SQL functions) in about 2 ms, which
   * was most of the stand-in's time per read. Clients' statement names map onto these (Conn.engineStatements),
   * so two clients' names never meet in the one session. Least recently parsed first.
   */
  private prepared = new Map<string, string>();
  private nextPrepared = 1;
  opened = 0;

  constructor(private deps: ServerDeps) {}

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  dropConnections(): void {
    for (const c of this.conns) {
      c.release?.();
      c.socket.destroy();
    }
    this.conns.clear();
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private scramFor(user: string): Promise<ScramSha256Data> {
    if (user === this.deps.user) return (this.scram ??= createScramSha256Data(this.deps.password));
    const rolePassword = this.deps.rolePassword?.(user);
    if (rolePassword !== undefined) return createScramSha256Data(rolePassword);
    // Unknown users fail SCRAM like a wrong password (random verifier).
    if (!this.wrongScram.has(user)) this.wrongScram.set(user, createScramSha256Data(Math.random().toString(36)));
    return this.wrongScram.get(user)!;
  }

  private accept(socket: net.Socket): void {
    const conn: Conn = {
      socket,
      ownStatements: new Map(),
      ownPortals: new Map(),
      engineStatements: new Map(),
      enginePortals: new Map(),
      extError: false,
    };
    this.conns.add(conn);
    // Replies go out message by message (pg-gateway writes each); with Nagle's algorithm a reply's last small
    // write waits for the client's delayed ACK, about 40 ms per extended-protocol query. Materialize sends at once.
    socket.setNoDelay(true);
    socket.on('close', () => {
      conn.release?.();
      this.conns.delete(conn);
    });
    socket.on('error', () => {});
    fromNodeSocket(socket, {
      serverVersion: '9.5.0', // Materialize reports itself as PostgreSQL 9.5-compatible
      auth: {
        method: 'scram-sha-256',
        getScramSha256Data: ({ username }: { username: string }) => this.scramFor(username),
      },
      onAuthenticated: (state: { clientParams?: Record<string, string> }) => {
        this.opened++;
        conn.session = new ClientSession(
          this.nextSession++,
          state.clientParams?.user ?? this.deps.user,
          state.clientParams ?? {},
        );
      },
      onMessage: (data: Uint8Array, state: { isAuthenticated: boolean }) => {
        if (!state.isAuthenticated || !conn.session) return undefined;
        return this.onMessage(conn, data);
      },
    }).catch(() => socket.destroy());
  }

  private async onMessage(conn: Conn, data: Uint8Array): Promise<Uint8Array | undefined> {
    const code = String.fromCharCode(data[0]);
    const held = HELD_UNTIL_SYNC.has(code);
    if (held && !conn.corked) {
      conn.socket.cork();
      conn.corked = true;
    }
    const reply = await this.dispatch(conn, code, data);
    // pg-gateway writes the reply once this resolves, in the same turn of the event loop. The cycle's replies go
    // out at Sync or Flush, or as soon as they outgrow the socket's buffer: a write beyond it waits for 'drain',
    // which a corked socket never emits (a SELECT of a few dozen rows hung the client until its timeout).
    if (conn.corked)
      setImmediate(() => {
        if (!conn.corked || (held && !conn.socket.writableNeedDrain)) return;
        conn.corked = false;
        conn.socket.uncork();
      });
    return reply;
  }

  private async dispatch(conn: Conn, code: string, data: Uint8Array): Promise<Uint8Array | undefined> {
    const session = conn.session!;
    switch (code) {
      case 'Q':
        return this.simpleQuery(session, w.readQuery(data));
      case 'P':
      case 'B':
      case 'D':
      case 'E':
      case 'C':
      case 'H':
      case 'S':
        return this.extended(conn, data);
      case 'X':
        return undefined;
      default:
        return w.errorResponse({
          code: '08P01',
          message: `unsupported frontend message ${String.fromCharCode(data[0])}`,
        });
    }
  }

  private status(session: ClientSession): 'I' | 'T' | 'E' {
    return session.txn === 'idle' ? 'I' : session.txn === 'block' ? 'T' : 'E';
  }

  /** Makes the shared engine session look like this client's (database, application_name). Holds the lock. */
  private async applyContext(session: ClientSession): Promise<void> {
    const key = `${session.database}\u0000${session.applicationName}`;
    if (key === this.lastContext) return;
    await this.deps.store.db.query(
      `SELECT set_config('mz.database', $1, false), set_config('application_name', $2, false)`,
      [session.database, session.applicationName],
    );
    this.lastContext = key;
  }

  private async engineQuery(session: ClientSession, sql: string): Promise<Uint8Array> {
    return this.deps.store.lock.run(async () => {
      await this.applyContext(session);
      return w.withoutReady(await this.deps.store.db.execProtocolRaw(w.queryMessage(sql)));
    });
  }

  // ---- simple query ------------------------------------------------------------------------------
  private async simpleQuery(session: ClientSession, sql: string): Promise<Uint8Array> {
    const out: Uint8Array[] = [];
    const finish = () => w.concat([...out, w.readyForQuery(this.status(session))]);
    if (Buffer.byteLength(sql) > MAX_BATCH_BYTES) {
      out.push(w.errorResponse({ code: SQLSTATE.syntax, message: 'statement batch size cannot exceed 1.0 MB' }));
      return finish();
    }
    const parsed = mzParse(sql, this.deps.features);
    if (parsed.error !== null) {
      // The grammar gate: Materialize's parser rejected the batch (42601).
      const entry = this.deps.log.start(session.id, session.applicationName, sql.trim());
      const err = { code: SQLSTATE.syntax, message: parsed.error };
      this.deps.log.finish(entry, err);
      if (session.txn === 'block') session.txn = 'failed';
      out.push(w.errorResponse(err));
      return finish();
    }
    if (parsed.statements.length === 0) {
      out.push(w.emptyQuery());
      return finish();
    }
    const implicit = parsed.statements.length > 1;
    for (const s of parsed.statements) {
      const ok = await this.statement(session, s.kind, s.sql, implicit, out);
      if (!ok) break;
    }
    return finish();
  }

  /** Runs one statement, appending its messages to `out`. Returns false on error. */
  private async statement(
    session: ClientSession,
    kind: string,
    sql: string,
    implicit: boolean,
    out: Uint8Array[],
  ): Promise<boolean> {
    const entry = this.deps.log.start(session.id, session.applicationName, sql);
    try {
      const injected = await this.deps.faults.onStatement(sql);
      if (injected) throw new MzError(injected.message, injected.code);
      const res = await this.runStatement(session, kind, sql, implicit);
      for (const n of res.notices) out.push(w.noticeResponse(n));
      if (res.query !== undefined) {
        const reply = await this.engineQuery(session, res.query);
        const err = w.findError(reply);
        out.push(reply);
        if (err) {
          this.deps.log.finish(entry, err);
          if (session.txn === 'block') session.txn = 'failed';
          return false;
        }
      } else out.push(w.commandComplete(res.tag));
      this.deps.log.finish(entry);
      this.deps.faults.afterStatement();
      return true;
    } catch (e) {
      const err = e instanceof MzError ? e : new MzError((e as Error).message ?? String(e), SQLSTATE.internal);
      this.deps.log.finish(entry, { code: err.code, message: err.message });
      out.push(w.errorResponse(err));
      if (session.txn === 'block') session.txn = 'failed';
      return false;
    }
  }

  private async runStatement(
    session: ClientSession,
    kind: string,
    sql: string,
    implicit: boolean,
  ): Promise<ExecResult & { raw?: true }> {
    const st = parseStatement(sql);
    if (session.txn === 'failed' && st?.kind !== 'commit' && st?.kind !== 'rollback')
      throw new MzError(
        'current transaction is aborted, commands ignored until end of transaction block',
        SQLSTATE.inFailedTransaction,
      );
    if (!st) {
      if (!ENGINE_KINDS.has(kind) && !kind.startsWith('show'))
        throw new MzError(
          `${kind.replace(/_/g, ' ').toUpperCase()} is not supported by the Materialize stand-in`,
          SQLSTATE.featureNotSupported,
        );
      this.checkRead(session);
      return { tag: '', notices: [], query: sql };
    }
    switch (st.kind) {
      case 'begin':
        if (session.txn !== 'idle')
          return { tag: 'BEGIN', notices: [{ message: 'there is already a transaction in progress' }] };
        session.txn = 'block';
        session.pending = null;
        session.readInTxn = false;
        return { tag: 'BEGIN', notices: [] };
      case 'rollback':
        session.txn = 'idle';
        session.pending = null;
        return { tag: 'ROLLBACK', notices: [] };
      case 'commit': {
        if (session.txn === 'failed') {
          session.txn = 'idle';
          session.pending = null;
          return { tag: 'ROLLBACK', notices: [] };
        }
        if (session.txn === 'idle')
          return { tag: 'COMMIT', notices: [{ message: 'there is no transaction in progress' }] };
        const pending = session.pending;
        session.txn = 'idle';
        session.pending = null;
        // §6: the catalog change of a DDL transaction is applied at COMMIT.
        if (pending) await this.deps.executor.run(pending.stmt, session);
        return { tag: 'COMMIT', notices: [] };
      }
    }
    if (isDdl(st)) {
      // §6: DDL in an implicit (multi-statement) transaction is refused.
      if (implicit)
        throw new MzError(
          `${statementDisplay(st)} cannot be run inside a transaction block`,
          SQLSTATE.activeSqlTransaction,
        );
      if (session.txn === 'block') {
        if (!allowedInTxnBlock(st))
          throw new MzError(
            `${statementDisplay(st)} cannot be run inside a transaction block`,
            SQLSTATE.activeSqlTransaction,
          );
        if (session.pending)
          throw new MzError('this transaction can only execute a single statement', SQLSTATE.invalidTransactionState);
        if (session.readInTxn)
          throw new MzError(
            'transactions which modify objects are restricted to just modifying objects',
            SQLSTATE.invalidTransactionState,
          );
        session.pending = { stmt: st, sql };
        return { tag: statementKind(st), notices: [] };
      }
      return this.deps.executor.run(st, session);
    }
    if (st.kind === 'show_create' || st.kind === 'show_objects') this.checkRead(session);
    return this.deps.executor.run(st, session);
  }

  private checkRead(session: ClientSession): void {
    if (session.txn !== 'block') return;
    if (session.pending)
      throw new MzError(
        'transactions which modify objects are restricted to just modifying objects',
        SQLSTATE.invalidTransactionState,
      );
    session.readInTxn = true;
  }

  // ---- extended protocol -------------------------------------------------------------------------
  // Reads go to the engine, holding its lock from the first message to Sync. Interpreted statements (DDL,
  // SHOW CREATE, ...) are emulated: Parse/Bind/Describe answered locally, Execute runs them.
  private async extended(conn: Conn, data: Uint8Array): Promise<Uint8Array> {
    const session = conn.session!;
    const code = String.fromCharCode(data[0]);
    if (code === 'S') {
      const parts: Uint8Array[] = [];
      if (conn.release) {
        parts.push(w.withoutReady(await this.deps.store.db.execProtocolRaw(data)));
        conn.release();
        conn.release = undefined;
      }
      conn.extError = false;
      parts.push(w.readyForQuery(this.status(session)));
      return w.concat(parts);
    }
    if (conn.extError) return new Uint8Array();
    try {
      if (code === 'P') {
        const { values: named, next: textAt } = w.readCStrings(data, 5, 1);
        const [name] = named;
        const [sql] = w.readCStrings(data, textAt, 1).values;
        if (name !== '' && (conn.ownStatements.has(name) || conn.engineStatements.has(name)))
          throw new MzError(`prepared statement "${name}" already exists`, SQLSTATE.duplicatePreparedStatement);
        conn.ownStatements.delete(name);
        conn.engineStatements.delete(name);
        const key = w.latin1(data.subarray(textAt));
        if (!this.prepared.has(key)) {
          const parsed = mzParse(sql, this.deps.features);
          if (parsed.error !== null) throw new MzError(parsed.error, SQLSTATE.syntax);
          const st = parsed.statements.length === 1 ? parseStatement(parsed.statements[0].sql) : null;
          if (st) {
            conn.ownStatements.set(name, { sql, stmt: st });
            return w.parseComplete();
          }
          // Only SELECTs are shared: a statement with effects on the session (DECLARE, PREPARE, ...) stays the client's.
          if (parsed.statements[0]?.kind !== 'select') {
            conn.engineStatements.set(name, { sql });
            await this.waitLatency(conn);
            return this.forward(conn, data);
          }
        }
        await this.waitLatency(conn);
        if (this.prepared.has(key)) {
          this.touch(key);
          conn.engineStatements.set(name, { sql, key });
          return w.parseComplete();
        }
        const reply = await this.prepare(conn, key);
        if (!w.findError(reply)) conn.engineStatements.set(name, { sql, key });
        return reply;
      }
      if (code === 'B') {
        const { values: named, next: statementAt } = w.readCStrings(data, 5, 1);
        const [portal] = named;
        const [stmtName] = w.readCStrings(data, statementAt, 1).values;
        const own = conn.ownStatements.get(stmtName);
        if (own) {
          conn.ownPortals.set(portal, own);
          return w.bindComplete();
        }
        conn.ownPortals.delete(portal);
        const engine = conn.engineStatements.get(stmtName);
        conn.enginePortals.set(portal, engine?.sql ?? '');
        if (!engine?.key) return this.forward(conn, data);
        const { name, reply } = await this.engineName(conn, engine.key);
        if (name === undefined) return reply;
        return this.forward(conn, w.withCString(data, statementAt, name));
      }
      if (code === 'D') {
        const kind = String.fromCharCode(data[5]);
        const { values } = w.readCStrings(data, 6, 1);
        const own = kind === 'S' ? conn.ownStatements.get(values[0]) : conn.ownPortals.get(values[0]);
        if (own) return w.noData();
        const engine = kind === 'S' ? conn.engineStatements.get(values[0]) : undefined;
        if (!engine?.key) return this.forward(conn, data);
        const { name, reply } = await this.engineName(conn, engine.key);
        if (name === undefined) return reply;
        return this.forward(conn, w.withCString(data, 6, name));
      }
      if (code === 'C' && String.fromCharCode(data[5]) === 'S') {
        const name = w.readCStrings(data, 6, 1).values[0];
        const engine = conn.engineStatements.get(name);
        conn.ownStatements.delete(name);
        conn.engineStatements.delete(name);
        // A shared statement stays prepared for other clients; closing an unknown name is no error (as Postgres).
        if (!engine || engine.key) return w.closeComplete();
        return this.forward(conn, data);
      }
      if (code === 'E') {
        const { values } = w.readCStrings(data, 5, 1);
        const own = conn.ownPortals.get(values[0]);
        if (own) {
          const out: Uint8Array[] = [];
          const kind = mzParse(own.sql, this.deps.features).statements[0]?.kind ?? '';
          const ok = await this.statement(session, kind, own.sql, false, out);
          if (!ok) conn.extError = true;
          // A result set from an interpreted statement (SHOW CREATE): rows already include CommandComplete.
          return w.concat(out);
        }
        const sql = conn.enginePortals.get(values[0]) ?? '';
        const entry = this.deps.log.start(session.id, session.applicationName, sql);
        const injected = conn.waited ? this.deps.faults.takeFailure(sql) : await this.deps.faults.onStatement(sql);
        conn.waited = false;
        if (injected) {
          this.deps.log.finish(entry, injected);
          conn.extError = true;
          return w.errorResponse(injected);
        }
        const reply = await this.forward(conn, data);
        const err = w.findError(reply);
        this.deps.log.finish(entry, err);
        if (!err) this.deps.faults.afterStatement();
        return reply;
      }
      return this.forward(conn, data);
    } catch (e) {
      const err = e instanceof MzError ? e : new MzError((e as Error).message, SQLSTATE.internal);
      conn.extError = true;
      return w.errorResponse(err);
    }
  }

  /** Latency is the network's: waited before taking the engine lock, so concurrent sessions overlap. */
  private async waitLatency(conn: Conn): Promise<void> {
    if (conn.release) return;
    await this.deps.faults.wait();
    conn.waited = true;
  }

  private touch(key: string): void {
    const name = this.prepared.get(key)!;
    this.prepared.delete(key);
    this.prepared.set(key, name);
  }

  /** Prepares a shared SELECT in the engine session (the Parse message is `key`, under a name of the stand-in's). */
  private async prepare(conn: Conn, key: string): Promise<Uint8Array> {
    const name = `standin_${this.nextPrepared++}`;
    const reply = await this.forward(conn, w.parseMessage(name, key));
    if (w.findError(reply)) return reply;
    this.prepared.set(key, name);
    if (this.prepared.size > MAX_PREPARED) {
      const [oldest, closed] = this.prepared.entries().next().value!;
      this.prepared.delete(oldest);
      await this.deps.store.db.execProtocolRaw(w.closeStatementMessage(closed));
    }
    return reply;
  }

  /** The engine's name for a shared statement, preparing it again if it was closed since (least recently parsed). */
  private async engineName(conn: Conn, key: string): Promise<{ name?: string; reply: Uint8Array }> {
    if (!this.prepared.has(key)) {
      const reply = await this.prepare(conn, key);
      if (w.findError(reply)) return { reply };
    }
    return { name: this.prepared.get(key), reply: new Uint8Array() };
  }

  private async forward(conn: Conn, data: Uint8Array): Promise<Uint8Array> {
    if (!conn.release) {
      conn.release = await this.deps.store.lock.acquire();
      // A connection dropped while this statement waited must not keep the engine locked for everyone.
      if (!this.conns.has(conn)) {
        conn.release();
        conn.release = undefined;
        throw new MzError('connection closed', SQLSTATE.internal);
      }
      await this.applyContext(conn.session!);
    }
    const reply = await this.deps.store.db.execProtocolRaw(data);
    if (w.findError(reply)) conn.extError = true;
    return w.withoutReady(reply);
  }
}
