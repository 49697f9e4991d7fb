// One generic renderer for CREATE CONNECTION, driven by the specs. Options come out in spec order,
// each as `KEYWORD = value`, so the same arguments always give the same statement.
import { isBrokerRule, type Broker, type BrokerPrivatelink, type ObjectRef, type PrivatelinkRef } from './args';
import { specFor, type Args, type ConnectionKind, type OptionSpec } from './specs';
import { isSet } from './specs/common';
import { quoteLiteral, qualifiedName, resolveLocation, type ObjectLocation, type ResolvedLocation } from './sql/quote';
import { isObjectRef, refSql } from './sql/refs';
import { containsUnknown } from './unknown';

/** How a value not known until `pulumi up` shows in planned SQL. */
export const COMPUTED = '<computed>';

export function renderOptionValue(opt: OptionSpec, value: unknown, own: ResolvedLocation): string {
  if (containsUnknown(value)) return COMPUTED;
  const v = opt.value;
  switch (v.type) {
    case 'text':
      return quoteLiteral(value as string);
    case 'secret':
      return `SECRET ${refSql(value as ObjectRef, own)}`;
    case 'text-or-secret':
      return isObjectRef(value) ? `SECRET ${refSql(value, own)}` : quoteLiteral(value as string);
    case 'port':
    case 'positive-integer':
      return String(value);
    case 'text-list':
      return `(${(value as string[]).map(quoteLiteral).join(', ')})`;
    case 'connection':
      return refSql(value as ObjectRef, own);
    case 'privatelink': {
      const pl = value as PrivatelinkRef;
      // The top-level form takes `(PORT n)` without `=` (Materialize's grammar, §1.1).
      return refSql(pl.connection, own) + (pl.port !== undefined && pl.port !== null ? ` (PORT ${pl.port})` : '');
    }
    case 'brokers':
      return `(${(value as Broker[]).map((b) => renderBroker(b, own)).join(', ')})`;
  }
}

function renderBroker(broker: Broker, own: ResolvedLocation): string {
  if (typeof broker === 'string') return quoteLiteral(broker);
  if (isBrokerRule(broker))
    return `MATCHING ${quoteLiteral(broker.matching)} USING AWS PRIVATELINK ${renderBrokerPrivatelink(broker.awsPrivatelink, own)}`;
  let sql = quoteLiteral(broker.address);
  if (broker.sshTunnel) sql += ` USING SSH TUNNEL ${refSql(broker.sshTunnel, own)}`;
  if (broker.awsPrivatelink) sql += ` USING AWS PRIVATELINK ${renderBrokerPrivatelink(broker.awsPrivatelink, own)}`;
  return sql;
}

function renderBrokerPrivatelink(pl: BrokerPrivatelink, own: ResolvedLocation): string {
  const opts: string[] = [];
  if (pl.availabilityZone !== undefined && pl.availabilityZone !== null)
    opts.push(`AVAILABILITY ZONE = ${quoteLiteral(pl.availabilityZone)}`);
  if (pl.port !== undefined && pl.port !== null) opts.push(`PORT = ${pl.port}`);
  return refSql(pl.connection, own) + (opts.length ? ` (${opts.join(', ')})` : '');
}

export function renderOption(opt: OptionSpec, value: unknown, own: ResolvedLocation): string {
  return `${opt.keyword} = ${renderOptionValue(opt, value, own)}`;
}

export function withValidate(args: Args): string {
  return typeof args.validate === 'boolean' ? ` WITH (VALIDATE = ${args.validate})` : '';
}

/** The CREATE CONNECTION statement for valid arguments (see validateConnection). */
export function createConnectionSql(kind: ConnectionKind, args: Args): string {
  const spec = specFor(kind);
  const own = resolveLocation(args as unknown as ObjectLocation);
  const options = spec.options.filter((o) => isSet(args, o.arg)).map((o) => renderOption(o, args[o.arg], own));
  return `CREATE CONNECTION ${qualifiedName(own)} TO ${spec.sqlType} (${options.join(', ')})` + withValidate(args);
}
