// CREATE CONNECTION (§1, §2) and VALIDATE CONNECTION (§2.2).
import type { ConnOption, Statement } from '../ast';
import type { Item } from '../catalog';
import { done, type ExecContext, type ExecResult } from '../context';
import { planError } from '../errors';
import { VALIDATE_BY_DEFAULT } from '../options';
import { requireUsageOfReferences } from '../privileges';
import { planConnectionOptions } from '../rules';
import { generateKeyPair } from '../ssh-keys';
import { validateConnection } from '../validate';
import { validateOption } from './with';

export const cloneOptions = (o: ConnOption[]): ConnOption[] => structuredClone(o);

export async function createConnection(
  ctx: ExecContext,
  st: Extract<Statement, { kind: 'create_connection' }>,
): Promise<ExecResult> {
  const { cat, session } = ctx;
  const schema = cat.resolveCreateSchema(session, st.name);
  const itemName = st.name[st.name.length - 1];
  const options = planConnectionOptions(cat, session, st.type, cloneOptions(st.options));
  const validate = validateOption(st.with) ?? VALIDATE_BY_DEFAULT[st.type];
  const existing = cat.itemIn(schema.id, itemName);
  // §2.3: without IF NOT EXISTS the plan refuses a taken name (any item type).
  if (existing && !st.ifNotExists) throw planError(`${existing.kind} "${cat.fullNameString(existing)}" already exists`);
  // §8.2: the id is allocated (and burned on failure or on an IF NOT EXISTS hit).
  const id = cat.allocItemId();
  const owner = cat.roleByName(session.user)!;
  const item: Item = {
    id,
    oid: 0,
    schemaId: schema.id,
    name: itemName,
    kind: 'connection',
    ownerId: owner.id,
    connType: st.type,
    options,
    sshKeys: st.type === 'SSH TUNNEL' ? [generateKeyPair(), generateKeyPair()] : undefined,
  };
  // §6.3: USAGE on every referenced connection and secret, checked before validation.
  requireUsageOfReferences(cat, session, item);
  // §2.3: with IF NOT EXISTS, validation still runs before the catalog refuses.
  if (validate) await validateConnection(ctx.validate, item);
  if (cat.itemIn(schema.id, itemName)) {
    if (st.ifNotExists)
      return done('CREATE CONNECTION', [{ message: `connection "${itemName}" already exists, skipping` }]);
    throw planError(`connection "${cat.fullNameString(cat.itemIn(schema.id, itemName)!)}" already exists`);
  }
  item.oid = cat.oid();
  cat.addItem(item);
  return done('CREATE CONNECTION');
}

export async function validateConnectionStmt(
  ctx: ExecContext,
  st: Extract<Statement, { kind: 'validate_connection' }>,
): Promise<ExecResult> {
  const item = ctx.cat.resolveItem(ctx.session, st.name);
  if (item.kind !== 'connection') throw planError(`cannot validate ${item.kind} '${ctx.cat.fullNameString(item)}'`);
  await validateConnection(ctx.validate, item);
  return done('VALIDATE CONNECTION');
}
