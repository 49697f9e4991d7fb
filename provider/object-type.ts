// The kinds of catalog object this package manages and their SQL keyword: shared by the statement builders
// (objects.ts) and the privilege statements (privileges.ts), so neither imports the other for it.
export type ObjectType = 'connection' | 'secret';

const SQL_TYPE: Record<ObjectType, string> = { connection: 'CONNECTION', secret: 'SECRET' };

export function sqlObjectType(objectType: ObjectType): string {
  const t = SQL_TYPE[objectType];
  if (!t) throw new Error(`unknown object type "${objectType}"; expected connection or secret`);
  return t;
}
