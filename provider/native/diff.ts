// The detailed diff the engine shows per property: which inputs changed, and whether each replaces.
import { canonicalJson } from '../lifecycle/resource';
import type { Props } from './values';

export type PropertyChange = 'add' | 'delete' | 'update' | 'add-replace' | 'delete-replace' | 'update-replace';

const given = (v: unknown) => v !== undefined && v !== null;

/**
 * Each top-level input whose value differs between the old inputs and the new ones, with its kind of change. A key
 * the lifecycle says replaces is a replacement even when its value is the same text (a `materialize` address
 * reaching another environment). Nothing when the lifecycle found no change.
 */
export function detailedDiff(
  oldInputs: Props,
  news: Props,
  lifecycle: { changes: boolean; replaces: string[] },
  ignored: readonly string[],
): Record<string, PropertyChange> {
  if (!lifecycle.changes) return {};
  const out: Record<string, PropertyChange> = {};
  const keys = new Set([...Object.keys(oldInputs), ...Object.keys(news), ...lifecycle.replaces]);
  for (const key of [...keys].sort()) {
    if (ignored.includes(key)) continue;
    const before = oldInputs[key];
    const after = news[key];
    const replaces = lifecycle.replaces.includes(key);
    if (!replaces && canonicalJson(before ?? null) === canonicalJson(after ?? null)) continue;
    const base = !given(before) ? 'add' : !given(after) ? 'delete' : 'update';
    out[key] = replaces ? (`${base}-replace` as PropertyChange) : base;
  }
  return out;
}
