// One SSH tunnel and one Kafka connection whose options come from stack config, so that the acceptance suite
// can drive the engine's forced replacements, adoption, secrets in text options and partial updates
// (pulumi-engine-findings.md section A) through the real Pulumi CLI.
//
// Config: tunnelName (default t), adopt (bool), deleteBeforeReplace (bool), comment, ownerRole; for the Kafka
// connection's password Secret, passwordSchema (default public), passwordDeleteBeforeReplace. The environment's
// ACCEPTANCE_KAFKA_USER is given as pulumi.secret() to a text option in code: neither stack config (the engine
// masks secret config values in all it prints, which would hide a leak) nor plain config (kept in the state).
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const config = new pulumi.Config();

const tunnel = new mz.SshTunnelConnection(
  'tunnel',
  {
    name: config.get('tunnelName') ?? 't',
    host: 'bastion.example.com',
    user: 'materialize',
    comment: config.get('comment'),
    ownerRole: config.get('ownerRole'),
    adoptExisting: config.getBoolean('adopt') ?? false,
  },
  { deleteBeforeReplace: config.getBoolean('deleteBeforeReplace') },
);

const kafkaUserText = process.env.ACCEPTANCE_KAFKA_USER;
const kafkaUser = kafkaUserText === undefined ? undefined : pulumi.secret(kafkaUserText);
const kafka = kafkaUser
  ? new mz.KafkaConnection('kafka', {
      name: 'k',
      brokers: ['broker.example.com:9092'],
      saslMechanisms: 'PLAIN',
      saslUsername: kafkaUser,
      saslPassword: new mz.Secret(
        'kafka-password',
        { name: 'kafka_password', schemaName: config.get('passwordSchema'), value: 'not-a-secret-here' },
        { deleteBeforeReplace: config.getBoolean('passwordDeleteBeforeReplace') },
      ),
      validate: false,
    })
  : undefined;

export const tunnelId = tunnel.connectionId;
export const kafkaSql = kafka?.plannedSql;
