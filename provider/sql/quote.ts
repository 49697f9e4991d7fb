// Identifier and literal quoting for Materialize SQL (materialize-semantics.md §7).
// Every identifier is double-quoted, so keywords, case and any character except NUL survive as written.

export function quoteIdent(ident: string): string {
  if (ident.includes('\0')) throw new Error('an identifier cannot contain a NUL character');
  return `"${ident.replace(/"/g, '""')}"`;
}

// standard_conforming_strings is always on in Materialize: backslashes are literal, only ' is doubled.
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a string literal cannot contain a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

export const DEFAULT_DATABASE = 'materialize';
export const DEFAULT_SCHEMA = 'public';

/** Where an object lives. `schemaName` defaults to `public`, `databaseName` to `materialize`. */
export interface ObjectLocation {
  name: string;
  schemaName?: string;
  databaseName?: string;
}

export interface ResolvedLocation {
  name: string;
  schemaName: string;
  databaseName: string;
}

export function resolveLocation(loc: ObjectLocation): ResolvedLocation {
  return {
    name: loc.name,
    schemaName: loc.schemaName ?? DEFAULT_SCHEMA,
    databaseName: loc.databaseName ?? DEFAULT_DATABASE,
  };
}

/** `"database"."schema"."name"`, with the defaults applied. */
export function qualifiedName(loc: ObjectLocation): string {
  const r = resolveLocation(loc);
  return [r.databaseName, r.schemaName, r.name].map(quoteIdent).join('.');
}
