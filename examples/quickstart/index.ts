// The quickstart: a small but complete program. `npm run quickstart` runs it against a Materialize (the
// one in MZ_HOST, else the repository's stand-in) with a throwaway local Pulumi stack; or run it
// yourself from the repository root (Pulumi.yaml there points here):
//
//   npm run build && ln -s .. node_modules/pulumi-materialize-connections   # once; npm run quickstart does it
//   pulumi stack init dev
//   pulumi config set materialize:host <host>            # and :port, :username, :database, :sslmode
//   pulumi config set --secret materialize:password <app password>
//   pulumi config set --secret pgPassword <postgres password>
//   pulumi config set --secret kafkaPassword <kafka SASL password>
//   pulumi up
//
// It creates an SSH tunnel to a bastion, a Postgres connection through it, and a SASL_SSL Kafka
// connection. The bastion, database and brokers are placeholders that do not exist, so the Postgres
// and Kafka connections set `validate: false`: Materialize stores them without connecting. Point
// them at real systems (and install the exported public keys on the bastion) to drop that.
import * as pulumi from '@pulumi/pulumi';
import { KafkaConnection, PostgresConnection, Secret, SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const schemaName = config.get('schema') ?? 'public';

const tunnel = new SshTunnelConnection('bastion', {
  name: 'quickstart_bastion',
  schemaName,
  host: config.get('bastionHost') ?? 'bastion.example.com',
  port: 22,
  user: 'materialize',
  comment: 'quickstart: SSH bastion into the private network',
});

const pgPassword = new Secret('pg-password', {
  name: 'quickstart_pg_password',
  schemaName,
  value: pulumi.secret(config.requireSecret('pgPassword')),
});

const postgres = new PostgresConnection('orders-db', {
  name: 'quickstart_orders_db',
  schemaName,
  host: 'orders-db.internal',
  port: 5432,
  database: 'orders',
  user: 'materialize',
  password: pgPassword,
  sshTunnel: tunnel,
  // The database is a placeholder and the bastion does not trust the tunnel's keys yet.
  validate: false,
});

const kafkaPassword = new Secret('kafka-password', {
  name: 'quickstart_kafka_password',
  schemaName,
  value: pulumi.secret(config.requireSecret('kafkaPassword')),
});

const kafka = new KafkaConnection('events', {
  name: 'quickstart_kafka',
  schemaName,
  brokers: ['broker-1.kafka.example.com:9092', 'broker-2.kafka.example.com:9092'],
  securityProtocol: 'SASL_SSL',
  saslMechanisms: 'SCRAM-SHA-256',
  saslUsername: 'materialize',
  saslPassword: kafkaPassword,
  // The brokers are placeholders.
  validate: false,
});

/** Install both in the bastion's ~/.ssh/authorized_keys for the `materialize` user. */
export const sshPublicKey1 = tunnel.publicKey1;
export const sshPublicKey2 = tunnel.publicKey2;
export const connections = {
  tunnel: tunnel.qualifiedName,
  postgres: postgres.qualifiedName,
  kafka: kafka.qualifiedName,
};
/** The SQL each resource's last `pulumi up` ran (secret values masked). */
export const plannedSql = {
  tunnel: tunnel.plannedSql,
  pgPassword: pgPassword.plannedSql,
  postgres: postgres.plannedSql,
  kafkaPassword: kafkaPassword.plannedSql,
  kafka: kafka.plannedSql,
};
export const kafkaProgressTopic = kafka.effectiveProgressTopic;
