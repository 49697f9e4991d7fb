// Every option of every kind, rendered exactly; references qualified with the connection's own schema
// and database unless given; WITH (VALIDATE) only when asked for.
import { connectionSpecs, createConnectionSql, postCreateSql, validateConnection } from '../support/checked-provider';

const db = (schema: string, name: string) => `"analytics"."${schema}"."${name}"`;
const own = { name: 'conn', schemaName: 'ingest', databaseName: 'analytics' };

const everyOption: Record<string, { args: Record<string, unknown>; sql: string }[]> = {
  aws: [
    {
      args: {
        endpoint: 'https://minio:9000',
        region: 'us-east-1',
        accessKeyId: { name: 'akid', schemaName: 'secrets' },
        secretAccessKey: { name: 'sak' },
        sessionToken: 'token',
      },
      sql: `ENDPOINT = 'https://minio:9000', REGION = 'us-east-1', ACCESS KEY ID = SECRET ${db('secrets', 'akid')}, SECRET ACCESS KEY = SECRET ${db('ingest', 'sak')}, SESSION TOKEN = 'token'`,
    },
    {
      args: { accessKeyId: 'AKIA', secretAccessKey: { name: 'sak' }, sessionToken: { name: 'tok' } },
      sql: `ACCESS KEY ID = 'AKIA', SECRET ACCESS KEY = SECRET ${db('ingest', 'sak')}, SESSION TOKEN = SECRET ${db('ingest', 'tok')}`,
    },
    {
      args: { assumeRoleArn: 'arn:aws:iam::1:role/r', assumeRoleSessionName: 'mz' },
      sql: `ASSUME ROLE ARN = 'arn:aws:iam::1:role/r', ASSUME ROLE SESSION NAME = 'mz'`,
    },
  ],
  'aws-privatelink': [
    {
      args: { serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-1', availabilityZones: ['use1-az1', 'use1-az4'] },
      sql: `SERVICE NAME = 'com.amazonaws.vpce.us-east-1.vpce-svc-1', AVAILABILITY ZONES = ('use1-az1', 'use1-az4')`,
    },
  ],
  kafka: [
    {
      args: {
        brokers: [
          'a:9092',
          { address: 'b:9092', sshTunnel: { name: 't2' } },
          {
            address: 'c:9092',
            awsPrivatelink: { connection: { name: 'pl' }, port: 9001, availabilityZone: 'use1-az1' },
          },
          { address: 'd:9092', awsPrivatelink: { connection: { name: 'pl', databaseName: 'net', schemaName: 'aws' } } },
        ],
        sshTunnel: { name: 't1' },
        securityProtocol: 'SASL_SSL',
        saslMechanisms: 'SCRAM-SHA-512',
        saslUsername: { name: 'user' },
        saslPassword: { name: 'pw' },
        sslCertificateAuthority: 'CA PEM',
        sslCertificate: 'CERT PEM',
        sslKey: { name: 'key' },
        progressTopic: '_progress',
        progressTopicReplicationFactor: 3,
      },
      sql:
        `BROKERS = ('a:9092', 'b:9092' USING SSH TUNNEL ${db('ingest', 't2')}, 'c:9092' USING AWS PRIVATELINK ${db('ingest', 'pl')} (AVAILABILITY ZONE = 'use1-az1', PORT = 9001), 'd:9092' USING AWS PRIVATELINK "net"."aws"."pl"), ` +
        `SSH TUNNEL = ${db('ingest', 't1')}, SECURITY PROTOCOL = 'SASL_SSL', SASL MECHANISMS = 'SCRAM-SHA-512', SASL USERNAME = SECRET ${db('ingest', 'user')}, SASL PASSWORD = SECRET ${db('ingest', 'pw')}, ` +
        `SSL CERTIFICATE AUTHORITY = 'CA PEM', SSL CERTIFICATE = 'CERT PEM', SSL KEY = SECRET ${db('ingest', 'key')}, PROGRESS TOPIC = '_progress', PROGRESS TOPIC REPLICATION FACTOR = 3`,
    },
    {
      args: { awsPrivatelink: { connection: { name: 'pl' }, port: 9092 }, awsConnection: { name: 'msk' } },
      sql: `AWS PRIVATELINK = ${db('ingest', 'pl')} (PORT 9092), AWS CONNECTION = ${db('ingest', 'msk')}`,
    },
    { args: { awsPrivatelink: { connection: { name: 'pl' } } }, sql: `AWS PRIVATELINK = ${db('ingest', 'pl')}` },
    // test_privatelink_connection.py's kafka_pattern_test (addendum §9.6): a static broker, then a MATCHING rule.
    {
      args: {
        brokers: [
          {
            address: 'redpanda.default.svc.cluster.local:9092',
            awsPrivatelink: { connection: { name: 'privatelink_pattern_conn' }, port: 9092 },
          },
          {
            matching: '*use1-az1*',
            awsPrivatelink: {
              connection: { name: 'privatelink_pattern_conn' },
              availabilityZone: 'use1-az1',
              port: 9092,
            },
          },
          { matching: '*', awsPrivatelink: { connection: { name: 'pl', schemaName: 'net' } } },
        ],
        securityProtocol: 'PLAINTEXT',
      },
      sql:
        `BROKERS = ('redpanda.default.svc.cluster.local:9092' USING AWS PRIVATELINK ${db('ingest', 'privatelink_pattern_conn')} (PORT = 9092), ` +
        `MATCHING '*use1-az1*' USING AWS PRIVATELINK ${db('ingest', 'privatelink_pattern_conn')} (AVAILABILITY ZONE = 'use1-az1', PORT = 9092), ` +
        `MATCHING '*' USING AWS PRIVATELINK ${db('net', 'pl')}), SECURITY PROTOCOL = 'PLAINTEXT'`,
    },
  ],
  'confluent-schema-registry': [
    {
      args: {
        url: 'https://csr:8081',
        username: 'u',
        password: { name: 'pw' },
        sslCertificateAuthority: { name: 'ca' },
        sslCertificate: { name: 'cert' },
        sslKey: { name: 'key' },
        sshTunnel: { name: 't' },
      },
      sql: `URL = 'https://csr:8081', USER = 'u', PASSWORD = SECRET ${db('ingest', 'pw')}, SSL CERTIFICATE AUTHORITY = SECRET ${db('ingest', 'ca')}, SSL CERTIFICATE = SECRET ${db('ingest', 'cert')}, SSL KEY = SECRET ${db('ingest', 'key')}, SSH TUNNEL = ${db('ingest', 't')}`,
    },
    {
      args: { url: 'https://csr', username: { name: 'u' }, awsPrivatelink: { connection: { name: 'pl' } } },
      sql: `URL = 'https://csr', USER = SECRET ${db('ingest', 'u')}, AWS PRIVATELINK = ${db('ingest', 'pl')}`,
    },
  ],
  postgres: [
    {
      args: {
        host: 'pg',
        port: 5433,
        database: 'app',
        user: { name: 'pguser' },
        password: { name: 'pgpw' },
        sslMode: 'verify_full',
        sslCertificateAuthority: 'CA',
        sslCertificate: { name: 'cert' },
        sslKey: { name: 'key' },
        sshTunnel: { name: 't' },
      },
      sql: `HOST = 'pg', PORT = 5433, DATABASE = 'app', USER = SECRET ${db('ingest', 'pguser')}, PASSWORD = SECRET ${db('ingest', 'pgpw')}, SSL MODE = 'verify_full', SSL CERTIFICATE AUTHORITY = 'CA', SSL CERTIFICATE = SECRET ${db('ingest', 'cert')}, SSL KEY = SECRET ${db('ingest', 'key')}, SSH TUNNEL = ${db('ingest', 't')}`,
    },
    {
      args: { host: 'pg', database: 'app', user: 'u', awsPrivatelink: { connection: { name: 'pl' } } },
      sql: `HOST = 'pg', DATABASE = 'app', USER = 'u', AWS PRIVATELINK = ${db('ingest', 'pl')}`,
    },
  ],
  mysql: [
    {
      args: {
        host: 'my',
        port: 3307,
        user: 'root',
        password: { name: 'pw' },
        sslMode: 'verify_identity',
        sslCertificateAuthority: 'CA',
        sslCertificate: 'CERT',
        sslKey: { name: 'key' },
        sshTunnel: { name: 't' },
      },
      sql: `HOST = 'my', PORT = 3307, USER = 'root', PASSWORD = SECRET ${db('ingest', 'pw')}, SSL MODE = 'verify_identity', SSL CERTIFICATE AUTHORITY = 'CA', SSL CERTIFICATE = 'CERT', SSL KEY = SECRET ${db('ingest', 'key')}, SSH TUNNEL = ${db('ingest', 't')}`,
    },
    {
      args: {
        host: 'rds',
        user: 'iam',
        sslMode: 'required',
        awsPrivatelink: { connection: { name: 'pl' } },
        awsConnection: { name: 'aws' },
      },
      sql: `HOST = 'rds', USER = 'iam', SSL MODE = 'required', AWS PRIVATELINK = ${db('ingest', 'pl')}, AWS CONNECTION = ${db('ingest', 'aws')}`,
    },
  ],
  'sql-server': [
    {
      args: {
        host: 'mssql',
        port: 1434,
        database: 'db',
        user: 'sa',
        password: { name: 'pw' },
        sslMode: 'verify_ca',
        sslCertificateAuthority: { name: 'ca' },
        sslCertificate: 'CERT',
        sslKey: { name: 'key' },
        sshTunnel: { name: 't' },
      },
      sql: `HOST = 'mssql', PORT = 1434, DATABASE = 'db', USER = 'sa', PASSWORD = SECRET ${db('ingest', 'pw')}, SSL MODE = 'verify_ca', SSL CERTIFICATE AUTHORITY = SECRET ${db('ingest', 'ca')}, SSL CERTIFICATE = 'CERT', SSL KEY = SECRET ${db('ingest', 'key')}, SSH TUNNEL = ${db('ingest', 't')}`,
    },
    {
      args: {
        host: 'mssql',
        database: 'db',
        user: { name: 'u' },
        password: { name: 'pw' },
        awsPrivatelink: { connection: { name: 'pl' } },
      },
      sql: `HOST = 'mssql', DATABASE = 'db', USER = SECRET ${db('ingest', 'u')}, PASSWORD = SECRET ${db('ingest', 'pw')}, AWS PRIVATELINK = ${db('ingest', 'pl')}`,
    },
  ],
  'ssh-tunnel': [
    { args: { host: 'bastion', port: 2222, user: 'mz' }, sql: `HOST = 'bastion', PORT = 2222, USER = 'mz'` },
  ],
  'iceberg-catalog': [
    {
      args: {
        catalogType: 'rest',
        url: 'https://polaris/api/catalog',
        warehouse: 'wh',
        credential: { name: 'cred' },
        scope: 'PRINCIPAL_ROLE:ALL',
      },
      sql: `CATALOG TYPE = 'rest', URL = 'https://polaris/api/catalog', WAREHOUSE = 'wh', CREDENTIAL = SECRET ${db('ingest', 'cred')}, SCOPE = 'PRINCIPAL_ROLE:ALL'`,
    },
    {
      args: {
        catalogType: 's3tablesrest',
        url: 'https://s3tables.us-east-1.amazonaws.com/iceberg',
        warehouse: 'arn:aws:s3tables:us-east-1:1:bucket/b',
        awsConnection: { name: 'aws' },
      },
      sql: `CATALOG TYPE = 's3tablesrest', URL = 'https://s3tables.us-east-1.amazonaws.com/iceberg', WAREHOUSE = 'arn:aws:s3tables:us-east-1:1:bucket/b', AWS CONNECTION = ${db('ingest', 'aws')}`,
    },
    {
      args: { catalogType: 'rest', url: 'https://polaris', credential: 'client:secret' },
      sql: `CATALOG TYPE = 'rest', URL = 'https://polaris', CREDENTIAL = 'client:secret'`,
    },
    // oauth2-server-url.td's oauth_override and vended-credentials.td's vended_polaris (addendum §9.3, §9.5).
    {
      args: {
        catalogType: 'REST',
        url: 'https://example.invalid/api/catalog',
        credential: { name: 'oauth_cred' },
        oauth2ServerUrl: 'https://example.invalid/oidc/v1/token',
        scope: 'all-apis',
        warehouse: 'wh',
        accessDelegation: 'vended-credentials',
      },
      sql: `CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', WAREHOUSE = 'wh', CREDENTIAL = SECRET ${db('ingest', 'oauth_cred')}, SCOPE = 'all-apis', OAUTH2 SERVER URL = 'https://example.invalid/oidc/v1/token', ACCESS DELEGATION = 'vended-credentials'`,
    },
    // gcp-connection-validation.td's biglake (addendum §9.1), with ACCESS DELEGATION (v26.42).
    {
      args: {
        catalogType: 'rest',
        url: 'https://biglake.googleapis.com/iceberg/v1/restcatalog',
        gcpConnection: { name: 'gcpconn' },
        warehouse: 'gs://anything',
        accessDelegation: 'vended-credentials',
      },
      sql: `CATALOG TYPE = 'rest', URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog', WAREHOUSE = 'gs://anything', ACCESS DELEGATION = 'vended-credentials', GCP CONNECTION = ${db('ingest', 'gcpconn')}`,
    },
    // storage-provider.td's sp_adls (addendum §9.4). Materialize's parser 26.41 cannot parse STORAGE PROVIDER:
    // checked-provider asserts that 26.41 rejects the text exactly there, then checks the rest of the statement
    // with the option masked (test/support/mz-parser.ts, PARSER_2641_UNKNOWN_OPTIONS).
    {
      args: {
        catalogType: 'REST',
        url: 'https://example.invalid/api/catalog',
        credential: { name: 'sp_cred' },
        storageProvider: 'adls',
        warehouse: 'wh',
      },
      sql: `CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', WAREHOUSE = 'wh', CREDENTIAL = SECRET ${db('ingest', 'sp_cred')}, STORAGE PROVIDER = 'adls'`,
    },
  ],
  gcp: [
    // gcp-connection-validation.td's gcpconn (addendum §9.1).
    { args: { serviceAccountKey: { name: 'gcpsa' } }, sql: `SERVICE ACCOUNT KEY = SECRET ${db('ingest', 'gcpsa')}` },
  ],
  'aws-glue-schema-registry': [
    // glue_schema_registry.slt's glue_conn (addendum §9.2).
    {
      args: { awsConnection: { name: 'aws_conn' }, registry: 'my-registry' },
      sql: `AWS CONNECTION = ${db('ingest', 'aws_conn')}, REGISTRY = 'my-registry'`,
    },
  ],
};

const sqlType: Record<string, string> = {
  aws: 'AWS',
  'aws-privatelink': 'AWS PRIVATELINK',
  kafka: 'KAFKA',
  'confluent-schema-registry': 'CONFLUENT SCHEMA REGISTRY',
  postgres: 'POSTGRES',
  mysql: 'MYSQL',
  'sql-server': 'SQL SERVER',
  'ssh-tunnel': 'SSH TUNNEL',
  'iceberg-catalog': 'ICEBERG CATALOG',
  gcp: 'GCP',
  'aws-glue-schema-registry': 'AWS GLUE SCHEMA REGISTRY',
};

describe.each(Object.entries(everyOption))('%s', (kind, cases) => {
  test.each(cases.map((c, i) => [i + 1, c] as const))('case %i renders exactly and is valid', (_i, c) => {
    const args = { ...own, ...c.args };
    expect(validateConnection(kind as never, args)).toEqual([]);
    expect(createConnectionSql(kind as never, args)).toBe(
      `CREATE CONNECTION ${db('ingest', 'conn')} TO ${sqlType[kind]} (${c.sql})`,
    );
  });

  test('the cases cover every option of the spec', () => {
    const covered = new Set(cases.flatMap((c) => Object.keys(c.args)));
    expect(
      connectionSpecs[kind as keyof typeof connectionSpecs].options.map((o) => o.arg).filter((a) => !covered.has(a)),
    ).toEqual([]);
  });
});

describe('common clauses', () => {
  const base = { name: 'conn', host: 'b', user: 'u' };
  test('WITH (VALIDATE) only when validate is given', () => {
    expect(createConnectionSql('ssh-tunnel', base)).toBe(
      `CREATE CONNECTION "materialize"."public"."conn" TO SSH TUNNEL (HOST = 'b', USER = 'u')`,
    );
    expect(createConnectionSql('ssh-tunnel', { ...base, validate: true })).toBe(
      `CREATE CONNECTION "materialize"."public"."conn" TO SSH TUNNEL (HOST = 'b', USER = 'u') WITH (VALIDATE = true)`,
    );
    expect(createConnectionSql('ssh-tunnel', { ...base, validate: false })).toBe(
      `CREATE CONNECTION "materialize"."public"."conn" TO SSH TUNNEL (HOST = 'b', USER = 'u') WITH (VALIDATE = false)`,
    );
  });

  test('options render in spec order whatever the order of the args', () => {
    const a = createConnectionSql('postgres', { name: 'p', user: 'u', database: 'd', host: 'h', port: 1 });
    const b = createConnectionSql('postgres', { port: 1, host: 'h', database: 'd', user: 'u', name: 'p' });
    expect(a).toBe(b);
    expect(a).toBe(
      `CREATE CONNECTION "materialize"."public"."p" TO POSTGRES (HOST = 'h', PORT = 1, DATABASE = 'd', USER = 'u')`,
    );
  });

  test('null and undefined options are left out', () => {
    expect(createConnectionSql('ssh-tunnel', { ...base, port: undefined })).toBe(
      createConnectionSql('ssh-tunnel', { ...base, port: null }),
    );
  });

  test('OWNER TO and COMMENT ON after CREATE, only when asked for', () => {
    expect(postCreateSql('connection', { name: 'c' })).toEqual([]);
    expect(
      postCreateSql('connection', { name: 'c', schemaName: 's', ownerRole: 'Data Eng', comment: "owner's note" }),
    ).toEqual([
      `ALTER CONNECTION "materialize"."s"."c" OWNER TO "Data Eng"`,
      `COMMENT ON CONNECTION "materialize"."s"."c" IS 'owner''s note'`,
    ]);
    expect(postCreateSql('secret', { name: 'c', comment: '' })).toEqual([
      `COMMENT ON SECRET "materialize"."public"."c" IS ''`,
    ]);
  });
});
