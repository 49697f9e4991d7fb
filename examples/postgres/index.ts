// CREATE CONNECTION ... TO POSTGRES (docs: "PostgreSQL" > Example and "Network security" > Example).
//
//   CREATE SECRET pgpass AS '<POSTGRES_PASSWORD>';
//   CREATE CONNECTION pg_connection TO POSTGRES (
//       HOST 'instance.foo000.us-west-1.rds.amazonaws.com', PORT 5432, USER 'postgres',
//       PASSWORD SECRET pgpass, SSL MODE 'require', DATABASE 'postgres'
//   );
//   CREATE CONNECTION tunnel TO SSH TUNNEL (HOST 'bastion-host', PORT 22, USER 'materialize');
//   CREATE CONNECTION pg_connection TO POSTGRES (
//       HOST 'instance.foo000.us-west-1.rds.amazonaws.com', PORT 5432, SSH TUNNEL tunnel, DATABASE 'postgres'
//   );
//
// Postgres connections are validated on creation by default (Materialize logs in and checks the
// database). The server and bastion here are placeholders, so both connections set `validate: false`;
// delete those lines for a real server. USER is required by Materialize, so the tunnelled connection
// names one too (the docs' snippet leaves it out).
//
// Config: pgPassword (secret, required); pgHost, bastionHost (optional).
import * as pulumi from '@pulumi/pulumi';
import { PostgresConnection, Secret, SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const host = config.get('pgHost') ?? 'instance.foo000.us-west-1.rds.amazonaws.com';

const pgpass = new Secret('pgpass', { name: 'pgpass', value: pulumi.secret(config.requireSecret('pgPassword')) });

const direct = new PostgresConnection('pg_connection', {
  name: 'pg_connection',
  host,
  port: 5432,
  user: 'postgres',
  password: pgpass,
  sslMode: 'require',
  database: 'postgres',
  validate: false, // placeholder server (see the top of this file)
});

const tunnel = new SshTunnelConnection('tunnel', {
  name: 'tunnel',
  host: config.get('bastionHost') ?? 'bastion-host',
  port: 22,
  user: 'materialize',
});
const viaSsh = new PostgresConnection('pg_ssh_connection', {
  name: 'pg_ssh_connection',
  host,
  port: 5432,
  user: 'postgres',
  password: pgpass,
  sshTunnel: tunnel,
  database: 'postgres',
  validate: false, // placeholder server, and the bastion does not trust the tunnel's keys yet
});

export const connections = [direct.qualifiedName, viaSsh.qualifiedName];
/** Install on the bastion before removing `validate: false`. */
export const sshPublicKeys = [tunnel.publicKey1, tunnel.publicKey2];
export const plannedSql = { direct: direct.plannedSql, viaSsh: viaSsh.plannedSql };
