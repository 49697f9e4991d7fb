// GRANT / REVOKE USAGE ON CONNECTION | SECRET (materialize-newest-features.md §6.1): USAGE is the only
// privilege of these objects; the grantor must own every object named (or be a superuser).
import type { Statement } from '../ast';
import { done, type ExecContext, type ExecResult } from '../context';
import { planError } from '../errors';
import { grantUsage, PUBLIC_ID, requireOwner, revokeUsage } from '../privileges';

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
  for (const item of items) requireOwner(cat, session, item);
  for (const item of items) {
    for (const id of roleIds) (st.kind === 'grant' ? grantUsage : revokeUsage)(item, id);
    cat.touch(item.id);
  }
  return done(st.kind === 'grant' ? 'GRANT' : 'REVOKE');
}
