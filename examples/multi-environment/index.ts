// The same connections in two Materialize environments (say staging and production, or two regions)
// from one program. Every resource takes a `materialize` input naming the environment it lives in;
// settings left out fall back to the `materialize:*` stack config, then the MZ_* environment variables.
// The endpoint is stored as a secret. Changing its host, port or database replaces the resource (it
// then lives somewhere else).
//
// Config, per environment <env> in `environments` (default ["staging", "production"]):
//   <env>Host, <env>Username (optional, default: materialize:username / MZ_USERNAME),
//   <env>Password (secret), <env>Port (optional), <env>Sslmode (optional), <env>PgPassword (secret).
import * as pulumi from '@pulumi/pulumi';
import { PostgresConnection, Secret, SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const environments = config.getObject<string[]>('environments') ?? ['staging', 'production'];

const perEnvironment = environments.map((env) => {
  // pulumi.output turns the secret password into part of one Output<MaterializeEndpoint>.
  const materialize = pulumi.output({
    host: config.require(`${env}Host`),
    port: config.getNumber(`${env}Port`),
    username: config.get(`${env}Username`),
    password: config.requireSecret(`${env}Password`),
    database: 'materialize',
    sslmode: config.get(`${env}Sslmode`),
  });

  const tunnel = new SshTunnelConnection(`${env}-tunnel`, {
    materialize,
    name: 'tunnel',
    host: `bastion.${env}.example.com`,
    port: 22,
    user: 'materialize',
  });
  const pgpass = new Secret(`${env}-pgpass`, {
    materialize,
    name: 'pgpass',
    value: pulumi.secret(config.requireSecret(`${env}PgPassword`)),
  });
  const orders = new PostgresConnection(`${env}-orders`, {
    materialize,
    name: 'orders_db',
    host: `orders.${env}.internal`,
    port: 5432,
    user: 'materialize',
    password: pgpass,
    database: 'orders',
    sshTunnel: tunnel,
    validate: false, // placeholder database behind a bastion that does not trust the tunnel's keys yet
  });
  return { env, tunnel, orders };
});

/** Each environment's tunnel has its own keys: install each pair on that environment's bastion. */
export const sshPublicKeys = Object.fromEntries(
  perEnvironment.map(({ env, tunnel }) => [env, [tunnel.publicKey1, tunnel.publicKey2]]),
);
export const plannedSql = Object.fromEntries(perEnvironment.map(({ env, orders }) => [env, orders.plannedSql]));
