// Value kinds (§1.2, §1.4): resolves references and checks every option's value against its kind.
import type { ConnOption, Value } from '../ast';
import type { Catalog, Item, Session } from '../catalog';
import { planError } from '../errors';
import { OPTIONS } from '../options';

/** Rust's `str::parse::<u16|i32>` error texts, which Materialize passes through (§1.2). */
function parseInt(v: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(v)) throw new Error('invalid digit found in string');
  if (min === 0 && v.startsWith('-')) throw new Error('invalid digit found in string');
  const n = Number(v);
  if (n > max) throw new Error('number too large to fit in target type');
  if (n < min) throw new Error('number too small to fit in target type');
  return n;
}

export interface ResolveCtx {
  cat: Catalog;
  session: Session;
}

function resolveRef(ctx: ResolveCtx, name: string[]): Item {
  return ctx.cat.resolveItem(ctx.session, name);
}

/** Resolves all item references in place (names::resolve runs before planning). */
export function resolveReferences(ctx: ResolveCtx, options: ConnOption[]): void {
  const visit = (v: Value | undefined): void => {
    if (!v) return;
    if (v.t === 'secret' || v.t === 'object' || v.t === 'privatelink') v.id = resolveRef(ctx, v.name).id;
    else if (v.t === 'seq') v.items.forEach(visit);
    else if (v.t === 'broker') {
      visit(v.address);
      if (v.tunnel) v.tunnel.id = resolveRef(ctx, v.tunnel.name).id;
    } else if (v.t === 'rule') v.tunnel.id = resolveRef(ctx, v.tunnel.name).id;
  };
  for (const o of options) visit(o.value);
}

function kindError(opt: string, msg: string): never {
  throw planError(`invalid ${opt}: ${msg}`);
}

function checkSecretRef(ctx: ResolveCtx, v: Value & { t: 'secret' }): void {
  const item = ctx.cat.items.get(v.id!)!;
  if (item.kind !== 'secret') throw planError(`${ctx.cat.fullNameString(item)} is a ${item.kind} not a secret`);
}

/** §1.2: checks one option's value kind; errors are `invalid <OPT>: <err>`. */
export function checkValueKind(ctx: ResolveCtx, o: ConnOption): void {
  const spec = OPTIONS[o.name];
  const v = o.value!;
  const isText = v.t === 'string' || v.t === 'ident';
  switch (spec.kind) {
    case 'text':
      if (!isText) kindError(o.name, 'cannot use value as string');
      return;
    case 'text-or-secret':
      if (v.t === 'secret') return checkSecretRef(ctx, v);
      if (!isText) kindError(o.name, 'cannot use value as string');
      return;
    case 'secret':
      if (v.t !== 'secret') kindError(o.name, 'must provide a secret value');
      return checkSecretRef(ctx, v);
    case 'object':
      if (v.t !== 'object') kindError(o.name, 'must provide an object');
      return;
    case 'privatelink':
      if (v.t !== 'privatelink') kindError(o.name, 'must provide an object');
      return;
    case 'u16':
    case 'i32':
      if (v.t !== 'number') kindError(o.name, 'cannot use value as number');
      try {
        if (spec.kind === 'u16') parseInt(v.v, 0, 65535);
        else parseInt(v.v, -2147483648, 2147483647);
      } catch (e) {
        kindError(o.name, `invalid numeric value: ${(e as Error).message}`);
      }
      return;
    case 'list':
      if (v.t !== 'seq') kindError(o.name, 'cannot use value as array');
      for (const i of v.items) if (i.t !== 'string' && i.t !== 'ident') kindError(o.name, 'cannot use value in array');
      return;
    case 'broker':
      if (v.t !== 'broker' || v.address.t !== 'string') kindError(o.name, 'cannot use value as string');
      return;
    case 'brokers':
      if (v.t !== 'seq') kindError(o.name, 'cannot use value as array');
      for (const b of v.items)
        if (b.t !== 'rule' && (b.t !== 'broker' || b.address.t !== 'string'))
          kindError(o.name, 'cannot use value in array');
      return;
  }
}
