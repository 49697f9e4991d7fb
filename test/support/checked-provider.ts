// The provider's SQL functions, wrapped so that every statement any test renders is also checked by
// Materialize's own parser: exactly one statement, of the expected kind. Tests import the provider
// from here.
import * as provider from '../../provider';
import { assertMaterializeStatement } from './mz-parser';

const statementKind: [RegExp, string][] = [
  [/^CREATE CONNECTION /, 'create_connection'],
  [/^CREATE SECRET /, 'create_secret'],
  [/^ALTER (CONNECTION|SECRET) \S+ RENAME TO /, 'alter_object_rename'],
  [/^ALTER (CONNECTION|SECRET) \S+ OWNER TO /, 'alter_owner'],
  [/^ALTER CONNECTION /, 'alter_connection'],
  [/^ALTER SECRET /, 'alter_secret'],
  [/^COMMENT ON /, 'comment'],
  [/^DROP /, 'drop_objects'],
  [/^GRANT /, 'grant_privileges'],
  [/^REVOKE /, 'revoke_privileges'],
];

export let statementsChecked = 0;

export function check(sql: string): string {
  // Identifiers may hold spaces, so \S+ above can't see past a quoted name: match the kind from the parser's view instead.
  const expected = statementKind.find(([re]) => re.test(sql.replace(/"(?:[^"]|"")*"/g, 'x')));
  if (!expected) throw new Error(`no expected statement kind for: ${sql}`);
  assertMaterializeStatement(sql, expected[1]);
  statementsChecked++;
  return sql;
}

function checkPlan(plan: provider.AlterPlan): provider.AlterPlan {
  plan.statements.forEach(check);
  return plan;
}

export const createConnectionSql: typeof provider.createConnectionSql = (kind, args) =>
  check(provider.createConnectionSql(kind, args));
export const alterConnectionSql: typeof provider.alterConnectionSql = (kind, olds, news) =>
  checkPlan(provider.alterConnectionSql(kind, olds, news));
export const createSecretSql: typeof provider.createSecretSql = (args) => check(provider.createSecretSql(args));
export const alterSecretSql: typeof provider.alterSecretSql = (olds, news) =>
  checkPlan(provider.alterSecretSql(olds, news));
export const dropSql: typeof provider.dropSql = (type, args) => check(provider.dropSql(type, args));
export const commentSql: typeof provider.commentSql = (type, loc, c) => check(provider.commentSql(type, loc, c));
export const ownerSql: typeof provider.ownerSql = (type, loc, r) => check(provider.ownerSql(type, loc, r));
export const renameSql: typeof provider.renameSql = (type, loc, n) => check(provider.renameSql(type, loc, n));
export const postCreateSql: typeof provider.postCreateSql = (type, args) =>
  provider.postCreateSql(type, args).map(check);
export const usageChangeSql: typeof provider.usageChangeSql = (type, loc, before, after) =>
  provider.usageChangeSql(type, loc, before, after).map(check);
export const {
  validateConnection,
  validateSecret,
  qualifiedName,
  quoteIdent,
  quoteLiteral,
  connectionSpecs,
  connectionKinds,
  UNKNOWN,
} = provider;
