// Statements that apply to any catalog object this package manages (connections and secrets):
// DROP, RENAME, OWNER TO, COMMENT ON, and the location changes that can only be a replacement.
import type { ObjectCommonArgs } from './args';
import { usageChangeSql } from './privileges';
import { quoteIdent, quoteLiteral, qualifiedName, resolveLocation, type ObjectLocation } from './sql/quote';

import { sqlObjectType, type ObjectType } from './object-type';

export { sqlObjectType, type ObjectType } from './object-type';

/** What turns `olds` into `news`: statements to run in order, or the properties that force a replacement. */
export interface AlterPlan {
  statements: string[];
  replaces: string[];
}

/**
 * DROP ... IF EXISTS, so deleting an object that was dropped out of band succeeds. RESTRICT (the default)
 * unless `dropCascade`, so dependents are never dropped silently.
 */
export function dropSql(objectType: ObjectType, args: ObjectLocation & { dropCascade?: boolean }): string {
  return `DROP ${sqlObjectType(objectType)} IF EXISTS ${qualifiedName(args)}${args.dropCascade ? ' CASCADE' : ''}`;
}

/** COMMENT ON ...; an absent comment removes it (IS NULL). */
export function commentSql(objectType: ObjectType, loc: ObjectLocation, comment: string | undefined | null): string {
  const text = comment === undefined || comment === null ? 'NULL' : quoteLiteral(comment);
  return `COMMENT ON ${sqlObjectType(objectType)} ${qualifiedName(loc)} IS ${text}`;
}

export function ownerSql(objectType: ObjectType, loc: ObjectLocation, role: string): string {
  return `ALTER ${sqlObjectType(objectType)} ${qualifiedName(loc)} OWNER TO ${quoteIdent(role)}`;
}

export function renameSql(objectType: ObjectType, loc: ObjectLocation, newName: string): string {
  return `ALTER ${sqlObjectType(objectType)} ${qualifiedName(loc)} RENAME TO ${quoteIdent(newName)}`;
}

/** There is no ALTER ... SET SCHEMA for these objects (§3.1): a move is a replacement. */
export function locationReplaces(olds: ObjectLocation, news: ObjectLocation): string[] {
  const before = resolveLocation(olds);
  const after = resolveLocation(news);
  const replaces: string[] = [];
  if (before.databaseName !== after.databaseName) replaces.push('databaseName');
  if (before.schemaName !== after.schemaName) replaces.push('schemaName');
  return replaces;
}

/**
 * The statements run after CREATE: GRANT USAGE, OWNER TO and COMMENT ON, when asked for. The GRANT comes
 * before OWNER TO, while the creator still owns the object and so may grant on it.
 */
export function postCreateSql(objectType: ObjectType, args: ObjectCommonArgs): string[] {
  const statements: string[] = [...usageChangeSql(objectType, args, [], args.usage)];
  if (isGiven(args.ownerRole)) statements.push(ownerSql(objectType, args, args.ownerRole));
  if (isGiven(args.comment)) statements.push(commentSql(objectType, args, args.comment));
  return statements;
}

/** RENAME, then GRANT/REVOKE USAGE, OWNER TO and COMMENT ON under the new name, for what changed between olds and news. */
export function objectChangeSql(objectType: ObjectType, olds: ObjectCommonArgs, news: ObjectCommonArgs): string[] {
  const statements: string[] = [];
  if (olds.name !== news.name) statements.push(renameSql(objectType, olds, news.name));
  statements.push(...usageChangeSql(objectType, news, olds.usage, news.usage));
  if (isGiven(news.ownerRole) && news.ownerRole !== olds.ownerRole)
    statements.push(ownerSql(objectType, news, news.ownerRole));
  if ((news.comment ?? null) !== (olds.comment ?? null)) statements.push(commentSql(objectType, news, news.comment));
  return statements;
}

function isGiven<T>(value: T | undefined | null): value is T {
  return value !== undefined && value !== null;
}
