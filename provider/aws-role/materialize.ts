// What a role resource asks of Materialize: each connection's identity (principal, external ID, the role
// it assumes), and VALIDATE CONNECTION. One statement per round trip.
import type { ResolvedEndpoint } from '../lifecycle/endpoint';
import { materializeError, MaterializeError } from '../lifecycle/errors';
import { withSession } from '../lifecycle/pool';
import { qualifiedName, resolveLocation, type ResolvedLocation } from '../sql/quote';
import type { RoleConnection } from './inputs';
import { trustValueProblem } from './trust-policy';

/** An AWS connection as the catalog has it. */
export interface AwsConnectionIdentity {
  location: ResolvedLocation;
  id: string;
  principal: string;
  externalId: string;
  assumeRoleArn: string | null;
}

export interface MaterializeApi {
  /** The connections' identities; fails clearly when one is missing, not AWS, or has no external ID. */
  identities(connections: readonly RoleConnection[]): Promise<AwsConnectionIdentity[]>;
  validate(location: ResolvedLocation): Promise<void>;
}

export const IDENTITY_SQL = `SELECT c.id, c.type, a.principal, a.external_id, a.assume_role_arn
FROM mz_catalog.mz_connections c
JOIN mz_catalog.mz_schemas s ON s.id = c.schema_id
JOIN mz_catalog.mz_databases d ON d.id = s.database_id
LEFT JOIN mz_internal.mz_aws_connections a ON a.id = c.id
WHERE d.name = $1 AND s.name = $2 AND c.name = $3`;

export function validateSql(location: ResolvedLocation): string {
  return `VALIDATE CONNECTION ${qualifiedName(location)}`;
}

export function locationOf(c: RoleConnection): ResolvedLocation {
  return resolveLocation({ name: c.name, schemaName: c.schemaName, databaseName: c.databaseName });
}

/** Turns one catalog row into an identity, or says precisely why it cannot serve a role. */
export function identityFromRow(
  location: ResolvedLocation,
  row: Record<string, unknown> | undefined,
): AwsConnectionIdentity {
  const name = qualifiedName(location);
  if (!row) throw new MaterializeError(`connection ${name} does not exist in Materialize`);
  if (row.type !== 'aws') throw new MaterializeError(`connection ${name} is a ${String(row.type)} connection, not AWS`);
  if (!row.assume_role_arn)
    throw new MaterializeError(`connection ${name} uses access keys, not ASSUME ROLE ARN: it assumes no role`);
  if (!row.principal || !row.external_id)
    throw new MaterializeError(
      `connection ${name} has no principal or external ID in mz_internal.mz_aws_connections: this Materialize ` +
        'was started without an AWS connection role (self-managed: --aws-connection-role-arn and --aws-external-id-prefix)',
    );
  for (const [what, value] of [
    ['principal', row.principal],
    ['externalId', row.external_id],
  ] as const) {
    const problem = trustValueProblem(what, value);
    if (problem)
      throw new MaterializeError(
        `connection ${name}: the ${what === 'principal' ? 'principal' : 'external ID'} Materialize reports ` +
          `(mz_internal.mz_aws_connections) cannot go into a trust policy: ${problem}. Check that the provider ` +
          'talks to the Materialize you expect (materialize host, sslmode verify-full)',
      );
  }
  return {
    location,
    id: String(row.id),
    principal: String(row.principal),
    externalId: String(row.external_id),
    assumeRoleArn: String(row.assume_role_arn),
  };
}

export function sqlMaterialize(endpoint: ResolvedEndpoint, secrets: readonly string[]): MaterializeApi {
  return {
    identities: (connections) =>
      withSession(endpoint, async (s) => {
        const out: AwsConnectionIdentity[] = [];
        for (const c of connections) {
          const location = locationOf(c);
          let rows: Record<string, unknown>[];
          try {
            rows = await s.query(IDENTITY_SQL, [location.databaseName, location.schemaName, location.name]);
          } catch (err) {
            throw materializeError(err, `reading AWS connection ${qualifiedName(location)}`, secrets);
          }
          out.push(identityFromRow(location, rows[0]));
        }
        return out;
      }),
    validate: (location) =>
      withSession(endpoint, async (s) => {
        const statement = validateSql(location);
        try {
          await s.query(statement);
        } catch (err) {
          throw materializeError(err, statement, secrets);
        }
      }),
  };
}
