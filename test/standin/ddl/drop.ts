// DROP CONNECTION|SECRET|SCHEMA|DATABASE|ROLE with dependency tracking (§4.3).
import type { Statement } from '../ast';
import type { Item } from '../catalog';
import { SYSTEM_SCHEMAS } from '../catalog';
import { done, type ExecContext, type ExecResult } from '../context';
import type { Notice } from '../errors';
import { planError } from '../errors';
import { holdsGrants, requireOwner } from '../privileges';

type DropStmt = Extract<Statement, { kind: 'drop' }>;

/** Every item that (transitively) depends on one of `ids`. */
function closure(ctx: ExecContext, ids: string[]): Set<string> {
  const out = new Set(ids);
  const queue = [...ids];
  while (queue.length) {
    const id = queue.pop()!;
    for (const dep of ctx.cat.usedBy(id))
      if (!out.has(dep.id)) {
        out.add(dep.id);
        queue.push(dep.id);
      }
  }
  return out;
}

function removeItems(ctx: ExecContext, ids: Set<string>): void {
  for (const id of ids) {
    ctx.secrets.delete(id);
    ctx.cat.removeItem(id);
  }
}

function restrictCheck(ctx: ExecContext, targets: Item[], allowed: Set<string>): void {
  const { cat, session } = ctx;
  for (const t of targets) {
    const deps = cat.usedBy(t.id).filter((d) => !allowed.has(d.id));
    if (deps.length)
      throw planError(
        `cannot drop ${t.kind} "${cat.minimalName(session, t)}": still depended upon by ${deps
          .map((d) => `${d.kind} "${cat.minimalName(session, d)}"`)
          .join(', ')}`,
        undefined,
        'Use DROP ... CASCADE to drop the dependent objects too.', // [inferred] §4.3
      );
  }
}

export async function drop(ctx: ExecContext, st: DropStmt): Promise<ExecResult> {
  const { cat, session } = ctx;
  const tag = `DROP ${st.objectType.toUpperCase()}`;
  const notices: Notice[] = [];
  const missing = (name: string[]) =>
    notices.push({ message: `${st.objectType.toUpperCase()} "${name.join('.')}" does not exist, skipping` });

  if (st.objectType === 'connection' || st.objectType === 'secret') {
    const targets: Item[] = [];
    for (const n of st.names) {
      const item = cat.tryResolveItem(session, n);
      if (!item) {
        if (st.ifExists) missing(n);
        else throw planError(`unknown catalog item '${n.join('.')}'`);
        continue;
      }
      if (item.kind !== st.objectType)
        throw planError(`${cat.fullNameString(item)} is a ${item.kind} not a ${st.objectType}`);
      targets.push(item);
    }
    const ids = targets.map((t) => t.id);
    if (!st.cascade) restrictCheck(ctx, targets, new Set(ids));
    for (const t of targets) requireOwner(cat, session, t); // no ownership of dependents needed (rbac.rs)
    removeItems(ctx, st.cascade ? closure(ctx, ids) : new Set(ids));
    return done(tag, notices);
  }

  if (st.objectType === 'schema') {
    for (const n of st.names) {
      if (n.length === 1 && SYSTEM_SCHEMAS.includes(n[0]))
        throw planError(`system schema '${n[0]}' cannot be modified`);
      let schema;
      try {
        schema = cat.resolveSchema(session, n);
      } catch (e) {
        if (st.ifExists) {
          missing(n);
          continue;
        }
        throw e;
      }
      const items = cat.itemsIn(schema.id);
      const dbName = schema.databaseId ? cat.databases.get(schema.databaseId)!.name : '';
      if (items.length && !st.cascade)
        throw planError(
          `schema '${dbName}.${schema.name}' cannot be dropped without CASCADE while it contains objects`,
        );
      removeItems(
        ctx,
        closure(
          ctx,
          items.map((i) => i.id),
        ),
      );
      cat.removeSchema(schema.id);
    }
    return done(tag, notices);
  }

  if (st.objectType === 'database') {
    for (const n of st.names) {
      const db = cat.databaseByName(n[0]);
      if (!db) {
        if (st.ifExists) missing(n);
        else throw planError(`unknown database '${n[0]}'`);
        continue;
      }
      // §4.3 [docs]: DROP DATABASE is CASCADE by default.
      const schemas = [...cat.schemas.values()].filter((s) => s.databaseId === db.id);
      const items = schemas.flatMap((s) => cat.itemsIn(s.id));
      removeItems(
        ctx,
        closure(
          ctx,
          items.map((i) => i.id),
        ),
      );
      schemas.forEach((s) => cat.removeSchema(s.id));
      cat.removeDatabase(db.id);
    }
    return done(tag, notices);
  }

  // roles
  for (const n of st.names) {
    const role = cat.roleByName(n[0]);
    if (!role) {
      if (st.ifExists) missing(n);
      else throw planError(`unknown role '${n[0]}'`);
      continue;
    }
    const owns =
      [...cat.items.values()].some((i) => i.ownerId === role.id) ||
      [...cat.schemas.values()].some((s) => s.ownerId === role.id) ||
      [...cat.databases.values()].some((d) => d.ownerId === role.id);
    // privilege_grants.slt: a role that owns objects or still holds (or granted) privileges on them cannot be dropped.
    if (owns || holdsGrants(cat, role.id))
      throw planError(`role "${role.name}" cannot be dropped because some objects depend on it`);
    cat.roles.delete(role.id);
    cat.dirty.add(`roles:${role.id}`);
  }
  return done(tag, notices);
}
