// Reads by catalog id, coalesced and read ahead.
// - Coalesced: a read that finds one of the pool's sessions free goes out alone at once; reads that arrive while
//   every session is busy wait together and go out as one SELECT (`WHERE o.id IN (...)`) on the next free session.
// - Read ahead: `pulumi refresh` reads every object, but the engine hands them to the provider one at a time, so
//   they rarely find each other waiting. When reads of one kind come in a burst (two within `burstMs`, or several
//   waiting at once), the statement reads the whole schema's objects of that kind instead (`WHERE d.name = $1 AND
//   s.name = $2 ...`), and keeps the rows nobody asked for yet, so the next reads are answered without a round trip.
//   A row kept is used at most once, only for an object this process has not read before (through any pool),
//   within `keepMs` of the read ahead's start, and only while no statement that may change the catalog has run in
//   this process since before it started: such a read answers what a read of its own would have answered had it
//   been made that moment earlier. A schema whose read ahead fails, or fills the limit, is read by id from then on.
// So a lone read waits for nothing and sends one SELECT, and a refresh of a fleet sends a few statements.
import { byId, type CatalogRow, type Scope } from './catalog';
import type { ResolvedEndpoint } from './endpoint';
import { catalogGeneration, poolKey, withSession, type Session } from './pool';

/** What a read learns: the object's row (none: it is gone), or why the SELECT failed, and where it was asked. */
export interface BatchedRead {
  environmentId: string;
  row?: CatalogRow;
  failed?: unknown;
}

/** How objects of one shape (one kind, so one SELECT) are read: by ids, and a schema's at once. */
export interface ShapeReader {
  shape: string;
  byIds(s: Session, ids: readonly string[]): Promise<Map<string, CatalogRow>>;
  /** At most `limit` rows of the schema's objects of this shape. */
  byScope(s: Session, scope: Scope, limit: number): Promise<CatalogRow[]>;
}

/** At most this many ids in one statement. */
export const MAX_IDS_PER_READ = 100;

/** The read-ahead's bounds (settable by tests; `limit` 0 turns it off). */
export const READ_AHEAD = {
  /** A read within this many ms of the previous read of its shape is part of a burst. */
  burstMs: 1000,
  /** A row read ahead is used within this many ms of the moment the read ahead was sent, or not at all. */
  keepMs: 2000,
  /** At most this many rows in one read ahead: a schema that fills it is read by id from then on. */
  limit: 1000,
};

/**
 * Catalog ids this process has read, through any pool (so any spelling of the address, any credentials): a kept row
 * never answers them, so no read goes back in time behind an earlier one. By id alone, whatever the environment:
 * reading an id in one environment only costs a round trip for the same id in another.
 */
const readIds = new Set<string>();

interface Waiter {
  id: string;
  /** The schema the state places the object in (it may have moved since: then it is read by id). */
  scope?: Scope;
  /** Whether this read came within `burstMs` of the previous read of its shape. */
  burst: boolean;
  resolve(read: BatchedRead): void;
  reject(err: unknown): void;
}

interface Queue {
  waiting: Waiter[];
  /** Sessions draining this queue: at most the pool's size. */
  draining: number;
}

interface KeptRow {
  row: CatalogRow;
  environmentId: string;
  /** `catalogGeneration()` when the read started (and still when it ended). */
  generation: number;
  until: number;
}

/** Per endpoint and shape (the queue's key): the state of its reads. */
interface ShapeState {
  queue?: Queue;
  lastReadAt: number;
  kept: Map<string, KeptRow>;
  /** When the last kept row expires: after that, all go at once. */
  keptUntil: number;
  /** Schemas read by id only: their read ahead reached the limit, or failed. */
  byIdOnly: Set<string>;
  /** Schemas read ahead, while what was kept of them may be used: an object not kept was not there, or was read. */
  readAhead: Map<string, { generation: number; until: number }>;
}

const shapes = new Map<string, ShapeState>();

function stateOf(key: string): ShapeState {
  let state = shapes.get(key);
  if (!state)
    shapes.set(
      key,
      (state = { lastReadAt: -Infinity, kept: new Map(), keptUntil: 0, byIdOnly: new Set(), readAhead: new Map() }),
    );
  return state;
}

/** The kept row of `id`, if it may answer this read; taken either way. */
function takeKept(state: ShapeState, id: string, now: number): KeptRow | undefined {
  const kept = state.kept.get(id);
  if (!kept) return undefined;
  state.kept.delete(id);
  return kept.until >= now && kept.generation === catalogGeneration() ? kept : undefined;
}

const scopeKey = (scope: Scope) => `${scope.databaseName}\u0000${scope.schemaName}`;

/**
 * The object `id`'s row, read with the other reads of the same shape queued for the same endpoint, or read ahead
 * with them. A session that cannot be had (no connection) rejects; a failed SELECT resolves with `failed`, so
 * that each caller says what it was reading.
 */
export function readById(e: ResolvedEndpoint, reader: ShapeReader, id: string, scope?: Scope): Promise<BatchedRead> {
  const key = `${poolKey(e)}\u0000${reader.shape}`;
  const state = stateOf(key);
  const now = Date.now();
  const burst = now - state.lastReadAt < READ_AHEAD.burstMs;
  state.lastReadAt = now;
  if (now > state.keptUntil) {
    state.kept.clear();
    state.readAhead.clear();
  }
  const kept = takeKept(state, id, now);
  const first = !readIds.has(id);
  readIds.add(id);
  if (kept && first) return Promise.resolve({ environmentId: kept.environmentId, row: kept.row });
  const q = (state.queue ??= { waiting: [], draining: 0 });
  return new Promise((resolve, reject) => {
    q.waiting.push({ id, scope, burst, resolve, reject });
    if (q.draining < e.poolSize) {
      q.draining++;
      void drain(e, state, q, reader);
    }
  });
}

async function drain(e: ResolvedEndpoint, state: ShapeState, q: Queue, reader: ShapeReader): Promise<void> {
  try {
    while (q.waiting.length > 0) {
      let batch: Waiter[] | undefined;
      try {
        await withSession(e, async (s) => {
          // Taken once the session is had: every read that arrived while waiting for it goes in this statement.
          batch = q.waiting.splice(0, MAX_IDS_PER_READ);
          const byId = await readAhead(s, state, reader, batch);
          if (byId.length === 0) return;
          let rows: Map<string, CatalogRow>;
          try {
            rows = await reader.byIds(s, [...new Set(byId.map((w) => w.id))]);
          } catch (failed) {
            for (const w of byId) w.resolve({ environmentId: s.environmentId, failed });
            return;
          }
          for (const w of byId) w.resolve({ environmentId: s.environmentId, row: rows.get(w.id) });
        });
      } catch (err) {
        // No session: this attempt to connect fails one read, as a read's own attempt did, and the next read
        // tries again (a refused or reset handshake is not proof that Materialize is down).
        // (A waiter a read ahead answered stays answered: a promise settles once.)
        if (batch) for (const w of batch) w.reject(err);
        else q.waiting.shift()?.reject(err);
      }
    }
  } finally {
    q.draining--;
    if (q.draining === 0 && q.waiting.length === 0 && state.queue === q) state.queue = undefined;
  }
}

/**
 * In a burst, reads the schema of the batch's first placed read: answers the waiters found there, keeps the rows
 * of objects not read yet, and returns the waiters left to read by id (moved, gone, another schema, or a schema
 * too full to read ahead). A failed read ahead leaves them all to the read by id, which says what is wrong.
 */
async function readAhead(s: Session, state: ShapeState, reader: ShapeReader, batch: Waiter[]): Promise<Waiter[]> {
  const scope = batch.find((w) => w.scope)?.scope;
  const inBurst = batch.length > 1 || batch.some((w) => w.burst);
  if (!scope || !inBurst || READ_AHEAD.limit <= 0 || state.byIdOnly.has(scopeKey(scope))) return batch;
  const generation = catalogGeneration();
  const started = Date.now();
  const recent = state.readAhead.get(scopeKey(scope));
  if (recent && recent.until >= started && recent.generation === generation) return batch;
  let rows: CatalogRow[];
  try {
    rows = await reader.byScope(s, scope, READ_AHEAD.limit);
  } catch {
    // Not tried again: whatever failed it (a row that cannot be right, a timeout) would fail it for every read.
    state.byIdOnly.add(scopeKey(scope));
    return batch;
  }
  if (rows.length >= READ_AHEAD.limit) state.byIdOnly.add(scopeKey(scope));
  const found = byId(rows);
  const rest: Waiter[] = [];
  for (const w of batch) {
    const row = found.get(w.id);
    if (!row) {
      rest.push(w);
      continue;
    }
    w.resolve({ environmentId: s.environmentId, row });
  }
  // Kept under the generation and the time the read started: rows are as old as the moment they may have been
  // read, and if a statement of this process ran meanwhile, none is used.
  const until = started + READ_AHEAD.keepMs;
  state.readAhead.set(scopeKey(scope), { generation, until });
  state.keptUntil = Math.max(state.keptUntil, until);
  for (const [id, row] of found) state.kept.set(id, { row, environmentId: s.environmentId, generation, until });
  return rest;
}

/** Forgets what this process read and kept (tests: each starts as a new provider process would). */
export function forgetReads(): void {
  shapes.clear();
  readIds.clear();
}
