// Engine-side logic: the connection specs and the pure functions over them.
export { createConnectionSql, renderOptionValue } from './render';
export { alterConnectionSql } from './alter';
export { validateConnection, validateSecret } from './validate';
export { createSecretSql, alterSecretSql } from './secret';
export { dropSql, commentSql, ownerSql, renameSql, postCreateSql, type AlterPlan, type ObjectType } from './objects';
export { grantSql, revokeSql, usageChangeSql } from './privileges';
export { qualifiedName, quoteIdent, quoteLiteral, resolveLocation, type ObjectLocation } from './sql/quote';
export { secretValueExpression } from './sql/secret-value';
export { connectionSpecs, connectionKinds, specFor } from './specs';
export type { ConnectionKind, ConnectionSpec, OptionSpec, ValueKind, Failure, Args } from './specs';
export { UNKNOWN, containsUnknown } from './unknown';
export * from './args';
export { dynamicProvider, type ResourceKind } from './dynamic';
export type { DynamicImpl } from './lifecycle/resource';
export type { MaterializeEndpoint } from './lifecycle/endpoint';
export { MaterializeError } from './lifecycle/errors';
export { normalizeConnectionArgs } from './normalize';
export { parseShowCreateConnection, parseShowCreateSecret } from './read/show-create';
export {
  trustPolicyFor,
  trustPolicyForConnections,
  roleArnFor,
  type TrustPolicy,
  type TrustStatement,
  type TrustedConnection,
} from './aws-role/trust-policy';
