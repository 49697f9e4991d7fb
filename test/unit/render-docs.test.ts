// Golden SQL for every example of Materialize's CREATE CONNECTION reference (create-connection.md),
// written as the args a user passes. Each statement is also checked by Materialize's parser.
import { createConnectionSql, createSecretSql, validateConnection } from '../support/checked-provider';

const q = (name: string) => `"materialize"."public"."${name}"`;

describe('create-connection.md examples', () => {
  test('AWS role assumption', () => {
    const args = { name: 'aws_role_assumption', assumeRoleArn: 'arn:aws:iam::400121260767:role/WarehouseExport' };
    expect(validateConnection('aws', args)).toEqual([]);
    expect(createConnectionSql('aws', args)).toBe(
      `CREATE CONNECTION ${q('aws_role_assumption')} TO AWS (ASSUME ROLE ARN = 'arn:aws:iam::400121260767:role/WarehouseExport')`,
    );
  });

  test('AWS credentials', () => {
    expect(createSecretSql({ name: 'aws_secret_access_key', value: '...' })).toBe(
      `CREATE SECRET ${q('aws_secret_access_key')} AS decode('Li4u', 'base64')`,
    );
    const args = {
      name: 'aws_credentials',
      accessKeyId: 'ASIAV2KIV5LPTG6HGXG6',
      secretAccessKey: { name: 'aws_secret_access_key' },
    };
    expect(validateConnection('aws', args)).toEqual([]);
    expect(createConnectionSql('aws', args)).toBe(
      `CREATE CONNECTION ${q('aws_credentials')} TO AWS (ACCESS KEY ID = 'ASIAV2KIV5LPTG6HGXG6', SECRET ACCESS KEY = SECRET ${q('aws_secret_access_key')})`,
    );
  });

  test('Kafka with several bootstrap servers', () => {
    const args = { name: 'kafka_connection', brokers: ['broker1:9092', 'broker2:9092'] };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('broker1:9092', 'broker2:9092'))`,
    );
  });

  test('Kafka PLAINTEXT through an SSH tunnel', () => {
    const args = {
      name: 'kafka_connection',
      brokers: ['unique-jellyfish-0000.prd.cloud.redpanda.com:9092'],
      securityProtocol: 'PLAINTEXT',
      sshTunnel: { name: 'ssh_connection' },
    };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('unique-jellyfish-0000.prd.cloud.redpanda.com:9092'), SSH TUNNEL = ${q('ssh_connection')}, SECURITY PROTOCOL = 'PLAINTEXT')`,
    );
  });

  test('Kafka SSL with TLS client authentication', () => {
    for (const [name, value] of [
      ['kafka_ssl_cert', '-----BEGIN CERTIFICATE----- ...'],
      ['kafka_ssl_key', '-----BEGIN PRIVATE KEY----- ...'],
      ['ca_cert', '-----BEGIN CERTIFICATE----- ...'],
    ])
      expect(createSecretSql({ name, value })).toBe(
        `CREATE SECRET ${q(name)} AS decode('${Buffer.from(value).toString('base64')}', 'base64')`,
      );
    const args = {
      name: 'kafka_connection',
      brokers: ['rp-f00000bar.cloud.redpanda.com:30365'],
      securityProtocol: 'SSL',
      sslCertificate: { name: 'kafka_ssl_cert' },
      sslKey: { name: 'kafka_ssl_key' },
      sslCertificateAuthority: { name: 'ca_cert' },
    };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('rp-f00000bar.cloud.redpanda.com:30365'), SECURITY PROTOCOL = 'SSL', SSL CERTIFICATE AUTHORITY = SECRET ${q('ca_cert')}, SSL CERTIFICATE = SECRET ${q('kafka_ssl_cert')}, SSL KEY = SECRET ${q('kafka_ssl_key')})`,
    );
  });

  test('Kafka SSL with only TLS encryption, through an SSH tunnel', () => {
    const args = {
      name: 'kafka_connection',
      brokers: ['rp-f00000bar.cloud.redpanda.com:30365'],
      securityProtocol: 'SSL',
      sshTunnel: { name: 'ssh_connection' },
      sslCertificateAuthority: { name: 'ca_cert' },
    };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('rp-f00000bar.cloud.redpanda.com:30365'), SSH TUNNEL = ${q('ssh_connection')}, SECURITY PROTOCOL = 'SSL', SSL CERTIFICATE AUTHORITY = SECRET ${q('ca_cert')})`,
    );
  });

  test('Kafka SASL_PLAINTEXT through an SSH tunnel', () => {
    const args = {
      name: 'kafka_connection',
      brokers: ['unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'],
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanisms: 'SCRAM-SHA-256',
      saslUsername: 'foo',
      saslPassword: { name: 'kafka_password' },
      sshTunnel: { name: 'ssh_connection' },
    };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'), SSH TUNNEL = ${q('ssh_connection')}, SECURITY PROTOCOL = 'SASL_PLAINTEXT', SASL MECHANISMS = 'SCRAM-SHA-256', SASL USERNAME = 'foo', SASL PASSWORD = SECRET ${q('kafka_password')})`,
    );
  });

  test('Kafka SASL_SSL', () => {
    const args = {
      name: 'kafka_connection',
      brokers: ['unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'],
      securityProtocol: 'SASL_SSL',
      saslMechanisms: 'SCRAM-SHA-256',
      saslUsername: 'foo',
      saslPassword: { name: 'kafka_password' },
      sslCertificateAuthority: { name: 'ca_cert' },
    };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'), SECURITY PROTOCOL = 'SASL_SSL', SASL MECHANISMS = 'SCRAM-SHA-256', SASL USERNAME = 'foo', SASL PASSWORD = SECRET ${q('kafka_password')}, SSL CERTIFICATE AUTHORITY = SECRET ${q('ca_cert')})`,
    );
  });

  test('Kafka with AWS IAM (MSK)', () => {
    const aws = { name: 'aws_msk', assumeRoleArn: 'arn:aws:iam::400121260767:role/MaterializeMSK' };
    expect(createConnectionSql('aws', aws)).toBe(
      `CREATE CONNECTION ${q('aws_msk')} TO AWS (ASSUME ROLE ARN = 'arn:aws:iam::400121260767:role/MaterializeMSK')`,
    );
    const args = {
      name: 'kafka_msk',
      brokers: ['msk.mycorp.com:9092'],
      securityProtocol: 'SASL_SSL',
      awsConnection: { name: 'aws_msk' },
    };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_msk')} TO KAFKA (BROKERS = ('msk.mycorp.com:9092'), SECURITY PROTOCOL = 'SASL_SSL', AWS CONNECTION = ${q('aws_msk')})`,
    );
  });

  test('Kafka with a default SSH tunnel', () => {
    const args = { name: 'kafka_connection', brokers: ['broker1:9092'], sshTunnel: { name: 'ssh_connection' } };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('broker1:9092'), SSH TUNNEL = ${q('ssh_connection')})`,
    );
  });

  test('Kafka with an SSH tunnel per broker and a default', () => {
    const args = {
      name: 'kafka_connection',
      brokers: [
        { address: 'broker1:9092', sshTunnel: { name: 'ssh1' } },
        { address: 'broker2:9092', sshTunnel: { name: 'ssh2' } },
      ],
      sshTunnel: { name: 'ssh_1' },
    };
    expect(validateConnection('kafka', args)).toEqual([]);
    expect(createConnectionSql('kafka', args)).toBe(
      `CREATE CONNECTION ${q('kafka_connection')} TO KAFKA (BROKERS = ('broker1:9092' USING SSH TUNNEL ${q('ssh1')}, 'broker2:9092' USING SSH TUNNEL ${q('ssh2')}), SSH TUNNEL = ${q('ssh_1')})`,
    );
  });

  test('Confluent Schema Registry with basic auth', () => {
    const args = {
      name: 'csr_basic',
      url: 'https://rp-f00000bar.cloud.redpanda.com:30993',
      username: 'foo',
      password: { name: 'csr_password' },
      sslCertificateAuthority: { name: 'ca_cert' },
    };
    expect(validateConnection('confluent-schema-registry', args)).toEqual([]);
    expect(createConnectionSql('confluent-schema-registry', args)).toBe(
      `CREATE CONNECTION ${q('csr_basic')} TO CONFLUENT SCHEMA REGISTRY (URL = 'https://rp-f00000bar.cloud.redpanda.com:30993', USER = 'foo', PASSWORD = SECRET ${q('csr_password')}, SSL CERTIFICATE AUTHORITY = SECRET ${q('ca_cert')})`,
    );
  });

  test('Confluent Schema Registry with TLS authentication', () => {
    const args = {
      name: 'csr_ssl',
      url: 'https://rp-f00000bar.cloud.redpanda.com:30993',
      sslCertificate: { name: 'csr_ssl_cert' },
      sslKey: { name: 'csr_ssl_key' },
      sslCertificateAuthority: { name: 'ca_cert' },
    };
    expect(validateConnection('confluent-schema-registry', args)).toEqual([]);
    expect(createConnectionSql('confluent-schema-registry', args)).toBe(
      `CREATE CONNECTION ${q('csr_ssl')} TO CONFLUENT SCHEMA REGISTRY (URL = 'https://rp-f00000bar.cloud.redpanda.com:30993', SSL CERTIFICATE AUTHORITY = SECRET ${q('ca_cert')}, SSL CERTIFICATE = SECRET ${q('csr_ssl_cert')}, SSL KEY = SECRET ${q('csr_ssl_key')})`,
    );
  });

  test('Confluent Schema Registry through an SSH tunnel', () => {
    const tunnel = { name: 'ssh_connection', host: '<SSH_BASTION_HOST>', user: '<SSH_BASTION_USER>', port: 22 };
    expect(createConnectionSql('ssh-tunnel', tunnel)).toBe(
      `CREATE CONNECTION ${q('ssh_connection')} TO SSH TUNNEL (HOST = '<SSH_BASTION_HOST>', PORT = 22, USER = '<SSH_BASTION_USER>')`,
    );
    const args = {
      name: 'csr_ssh',
      url: 'http://my-confluent-schema-registry:8081',
      sshTunnel: { name: 'ssh_connection' },
    };
    expect(validateConnection('confluent-schema-registry', args)).toEqual([]);
    expect(createConnectionSql('confluent-schema-registry', args)).toBe(
      `CREATE CONNECTION ${q('csr_ssh')} TO CONFLUENT SCHEMA REGISTRY (URL = 'http://my-confluent-schema-registry:8081', SSH TUNNEL = ${q('ssh_connection')})`,
    );
  });

  test('MySQL', () => {
    expect(createSecretSql({ name: 'mysqlpass', value: '<POSTGRES_PASSWORD>' })).toBe(
      `CREATE SECRET ${q('mysqlpass')} AS decode('PFBPU1RHUkVTX1BBU1NXT1JEPg==', 'base64')`,
    );
    const args = {
      name: 'mysql_connection',
      host: 'instance.foo000.us-west-1.rds.amazonaws.com',
      port: 3306,
      user: 'root',
      password: { name: 'mysqlpass' },
    };
    expect(validateConnection('mysql', args)).toEqual([]);
    expect(createConnectionSql('mysql', args)).toBe(
      `CREATE CONNECTION ${q('mysql_connection')} TO MYSQL (HOST = 'instance.foo000.us-west-1.rds.amazonaws.com', PORT = 3306, USER = 'root', PASSWORD = SECRET ${q('mysqlpass')})`,
    );
  });

  test('MySQL through an SSH tunnel (the docs example omits USER, which Materialize requires)', () => {
    const tunnel = { name: 'tunnel', host: 'bastion-host', port: 22, user: 'materialize' };
    expect(createConnectionSql('ssh-tunnel', tunnel)).toBe(
      `CREATE CONNECTION ${q('tunnel')} TO SSH TUNNEL (HOST = 'bastion-host', PORT = 22, USER = 'materialize')`,
    );
    const args = {
      name: 'mysql_connection',
      host: 'instance.foo000.us-west-1.rds.amazonaws.com',
      sshTunnel: { name: 'ssh_connection' },
    };
    expect(validateConnection('mysql', args)).toEqual([{ property: 'user', reason: 'USER option is required' }]);
    expect(createConnectionSql('mysql', { ...args, user: 'materialize' })).toBe(
      `CREATE CONNECTION ${q('mysql_connection')} TO MYSQL (HOST = 'instance.foo000.us-west-1.rds.amazonaws.com', USER = 'materialize', SSH TUNNEL = ${q('ssh_connection')})`,
    );
  });

  test('PostgreSQL', () => {
    const args = {
      name: 'pg_connection',
      host: 'instance.foo000.us-west-1.rds.amazonaws.com',
      port: 5432,
      user: 'postgres',
      password: { name: 'pgpass' },
      sslMode: 'require',
      database: 'postgres',
    };
    expect(validateConnection('postgres', args)).toEqual([]);
    expect(createConnectionSql('postgres', args)).toBe(
      `CREATE CONNECTION ${q('pg_connection')} TO POSTGRES (HOST = 'instance.foo000.us-west-1.rds.amazonaws.com', PORT = 5432, DATABASE = 'postgres', USER = 'postgres', PASSWORD = SECRET ${q('pgpass')}, SSL MODE = 'require')`,
    );
  });

  test('PostgreSQL through an SSH tunnel (the docs example omits USER, which Materialize requires)', () => {
    const args = {
      name: 'pg_connection',
      host: 'instance.foo000.us-west-1.rds.amazonaws.com',
      port: 5432,
      sshTunnel: { name: 'tunnel' },
      database: 'postgres',
    };
    expect(validateConnection('postgres', args)).toEqual([{ property: 'user', reason: 'USER option is required' }]);
    expect(createConnectionSql('postgres', { ...args, user: 'postgres' })).toBe(
      `CREATE CONNECTION ${q('pg_connection')} TO POSTGRES (HOST = 'instance.foo000.us-west-1.rds.amazonaws.com', PORT = 5432, DATABASE = 'postgres', USER = 'postgres', SSH TUNNEL = ${q('tunnel')})`,
    );
  });

  test('SSH tunnel', () => {
    const args = { name: 'ssh_connection', host: 'bastion-host', port: 22, user: 'materialize' };
    expect(validateConnection('ssh-tunnel', args)).toEqual([]);
    expect(createConnectionSql('ssh-tunnel', args)).toBe(
      `CREATE CONNECTION ${q('ssh_connection')} TO SSH TUNNEL (HOST = 'bastion-host', PORT = 22, USER = 'materialize')`,
    );
  });
});
