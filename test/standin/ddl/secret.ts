// CREATE SECRET / ALTER SECRET ... AS (§4.1, §4.2).
import { requireOwner } from '../privileges';
import type { Statement } from '../ast';
import { done, type ExecContext, type ExecResult } from '../context';
import { planError } from '../errors';
import { evalSecretExpr } from '../secrets';

export async function createSecret(
  ctx: ExecContext,
  st: Extract<Statement, { kind: 'create_secret' }>,
): Promise<ExecResult> {
  const { cat, session } = ctx;
  const schema = cat.resolveCreateSchema(session, st.name);
  const itemName = st.name[st.name.length - 1];
  const value = await ctx.store.lock.run(() => evalSecretExpr(ctx.store, st.expr));
  const id = cat.allocItemId(); // burned on an IF NOT EXISTS hit (§8.2)
  // §2.3: secrets have no plan-time existence check; the catalog error is `catalog item '<name>' already exists`.
  if (cat.itemIn(schema.id, itemName)) {
    if (st.ifNotExists) return done('CREATE SECRET', [{ message: `secret "${itemName}" already exists, skipping` }]);
    throw planError(`catalog item '${itemName}' already exists`);
  }
  ctx.secrets.set(id, value);
  cat.addItem({
    id,
    oid: cat.oid(),
    schemaId: schema.id,
    name: itemName,
    kind: 'secret',
    ownerId: cat.roleByName(session.user)!.id,
  });
  return done('CREATE SECRET');
}

export async function alterSecret(
  ctx: ExecContext,
  st: Extract<Statement, { kind: 'alter_secret' }>,
): Promise<ExecResult> {
  const { cat, session } = ctx;
  const item = cat.tryResolveItem(session, st.name);
  if (!item) {
    if (st.ifExists)
      return done('ALTER SECRET', [{ message: `SECRET "${st.name.join('.')}" does not exist, skipping` }]);
    throw planError(`unknown catalog item '${st.name.join('.')}'`);
  }
  // secret.slt (newest): `t1 is a table not a SECRET`.
  if (item.kind !== 'secret') throw planError(`${st.name.join('.')} is a ${item.kind} not a SECRET`);
  requireOwner(cat, session, item);
  const value = await ctx.store.lock.run(() => evalSecretExpr(ctx.store, st.expr));
  ctx.secrets.set(item.id, value); // §4.2: no check that the value changed; create_sql stays masked
  return done('ALTER SECRET');
}
