// GRANT / REVOKE USAGE ON CONNECTION | SECRET (materialize-newest-features.md §6.1): USAGE is the only
// privilege of these objects; the grantor must own every object named (or be a superuser).
import type { Statement } from '../ast';
import { done, type ExecContext, type ExecResult } from '../context';
import { planError } from '../errors';
import type { Catalog, Item } from '../catalog';
import { PRIVILEGE_TYPES } from '../parser';
import { grantUsage, PUBLIC_ID, requireOwner, revokeUsage } from '../privileges';

const SYSTEM_PRIVILEGES = ['CREATEROLE', 'CREATEDB', 'CREATECLUSTER', 'CREATENETWORKPOLICY'];

/**
 * USAGE is the only privilege of a connection or a secret (privilege_grants.slt): other object privileges give
 * `invalid privilege types SELECT, INSERT, UPDATE, DELETE, CREATE for CONNECTION`; system privileges are refused
 * per object, naming it (`invalid privilege types CREATEROLE for TABLE "materialize.public.t"`). Checked after the
 * names and roles resolve (`GRANT SELECT ON DATABASE t` is `unknown database 't'`). Types print in display order.
 */
function checkPrivilegeTypes(cat: Catalog, st: Extract<Statement, { kind: 'grant' | 'revoke' }>, items: Item[]): void {
  const type = st.objectType.toUpperCase();
  const invalid = PRIVILEGE_TYPES.filter((p) => st.privileges.includes(p) && p !== 'USAGE');
  const objectLevel = invalid.filter((p) => !SYSTEM_PRIVILEGES.includes(p));
  if (objectLevel.length) throw planError(`invalid privilege types ${objectLevel.join(', ')} for ${type}`);
  if (invalid.length)
    throw planError(`invalid privilege types ${invalid.join(', ')} for ${type} "${cat.fullNameString(items[0])}"`);
}

export function grantOrRevoke(ctx: ExecContext, st: Extract<Statement, { kind: 'grant' | 'revoke' }>): ExecResult {
  const { cat, session } = ctx;
  // Plan (names, roles), then the RBAC check, then apply: nothing changes when any part fails.
  const items = st.names.map((n) => {
    const item = cat.resolveItem(session, n);
    if (item.kind !== st.objectType)
      throw planError(`${cat.fullNameString(item)} is a ${item.kind} not a ${st.objectType}`);
    return item;
  });
  const roleIds = st.roles.map((r) => {
    if (r === null) return PUBLIC_ID;
    const role = cat.roleByName(r);
    if (!role || role.id === PUBLIC_ID) throw planError(`unknown role '${r}'`);
    return role.id;
  });
  checkPrivilegeTypes(cat, st, items);
  for (const item of items) requireOwner(cat, session, item);
  for (const item of items) {
    for (const id of roleIds) (st.kind === 'grant' ? grantUsage : revokeUsage)(item, id);
    cat.touch(item.id);
  }
  return done(st.kind === 'grant' ? 'GRANT' : 'REVOKE');
}
