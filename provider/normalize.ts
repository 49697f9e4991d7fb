// The canonical form of connection arguments, so that what a user wrote, what `check` stores, and what
// the catalog reader gives back compare equal when they mean the same: location defaults applied,
// references fully qualified, case-insensitive values in the spelling of the spec, plain brokers as
// strings. Preview placeholders are left where they are.
import { isBrokerRule, type Broker, type BrokerPrivatelink, type ObjectRef, type PrivatelinkRef } from './args';
import type { Args, ConnectionSpec, OptionSpec } from './specs';
import { normalizeUsage } from './privileges';
import { isObjectRef, resolveRef } from './sql/refs';
import { resolveLocation, type ObjectLocation, type ResolvedLocation } from './sql/quote';
import { containsUnknown } from './unknown';

function ref(value: ObjectRef, own: ResolvedLocation): ObjectRef {
  return containsUnknown(value) ? value : resolveRef(value, own);
}

function privatelink<T extends PrivatelinkRef | BrokerPrivatelink>(pl: T, own: ResolvedLocation): T {
  if (containsUnknown(pl) || !isObjectRef(pl.connection)) return pl;
  return dropNullish({ ...pl, connection: ref(pl.connection, own) }) as T;
}

function broker(b: Broker, own: ResolvedLocation): Broker {
  if (typeof b === 'string' || containsUnknown(b) || b === null || typeof b !== 'object') return b;
  if (isBrokerRule(b))
    return dropNullish({
      matching: b.matching,
      awsPrivatelink: b.awsPrivatelink && privatelink(b.awsPrivatelink, own),
    }) as unknown as Broker;
  if (!b.sshTunnel && !b.awsPrivatelink) return b.address;
  return dropNullish({
    address: b.address,
    sshTunnel: b.sshTunnel && ref(b.sshTunnel, own),
    awsPrivatelink: b.awsPrivatelink && privatelink(b.awsPrivatelink, own),
  }) as unknown as Broker;
}

export function normalizeOptionValue(opt: OptionSpec, value: unknown, own: ResolvedLocation): unknown {
  if (containsUnknown(value) && !Array.isArray(value)) return value;
  const v = opt.value;
  switch (v.type) {
    case 'text':
      if (typeof value === 'string' && v.oneOf && !v.caseSensitive)
        return v.oneOf.find((o) => o.toLowerCase() === value.toLowerCase()) ?? value;
      return value;
    case 'secret':
    case 'connection':
      return isObjectRef(value) ? ref(value, own) : value;
    case 'text-or-secret':
      return isObjectRef(value) ? ref(value, own) : value;
    case 'privatelink':
      return value !== null && typeof value === 'object' ? privatelink(value as PrivatelinkRef, own) : value;
    case 'brokers':
      return Array.isArray(value) ? value.map((b) => broker(b as Broker, own)) : value;
    default:
      return value;
  }
}

function dropNullish(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

/** Canonical arguments of any object: no null or undefined values, the location defaults applied, usage sorted. */
export function normalizeObjectArgs(args: Args): Record<string, unknown> {
  const out = dropNullish({ ...args });
  if ('usage' in out) out.usage = normalizeUsage(out.usage);
  if (containsUnknown([args.schemaName, args.databaseName])) return out;
  const r = resolveLocation(out as unknown as ObjectLocation);
  return { ...out, schemaName: r.schemaName, databaseName: r.databaseName };
}

/** Canonical connection arguments; keys that are not options or common arguments pass through unchanged. */
export function normalizeConnectionArgs(spec: ConnectionSpec, args: Args): Record<string, unknown> {
  const out = normalizeObjectArgs(args);
  if (containsUnknown([out.schemaName, out.databaseName])) return out;
  const own = resolveLocation(out as unknown as ObjectLocation);
  for (const opt of spec.options) if (opt.arg in out) out[opt.arg] = normalizeOptionValue(opt, out[opt.arg], own);
  return out;
}
