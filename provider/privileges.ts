// USAGE on connections and secrets (materialize-newest-features.md §6): the `usage` input lists the roles
// that must hold it. Unset means privileges are not managed; `[]` means nobody but the owner. Changes are
// sent as differences only (GRANT to the added roles, REVOKE from the removed ones), one statement each.
import { sqlObjectType, type ObjectType } from './object-type';
import { COMPUTED } from './render';
import type { Failure } from './specs';
import { qualifiedName, quoteIdent, type ObjectLocation } from './sql/quote';
import { containsUnknown } from './unknown';

/** The pseudo-role every role belongs to; written as the keyword, never quoted (a quoted "PUBLIC" is a role name). */
export const PUBLIC = 'PUBLIC';

/** Materialize keeps these role name prefixes for its own roles (§6.3); they never appear in a read-back. */
const RESERVED_PREFIXES = ['mz_', 'pg_'];

function isPublic(role: string): boolean {
  return role.toLowerCase() === 'public';
}

function roleSql(role: string): string {
  if (containsUnknown(role)) return COMPUTED;
  return isPublic(role) ? PUBLIC : quoteIdent(role);
}

/** Whether the input asks for privileges to be managed at all. */
export function isManaged(usage: unknown): usage is string[] {
  return usage !== undefined && usage !== null;
}

/** The canonical form: PUBLIC in capitals, sorted, so equal sets compare equal. Unknowns stay where they are. */
export function normalizeUsage(usage: unknown): unknown {
  if (!Array.isArray(usage) || containsUnknown(usage)) return usage;
  return [...new Set(usage.map((r) => (typeof r === 'string' && isPublic(r) ? PUBLIC : r)))].sort();
}

/** `usage` managed now and not before: nothing may need sending, but from now on grants are read and kept. */
export function usageTakenOn(olds: { usage?: unknown }, news: { usage?: unknown }): boolean {
  return !isManaged(olds.usage) && isManaged(news.usage);
}

/** Problems with a `usage` input, for `check`. */
export function usageFailures(usage: unknown, identifierProblem: (v: unknown) => string | undefined): Failure[] {
  if (!isManaged(usage) || (containsUnknown(usage) && !Array.isArray(usage))) return [];
  if (!Array.isArray(usage))
    return [{ property: 'usage', reason: 'usage must be a list of role names (or unset to leave privileges alone)' }];
  const failures: Failure[] = [];
  const seen = new Set<string>();
  usage.forEach((role, i) => {
    if (containsUnknown(role)) return;
    const problem = identifierProblem(role);
    if (problem) return failures.push({ property: 'usage', reason: `usage[${i}]: role name ${problem}` });
    const r = role as string;
    const prefix = RESERVED_PREFIXES.find((p) => r.toLowerCase().startsWith(p));
    if (prefix)
      failures.push({
        property: 'usage',
        reason: `usage[${i}]: "${r}" is a system role name (the ${prefix} prefix is reserved); grant USAGE to a role of your own`,
      });
    const key = isPublic(r) ? PUBLIC : r;
    if (seen.has(key)) failures.push({ property: 'usage', reason: `usage[${i}]: role "${r}" is listed twice` });
    seen.add(key);
  });
  return failures;
}

export function grantSql(objectType: ObjectType, loc: ObjectLocation, roles: readonly string[]): string {
  return `GRANT USAGE ON ${sqlObjectType(objectType)} ${qualifiedName(loc)} TO ${roles.map(roleSql).join(', ')}`;
}

export function revokeSql(objectType: ObjectType, loc: ObjectLocation, roles: readonly string[]): string {
  return `REVOKE USAGE ON ${sqlObjectType(objectType)} ${qualifiedName(loc)} FROM ${roles.map(roleSql).join(', ')}`;
}

/**
 * One GRANT for the roles that should hold USAGE and do not, one REVOKE for the roles that hold it and
 * should not (before: what the catalog or the last run says; after: the input). Nothing when unmanaged.
 * While the new list is not fully known (preview), its known roles are compared and the rest shown as
 * `<computed>`.
 */
export function usageChangeSql(objectType: ObjectType, loc: ObjectLocation, before: unknown, after: unknown): string[] {
  if (!isManaged(after)) return [];
  if (!Array.isArray(after)) return [grantSql(objectType, loc, [String(after)])];
  const had = new Set(Array.isArray(before) ? (normalizeUsage(before) as string[]) : []);
  const wanted = after.map((r) => (typeof r === 'string' && isPublic(r) ? PUBLIC : r));
  const added = wanted.filter((r) => containsUnknown(r) || !had.has(r));
  const removed = [...had].filter((r) => !wanted.includes(r));
  return [
    ...(added.length ? [grantSql(objectType, loc, added)] : []),
    ...(removed.length ? [revokeSql(objectType, loc, removed)] : []),
  ];
}

/**
 * The roles the catalog says hold USAGE, as the reader reports them. The owner always holds it and is
 * left out unless the input lists it (then it reads back as listed, and an owner who lost it is drift).
 */
export function usageFromCatalog(grantees: readonly string[], owner: string, declared: unknown): string[] {
  const listsOwner = Array.isArray(declared) && declared.includes(owner);
  return normalizeUsage(grantees.filter((r) => r !== owner || listsOwner)) as string[];
}

/**
 * A hint for the privilege errors of the statements this package runs, in Pulumi terms; undefined for
 * other errors. Materialize's own message, DETAIL and SQLSTATE are kept as they are.
 */
export function privilegeHint(message: string, code: string | undefined): string | undefined {
  if (/^unknown role '/.test(message))
    return 'create the role first (CREATE ROLE), or remove it from usage (and ownerRole)';
  if (code !== '42501') return undefined;
  if (/^must be owner of (CONNECTION|SECRET) /.test(message))
    return (
      'GRANT and REVOKE need ownership: run Pulumi as the owner (or a member of the owning role) or a ' +
      'superuser, or leave usage unset so privileges are not managed here'
    );
  if (/^permission denied for (CONNECTION|SECRET) /.test(message))
    return (
      'since Materialize v26.40, creating or altering a connection needs USAGE on every secret and connection ' +
      'its definition references (and on their schemas): list the role Pulumi runs as in their usage, or ' +
      'have their owner GRANT USAGE to it'
    );
  return undefined;
}
