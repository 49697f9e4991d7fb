// A Kafka connection whose SASL username is a Pulumi secret made in the program (so the engine's masking of
// secret config values cannot hide a leak) and whose comment is another resource's id, unknown in the preview.
//
// The username is written here, not taken from config: the provider process receives every config value in
// clear, so only a value that exists in the program alone shows what the provider does with it.
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

/** The same values as CANARY and ROTATED in test/acceptance/secret-preview.test.ts. */
const CANARY = 'canary-sasl-user-7Qx';
const ROTATED = 'rotated-sasl-user-9Zk';
const config = new pulumi.Config();
// rotate: the new username, with validation on, which Materialize refuses (the brokers do not exist).
const rotate = config.getBoolean('rotate') ?? false;

const tunnel = new mz.SshTunnelConnection('tunnel', {
  name: 'secret_preview_tunnel',
  host: 'bastion.example.com',
  user: 'materialize',
});

const kafka = new mz.KafkaConnection('kafka', {
  name: 'secret_preview_kafka',
  brokers: ['broker.example.com:9092'],
  saslMechanisms: 'PLAIN',
  saslUsername: pulumi.secret(rotate ? ROTATED : CANARY),
  saslPassword: new mz.Secret('kafka-password', { name: 'secret_preview_password', value: 'not-the-canary-value' }),
  comment: tunnel.connectionId,
  validate: rotate,
});

export const kafkaId = kafka.connectionId;
