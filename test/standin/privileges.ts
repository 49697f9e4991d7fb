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

/** `{u1=U/u1,u2=U/u1}`: the text form of mz_aclitem[]. */
export function aclText(item: Item): string {
  return `{${aclOf(item)
    .map((e) => `${e.grantee === PUBLIC_ID ? '' : e.grantee}=${e.privileges}/${e.grantor}`)
    .join(',')}}`;
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
