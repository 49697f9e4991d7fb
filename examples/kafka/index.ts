// CREATE CONNECTION ... TO KAFKA: every example of the docs' "Kafka" section.
//
// Kafka connections are validated on creation by default: Materialize connects to the brokers and fails
// the CREATE if it cannot. The brokers, bastions and registries below are the docs' placeholders and do
// not exist, so every Kafka connection here sets `validate: false` (Materialize stores it without
// connecting). With real brokers, delete those lines to get validation back.
//
// Config: kafkaPassword, kafkaSslCert, kafkaSslKey, caCert (secrets, required); bastionHost,
// bastionUser, bastionPort, mskRoleArn (optional).
import * as pulumi from '@pulumi/pulumi';
import { AwsConnection, KafkaConnection, Secret, SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

// The secrets the docs create with CREATE SECRET.
const kafkaPassword = new Secret('kafka_password', {
  name: 'kafka_password',
  value: pulumi.secret(config.requireSecret('kafkaPassword')),
});
const kafkaSslCert = new Secret('kafka_ssl_cert', {
  name: 'kafka_ssl_cert',
  value: pulumi.secret(config.requireSecret('kafkaSslCert')),
});
const kafkaSslKey = new Secret('kafka_ssl_key', {
  name: 'kafka_ssl_key',
  value: pulumi.secret(config.requireSecret('kafkaSslKey')),
});
const caCert = new Secret('ca_cert', { name: 'ca_cert', value: pulumi.secret(config.requireSecret('caCert')) });

// The bastion the docs' tunnelled examples go through.
const sshConnection = new SshTunnelConnection('ssh_connection', {
  name: 'ssh_connection',
  host: config.get('bastionHost') ?? 'bastion-host',
  port: config.getNumber('bastionPort') ?? 22,
  user: config.get('bastionUser') ?? 'materialize',
});

// BROKERS ('broker1:9092', 'broker2:9092')
const brokersList = new KafkaConnection('kafka_brokers', {
  name: 'kafka_brokers',
  brokers: ['broker1:9092', 'broker2:9092'],
  validate: false, // placeholder brokers (see the top of this file)
});

// PLAINTEXT, only safe inside a tunnel.
const plaintext = new KafkaConnection('kafka_plaintext', {
  name: 'kafka_plaintext',
  brokers: ['unique-jellyfish-0000.prd.cloud.redpanda.com:9092'],
  securityProtocol: 'PLAINTEXT',
  sshTunnel: sshConnection,
  validate: false, // placeholder broker and bastion
});

// SSL with TLS encryption and TLS client authentication.
const sslClientAuth = new KafkaConnection('kafka_ssl', {
  name: 'kafka_ssl',
  brokers: ['rp-f00000bar.cloud.redpanda.com:30365'],
  securityProtocol: 'SSL',
  sslCertificate: kafkaSslCert,
  sslKey: kafkaSslKey,
  // Only needed when the brokers' certificates are not issued by a CA in the Mozilla root store.
  sslCertificateAuthority: caCert,
  validate: false, // placeholder broker
});

// SSL with TLS encryption only (no client authentication), only safe inside a tunnel.
const sslEncryptionOnly = new KafkaConnection('kafka_ssl_tunnel', {
  name: 'kafka_ssl_tunnel',
  brokers: ['rp-f00000bar.cloud.redpanda.com:30365'],
  securityProtocol: 'SSL',
  sshTunnel: sshConnection,
  sslCertificateAuthority: caCert,
  validate: false, // placeholder broker and bastion
});

// SASL_PLAINTEXT, only safe inside a tunnel.
const saslPlaintext = new KafkaConnection('kafka_sasl_plaintext', {
  name: 'kafka_sasl_plaintext',
  brokers: ['unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'],
  securityProtocol: 'SASL_PLAINTEXT',
  saslMechanisms: 'SCRAM-SHA-256', // or PLAIN or SCRAM-SHA-512
  saslUsername: 'foo',
  saslPassword: kafkaPassword,
  sshTunnel: sshConnection,
  validate: false, // placeholder broker and bastion
});

// SASL_SSL.
const saslSsl = new KafkaConnection('kafka_sasl_ssl', {
  name: 'kafka_sasl_ssl',
  brokers: ['unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'],
  securityProtocol: 'SASL_SSL',
  saslMechanisms: 'SCRAM-SHA-256', // or PLAIN or SCRAM-SHA-512
  saslUsername: 'foo',
  saslPassword: kafkaPassword,
  sslCertificateAuthority: caCert,
  validate: false, // placeholder broker
});

// AWS IAM authentication with Amazon MSK (private preview in Materialize).
const awsMsk = new AwsConnection('aws_msk', {
  name: 'aws_msk',
  assumeRoleArn: config.get('mskRoleArn') ?? 'arn:aws:iam::400121260767:role/MaterializeMSK',
});
const kafkaMsk = new KafkaConnection('kafka_msk', {
  name: 'kafka_msk',
  brokers: ['msk.mycorp.com:9092'],
  securityProtocol: 'SASL_SSL',
  awsConnection: awsMsk,
  validate: false, // placeholder cluster, and the role does not trust this connection's external ID yet
});

// Network security: a default SSH tunnel for every broker.
const defaultTunnel = new KafkaConnection('kafka_default_tunnel', {
  name: 'kafka_default_tunnel',
  brokers: ['broker1:9092'],
  sshTunnel: sshConnection,
  validate: false, // placeholder broker and bastion
});

// Network security: a tunnel per broker, plus a default for brokers the cluster advertises but that are
// not listed (without a default, Materialize would reach those directly).
const ssh1 = new SshTunnelConnection('ssh1', { name: 'ssh1', host: 'ssh1', port: 22, user: 'materialize' });
const ssh2 = new SshTunnelConnection('ssh2', { name: 'ssh2', host: 'ssh2', port: 22, user: 'materialize' });
const perBrokerTunnels = new KafkaConnection('kafka_per_broker_tunnels', {
  name: 'kafka_per_broker_tunnels',
  brokers: [
    { address: 'broker1:9092', sshTunnel: ssh1 },
    // A reference can also be written out as { name, schemaName?, databaseName? } (plain values, or one
    // Output of them: built from the tunnel's outputs, it also keeps the deployment order).
    { address: 'broker2:9092', sshTunnel: pulumi.output({ name: ssh2.name, schemaName: ssh2.schemaName }) },
  ],
  sshTunnel: ssh1,
  validate: false, // placeholder brokers and bastions
});

const all = {
  brokersList,
  plaintext,
  sslClientAuth,
  sslEncryptionOnly,
  saslPlaintext,
  saslSsl,
  kafkaMsk,
  defaultTunnel,
  perBrokerTunnels,
};

/** Install these on the bastions (authorized_keys of their `materialize` user). */
export const sshPublicKeys = {
  ssh_connection: [sshConnection.publicKey1, sshConnection.publicKey2],
  ssh1: [ssh1.publicKey1, ssh1.publicKey2],
  ssh2: [ssh2.publicKey1, ssh2.publicKey2],
};
/** The MSK role's trust policy must allow this external ID. */
export const mskExternalId = awsMsk.externalId;
export const mskExampleTrustPolicy = awsMsk.exampleTrustPolicy;
/** The topic Kafka sinks will use to track progress, per connection. */
export const progressTopics = Object.fromEntries(Object.entries(all).map(([k, c]) => [k, c.effectiveProgressTopic]));
export const plannedSql = Object.fromEntries(Object.entries(all).map(([k, c]) => [k, c.plannedSql]));
