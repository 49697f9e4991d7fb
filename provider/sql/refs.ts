// Object references inside an option value: plain `{ name, schemaName?, databaseName? }` data whose
// schema and database default to the referencing object's own.
import type { ObjectRef } from '../args';
import { qualifiedName, type ResolvedLocation } from './quote';

export function isObjectRef(value: unknown): value is ObjectRef {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'name' in value;
}

export function resolveRef(ref: ObjectRef, own: ResolvedLocation): ResolvedLocation {
  return {
    name: ref.name,
    schemaName: ref.schemaName ?? own.schemaName,
    databaseName: ref.databaseName ?? own.databaseName,
  };
}

export function refSql(ref: ObjectRef, own: ResolvedLocation): string {
  return qualifiedName(resolveRef(ref, own));
}
