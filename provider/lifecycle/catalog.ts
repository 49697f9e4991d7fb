// The generic catalog reader: one SELECT per read, joining the identity tables with the per-type detail
// relations the spec names (materialize-semantics.md §5), by catalog id or by qualified name.
import type { ConnectionSpec } from '../specs';
import type { ResolvedLocation } from '../sql/quote';
import type { Queryable } from './pool';

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

/** A schema, whose objects of one kind a refresh reads ahead (batch.ts). */
export interface Scope {
  databaseName: string;
  schemaName: string;
}

export type Lookup =
  { id: string } | { location: ResolvedLocation } | { ids: readonly string[] } | { scope: Scope; limit: number };

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

function where(lookup: Lookup, catalogType?: string): { clause: string; params: string[] } {
  if ('id' in lookup) return where({ ids: [lookup.id] });
  if ('scope' in lookup) {
    const params = [lookup.scope.databaseName, lookup.scope.schemaName];
    // The limit is a literal: one statement text per kind, and a bounded answer however full the schema is.
    const limit = `LIMIT ${Math.trunc(lookup.limit)}`;
    if (catalogType === undefined) return { clause: `WHERE d.name = $1 AND s.name = $2\n${limit}`, params };
    return { clause: `WHERE d.name = $1 AND s.name = $2 AND o.type = $3\n${limit}`, params: [...params, catalogType] };
  }
  if ('ids' in lookup) {
    if (lookup.ids.length === 1) return { clause: 'WHERE o.id = $1', params: [...lookup.ids] };
    return { clause: `WHERE o.id IN (${lookup.ids.map((_, i) => `$${i + 1}`).join(', ')})`, params: [...lookup.ids] };
  }
  return {
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
  const w = where(lookup, spec.catalogType);
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

/** A row the server sent that cannot be this object's: refused, never written to the state. */
export class BadCatalogRowError extends Error {
  constructor(problem: string) {
    super(`Materialize returned a catalog row that cannot be right: ${problem}`);
    this.name = 'BadCatalogRowError';
  }
}

function text(row: Row, column: string, nullable = false): string | null {
  const value = row[column];
  if (value === null || value === undefined) {
    if (nullable) return null;
    throw new BadCatalogRowError(`${column} is NULL`);
  }
  if (typeof value !== 'string') throw new BadCatalogRowError(`${column} is a ${typeof value}, not text`);
  return value;
}

/** The USAGE grantees column: a list of role names (none is an empty list). */
function grantees(row: Row): string[] {
  const value = row.usage;
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new BadCatalogRowError('usage is not a list of role names');
  return value as string[];
}

function identity(row: Row, lookup: Lookup): Omit<CatalogRow, 'details'> {
  const found = {
    id: text(row, 'id') as string,
    name: text(row, 'name') as string,
    schemaName: text(row, 'schema_name') as string,
    databaseName: text(row, 'database_name') as string,
    owner: text(row, 'owner') as string,
    comment: text(row, 'comment', true),
    usage: grantees(row),
  };
  // The query asked for one id or one name (or a list of ids): any other answer is not an object asked about.
  if ('id' in lookup && found.id !== lookup.id)
    throw new BadCatalogRowError(`asked for id ${lookup.id}, got id ${JSON.stringify(found.id)}`);
  if ('ids' in lookup && !lookup.ids.includes(found.id))
    throw new BadCatalogRowError(
      `asked for id${lookup.ids.length > 1 ? 's' : ''} ${lookup.ids.join(', ')}, got id ${JSON.stringify(found.id)}`,
    );
  if ('location' in lookup) {
    const want = lookup.location;
    if (found.databaseName !== want.databaseName || found.schemaName !== want.schemaName || found.name !== want.name)
      throw new BadCatalogRowError('asked for one name, got a row for another');
  }
  if ('scope' in lookup) {
    const want = lookup.scope;
    if (found.databaseName !== want.databaseName || found.schemaName !== want.schemaName)
      throw new BadCatalogRowError('asked for the objects of one schema, got a row of another');
  }
  return found;
}

/** The rows of a list of ids, by id (the first row of each, as a read of one id takes its first); an id with no row is gone. */
export function byId(rows: CatalogRow[]): Map<string, CatalogRow> {
  const found = new Map<string, CatalogRow>();
  for (const row of rows) if (!found.has(row.id)) found.set(row.id, row);
  return found;
}

export async function readConnectionRow(
  s: Queryable,
  spec: ConnectionSpec,
  lookup: Lookup,
): Promise<CatalogRow | undefined> {
  const q = connectionQuery(spec, lookup);
  const [row] = await s.query(q.sql, q.params);
  return row && connectionRow(spec, row, lookup);
}

/** Every row of connections of one kind that `lookup` asks for, in one SELECT. */
async function readConnections(s: Queryable, spec: ConnectionSpec, lookup: Lookup): Promise<CatalogRow[]> {
  const q = connectionQuery(spec, lookup);
  return (await s.query(q.sql, q.params)).map((row) => connectionRow(spec, row, lookup));
}

/** Connections of one kind by catalog id, in one SELECT. */
export async function readConnectionRows(
  s: Queryable,
  spec: ConnectionSpec,
  ids: readonly string[],
): Promise<Map<string, CatalogRow>> {
  return byId(await readConnections(s, spec, { ids }));
}

/**
 * Connections of one kind in one schema, at most `limit` of them, in one SELECT: what a refresh reads ahead.
 * Any row that cannot be right fails the whole read (the caller then reads by id).
 */
export function readConnectionScope(
  s: Queryable,
  spec: ConnectionSpec,
  scope: Scope,
  limit: number,
): Promise<CatalogRow[]> {
  return readConnections(s, spec, { scope, limit });
}

function connectionRow(spec: ConnectionSpec, row: Row, lookup: Lookup): CatalogRow {
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
  const type = text(row, 'type') as string;
  // A schema's objects of one kind: a row of another kind is not one asked for (a read by id says it in words).
  if ('scope' in lookup && type !== spec.catalogType)
    throw new BadCatalogRowError(`asked for ${spec.catalogType} connections, got a ${type} connection`);
  return { ...identity(row, lookup), type, createSql: text(row, 'create_sql') as string, details };
}

export async function readSecretRow(s: Queryable, lookup: Lookup): Promise<CatalogRow | undefined> {
  const q = secretQuery(lookup);
  const [row] = await s.query(q.sql, q.params);
  return row ? { ...identity(row, lookup), details: {} } : undefined;
}

/** Every row of secrets that `lookup` asks for, in one SELECT. */
async function readSecrets(s: Queryable, lookup: Lookup): Promise<CatalogRow[]> {
  const q = secretQuery(lookup);
  return (await s.query(q.sql, q.params)).map((row) => ({ ...identity(row, lookup), details: {} }));
}

/** Secrets by catalog id, in one SELECT. */
export async function readSecretRows(s: Queryable, ids: readonly string[]): Promise<Map<string, CatalogRow>> {
  return byId(await readSecrets(s, { ids }));
}

/** Secrets in one schema, at most `limit` of them, in one SELECT. */
export function readSecretScope(s: Queryable, scope: Scope, limit: number): Promise<CatalogRow[]> {
  return readSecrets(s, { scope, limit });
}

// One pass, left to right: a reference, a string literal or a quoted identifier, whichever starts first, so a
// quote inside an identifier never opens a literal and a bracket inside a literal is never a reference.
const TOKENS =
  /(\[[a-z]+\d+ AS ((?:"(?:[^"]|"")*"|[^\]\s.]+)(?:\.(?:"(?:[^"]|"")*"|[^\]\s.]+)){0,2})\])|'(?:[^']|'')*'|"(?:[^"]|"")*"/g;

/**
 * create_sql with internal references `[u1 AS "db"."schema"."name"]` written by name, as SHOW CREATE shows
 * them. String literals are left exactly as they are, so a value inside one is never rewritten.
 */
export function humanizeCreateSql(createSql: string): string {
  return createSql.replace(TOKENS, (match, reference: string | undefined, name: string | undefined) =>
    reference ? (name as string) : match,
  );
}

/** What holds a name in a schema, whatever its type: a secret, a connection (with its type), a table, ... */
export interface NameHolder {
  id: string;
  /** mz_objects.type: `secret`, `connection`, `table`, `view`, `source`, ... */
  type: string;
  /** mz_connections.type when the holder is a connection. */
  connectionType?: string;
}

/** One SELECT, made only after a CREATE met "already exists", to say in the error what holds the name. */
export async function readNameHolder(s: Queryable, location: ResolvedLocation): Promise<NameHolder | undefined> {
  const rows = await s.query(
    [
      'SELECT o.id, o.type, c.type AS connection_type',
      'FROM mz_catalog.mz_objects o',
      'JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id',
      'JOIN mz_catalog.mz_databases d ON d.id = s.database_id',
      'LEFT JOIN mz_catalog.mz_connections c ON c.id = o.id',
      'WHERE d.name = $1 AND s.name = $2 AND o.name = $3',
    ].join('\n'),
    [location.databaseName, location.schemaName, location.name],
  );
  const row = rows[0] as Row | undefined;
  if (!row) return undefined;
  const connectionType = text(row, 'connection_type', true);
  return {
    id: text(row, 'id') as string,
    type: text(row, 'type') as string,
    ...(connectionType ? { connectionType } : {}),
  };
}
