// The plan as a pull-request comment (Markdown), as plain text for a log, or as JSON for other tools.
// Replacements come first, under a warning: each one drops the object and creates it anew.
import type { Change, Operation, Plan } from './model';

export type Format = 'markdown' | 'text' | 'json';

const VERB: Record<Operation, string> = { create: 'Create', update: 'Update', replace: 'Replace', delete: 'Delete' };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function summaryLine(plan: Plan): string {
  const c = plan.counts;
  if (plan.changes.length === 0) return 'No changes to Materialize connections or secrets.';
  return [
    `${c.create} to create`,
    `${c.update} to update`,
    plural(c.replace, 'replacement', 'replacements'),
    `${c.delete} to delete`,
  ].join(', ');
}

export const REPLACEMENT_WARNING =
  'A replacement drops the object and creates it anew (a new catalog id). Materialize refuses to drop a ' +
  'connection or secret that sources, sinks or other connections use, so the replacement fails and names them, ' +
  'unless the resource sets dropCascade, which drops them with it. Either way, sources and sinks that used the ' +
  'old object must be created again against the new one, and they read their upstream data again from the start.';

/** The lines of one change's SQL in the order they run: the new statements and the DROP of the old object. */
export function statementLines(change: Change): string[] {
  const s = change.statements;
  const created = s.kind === 'known' ? s.sql : [];
  if (change.drop === undefined) return [...created];
  return change.dropFirst ? [change.drop, ...created] : [...created, change.drop];
}

/** What stands instead of statements that cannot be shown, if anything. */
export function statementNote(change: Change): string | undefined {
  const s = change.statements;
  if (s.kind === 'secret') return 'planned SQL not shown: it quotes a secret value';
  if (s.kind === 'unknown') return 'planned SQL unknown until values it depends on exist (shown by `pulumi up`)';
  if (s.kind === 'none' && change.drop === undefined) return `no SQL: ${s.why}`;
  if (s.kind === 'known' && s.sql.some((q) => q.includes('<computed>')))
    return '`<computed>`: a value known only during `pulumi up`';
  return undefined;
}

const title = (c: Change) =>
  `${VERB[c.operation]} ${c.className} ${c.name}${c.replaceReasons.length ? ` (changed: ${c.replaceReasons.join(', ')})` : ''}`;

/** A Markdown code span that no backtick inside can end. */
function code(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return longest > 0 ? `${f} ${s} ${f}` : `${f}${s}${f}`;
}

function fence(lines: string[]): string[] {
  const body = lines.map((l) => `${l};`).join('\n');
  // A fence longer than any backtick run in the SQL, so a literal cannot close it.
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return [`${f}sql`, body, f];
}

function markdown(plan: Plan): string {
  const out = [`### Materialize plan: ${summaryLine(plan)}`, ''];
  const replacements = plan.changes.filter((c) => c.operation === 'replace');
  if (replacements.length > 0)
    out.push(
      `> [!WARNING]`,
      `> **${plural(replacements.length, 'replacement', 'replacements')}.** ${REPLACEMENT_WARNING}`,
      '',
    );
  for (const c of plan.changes) {
    const reasons = c.replaceReasons.length ? ` (changed: ${c.replaceReasons.map(code).join(', ')})` : '';
    out.push(`#### ${VERB[c.operation]} ${code(c.className)} ${code(c.name)}${reasons}`);
    const lines = statementLines(c);
    if (lines.length > 0) out.push(...fence(lines));
    const note = statementNote(c);
    if (note) out.push(`_${note}_`);
    out.push('');
  }
  return out.join('\n');
}

function text(plan: Plan): string {
  const out = [`Materialize plan: ${summaryLine(plan)}`];
  if (plan.changes.some((c) => c.operation === 'replace')) out.push(`WARNING: ${REPLACEMENT_WARNING}`);
  for (const c of plan.changes) {
    out.push('', title(c));
    for (const l of statementLines(c)) out.push(`  ${l};`);
    const note = statementNote(c);
    if (note) out.push(`  (${note})`);
  }
  return out.join('\n') + '\n';
}

function json(plan: Plan): string {
  return (
    JSON.stringify(
      {
        summary: plan.counts,
        changes: plan.changes.map((c) => ({
          operation: c.operation,
          type: c.className,
          name: c.name,
          urn: c.urn,
          replaceReasons: c.replaceReasons,
          statements: statementLines(c),
          sql: c.statements.kind,
          note: statementNote(c) ?? null,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

export function render(plan: Plan, format: Format): string {
  return format === 'json' ? json(plan) : format === 'text' ? text(plan) : markdown(plan);
}
