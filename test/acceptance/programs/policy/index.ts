// What the policy pack (policy/) sees in a preview. Config `variant`: "bad" breaks every policy once, "good"
// breaks none (plaintext only to loopback hosts, TLS elsewhere, key rotation, no cascade, validation kept).
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const bad = new pulumi.Config().require('variant') === 'bad';

if (bad) {
  new mz.KafkaConnection('kafka', {
    name: 'policy_kafka',
    brokers: ['kafka.example.com:9092'],
    securityProtocol: 'PLAINTEXT',
    validate: false,
  });
  new mz.PostgresConnection('pg', { name: 'policy_pg', host: 'pg.example.com', user: 'u', database: 'd' });
  new mz.ConfluentSchemaRegistryConnection('csr', { name: 'policy_csr', url: 'http://csr.example.com:8081' });
  new mz.SshTunnelConnection('tunnel', { name: 'policy_tunnel', host: 'bastion.example.com', user: 'mz' });
  new mz.AwsConnection('aws', {
    name: 'policy_aws',
    assumeRoleArn: 'arn:aws:iam::123456789012:role/materialize',
    dropCascade: true,
  });
} else {
  new mz.KafkaConnection('kafka', { name: 'policy_kafka', brokers: ['localhost:9092'], securityProtocol: 'PLAINTEXT' });
  new mz.PostgresConnection('pg', {
    name: 'policy_pg',
    host: 'pg.example.com',
    user: 'u',
    database: 'd',
    sslMode: 'require',
  });
  new mz.ConfluentSchemaRegistryConnection('csr', { name: 'policy_csr', url: 'https://csr.example.com' });
  new mz.SshTunnelConnection('tunnel', {
    name: 'policy_tunnel',
    host: 'bastion.example.com',
    user: 'mz',
    keyRotation: 1,
  });
}
