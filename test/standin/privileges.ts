// Privileges on connections and secrets (materialize-newest-features.md §6): the item's ACL (mz_aclitem[]),
// GRANT/REVOKE USAGE, and the RBAC checks of the statements the stand-in interprets. Superusers pass every
// check (check_plan returns early for them); everyone else needs ownership of what they alter, and USAGE on
// what a connection's definition references (CREATE, and ALTER since v26.40, §6.3).
import type { Catalog, Item, Session } from './catalog';
import { MzError, planError, SQLSTATE } from './errors';

/** One mz_aclitem: `grantee=privileges/grantor`. The PUBLIC pseudo-role is id `p`, printed as an empty grantee. */
export interface AclEntry {
  grantee: string;
  grantor: string;
  privileges: string; // letters, e.g. 'U'
}

export const PUBLIC_ID = 'p';

/** A new item's ACL: its owner holds USAGE, granted by itself (§6.2: `{u1=U/u1}`). */
export function aclOf(item: Item): AclEntry[] {
  return (item.acl ??= [{ grantee: item.ownerId, grantor: item.ownerId, privileges: 'U' }]);
}

/** A role in an mz_aclitem's text form: its name, double-quoted as PostgreSQL's putid does when not plain; PUBLIC is empty. */
function aclRole(cat: Catalog, id: string): string {
  if (id === PUBLIC_ID) return '';
  const name = cat.roles.get(id)?.name ?? id;
  return /^[A-Za-z0-9_]+$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A text[] literal: an element with a quote, backslash, comma, brace or space is double-quoted, as PostgreSQL prints it. */
function arrayLiteral(elements: string[]): string {
  const element = (e: string) => (/^[^"\\,{}\s]+$/.test(e) ? e : `"${e.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  return `{${elements.map(element).join(',')}}`;
}

/**
 * `{materialize=U/materialize,joe=U/materialize}`: the text form of mz_aclitem[] names roles
 * (privilege_grants.slt: `conn  joe=U/materialize`, `se  =U/materialize` for PUBLIC).
 */
export function aclText(cat: Catalog, item: Item): string {
  return arrayLiteral(aclOf(item).map((e) => `${aclRole(cat, e.grantee)}=${e.privileges}/${aclRole(cat, e.grantor)}`));
}

/** The ACL of a database or schema: its owner's privileges, granted by itself. */
export function ownerAclText(cat: Catalog, ownerId: string, privileges: string): string {
  return arrayLiteral([`${aclRole(cat, ownerId)}=${privileges}/${aclRole(cat, ownerId)}`]);
}

/** Whether a role is named in any item's ACL, as grantee or grantor (DROP ROLE refuses it then). */
export function holdsGrants(cat: Catalog, roleId: string): boolean {
  return [...cat.items.values()].some((i) => aclOf(i).some((e) => e.grantee === roleId || e.grantor === roleId));
}

function sessionRole(cat: Catalog, session: Session) {
  const role = cat.roleByName(session.user);
  if (!role) throw planError(`unknown role '${session.user}'`);
  return role;
}

function isSuperuser(cat: Catalog, session: Session): boolean {
  return sessionRole(cat, session).superuser;
}

const TYPE = (item: Item) => item.kind.toUpperCase();

/** UnauthorizedError::Ownership: `must be owner of CONNECTION db.schema.name` (the name unquoted, rbac.rs). */
export function requireOwner(cat: Catalog, session: Session, item: Item): void {
  if (isSuperuser(cat, session) || sessionRole(cat, session).id === item.ownerId) return;
  throw new MzError(`must be owner of ${TYPE(item)} ${cat.fullNameString(item)}`, SQLSTATE.unauthorized);
}

/** UnauthorizedError::RoleMembership, for OWNER TO: only members of the new owner may hand an object to it. */
export function requireMembership(cat: Catalog, session: Session, roleId: string, roleName: string): void {
  if (isSuperuser(cat, session) || sessionRole(cat, session).id === roleId) return;
  throw new MzError(`must be a member of "${roleName}"`, SQLSTATE.unauthorized);
}

function holdsUsage(roleId: string, item: Item): boolean {
  if (item.ownerId === roleId) return true;
  return aclOf(item).some((e) => (e.grantee === roleId || e.grantee === PUBLIC_ID) && e.privileges.includes('U'));
}

/**
 * USAGE on every connection and secret a connection's (resulting) definition references: CREATE
 * CONNECTION, and ALTER CONNECTION since v26.40. `permission denied for SECRET "db.schema.name"` (42501).
 */
export function requireUsageOfReferences(cat: Catalog, session: Session, connection: Item): void {
  if (isSuperuser(cat, session)) return;
  const role = sessionRole(cat, session);
  for (const id of cat.uses(connection)) {
    const used = cat.items.get(id);
    if (used && !holdsUsage(role.id, used))
      throw new MzError(`permission denied for ${TYPE(used)} "${cat.fullNameString(used)}"`, SQLSTATE.unauthorized);
  }
}

/** ALTER ... OWNER TO rewrites the old owner to the new one wherever it appears, as PostgreSQL's aclnewowner. */
export function transferAcl(item: Item, from: string, to: string): void {
  const merged = new Map<string, AclEntry>();
  for (const e of aclOf(item)) {
    const entry = {
      grantee: e.grantee === from ? to : e.grantee,
      grantor: e.grantor === from ? to : e.grantor,
      privileges: e.privileges,
    };
    const key = `${entry.grantee}/${entry.grantor}`;
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, privileges: [...new Set(prev.privileges + entry.privileges)].join('') } : entry);
  }
  item.acl = [...merged.values()];
}

/** GRANT USAGE: recorded as granted by the owner (also when a superuser runs it). */
export function grantUsage(item: Item, roleId: string): void {
  const acl = aclOf(item);
  const entry = acl.find((e) => e.grantee === roleId && e.grantor === item.ownerId);
  if (entry) {
    if (!entry.privileges.includes('U')) entry.privileges = 'U' + entry.privileges;
  } else acl.push({ grantee: roleId, grantor: item.ownerId, privileges: 'U' });
}

/** REVOKE USAGE: from every entry of the grantee; entries left with no privilege disappear. */
export function revokeUsage(item: Item, roleId: string): void {
  item.acl = aclOf(item)
    .map((e) => (e.grantee === roleId ? { ...e, privileges: e.privileges.replace('U', '') } : e))
    .filter((e) => e.privileges !== '');
}
