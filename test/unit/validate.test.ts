// One failing case per validation rule (materialize-semantics.md §1), asserting property and reason,
// plus the preview rule: unknown values never produce a failure.
import { UNKNOWN, validateConnection, validateSecret } from '../support/checked-provider';

type Case = [string, string, Record<string, unknown>, { property: string; reason: string }[]];
const pg = { name: 'pg', host: 'h', database: 'd', user: 'u' };
const kafka = { name: 'k', brokers: ['b:9092'] };
const ssh = { name: 't', host: 'h', user: 'u' };
const csr = { name: 'csr', url: 'https://csr:8081' };
const my = { name: 'my', host: 'h', user: 'u' };
const mssql = { name: 'ms', host: 'h', database: 'd', user: 'u', password: { name: 'pw' } };
const ice = { name: 'i', catalogType: 'rest', url: 'https://cat', credential: 'c' };
const ref = (name: string) => ({ name });
const BIGLAKE = 'https://biglake.googleapis.com/iceberg/v1/restcatalog';
const bigLake = {
  name: 'biglake',
  catalogType: 'rest',
  url: BIGLAKE,
  gcpConnection: ref('gcpconn'),
  warehouse: 'gs://w',
};
const s3Tables = {
  name: 's3t',
  catalogType: 's3tablesrest',
  url: 'https://example.invalid/api/catalog',
  warehouse: 'wh',
  awsConnection: ref('aws'),
};
const rule = (matching: string, az?: string) => ({
  matching,
  awsPrivatelink: { connection: ref('pl'), ...(az ? { availabilityZone: az } : {}) },
});

const cases: Case[] = [
  // Location and common arguments (§7)
  ['name is required', 'ssh-tunnel', { host: 'h', user: 'u' }, [{ property: 'name', reason: 'name is required' }]],
  [
    'empty name',
    'ssh-tunnel',
    { ...ssh, name: '' },
    [{ property: 'name', reason: 'name must not be empty (zero-length delimited identifier)' }],
  ],
  [
    'the name ".."',
    'ssh-tunnel',
    { ...ssh, name: '..' },
    [{ property: 'name', reason: 'name is not a valid identifier (invalid identifier: "..")' }],
  ],
  [
    'NUL in schema name',
    'ssh-tunnel',
    { ...ssh, schemaName: 'a\0b' },
    [{ property: 'schemaName', reason: 'schemaName must not contain a NUL character' }],
  ],
  [
    'database name over 255 bytes',
    'ssh-tunnel',
    { ...ssh, databaseName: 'é'.repeat(128) },
    [{ property: 'databaseName', reason: 'databaseName identifier length exceeds 255 bytes (256 bytes)' }],
  ],
  [
    'owner role must be a string',
    'ssh-tunnel',
    { ...ssh, ownerRole: 5 },
    [{ property: 'ownerRole', reason: 'ownerRole must be a string, got number 5' }],
  ],
  [
    'validate must be boolean',
    'ssh-tunnel',
    { ...ssh, validate: 'yes' },
    [{ property: 'validate', reason: 'validate must be true or false, got the string "yes"' }],
  ],
  [
    'comment must be text',
    'ssh-tunnel',
    { ...ssh, comment: 1 },
    [{ property: 'comment', reason: 'comment: expected text, got number 1' }],
  ],
  [
    'an option of another type',
    'mysql',
    { ...my, database: 'd' },
    [{ property: 'database', reason: 'MYSQL connections do not support DATABASE values' }],
  ],
  [
    'an unknown property',
    'ssh-tunnel',
    { ...ssh, hots: 'x' },
    [{ property: 'hots', reason: 'unknown property "hots" for SSH TUNNEL connections (known: host, port, user)' }],
  ],
  // Value kinds (§1.2)
  [
    'port out of range',
    'ssh-tunnel',
    { ...ssh, port: 70000 },
    [{ property: 'port', reason: 'invalid PORT: must be an integer from 1 to 65535, got number 70000' }],
  ],
  [
    'port as a string',
    'postgres',
    { ...pg, port: '5432' },
    [{ property: 'port', reason: 'invalid PORT: must be an integer from 1 to 65535, got the string "5432"' }],
  ],
  [
    'port zero',
    'mysql',
    { ...my, port: 0 },
    [{ property: 'port', reason: 'invalid PORT: must be an integer from 1 to 65535, got number 0' }],
  ],
  [
    'a secret option given text',
    'postgres',
    { ...pg, password: 'hunter2' },
    [
      {
        property: 'password',
        reason:
          'invalid PASSWORD: must provide a secret value: pass a Secret resource or { name, schemaName?, databaseName? }, not a string',
      },
    ],
  ],
  [
    'a reference without a name',
    'postgres',
    { ...pg, sshTunnel: { schemaName: 's' } },
    [
      {
        property: 'sshTunnel',
        reason:
          'invalid SSH TUNNEL: must provide an object (a ssh-tunnel connection): a resource or { name, schemaName?, databaseName? }, got an object',
      },
    ],
  ],
  [
    'a reference with an empty schema',
    'postgres',
    { ...pg, password: { name: 'p', schemaName: '' } },
    [
      {
        property: 'password',
        reason: 'invalid PASSWORD: reference schemaName must not be empty (zero-length delimited identifier)',
      },
    ],
  ],
  [
    'text given a number',
    'postgres',
    { ...pg, host: 5 },
    [{ property: 'host', reason: 'invalid HOST: expected text, got number 5' }],
  ],
  [
    'NUL in text',
    'postgres',
    { ...pg, host: 'a\0' },
    [{ property: 'host', reason: 'invalid HOST: text must not contain a NUL character' }],
  ],
  // AWS (§1.5)
  [
    'AWS: access key without secret',
    'aws',
    { name: 'a', accessKeyId: 'AKIA' },
    [
      {
        property: 'secretAccessKey',
        reason: 'must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN',
      },
    ],
  ],
  [
    'AWS: secret without access key',
    'aws',
    { name: 'a', secretAccessKey: ref('s') },
    [
      {
        property: 'accessKeyId',
        reason: 'must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN',
      },
    ],
  ],
  [
    'AWS: session token without credentials',
    'aws',
    { name: 'a', sessionToken: 't', assumeRoleArn: 'arn' },
    [
      {
        property: 'sessionToken',
        reason: 'must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN',
      },
      { property: 'assumeRoleArn', reason: 'cannot specify both ACCESS KEY ID and ASSUME ROLE ARN' },
    ],
  ],
  [
    'AWS: session name without role',
    'aws',
    { name: 'a', accessKeyId: 'A', secretAccessKey: ref('s'), assumeRoleSessionName: 'n' },
    [
      {
        property: 'assumeRoleSessionName',
        reason: 'must specify ASSUME ROLE ARN with optional ASSUME ROLE SESSION NAME',
      },
      { property: 'assumeRoleArn', reason: 'cannot specify both ACCESS KEY ID and ASSUME ROLE ARN' },
    ],
  ],
  [
    'AWS: neither credentials nor role',
    'aws',
    { name: 'a', region: 'us-east-1' },
    [
      {
        property: 'assumeRoleArn',
        reason: 'must specify either ASSUME ROLE ARN or ACCESS KEY ID and SECRET ACCESS KEY',
      },
    ],
  ],
  [
    'AWS: both credentials and role',
    'aws',
    { name: 'a', accessKeyId: 'A', secretAccessKey: ref('s'), assumeRoleArn: 'arn' },
    [{ property: 'assumeRoleArn', reason: 'cannot specify both ACCESS KEY ID and ASSUME ROLE ARN' }],
  ],
  // AWS PrivateLink (§1.6)
  [
    'PrivateLink: service name required',
    'aws-privatelink',
    { name: 'p', availabilityZones: ['a'] },
    [{ property: 'serviceName', reason: 'SERVICE NAME option is required' }],
  ],
  [
    'PrivateLink: zones required',
    'aws-privatelink',
    { name: 'p', serviceName: 's' },
    [{ property: 'availabilityZones', reason: 'AVAILABILITY ZONES option is required' }],
  ],
  [
    'PrivateLink: empty zone list',
    'aws-privatelink',
    { name: 'p', serviceName: 's', availabilityZones: [] },
    [
      {
        property: 'availabilityZones',
        reason: 'invalid AVAILABILITY ZONES: expected a non-empty list of text, got an array',
      },
    ],
  ],
  [
    'PrivateLink: duplicate zones',
    'aws-privatelink',
    { name: 'p', serviceName: 's', availabilityZones: ['use1-az1', 'use1-az2', 'use1-az1'] },
    [{ property: 'availabilityZones', reason: 'connection cannot contain duplicate availability zones: use1-az1' }],
  ],
  // Kafka (§1.7)
  [
    'Kafka: no brokers',
    'kafka',
    { name: 'k' },
    [{ property: 'brokers', reason: 'must set one of BROKER, BROKERS, or AWS PRIVATELINK' }],
  ],
  [
    'Kafka: brokers and PrivateLink',
    'kafka',
    { ...kafka, awsPrivatelink: { connection: ref('pl') } },
    [{ property: 'awsPrivatelink', reason: 'can only set one of BROKER, BROKERS, or AWS PRIVATELINK' }],
  ],
  [
    'Kafka: empty broker list',
    'kafka',
    { name: 'k', brokers: [] },
    [{ property: 'brokers', reason: 'invalid BROKERS: expected a non-empty list of brokers, got an array' }],
  ],
  [
    'Kafka: a comma inside one broker string',
    'kafka',
    { name: 'k', brokers: ['a:9092,b:9092'] },
    [
      {
        property: 'brokers',
        reason:
          "invalid BROKERS: broker 1: cannot specify multiple Kafka broker addresses in one string; list each broker separately, e.g. ['kafka:9092', 'kafka:9093']",
      },
    ],
  ],
  [
    'Kafka: one broker with two tunnels',
    'kafka',
    { name: 'k', brokers: [{ address: 'a:1', sshTunnel: ref('t'), awsPrivatelink: { connection: ref('pl') } }] },
    [
      {
        property: 'brokers',
        reason: 'invalid BROKERS: broker 1: a broker takes sshTunnel or awsPrivatelink, not both',
      },
    ],
  ],
  [
    'Kafka: broker PrivateLink port out of range',
    'kafka',
    { name: 'k', brokers: ['a:1', { address: 'b:1', awsPrivatelink: { connection: ref('pl'), port: -1 } }] },
    [
      {
        property: 'brokers',
        reason: 'invalid BROKERS: broker 2 awsPrivatelink.port must be an integer from 1 to 65535, got number -1',
      },
    ],
  ],
  // Kafka MATCHING broker rules (materialize-newest-features.md §3.2)
  [
    'Kafka: MATCHING rules need at least one static broker',
    'kafka',
    { name: 'k', brokers: [rule('*')] },
    [{ property: 'brokers', reason: 'BROKERS must contain at least one static broker address' }],
  ],
  [
    'Kafka: MATCHING rules with a top-level SSH TUNNEL',
    'kafka',
    { name: 'k', brokers: ['boot:9092', rule('*')], sshTunnel: ref('t') },
    [
      {
        property: 'sshTunnel',
        reason: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK (the MATCHING rules of brokers)',
      },
    ],
  ],
  [
    'Kafka: MATCHING rules with a top-level AWS PRIVATELINK',
    'kafka',
    { name: 'k', brokers: ['boot:9092', rule('*')], awsPrivatelink: { connection: ref('pl') } },
    [{ property: 'awsPrivatelink', reason: 'can only set one of BROKER, BROKERS, or AWS PRIVATELINK' }],
  ],
  [
    'Kafka: a `*` inside a MATCHING pattern',
    'kafka',
    { name: 'k', brokers: ['boot:9092', rule('b-*.use1-az1')] },
    [
      {
        property: 'brokers',
        reason:
          "invalid BROKERS: broker 2 matching: pattern may only contain `*` as a leading and/or trailing wildcard, got 'b-*.use1-az1'",
      },
    ],
  ],
  [
    'Kafka: an empty MATCHING pattern',
    'kafka',
    { name: 'k', brokers: ['boot:9092', rule('')] },
    [{ property: 'brokers', reason: 'invalid BROKERS: broker 2 matching: the pattern must not be empty' }],
  ],
  [
    'Kafka: a MATCHING rule without PrivateLink, or with an SSH tunnel',
    'kafka',
    { name: 'k', brokers: ['boot:9092', { matching: '*' }, { matching: '*', sshTunnel: ref('t') }] },
    [
      {
        property: 'brokers',
        reason:
          'invalid BROKERS: broker 2: a MATCHING rule needs awsPrivatelink: { connection, availabilityZone?, port? }',
      },
      {
        property: 'brokers',
        reason:
          'invalid BROKERS: broker 3: a MATCHING rule takes { matching, awsPrivatelink } only, not sshTunnel (rules always use AWS PRIVATELINK)',
      },
      {
        property: 'brokers',
        reason:
          'invalid BROKERS: broker 3: a MATCHING rule needs awsPrivatelink: { connection, availabilityZone?, port? }',
      },
    ],
  ],
  [
    'Kafka: a MATCHING rule PrivateLink port out of range',
    'kafka',
    { name: 'k', brokers: ['boot:9092', { matching: '*', awsPrivatelink: { connection: ref('pl'), port: 0 } }] },
    [
      {
        property: 'brokers',
        reason: 'invalid BROKERS: broker 2 awsPrivatelink.port must be an integer from 1 to 65535, got number 0',
      },
    ],
  ],
  [
    'Kafka: SSH tunnel with top-level PrivateLink',
    'kafka',
    { name: 'k', awsPrivatelink: { connection: ref('pl') }, sshTunnel: ref('t') },
    [{ property: 'awsPrivatelink', reason: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK' }],
  ],
  [
    'Kafka: unknown security protocol',
    'kafka',
    { ...kafka, securityProtocol: 'tls' },
    [
      {
        property: 'securityProtocol',
        reason:
          'invalid SECURITY PROTOCOL: unknown security protocol: TLS (expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)',
      },
    ],
  ],
  [
    'Kafka: unknown SASL mechanism',
    'kafka',
    { ...kafka, saslMechanisms: 'GSSAPI', saslUsername: 'u', saslPassword: ref('p') },
    [
      {
        property: 'saslMechanisms',
        reason:
          'invalid SASL MECHANISMS: unknown SASL MECHANISMS "GSSAPI" (expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)',
      },
    ],
  ],
  [
    // connection-create-drop.td: `... SASL PASSWORD = SECRET s, SSL KEY SECRET s` -> option SSL KEY not supported.
    'Kafka: SSL KEY without SSL CERTIFICATE (Materialize leaves the key outstanding)',
    'kafka',
    { ...kafka, sslKey: ref('k') },
    [
      {
        property: 'sslKey',
        reason: 'option SSL KEY not supported with this configuration (SSL KEY is used only with SSL CERTIFICATE)',
      },
    ],
  ],
  [
    'Kafka: SSL KEY without SSL CERTIFICATE under SASL options, as connection-create-drop.td',
    'kafka',
    { ...kafka, saslMechanisms: 'PLAIN', saslUsername: 'materialize', saslPassword: ref('s'), sslKey: ref('s') },
    [
      {
        property: 'sslKey',
        reason: 'option SSL KEY not supported with this configuration (SSL KEY is used only with SSL CERTIFICATE)',
      },
    ],
  ],
  [
    'Kafka: SSL CERTIFICATE without SSL KEY under PLAINTEXT is only not supported',
    'kafka',
    { ...kafka, securityProtocol: 'PLAINTEXT', sslCertificate: 'c' },
    [
      {
        property: 'sslCertificate',
        reason: 'option SSL CERTIFICATE not supported with this configuration (SECURITY PROTOCOL is PLAINTEXT)',
      },
    ],
  ],
  [
    'Kafka: SSL CERTIFICATE without SSL KEY',
    'kafka',
    { ...kafka, sslCertificate: 'c' },
    [{ property: 'sslCertificate', reason: 'SSL KEY must be specified with SSL CERTIFICATE' }],
  ],
  [
    'Kafka: SASL protocol without credentials',
    'kafka',
    { ...kafka, securityProtocol: 'sasl_plaintext' },
    [
      { property: 'saslMechanisms', reason: 'SASL MECHANISMS must be specified' },
      { property: 'saslUsername', reason: 'SASL USERNAME must be specified' },
      { property: 'saslPassword', reason: 'SASL PASSWORD must be specified' },
    ],
  ],
  [
    'Kafka: a SASL option implies SASL_SSL, which needs the others',
    'kafka',
    { ...kafka, saslUsername: 'u' },
    [
      { property: 'saslMechanisms', reason: 'SASL MECHANISMS must be specified' },
      { property: 'saslPassword', reason: 'SASL PASSWORD must be specified' },
    ],
  ],
  [
    'Kafka: SASL option with SSL',
    'kafka',
    { ...kafka, securityProtocol: 'SSL', saslUsername: 'u' },
    [
      {
        property: 'saslUsername',
        reason: 'option SASL USERNAME not supported with this configuration (SECURITY PROTOCOL is SSL)',
      },
    ],
  ],
  [
    'Kafka: SSL option with PLAINTEXT',
    'kafka',
    { ...kafka, securityProtocol: 'PLAINTEXT', sslCertificateAuthority: 'ca' },
    [
      {
        property: 'sslCertificateAuthority',
        reason:
          'option SSL CERTIFICATE AUTHORITY not supported with this configuration (SECURITY PROTOCOL is PLAINTEXT)',
      },
    ],
  ],
  [
    'Kafka: AWS CONNECTION with SSL',
    'kafka',
    { ...kafka, securityProtocol: 'SSL', awsConnection: ref('aws') },
    [
      {
        property: 'awsConnection',
        reason:
          'option AWS CONNECTION not supported with this configuration (SECURITY PROTOCOL is SSL; MSK IAM needs SASL_SSL)',
      },
    ],
  ],
  [
    'Kafka: SASL MECHANISMS with AWS CONNECTION',
    'kafka',
    { ...kafka, awsConnection: ref('aws'), saslMechanisms: 'PLAIN' },
    [
      {
        property: 'saslMechanisms',
        reason:
          'option SASL MECHANISMS not supported with this configuration (AWS CONNECTION authenticates with MSK IAM)',
      },
    ],
  ],
  [
    'Kafka: replication factor not positive',
    'kafka',
    { ...kafka, progressTopicReplicationFactor: 0 },
    [
      {
        property: 'progressTopicReplicationFactor',
        reason:
          'invalid PROGRESS TOPIC REPLICATION FACTOR: PROGRESS TOPIC REPLICATION FACTOR must be greater than 0 (an integer), got number 0',
      },
    ],
  ],
  // Confluent Schema Registry (§1.8)
  ['CSR: URL required', 'confluent-schema-registry', { name: 'c' }, [{ property: 'url', reason: 'must specify URL' }]],
  [
    'CSR: URL must parse',
    'confluent-schema-registry',
    { ...csr, url: 'csr 8081' },
    [
      {
        property: 'url',
        reason: 'parsing schema registry url: "csr 8081" is not an absolute URL (e.g. https://host:8081)',
      },
    ],
  ],
  [
    'CSR: URL must name a host',
    'confluent-schema-registry',
    { ...csr, url: 'file:///x' },
    [{ property: 'url', reason: 'URL must specify domain name' }],
  ],
  [
    'CSR: URL must have no path',
    'confluent-schema-registry',
    { ...csr, url: 'https://csr/api' },
    [{ property: 'url', reason: 'URL must have an empty path, not "/api"' }],
  ],
  [
    'CSR: SSL KEY without SSL CERTIFICATE',
    'confluent-schema-registry',
    { ...csr, sslKey: ref('k') },
    [
      {
        property: 'sslKey',
        reason: 'reading from SSL-auth Confluent Schema Registry requires both SSL KEY and SSL CERTIFICATE',
      },
    ],
  ],
  [
    'CSR: password without username',
    'confluent-schema-registry',
    { ...csr, password: ref('p') },
    [{ property: 'password', reason: 'PASSWORD is only used together with USER: set username, or remove password' }],
  ],
  [
    'CSR: PrivateLink PORT',
    'confluent-schema-registry',
    { ...csr, awsPrivatelink: { connection: ref('pl'), port: 1 } },
    [
      {
        property: 'awsPrivatelink',
        reason: 'invalid AWS PRIVATELINK: CONFLUENT SCHEMA REGISTRY does not support PORT for AWS PRIVATELINK',
      },
    ],
  ],
  [
    'CSR: two tunnels',
    'confluent-schema-registry',
    { ...csr, sshTunnel: ref('t'), awsPrivatelink: { connection: ref('pl') } },
    [{ property: 'awsPrivatelink', reason: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK' }],
  ],
  // Postgres (§1.10)
  [
    'Postgres: required options, in Materialize order',
    'postgres',
    { name: 'pg' },
    [
      { property: 'database', reason: 'DATABASE option is required' },
      { property: 'host', reason: 'HOST option is required' },
      { property: 'user', reason: 'USER option is required' },
    ],
  ],
  [
    'Postgres: SSL MODE is case-sensitive',
    'postgres',
    { ...pg, sslMode: 'REQUIRE' },
    [
      {
        property: 'sslMode',
        reason:
          'invalid SSL MODE: unknown SSL MODE "REQUIRE" (expected disable, require, verify_ca or verify_full, in lower case)',
      },
    ],
  ],
  [
    'Postgres: SSL KEY needs SSL CERTIFICATE',
    'postgres',
    { ...pg, sslKey: ref('k') },
    [{ property: 'sslKey', reason: 'both SSL KEY and SSL CERTIFICATE are required' }],
  ],
  [
    'Postgres: PrivateLink PORT',
    'postgres',
    { ...pg, awsPrivatelink: { connection: ref('pl'), port: 5432 } },
    [
      {
        property: 'awsPrivatelink',
        reason: 'invalid AWS PRIVATELINK: POSTGRES does not support PORT for AWS PRIVATELINK',
      },
    ],
  ],
  [
    'Postgres: two tunnels',
    'postgres',
    { ...pg, sshTunnel: ref('t'), awsPrivatelink: { connection: ref('pl') } },
    [{ property: 'awsPrivatelink', reason: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK' }],
  ],
  // MySQL (§1.10)
  [
    'MySQL: HOST required',
    'mysql',
    { name: 'm', user: 'u' },
    [{ property: 'host', reason: 'HOST option is required' }],
  ],
  [
    'MySQL: unknown SSL MODE',
    'mysql',
    { ...my, sslMode: 'prefer' },
    [
      {
        property: 'sslMode',
        reason:
          'invalid SSL MODE: unknown SSL MODE "prefer" (expected disabled, required, verify_ca or verify_identity)',
      },
    ],
  ],
  [
    'MySQL: SSL CERTIFICATE needs SSL KEY',
    'mysql',
    { ...my, sslCertificate: 'c' },
    [{ property: 'sslCertificate', reason: 'both SSL KEY and SSL CERTIFICATE are required' }],
  ],
  [
    'MySQL: IAM with password',
    'mysql',
    { ...my, awsConnection: ref('aws'), password: ref('p'), sslMode: 'REQUIRED' },
    [{ property: 'password', reason: 'AWS IAM authentication is not supported with password' }],
  ],
  [
    'MySQL: IAM without SSL',
    'mysql',
    { ...my, awsConnection: ref('aws') },
    [
      {
        property: 'sslMode',
        reason: 'AWS IAM authentication requires SSL to be enabled: set sslMode to required or stricter',
      },
    ],
  ],
  [
    'MySQL: two tunnels',
    'mysql',
    { ...my, sshTunnel: ref('t'), awsPrivatelink: { connection: ref('pl') } },
    [{ property: 'awsPrivatelink', reason: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK' }],
  ],
  [
    'MySQL: PrivateLink PORT',
    'mysql',
    { ...my, awsPrivatelink: { connection: ref('pl'), port: 3306 } },
    [
      {
        property: 'awsPrivatelink',
        reason: 'invalid AWS PRIVATELINK: MYSQL does not support PORT for AWS PRIVATELINK',
      },
    ],
  ],
  // SQL Server (§1.10)
  [
    'SQL Server: required options',
    'sql-server',
    { name: 's' },
    [
      { property: 'host', reason: 'HOST option is required' },
      { property: 'database', reason: 'DATABASE option is required' },
      { property: 'user', reason: 'USER option is required' },
      { property: 'password', reason: 'PASSWORD option is required' },
    ],
  ],
  [
    'SQL Server: verify_ca without a CA',
    'sql-server',
    { ...mssql, sslMode: 'VERIFY_CA' },
    [{ property: 'sslCertificateAuthority', reason: "SSL MODE 'verify_ca' requires SSL CERTIFICATE AUTHORITY" }],
  ],
  [
    'SQL Server: unknown SSL MODE',
    'sql-server',
    { ...mssql, sslMode: 'verify_full' },
    [
      {
        property: 'sslMode',
        reason:
          'invalid SSL MODE: unknown SSL MODE "verify_full" (expected one of disabled, required, verify, verify_ca)',
      },
    ],
  ],
  [
    'SQL Server: SSL KEY needs SSL CERTIFICATE',
    'sql-server',
    { ...mssql, sslKey: ref('k') },
    [{ property: 'sslKey', reason: 'both SSL KEY and SSL CERTIFICATE are required' }],
  ],
  [
    'SQL Server: two tunnels',
    'sql-server',
    { ...mssql, sshTunnel: ref('t'), awsPrivatelink: { connection: ref('pl') } },
    [{ property: 'awsPrivatelink', reason: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK' }],
  ],
  [
    'SQL Server: PrivateLink PORT',
    'sql-server',
    { ...mssql, awsPrivatelink: { connection: ref('pl'), port: 1433 } },
    [
      {
        property: 'awsPrivatelink',
        reason: 'invalid AWS PRIVATELINK: SQL SERVER does not support PORT for AWS PRIVATELINK',
      },
    ],
  ],
  // SSH tunnel (§1.9)
  [
    'SSH: HOST required',
    'ssh-tunnel',
    { name: 't', user: 'u' },
    [{ property: 'host', reason: 'HOST option is required' }],
  ],
  [
    'SSH: USER required',
    'ssh-tunnel',
    { name: 't', host: 'h' },
    [{ property: 'user', reason: 'USER option is required' }],
  ],
  [
    'SSH: USER as a secret',
    'ssh-tunnel',
    { ...ssh, user: ref('u') },
    [{ property: 'user', reason: 'invalid USER: expected text, got an object' }],
  ],
  // Iceberg (§1.11)
  [
    'Iceberg: CATALOG TYPE required',
    'iceberg-catalog',
    { name: 'i', url: 'https://x' },
    [{ property: 'catalogType', reason: 'ICEBERG connections must specify CATALOG TYPE' }],
  ],
  [
    'Iceberg: URL required',
    'iceberg-catalog',
    { name: 'i', catalogType: 'rest', credential: 'c' },
    [{ property: 'url', reason: 'must specify URL' }],
  ],
  [
    'Iceberg: URL must parse',
    'iceberg-catalog',
    { ...ice, url: 'nope' },
    [
      {
        property: 'url',
        reason: 'parsing Iceberg catalog url: "nope" is not an absolute URL (e.g. https://host:8081)',
      },
    ],
  ],
  [
    'Iceberg: unknown catalog type',
    'iceberg-catalog',
    { ...ice, catalogType: 'glue' },
    [
      {
        property: 'catalogType',
        reason: 'invalid CATALOG TYPE: unknown CATALOG TYPE "glue" (expected one of rest, s3tablesrest)',
      },
    ],
  ],
  // Iceberg catalog options of materialize-newest-features.md §4 (per-catalog-type rules §4.2, texts §4.3)
  [
    'Iceberg: rest needs a CREDENTIAL or a GCP CONNECTION',
    'iceberg-catalog',
    { name: 'i', catalogType: 'rest', url: 'https://x' },
    [{ property: 'credential', reason: 'ICEBERG rest connections require a CREDENTIAL or GCP CONNECTION' }],
  ],
  [
    'Iceberg: rest takes CREDENTIAL or GCP CONNECTION, not both',
    'iceberg-catalog',
    { ...ice, url: BIGLAKE, gcpConnection: ref('g') },
    [{ property: 'gcpConnection', reason: 'ICEBERG rest connections may set CREDENTIAL or GCP CONNECTION, not both' }],
  ],
  [
    'Iceberg: rest refuses AWS CONNECTION',
    'iceberg-catalog',
    { ...ice, awsConnection: ref('a') },
    [
      {
        property: 'awsConnection',
        reason: 'ICEBERG rest connections do not support AWS CONNECTION. Try s3tablesrest instead.',
      },
    ],
  ],
  [
    'Iceberg: a GCP CONNECTION only with the BigLake URL (gcp-connection-validation.td)',
    'iceberg-catalog',
    {
      name: 'evil',
      catalogType: 'rest',
      url: 'https://attacker.example.com/iceberg/v1/restcatalog',
      gcpConnection: ref('gcpconn'),
      warehouse: 'gs://anything',
    },
    [
      {
        property: 'url',
        reason: "GCP connection can only be used with 'https://biglake.googleapis.com/iceberg/v1/restcatalog'",
      },
    ],
  ],
  [
    'Iceberg: BigLake refuses OAUTH2 SERVER URL',
    'iceberg-catalog',
    { ...bigLake, oauth2ServerUrl: 'https://x/token' },
    [
      {
        property: 'oauth2ServerUrl',
        reason: 'ICEBERG rest connections with GCP CONNECTION do not support OAUTH2 SERVER URL',
      },
    ],
  ],
  [
    'Iceberg: BigLake stores on GCS only',
    'iceberg-catalog',
    { ...bigLake, storageProvider: 's3' },
    [
      {
        property: 'storageProvider',
        reason: "ICEBERG rest connections with GCP CONNECTION only support STORAGE PROVIDER 'gcs'",
      },
    ],
  ],
  [
    'Iceberg: unknown STORAGE PROVIDER (storage-provider.td)',
    'iceberg-catalog',
    { ...ice, storageProvider: 'azure' },
    [
      {
        property: 'storageProvider',
        reason: "invalid STORAGE PROVIDER: invalid iceberg storage provider, expected 's3', 'gcs', or 'adls'",
      },
    ],
  ],
  [
    'Iceberg: unknown ACCESS DELEGATION (vended-credentials.td)',
    'iceberg-catalog',
    { ...ice, accessDelegation: 'remote-signing' },
    [
      {
        property: 'accessDelegation',
        reason:
          'invalid ACCESS DELEGATION: invalid iceberg access delegation "remote-signing", expected \'vended-credentials\'',
      },
    ],
  ],
  [
    'Iceberg: s3tablesrest refuses the rest-only options (oauth2-server-url.td, storage-provider.td)',
    'iceberg-catalog',
    {
      ...s3Tables,
      gcpConnection: ref('g'),
      oauth2ServerUrl: 'https://example.invalid/oidc/v1/token',
      accessDelegation: 'vended-credentials',
      storageProvider: 's3',
    },
    [
      { property: 'gcpConnection', reason: 'ICEBERG s3tablesrest connections do not support GCP CONNECTION' },
      { property: 'oauth2ServerUrl', reason: 'ICEBERG s3tablesrest connections do not support OAUTH2 SERVER URL' },
      { property: 'accessDelegation', reason: 'ICEBERG s3tablesrest connections do not support ACCESS DELEGATION' },
      { property: 'storageProvider', reason: 'ICEBERG s3tablesrest connections do not support STORAGE PROVIDER' },
    ],
  ],
  [
    'Iceberg: GCP CONNECTION takes a connection, not text',
    'iceberg-catalog',
    { ...bigLake, gcpConnection: 'gcpconn' },
    [
      {
        property: 'gcpConnection',
        reason:
          'invalid GCP CONNECTION: must provide an object (a gcp connection): a resource or { name, schemaName?, databaseName? }, got the string "gcpconn"',
      },
    ],
  ],
  // GCP (addendum §1)
  [
    'GCP: SERVICE ACCOUNT KEY required',
    'gcp',
    { name: 'g' },
    [{ property: 'serviceAccountKey', reason: 'SERVICE ACCOUNT KEY option is required' }],
  ],
  [
    'GCP: SERVICE ACCOUNT KEY is a secret',
    'gcp',
    { name: 'g', serviceAccountKey: '{"type":"service_account"}' },
    [
      {
        property: 'serviceAccountKey',
        reason:
          'invalid SERVICE ACCOUNT KEY: must provide a secret value: pass a Secret resource or { name, schemaName?, databaseName? }, not a string',
      },
    ],
  ],
  [
    'GCP: other options are refused',
    'gcp',
    { name: 'g', serviceAccountKey: ref('sa'), registry: 'r' },
    [{ property: 'registry', reason: 'GCP connections do not support REGISTRY values' }],
  ],
  // AWS Glue Schema Registry (addendum §2.2, glue_schema_registry.slt)
  [
    'Glue: both options required',
    'aws-glue-schema-registry',
    { name: 'bad_glue' },
    [
      { property: 'awsConnection', reason: 'AWS CONNECTION option is required' },
      { property: 'registry', reason: 'REGISTRY option is required' },
    ],
  ],
  [
    'Glue: REGISTRY must not be empty',
    'aws-glue-schema-registry',
    { name: 'bad_glue', awsConnection: ref('aws_conn'), registry: '' },
    [{ property: 'registry', reason: 'REGISTRY must not be empty' }],
  ],
  [
    'Glue: PORT is refused',
    'aws-glue-schema-registry',
    { name: 'bad_glue', awsConnection: ref('aws_conn'), registry: 'my-registry', port: 8080 },
    [{ property: 'port', reason: 'AWS GLUE SCHEMA REGISTRY connections do not support PORT values' }],
  ],
  [
    'Glue: AWS CONNECTION is a connection',
    'aws-glue-schema-registry',
    { name: 'bad_glue', awsConnection: 'aws_conn', registry: 'my-registry' },
    [
      {
        property: 'awsConnection',
        reason:
          'invalid AWS CONNECTION: must provide an object (a aws connection): a resource or { name, schemaName?, databaseName? }, got the string "aws_conn"',
      },
    ],
  ],
  [
    'Iceberg: s3tablesrest needs a warehouse and an AWS connection',
    'iceberg-catalog',
    { name: 'i', catalogType: 's3tablesrest', url: 'https://x' },
    [
      { property: 'warehouse', reason: 'ICEBERG s3tablesrest connections must specify WAREHOUSE' },
      { property: 'awsConnection', reason: 'ICEBERG s3tablesrest connections require an AWS connection' },
    ],
  ],
];

test.each(cases)('%s', (_title, kind, args, expected) => {
  expect(validateConnection(kind as never, args)).toEqual(expected);
});

describe('unknown values during preview never fail', () => {
  test.each([
    ['a whole option', 'postgres', { ...pg, host: UNKNOWN }],
    ['a required option', 'postgres', { name: 'pg', host: UNKNOWN, database: UNKNOWN, user: UNKNOWN }],
    ['the name', 'ssh-tunnel', { ...ssh, name: UNKNOWN }],
    ['a reference name', 'postgres', { ...pg, password: { name: UNKNOWN } }],
    ['a broker inside the list', 'kafka', { name: 'k', brokers: ['a:1', UNKNOWN] }],
    ['a member of an exclusive group', 'kafka', { name: 'k', awsPrivatelink: UNKNOWN }],
    [
      'the security protocol that decides which options fit',
      'kafka',
      { ...kafka, securityProtocol: UNKNOWN, saslUsername: 'u' },
    ],
    ['the catalog type', 'iceberg-catalog', { name: 'i', catalogType: UNKNOWN, url: 'https://x' }],
    ['the GCP connection that decides the BigLake rules', 'iceberg-catalog', { ...ice, gcpConnection: UNKNOWN }],
    ['a MATCHING rule among the brokers', 'kafka', { name: 'k', brokers: [UNKNOWN, rule('*')] }],
    ['the URL', 'confluent-schema-registry', { name: 'c', url: UNKNOWN }],
    ['a port', 'ssh-tunnel', { ...ssh, port: UNKNOWN }],
  ])('%s', (_title, kind, args) => {
    expect(validateConnection(kind as never, args)).toEqual([]);
  });

  test('a known problem elsewhere is still reported', () => {
    expect(validateConnection('postgres', { ...pg, host: UNKNOWN, port: 0 })).toEqual([
      { property: 'port', reason: 'invalid PORT: must be an integer from 1 to 65535, got number 0' },
    ]);
  });
});

describe('secrets', () => {
  test.each([
    [
      'value required',
      { name: 's' },
      [{ property: 'value', reason: 'value is required (secret value can not be null)' }],
    ],
    [
      'value must be a string',
      { name: 's', value: 1 },
      [{ property: 'value', reason: 'value must be a string, got a number' }],
    ],
    [
      'lone surrogate',
      { name: 's', value: 'a\ud800' },
      [{ property: 'value', reason: 'secret value must be valid UTF-8 (the string has a lone surrogate)' }],
    ],
    [
      'over 512 KiB',
      { name: 's', value: 'x'.repeat(512 * 1024 + 1) },
      [{ property: 'value', reason: 'secrets can not be bigger than 512KiB (524289 bytes)' }],
    ],
    ['name required', { value: 'v' }, [{ property: 'name', reason: 'name is required' }]],
    [
      'unknown property',
      { name: 's', value: 'v', values: 'x' },
      [
        {
          property: 'values',
          reason:
            'unknown property "values" for secrets (known: name, schemaName, databaseName, value, comment, ownerRole, usage)',
        },
      ],
    ],
  ])('%s', (_t, args, expected) => {
    expect(validateSecret(args as never)).toEqual(expected);
  });

  test('512 KiB exactly, any unicode, and unknown values are fine', () => {
    expect(validateSecret({ name: 's', value: 'x'.repeat(512 * 1024) })).toEqual([]);
    expect(validateSecret({ name: 's', value: "🔑 it's\\n\n\0" })).toEqual([]);
    expect(validateSecret({ name: 's', value: UNKNOWN })).toEqual([]);
  });
});
