// The trust policy that lets Materialize assume a role for some AWS connections, and nothing else
// (materialize-semantics.md §5.5): each principal may call sts:AssumeRole only with the external IDs of
// its own connections. Pure; no AWS SDK.

export interface TrustStatement {
  Effect: 'Allow';
  Principal: { AWS: string };
  Action: 'sts:AssumeRole';
  Condition: { StringEquals: { 'sts:ExternalId': string | string[] } };
}

export interface TrustPolicy {
  Version: '2012-10-17';
  Statement: TrustStatement[];
}

/** One connection as the trust policy sees it. */
export interface TrustedConnection {
  principal: string;
  externalId: string;
}

function statement(principal: string, externalIds: readonly string[]): TrustStatement {
  const ids = [...new Set(externalIds)].sort();
  return {
    Effect: 'Allow',
    Principal: { AWS: principal },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'sts:ExternalId': ids.length === 1 ? ids[0] : ids } },
  };
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

/**
 * The trust policy for one Materialize principal and the external IDs of its connections: the same
 * document Materialize shows as `example_trust_policy` when there is one ID.
 */
export function trustPolicyFor(principal: string, externalIds: string | readonly string[]): TrustPolicy {
  const ids = (typeof externalIds === 'string' ? [externalIds] : [...externalIds]).map((id) =>
    requireText(id, 'externalId'),
  );
  if (ids.length === 0) throw new TypeError('trustPolicyFor needs at least one external ID');
  return { Version: '2012-10-17', Statement: [statement(requireText(principal, 'principal'), ids)] };
}

/**
 * The trust policy for several connections, possibly of several Materialize environments: one statement
 * per principal, each with only that principal's external IDs (never one principal with another's ID).
 */
export function trustPolicyForConnections(connections: readonly TrustedConnection[]): TrustPolicy {
  if (connections.length === 0) throw new TypeError('a trust policy needs at least one connection');
  const byPrincipal = new Map<string, string[]>();
  for (const c of connections) {
    const p = requireText(c.principal, 'principal');
    byPrincipal.set(p, [...(byPrincipal.get(p) ?? []), requireText(c.externalId, 'externalId')]);
  }
  return {
    Version: '2012-10-17',
    Statement: [...byPrincipal.keys()].sort().map((p) => statement(p, byPrincipal.get(p)!)),
  };
}

/** JSON with object keys sorted and no whitespace (how Materialize prints jsonb). */
export function policyJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

type Json = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * A policy in a canonical form, so that documents IAM treats alike compare equal: a lone Statement or
 * value becomes a one-element list, lists of strings are sorted, keys are sorted.
 */
export function canonicalPolicy(doc: unknown): string {
  const norm = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) {
      const items = v.map((x) => (typeof x === 'string' ? x : norm(x)));
      return items.every((x) => typeof x === 'string') ? [...(items as string[])].sort() : items;
    }
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, norm(x, k)]));
    // Single values where IAM also takes lists: compare as one-element lists.
    if (typeof v === 'string' && key !== 'Version' && key !== 'Effect' && key !== 'Sid') return [v];
    return v;
  };
  const d = (doc ?? {}) as Json;
  return policyJson(norm({ ...d, Statement: asArray(d.Statement) }));
}

/**
 * Whether every statement that lets someone assume the role demands an exact external ID: a
 * StringEquals or StringLike on sts:ExternalId without IfExists. A policy that fails this lets anyone
 * the principal acts for (any Materialize customer) assume the role.
 */
export function requiresExternalId(doc: unknown): boolean {
  const statements = asArray((doc as Json | undefined)?.Statement) as Json[];
  const assumes = statements.filter(
    (s) => s?.Effect === 'Allow' && asArray(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*'),
  );
  return (
    assumes.length > 0 &&
    assumes.every((s) =>
      Object.entries((s.Condition ?? {}) as Record<string, Json>).some(
        ([op, keys]) =>
          (op === 'StringEquals' || op === 'StringLike') &&
          Object.keys(keys ?? {}).some((k) => k.toLowerCase() === 'sts:externalid'),
      ),
    )
  );
}

/** Why the trust policy IAM holds is not the one wanted; undefined when it is. */
export function trustPolicyDrift(actual: unknown, wanted: TrustPolicy): string | undefined {
  if (canonicalPolicy(actual) === canonicalPolicy(wanted)) return undefined;
  if (!requiresExternalId(actual))
    return 'the trust policy no longer requires the external ID: any Materialize customer could assume the role';
  return 'the trust policy differs from the one for the connections (principals and external IDs)';
}

/** The ARN a role will have: known before it exists, which lets the connection be created first. */
export function roleArnFor(accountId: string, roleName: string, path = '/', partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}
