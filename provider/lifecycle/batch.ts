// Reads by catalog id, coalesced: a read that finds one of the pool's sessions free goes out alone at once;
// reads that arrive while every session is busy (a `pulumi refresh` reads every object at the same time) wait
// together and go out as one SELECT (`WHERE o.id IN (...)`) on the next session to free up. So a lone read waits for
// nothing, and a refresh of a fleet sends a few statements instead of one per object.
import type { CatalogRow } from './catalog';
import type { ResolvedEndpoint } from './endpoint';
import { poolKey, withSession, type Session } from './pool';

/** What a read learns: the object's row (none: it is gone), or why the SELECT failed, and where it was asked. */
export interface BatchedRead {
  environmentId: string;
  row?: CatalogRow;
  failed?: unknown;
}

/** Reads the rows of these ids in one statement. */
export type ReadRows = (s: Session, ids: readonly string[]) => Promise<Map<string, CatalogRow>>;

interface Waiter {
  id: string;
  resolve(read: BatchedRead): void;
  reject(err: unknown): void;
}

interface Queue {
  waiting: Waiter[];
  /** Sessions draining this queue: at most the pool's size. */
  draining: number;
}

/** At most this many ids in one statement. */
export const MAX_IDS_PER_READ = 100;

const queues = new Map<string, Queue>();

/**
 * The object `id`'s row, read with the other reads of the same shape (`shape`: one kind, so one `read`) queued
 * for the same endpoint. A session that cannot be had (no connection) rejects; a failed SELECT resolves with
 * `failed`, so that each caller says what it was reading.
 */
export function readById(e: ResolvedEndpoint, shape: string, id: string, read: ReadRows): Promise<BatchedRead> {
  const key = `${poolKey(e)}\u0000${shape}`;
  let queue = queues.get(key);
  if (!queue) queues.set(key, (queue = { waiting: [], draining: 0 }));
  const q = queue;
  return new Promise((resolve, reject) => {
    q.waiting.push({ id, resolve, reject });
    if (q.draining < e.poolSize) {
      q.draining++;
      void drain(e, key, q, read);
    }
  });
}

async function drain(e: ResolvedEndpoint, key: string, q: Queue, read: ReadRows): Promise<void> {
  try {
    while (q.waiting.length > 0) {
      let batch: Waiter[] | undefined;
      try {
        await withSession(e, async (s) => {
          // Taken once the session is had: every read that arrived while waiting for it goes in this statement.
          batch = q.waiting.splice(0, MAX_IDS_PER_READ);
          if (batch.length === 0) return;
          let rows: Map<string, CatalogRow>;
          try {
            rows = await read(s, [...new Set(batch.map((w) => w.id))]);
          } catch (failed) {
            for (const w of batch) w.resolve({ environmentId: s.environmentId, failed });
            return;
          }
          for (const w of batch) w.resolve({ environmentId: s.environmentId, row: rows.get(w.id) });
        });
      } catch (err) {
        // No session: this attempt to connect fails one read, as a read's own attempt did, and the next read
        // tries again (a refused or reset handshake is not proof that Materialize is down).
        if (batch) for (const w of batch) w.reject(err);
        else q.waiting.shift()?.reject(err);
      }
    }
  } finally {
    q.draining--;
    if (q.draining === 0 && q.waiting.length === 0) queues.delete(key);
  }
}
