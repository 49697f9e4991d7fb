// CREATE CONNECTION ... TO MYSQL (docs: "MySQL" > Example and "Network security" > Example).
//
//   CREATE SECRET mysqlpass AS '<POSTGRES_PASSWORD>';
//   CREATE CONNECTION mysql_connection TO MYSQL (
//       HOST 'instance.foo000.us-west-1.rds.amazonaws.com', PORT 3306, USER 'root', PASSWORD SECRET mysqlpass
//   );
//   CREATE CONNECTION tunnel TO SSH TUNNEL (HOST 'bastion-host', PORT 22, USER 'materialize');
//   CREATE CONNECTION mysql_connection TO MYSQL (
//       HOST 'instance.foo000.us-west-1.rds.amazonaws.com', SSH TUNNEL ssh_connection
//   );
//
// MySQL connections are validated on creation by default (Materialize logs in). The server and bastion
// here are placeholders, so both connections set `validate: false`; delete those lines for a real
// server. USER is required by Materialize, so the tunnelled connection names one too (the docs' snippet
// leaves it out, and names the tunnel `ssh_connection` where it created `tunnel`).
//
// Config: mysqlPassword (secret, required); mysqlHost, bastionHost (optional).
import * as pulumi from '@pulumi/pulumi';
import { MySqlConnection, Secret, SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const host = config.get('mysqlHost') ?? 'instance.foo000.us-west-1.rds.amazonaws.com';

const mysqlpass = new Secret('mysqlpass', {
  name: 'mysqlpass',
  value: pulumi.secret(config.requireSecret('mysqlPassword')),
});

const direct = new MySqlConnection('mysql_connection', {
  name: 'mysql_connection',
  host,
  port: 3306,
  user: 'root',
  password: mysqlpass,
  validate: false, // placeholder server (see the top of this file)
});

const tunnel = new SshTunnelConnection('tunnel', {
  name: 'tunnel',
  host: config.get('bastionHost') ?? 'bastion-host',
  port: 22,
  user: 'materialize',
});
const viaSsh = new MySqlConnection('mysql_ssh_connection', {
  name: 'mysql_ssh_connection',
  host,
  user: 'root',
  password: mysqlpass,
  sshTunnel: tunnel,
  validate: false, // placeholder server, and the bastion does not trust the tunnel's keys yet
});

export const connections = [direct.qualifiedName, viaSsh.qualifiedName];
/** Install on the bastion before removing `validate: false`. */
export const sshPublicKeys = [tunnel.publicKey1, tunnel.publicKey2];
export const plannedSql = { direct: direct.plannedSql, viaSsh: viaSsh.plannedSql };
