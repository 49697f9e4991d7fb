// Stages of one stack, for `pulumi preview --json` and mz-plan (test/acceptance/plan.test.ts). Config `stage`:
//   1: a Secret (secret value), an SSH tunnel, a PostgreSQL connection through both (its comment quotes the
//      tunnel's qualifiedName, an output: unknown in the first preview), a schema registry whose USERNAME is a secret text, a Kafka
//      connection;
//   2: the Secret's value and the tunnel's host change (ALTER), the schema registry's secret username changes,
//      the Kafka connection moves to another schema (a replacement);
//   3: the Kafka connection is removed (a delete).
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const stage = config.requireNumber('stage');

const password = new mz.Secret('pg-password', { name: 'plan_pg_password', value: config.requireSecret('pgPassword') });
const tunnel = new mz.SshTunnelConnection('tunnel', {
  name: 'plan_tunnel',
  host: stage === 1 ? 'bastion-1.example.com' : 'bastion-2.example.com',
  user: 'mz',
});
new mz.PostgresConnection('pg', {
  name: 'plan_pg',
  host: 'pg.example.com',
  database: 'app',
  user: 'mz',
  password,
  sshTunnel: tunnel,
  // Unknown until the tunnel exists: the first preview cannot render this statement.
  comment: pulumi.interpolate`through ${tunnel.qualifiedName}`,
  validate: false,
});
new mz.ConfluentSchemaRegistryConnection('csr', {
  name: 'plan_csr',
  url: 'https://csr.example.com',
  username: config.requireSecret('csrUser'),
  validate: false,
});
if (stage < 3) {
  new mz.KafkaConnection('kafka', {
    name: 'plan_kafka',
    brokers: ['kafka.example.com:9092'],
    schemaName: stage === 1 ? 'public' : 'ingest',
    validate: false,
  });
}
