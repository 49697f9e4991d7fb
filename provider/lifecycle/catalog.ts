// The generic catalog reader: one SELECT per read, joining the identity tables with the per-type detail
// relations the spec names (materialize-semantics.md §5), by catalog id or by qualified name.
import type { ConnectionSpec } from '../specs';
import type { ResolvedLocation } from '../sql/quote';
import type { Session } from './pool';

export interface CatalogRow {
  id: string;
  name: string;
  schemaName: string;
  databaseName: string;
  owner: string;
  comment: string | null;
  /** The roles holding USAGE (the owner included; PUBLIC as `PUBLIC`); system roles left out. */
  usage: string[];
  /** mz_connections.type; absent for secrets. */
  type?: string;
  createSql?: string;
  details: Record<string, unknown>;
}

export type Lookup = { id: string } | { location: ResolvedLocation };

// The grantees of USAGE, in the same SELECT (a scalar subquery over mz_aclexplode, §6.2): user roles (ids u…)
// and PUBLIC (id p, not in mz_roles); Materialize's own roles are not managed here.
const USAGE = `(SELECT array_agg(CASE WHEN a.grantee = 'p' THEN 'PUBLIC' ELSE g.name END)
  FROM mz_internal.mz_aclexplode(o.privileges) a LEFT JOIN mz_catalog.mz_roles g ON g.id = a.grantee
  WHERE a.privilege_type = 'USAGE' AND (a.grantee = 'p' OR a.grantee LIKE 'u%')) AS usage`;
const IDENTITY = `o.id, o.name, s.name AS schema_name, d.name AS database_name, r.name AS owner, cm.comment, ${USAGE}`;
const IDENTITY_JOINS = `JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id
JOIN mz_catalog.mz_databases d ON d.id = s.database_id
JOIN mz_catalog.mz_roles r ON r.id = o.owner_id
LEFT JOIN mz_internal.mz_comments cm ON cm.id = o.id AND cm.object_sub_id IS NULL`;

function where(lookup: Lookup): { clause: string; params: string[] } {
  return 'id' in lookup
    ? { clause: 'WHERE o.id = $1', params: [lookup.id] }
    : {
        clause: 'WHERE d.name = $1 AND s.name = $2 AND o.name = $3',
        params: [lookup.location.databaseName, lookup.location.schemaName, lookup.location.name],
      };
}

/** The SELECT for one connection kind: identity, create_sql and the spec's detail columns. */
export function connectionQuery(spec: ConnectionSpec, lookup: Lookup): { sql: string; params: string[] } {
  const relations = [...new Set(spec.catalogOutputs.map((o) => o.relation))];
  const alias = (relation: string) => `x${relations.indexOf(relation)}`;
  const columns = spec.catalogOutputs.map(
    (o) => `${alias(o.relation)}.${o.column}${o.json ? '::text' : ''} AS ${o.column}_${relations.indexOf(o.relation)}`,
  );
  const joins = relations.map((r) => `LEFT JOIN ${r} ${alias(r)} ON ${alias(r)}.id = o.id`);
  const w = where(lookup);
  return {
    sql: [
      `SELECT ${[IDENTITY, 'o.type', 'o.create_sql', ...columns].join(', ')}`,
      'FROM mz_catalog.mz_connections o',
      IDENTITY_JOINS,
      ...joins,
      w.clause,
    ].join('\n'),
    params: w.params,
  };
}

export function secretQuery(lookup: Lookup): { sql: string; params: string[] } {
  const w = where(lookup);
  return {
    sql: [`SELECT ${IDENTITY}`, 'FROM mz_catalog.mz_secrets o', IDENTITY_JOINS, w.clause].join('\n'),
    params: w.params,
  };
}

type Row = Record<string, unknown>;

function identity(row: Row): Omit<CatalogRow, 'details'> {
  return {
    id: String(row.id),
    name: String(row.name),
    schemaName: String(row.schema_name),
    databaseName: String(row.database_name),
    owner: String(row.owner),
    comment: (row.comment as string | null) ?? null,
    usage: ((row.usage as string[] | null) ?? []).map(String),
  };
}

export async function readConnectionRow(
  s: Session,
  spec: ConnectionSpec,
  lookup: Lookup,
): Promise<CatalogRow | undefined> {
  const q = connectionQuery(spec, lookup);
  const [row] = await s.query(q.sql, q.params);
  if (!row) return undefined;
  const relations = [...new Set(spec.catalogOutputs.map((o) => o.relation))];
  const details: Record<string, unknown> = {};
  for (const o of spec.catalogOutputs) {
    const value = row[`${o.column}_${relations.indexOf(o.relation)}`];
    if (value === null || value === undefined) continue;
    details[o.output] = value;
  }
  for (const d of spec.derivedOutputs ?? []) {
    const value = d.from(details);
    if (value !== undefined) details[d.output] = value;
  }
  return { ...identity(row), type: String(row.type), createSql: String(row.create_sql), details };
}

export async function readSecretRow(s: Session, lookup: Lookup): Promise<CatalogRow | undefined> {
  const q = secretQuery(lookup);
  const [row] = await s.query(q.sql, q.params);
  return row ? { ...identity(row), details: {} } : undefined;
}

/** create_sql with internal references `[u1 AS "db"."schema"."name"]` written by name, as SHOW CREATE shows them. */
export function humanizeCreateSql(createSql: string): string {
  return createSql.replace(
    /\[[a-z]+\d+ AS ((?:"(?:[^"]|"")*"|[^\]\s.]+)(?:\.(?:"(?:[^"]|"")*"|[^\]\s.]+)){0,2})\]/g,
    '$1',
  );
}
