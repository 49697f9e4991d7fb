// One generic differ: turns old arguments into new ones with a single ALTER CONNECTION (every option
// change as one atomic statement, §3.2), then RENAME / OWNER TO / COMMENT ON where those change, or
// names the properties that force a replacement.
import { locationReplaces, objectChangeSql, type AlterPlan } from './objects';
import { renderOption, renderOptionValue, withValidate } from './render';
import {
  specFor,
  type Args,
  type ConnectionKind,
  type ConnectionSpec,
  type OptionSpec,
  type TriggerSpec,
} from './specs';
import { isSet } from './specs/common';
import type { ObjectCommonArgs } from './args';
import { qualifiedName, resolveLocation, type ObjectLocation, type ResolvedLocation } from './sql/quote';

interface OptionChange {
  option: OptionSpec;
  /** The new value, or undefined when the option is removed. */
  value: unknown;
}

/** Options whose rendered value differs; rendering resolves reference defaults, so equal meaning compares equal. */
export function changedOptions(spec: ConnectionSpec, olds: Args, news: Args): OptionChange[] {
  const oldOwn = resolveLocation(olds as unknown as ObjectLocation);
  const newOwn = resolveLocation(news as unknown as ObjectLocation);
  const render = (o: OptionSpec, a: Args, own: ResolvedLocation) =>
    isSet(a, o.arg) ? renderOptionValue(o, a[o.arg], own) : undefined;
  return spec.options
    .filter((o) => render(o, olds, oldOwn) !== render(o, news, newOwn))
    .map((option) => ({ option, value: isSet(news, option.arg) ? news[option.arg] : undefined }));
}

export function alterConnectionSql(kind: ConnectionKind, olds: Args, news: Args): AlterPlan {
  const spec = specFor(kind);
  const oldLoc = olds as unknown as ObjectCommonArgs;
  const newLoc = news as unknown as ObjectCommonArgs;
  const changes = changedOptions(spec, olds, news);
  const replaces = [
    ...locationReplaces(oldLoc, newLoc),
    ...changes.filter((c) => !spec.optionsAlterable || !c.option.alterable).map((c) => c.option.arg),
  ];
  if (replaces.length) return { statements: [], replaces };

  const statements: string[] = [];
  const actions = optionActions(changes, resolveLocation(newLoc));
  if (actions.length)
    statements.push(`ALTER CONNECTION ${qualifiedName(oldLoc)} ${actions.join(', ')}${withValidate(news)}`);
  // Each trigger is a statement of its own: ROTATE KEYS takes no other action and no WITH (§3.3).
  for (const t of firedTriggers(spec, olds, news))
    statements.push(`ALTER CONNECTION ${qualifiedName(oldLoc)} ${t.action}`);
  statements.push(...objectChangeSql('connection', oldLoc, newLoc));
  return { statements, replaces: [] };
}

/** Triggers whose value changed from one value to another; setting or removing one fires nothing. */
export function firedTriggers(spec: ConnectionSpec, olds: Args, news: Args): TriggerSpec[] {
  return (spec.triggers ?? []).filter(
    (t) => isSet(olds, t.arg) && isSet(news, t.arg) && String(olds[t.arg]) !== String(news[t.arg]),
  );
}

function optionActions(changes: OptionChange[], own: ResolvedLocation): string[] {
  const sets = changes.filter((c) => c.value !== undefined).map((c) => `SET (${renderOption(c.option, c.value, own)})`);
  // Setting BROKERS drops a BROKER Materialize-side (its mutually exclusive set, §3.2), so aliases are only
  // RESET alongside their option's own RESET.
  const resets = changes
    .filter((c) => c.value === undefined)
    .flatMap((c) => [c.option.keyword, ...(c.option.aliases ?? [])].map((k) => `RESET (${k})`));
  return [...sets, ...resets];
}
