// Reference kinds: an option naming a connection of the wrong type. Materialize names the item unqualified
// (§connection.rs `build_tunnel_definition`, `get_aws_connection_reference`, `get_brokers`:
// `sql_bail!("{} is not an SSH connection", item.name().item)`).
import type { Catalog } from '../catalog';
import type { ConnectionType } from '../ast';
import { planError } from '../errors';

export const REF_KIND: Record<string, { type: ConnectionType; msg: string }> = {
  'SSH TUNNEL': { type: 'SSH TUNNEL', msg: 'is not an SSH connection' },
  'AWS PRIVATELINK': { type: 'AWS PRIVATELINK', msg: 'is not an AWS PRIVATELINK connection' },
  'AWS CONNECTION': { type: 'AWS', msg: 'is not an AWS connection' },
  'GCP CONNECTION': { type: 'GCP', msg: 'is not a GCP connection' },
};

export function checkReferenceKind(cat: Catalog, id: string | undefined, option: string): void {
  const item = id ? cat.items.get(id) : undefined;
  if (item && item.connType !== REF_KIND[option].type) throw planError(`${item.name} ${REF_KIND[option].msg}`);
}
