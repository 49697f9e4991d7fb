// CREATE CONNECTION ... TO AWS PRIVATELINK, and the connections that route through it.
//
//   CREATE CONNECTION privatelink_svc TO AWS PRIVATELINK (
//       SERVICE NAME 'com.amazonaws.vpce.us-east-1.vpce-svc-0e123abc123198abc',
//       AVAILABILITY ZONES ('use1-az1', 'use1-az4')
//   );
//
// Setup is two-step: create the connection, then allow the exported `principal` on the VPC endpoint
// service (and accept the endpoint connection). Until then nothing can connect through it, so the
// Kafka, Schema Registry and Postgres connections below set `validate: false`; remove it once the
// endpoint is accepted and the services behind it exist.
//
// Config: serviceName, availabilityZones (optional); pgPassword (secret, required).
import * as pulumi from '@pulumi/pulumi';
import {
  AwsPrivatelinkConnection,
  ConfluentSchemaRegistryConnection,
  KafkaConnection,
  PostgresConnection,
  Secret,
} from 'pulumi-materialize-connections';

const config = new pulumi.Config();

const privatelink = new AwsPrivatelinkConnection('privatelink_svc', {
  name: 'privatelink_svc',
  serviceName: config.get('serviceName') ?? 'com.amazonaws.vpce.us-east-1.vpce-svc-0e123abc123198abc',
  availabilityZones: config.getObject<string[]>('availabilityZones') ?? ['use1-az1', 'use1-az4'],
});

// Kafka, each broker through the endpoint service (its own port, or pinned to an availability zone).
const kafka = new KafkaConnection('kafka_privatelink', {
  name: 'kafka_privatelink',
  brokers: [
    { address: 'b-1.hostname-1:9096', awsPrivatelink: { connection: privatelink, port: 9001 } },
    { address: 'b-2.hostname-2:9096', awsPrivatelink: { connection: privatelink, availabilityZone: 'use1-az4' } },
  ],
  validate: false, // the endpoint service is not accepted yet (see the top of this file)
});

// Kafka reached through the endpoint service as a whole, instead of listing brokers.
const kafkaDefault = new KafkaConnection('kafka_privatelink_default', {
  name: 'kafka_privatelink_default',
  awsPrivatelink: { connection: privatelink, port: 9092 },
  validate: false, // the endpoint service is not accepted yet
});

// Kafka with broker rules: bootstrap from one broker, then route every advertised broker whose host:port
// matches a pattern through the endpoint in that zone (first matching rule wins; others connect directly).
// Preview: needs the `enable_kafka_broker_matching_rules` feature in your Materialize region.
const kafkaRules = new KafkaConnection('kafka_privatelink_rules', {
  name: 'kafka_privatelink_rules',
  brokers: [
    { address: 'b-1.hostname-1:9096', awsPrivatelink: { connection: privatelink, port: 9001 } },
    { matching: '*.use1-az1.*', awsPrivatelink: { connection: privatelink, availabilityZone: 'use1-az1' } },
    { matching: '*.use1-az4.*', awsPrivatelink: { connection: privatelink, availabilityZone: 'use1-az4' } },
  ],
  validate: false, // the endpoint service is not accepted yet
});

const registry = new ConfluentSchemaRegistryConnection('csr_privatelink', {
  name: 'csr_privatelink',
  url: 'http://my-confluent-schema-registry:8081',
  awsPrivatelink: { connection: privatelink },
  validate: false, // the endpoint service is not accepted yet
});

const pgpass = new Secret('pgpass', { name: 'pgpass', value: pulumi.secret(config.requireSecret('pgPassword')) });
const postgres = new PostgresConnection('pg_privatelink', {
  name: 'pg_privatelink',
  host: 'instance.foo000.us-west-1.rds.amazonaws.com',
  port: 5432,
  user: 'postgres',
  password: pgpass,
  database: 'postgres',
  awsPrivatelink: { connection: privatelink },
  validate: false, // the endpoint service is not accepted yet
});

/** Allow this principal on the VPC endpoint service. */
export const principal = privatelink.principal;
export const connections = [kafka, kafkaDefault, kafkaRules, registry, postgres].map((c) => c.qualifiedName);
export const plannedSql = privatelink.plannedSql;
