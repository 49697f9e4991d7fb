// CREATE CONNECTION ... TO SQL SERVER. (The CREATE CONNECTION page this repository follows has no SQL
// Server section; this mirrors Materialize's SQL Server source guide.)
//
//   CREATE SECRET sql_server_pass AS '<SQL_SERVER_PASSWORD>';
//   CREATE CONNECTION sql_server_connection TO SQL SERVER (
//       HOST 'instance.foo000.us-west-1.rds.amazonaws.com', PORT 1433, USER 'materialize',
//       PASSWORD SECRET sql_server_pass, DATABASE 'inventory', SSL MODE 'required'
//   );
//
// Materialize cannot ALTER a SQL Server connection: any change here replaces it (and, through
// dependents, anything built on it). SQL Server connections are validated on creation by default; the
// server and bastion are placeholders, so both set `validate: false`.
//
// Config: sqlServerPassword (secret, required); sqlServerHost, bastionHost (optional).
import * as pulumi from '@pulumi/pulumi';
import { Secret, SqlServerConnection, SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const host = config.get('sqlServerHost') ?? 'instance.foo000.us-west-1.rds.amazonaws.com';

const password = new Secret('sql_server_pass', {
  name: 'sql_server_pass',
  value: pulumi.secret(config.requireSecret('sqlServerPassword')),
});

const direct = new SqlServerConnection('sql_server_connection', {
  name: 'sql_server_connection',
  host,
  port: 1433,
  user: 'materialize',
  password,
  database: 'inventory',
  sslMode: 'required', // disabled, required, verify or verify_ca (which needs sslCertificateAuthority)
  validate: false, // placeholder server (see the top of this file)
});

const tunnel = new SshTunnelConnection('ssh_connection', {
  name: 'ssh_connection',
  host: config.get('bastionHost') ?? 'bastion-host',
  port: 22,
  user: 'materialize',
});
const viaSsh = new SqlServerConnection('sql_server_ssh_connection', {
  name: 'sql_server_ssh_connection',
  host,
  port: 1433,
  user: 'materialize',
  password,
  database: 'inventory',
  sshTunnel: tunnel,
  validate: false, // placeholder server, and the bastion does not trust the tunnel's keys yet
});

export const connections = [direct.qualifiedName, viaSsh.qualifiedName];
export const sshPublicKeys = [tunnel.publicKey1, tunnel.publicKey2];
export const plannedSql = { direct: direct.plannedSql, viaSsh: viaSsh.plannedSql };
