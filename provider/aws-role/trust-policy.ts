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

/** An IAM role or user ARN: one principal, never a wildcard, an account root or a service. */
const PRINCIPAL = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;
/** IAM's external ID alphabet and length (2 to 1224), which has no wildcard. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/**
 * Why a principal or external ID must not go into a trust policy, if it must not: they come from Materialize's
 * catalog, and a spoofed or broken server answering `*` would let anyone assume the role.
 */
export function trustValueProblem(what: 'principal' | 'externalId', value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `${what} must be a non-empty string`;
  if (what === 'principal' && !PRINCIPAL.test(value))
    return `principal ${JSON.stringify(value.slice(0, 200))} is not an IAM role or user ARN (arn:aws:iam::<12-digit account>:role/<name>); refusing to trust it`;
  if (what === 'externalId' && !EXTERNAL_ID.test(value))
    return `externalId ${JSON.stringify(value.slice(0, 200))} is not an external ID (2 to 1224 of A-Z a-z 0-9 _ + = , . @ : / -); refusing to trust it`;
  return undefined;
}

function requireTrustValue(what: 'principal' | 'externalId', value: unknown): string {
  const problem = trustValueProblem(what, value);
  if (problem) throw new TypeError(problem);
  return value as string;
}

/**
 * The trust policy for one Materialize principal and the external IDs of its connections: the same
 * document Materialize shows as `example_trust_policy` when there is one ID.
 */
export function trustPolicyFor(principal: string, externalIds: string | readonly string[]): TrustPolicy {
  const ids = (typeof externalIds === 'string' ? [externalIds] : [...externalIds]).map((id) =>
    requireTrustValue('externalId', id),
  );
  if (ids.length === 0) throw new TypeError('trustPolicyFor needs at least one external ID');
  return { Version: '2012-10-17', Statement: [statement(requireTrustValue('principal', principal), ids)] };
}

/**
 * The trust policy for several connections, possibly of several Materialize environments: one statement
 * per principal, each with only that principal's external IDs (never one principal with another's ID).
 */
export function trustPolicyForConnections(connections: readonly TrustedConnection[]): TrustPolicy {
  if (connections.length === 0) throw new TypeError('a trust policy needs at least one connection');
  const byPrincipal = new Map<string, string[]>();
  for (const c of connections) {
    const p = requireTrustValue('principal', c.principal);
    byPrincipal.set(p, [...(byPrincipal.get(p) ?? []), requireTrustValue('externalId', c.externalId)]);
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
