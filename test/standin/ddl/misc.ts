// RENAME TO, OWNER TO (§3.4), COMMENT ON (§5.7), CREATE SCHEMA/DATABASE/ROLE.
import type { Statement } from '../ast';
import { SYSTEM_SCHEMAS } from '../catalog';
import { done, type ExecContext, type ExecResult } from '../context';
import { planError } from '../errors';
import { requireMembership, requireOwner, transferAcl } from '../privileges';

export function rename(ctx: ExecContext, st: Extract<Statement, { kind: 'rename' }>): ExecResult {
  const { cat, session } = ctx;
  const tag = `ALTER ${st.objectType.toUpperCase()}`;
  const item = cat.tryResolveItem(session, st.name);
  if (!item) {
    if (st.ifExists)
      return done(tag, [{ message: `${st.objectType.toUpperCase()} "${st.name.join('.')}" does not exist, skipping` }]);
    throw planError(`unknown catalog item '${st.name.join('.')}'`);
  }
  // secret.slt (newest): `t1 is a table not a SECRET`: the name as written, the expected type upper case.
  if (item.kind !== st.objectType)
    throw planError(`${st.name.join('.')} is a ${item.kind} not a ${st.objectType.toUpperCase()}`);
  requireOwner(cat, session, item);
  // secret.slt (newest): renaming onto a taken name is the catalog's `catalog item '<name>' already exists`
  // (older versions planned it as `<name> is already taken by item in schema`).
  if (cat.itemIn(item.schemaId, st.to)) throw planError(`catalog item '${st.to}' already exists`);
  item.name = st.to;
  cat.touch(item.id);
  // Dependants' create_sql prints the new name (references are by id).
  for (const d of cat.usedBy(item.id)) cat.touch(d.id);
  return done(tag);
}

export function owner(ctx: ExecContext, st: Extract<Statement, { kind: 'owner' }>): ExecResult {
  const { cat, session } = ctx;
  const tag = `ALTER ${st.objectType.toUpperCase()}`;
  const role = cat.roleByName(st.role);
  if (st.objectType === 'schema' || st.objectType === 'database') {
    const obj = st.objectType === 'schema' ? cat.resolveSchema(session, st.name) : cat.databaseByName(st.name[0]);
    if (!obj) throw planError(`unknown database '${st.name[0]}'`);
    if (!role) throw planError(`unknown role '${st.role}'`);
    obj.ownerId = role.id;
    cat.dirty.add(`${st.objectType === 'schema' ? 'schemas' : 'databases'}:${obj.id}`);
    return done(tag);
  }
  const item = cat.tryResolveItem(session, st.name);
  if (!item) {
    if (st.ifExists)
      return done(tag, [{ message: `${st.objectType.toUpperCase()} "${st.name.join('.')}" does not exist, skipping` }]);
    throw planError(`unknown catalog item '${st.name.join('.')}'`);
  }
  // §ddl.rs `plan_alter_owner`: the full name quoted, both types lower case.
  if (item.kind !== st.objectType)
    throw planError(`"${cat.fullNameString(item)}" is a ${item.kind} not a ${st.objectType}`);
  if (!role) throw planError(`unknown role '${st.role}'`);
  requireOwner(cat, session, item);
  requireMembership(cat, session, role.id, role.name);
  transferAcl(item, item.ownerId, role.id);
  item.ownerId = role.id;
  cat.touch(item.id);
  return done(tag);
}

export function comment(ctx: ExecContext, st: Extract<Statement, { kind: 'comment' }>): ExecResult {
  const { cat, session } = ctx;
  // [unverified] §9.10: `IS ''` removes the comment, as in PostgreSQL.
  const text = st.comment === '' ? null : st.comment;
  if (st.objectType === 'schema') {
    const s = cat.resolveSchema(session, st.name);
    cat.setComment(s.id, 'schema', text);
  } else if (st.objectType === 'database') {
    const d = cat.databaseByName(st.name[0]);
    if (!d) throw planError(`unknown database '${st.name[0]}'`);
    cat.setComment(d.id, 'database', text);
  } else {
    const item = cat.resolveItem(session, st.name);
    if (item.kind !== st.objectType)
      throw planError(`${cat.fullNameString(item)} is a ${item.kind} not a ${st.objectType}`);
    requireOwner(cat, session, item);
    cat.setComment(item.id, item.kind, text);
  }
  return done('COMMENT');
}

export function createSchema(ctx: ExecContext, st: Extract<Statement, { kind: 'create_schema' }>): ExecResult {
  const { cat, session } = ctx;
  if (st.name.length > 2)
    throw planError(`qualified name did not have between 1 and 2 components: ${st.name.join('.')}`);
  const name = st.name[st.name.length - 1];
  if (SYSTEM_SCHEMAS.includes(name) || name.startsWith('mz_')) throw planError(`unacceptable schema name '${name}'`);
  const dbName = st.name.length === 2 ? st.name[0] : session.database;
  const db = cat.databaseByName(dbName);
  if (!db) throw planError(`unknown database '${dbName}'`);
  if (cat.schemaByName(db.id, name)) {
    if (st.ifNotExists) return done('CREATE SCHEMA', [{ message: `schema "${name}" already exists, skipping` }]);
    throw planError(`schema '${name}' already exists`);
  }
  cat.createSchema(db.id, name, cat.roleByName(session.user)!.id);
  return done('CREATE SCHEMA');
}

export function createDatabase(ctx: ExecContext, st: Extract<Statement, { kind: 'create_database' }>): ExecResult {
  const { cat, session } = ctx;
  if (cat.databaseByName(st.name)) {
    if (st.ifNotExists) return done('CREATE DATABASE', [{ message: `database "${st.name}" already exists, skipping` }]);
    throw planError(`database '${st.name}' already exists`);
  }
  const owner = cat.roleByName(session.user)!.id;
  const db = cat.createDatabase(st.name, owner);
  cat.createSchema(db.id, 'public', owner); // a new database gets a `public` schema, as in Materialize
  return done('CREATE DATABASE');
}

export function createRole(ctx: ExecContext, st: Extract<Statement, { kind: 'create_role' }>): ExecResult {
  const { cat } = ctx;
  if (cat.roleByName(st.name)) throw planError(`role '${st.name}' already exists`);
  const role = cat.createRole(st.name, st.superuser);
  if (st.login !== undefined) role.canLogin = st.login;
  role.password = st.password;
  return done('CREATE ROLE');
}
