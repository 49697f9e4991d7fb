// CREATE CONNECTION ... TO SSH TUNNEL (docs: "SSH tunnel" > Examples).
//
//   CREATE CONNECTION ssh_connection TO SSH TUNNEL (HOST 'bastion-host', PORT 22, USER 'materialize');
//
// Materialize generates two Ed25519 key pairs per tunnel; the docs' follow-up query of
// mz_ssh_tunnel_connections is what `publicKey1` / `publicKey2` expose. Install both on the bastion so the
// keys can be rotated without downtime.
//
// Config (all optional): bastionHost, bastionPort, bastionUser.
import * as pulumi from '@pulumi/pulumi';
import { SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

// Creating a tunnel does not contact the bastion (SSH tunnels are not validated by default), so this
// runs before the bastion trusts Materialize's keys.
const tunnel = new SshTunnelConnection('ssh_connection', {
  name: 'ssh_connection',
  host: config.get('bastionHost') ?? 'bastion-host',
  port: config.getNumber('bastionPort') ?? 22,
  user: config.get('bastionUser') ?? 'materialize',
  comment: 'Bastion for the private network',
});

export const connection = tunnel.qualifiedName;
export const publicKey1 = tunnel.publicKey1;
export const publicKey2 = tunnel.publicKey2;
/** Lines for the bastion user's ~/.ssh/authorized_keys. */
export const authorizedKeys = pulumi.interpolate`${tunnel.publicKey1}\n${tunnel.publicKey2}\n`;
export const plannedSql = tunnel.plannedSql;
