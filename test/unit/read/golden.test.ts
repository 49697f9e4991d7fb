// Golden parses: the exact SHOW CREATE outputs Materialize's own tests record (materialize-semantics.md §10),
// the stable create_sql form with resolved references (§5.6), and every example of the CREATE CONNECTION
// docs page (create-connection.md), in quoted and minimally quoted styles, with and without `;`.
import {
  parseShowCreateConnection,
  parseShowCreateSecret,
  type ParsedConnection,
} from '../../../provider/read/show-create';
import { parseMaterialize } from '../../support/mz-parser';

const here = { databaseName: 'materialize', schemaName: 'public' };
const at = (name: string) => ({ ...here, name });

describe('SHOW CREATE outputs recorded in Materialize tests (§10)', () => {
  test('connection-alter.td: minimally quoted, bare identifier value, trailing ;', () => {
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION materialize.public.conn TO KAFKA (BROKER = 'abcd', SECURITY PROTOCOL = plaintext);`,
      ),
    ).toStrictEqual<ParsedConnection>({
      kind: 'kafka',
      location: at('conn'),
      options: { brokers: ['abcd'], securityProtocol: 'plaintext' },
    });
  });

  test('connection-alter.td after SET (BROKERS [...]): BROKERS = (...)', () => {
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION materialize.public.conn TO KAFKA (SECURITY PROTOCOL = plaintext, BROKERS = ('x'));`,
      ).options,
    ).toStrictEqual({ securityProtocol: 'plaintext', brokers: ['x'] });
  });

  test('alter_connection.py: fully quoted, no ;, no PUBLIC KEY', () => {
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION "materialize"."public"."ssh_tunnel_0" TO SSH TUNNEL (HOST = 'ssh-bastion-host', PORT = 22, USER = 'mz')`,
      ),
    ).toStrictEqual<ParsedConnection>({
      kind: 'ssh-tunnel',
      location: at('ssh_tunnel_0'),
      options: { host: 'ssh-bastion-host', port: 22, user: 'mz' },
    });
  });

  test('SSH with PUBLIC KEY 1/2 appended: keys come back apart from the options', () => {
    const k1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ1 materialize';
    const k2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ2 materialize';
    const parsed = parseShowCreateConnection(
      `CREATE CONNECTION materialize.public.ssh_tunnel_0 TO SSH TUNNEL (HOST = 'ssh-bastion-host', PORT = 22, USER = 'mz', PUBLIC KEY 1 = '${k1}', PUBLIC KEY 2 = '${k2}');`,
    );
    expect(parsed.options).toStrictEqual({ host: 'ssh-bastion-host', port: 22, user: 'mz' });
    expect(parsed.publicKeys).toStrictEqual([k1, k2]);
  });

  test('pretty-printed over several lines, with comments', () => {
    const sql = `CREATE CONNECTION materialize.public.ssh_tunnel_0
TO SSH TUNNEL (
    HOST = 'ssh-bastion-host',   -- the bastion
    PORT = 22,
    /* generated /* nested */ */
    USER = 'mz'
)
;
`;
    expect(parseShowCreateConnection(sql)).toStrictEqual<ParsedConnection>({
      kind: 'ssh-tunnel',
      location: at('ssh_tunnel_0'),
      options: { host: 'ssh-bastion-host', port: 22, user: 'mz' },
    });
  });

  test('mz_connections.create_sql: stable form with resolved [id AS name] references', () => {
    const sql = `CREATE CONNECTION "materialize"."public"."pg" TO POSTGRES (HOST = 'db.example.com', PORT = 5432, USER = 'mz', PASSWORD = SECRET [u1 AS "materialize"."public"."pgpass"], DATABASE = 'app', SSL MODE = 'require', SSH TUNNEL = [u3 AS "materialize"."public"."ssh"])`;
    expect(parseShowCreateConnection(sql)).toStrictEqual<ParsedConnection>({
      kind: 'postgres',
      location: at('pg'),
      options: {
        host: 'db.example.com',
        port: 5432,
        user: 'mz',
        password: { name: 'pgpass', schemaName: 'public', databaseName: 'materialize' },
        database: 'app',
        sslMode: 'require',
        sshTunnel: { name: 'ssh', schemaName: 'public', databaseName: 'materialize' },
      },
    });
  });

  test('stable form of a bare-identifier value is a quoted identifier: case kept', () => {
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION "materialize"."public"."conn" TO KAFKA (BROKER = 'abcd', SECURITY PROTOCOL = "plaintext")`,
      ).options,
    ).toStrictEqual({ brokers: ['abcd'], securityProtocol: 'plaintext' });
  });

  test('CREATE SECRET as SHOW CREATE / create_sql print it', () => {
    expect(parseShowCreateSecret(`CREATE SECRET "materialize"."public"."pgpass" AS '********'`)).toStrictEqual({
      location: at('pgpass'),
    });
    expect(parseShowCreateSecret(`CREATE SECRET materialize.public.pgpass AS '********';`)).toStrictEqual({
      location: at('pgpass'),
    });
    expect(
      parseShowCreateSecret(`CREATE SECRET IF NOT EXISTS "Db"."My ""S"".x".s AS decode('YWJj', 'base64')`),
    ).toStrictEqual({ location: { databaseName: 'Db', schemaName: 'My "S".x', name: 's' } });
  });
});

// The docs' examples, normalized: placeholders filled in, and three missing commas added (the docs' SSL and
// CSR examples and the per-broker tunnel example omit a comma Materialize's parser requires).
interface DocExample {
  title: string;
  sql: string;
  kind: ParsedConnection['kind'];
  options: Record<string, unknown>;
}

const docExamples: DocExample[] = [
  {
    title: 'AWS role assumption',
    sql: `CREATE CONNECTION aws_role_assumption TO AWS (
    ASSUME ROLE ARN = 'arn:aws:iam::400121260767:role/WarehouseExport'
);`,
    kind: 'aws',
    options: { assumeRoleArn: 'arn:aws:iam::400121260767:role/WarehouseExport' },
  },
  {
    title: 'AWS credentials',
    sql: `CREATE CONNECTION aws_credentials TO AWS (
    ACCESS KEY ID = 'ASIAV2KIV5LPTG6HGXG6',
    SECRET ACCESS KEY = SECRET aws_secret_access_key
);`,
    kind: 'aws',
    options: { accessKeyId: 'ASIAV2KIV5LPTG6HGXG6', secretAccessKey: { name: 'aws_secret_access_key' } },
  },
  {
    title: 'Kafka BROKERS',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
    BROKERS ('broker1:9092', 'broker2:9092')
);`,
    kind: 'kafka',
    options: { brokers: ['broker1:9092', 'broker2:9092'] },
  },
  {
    title: 'Kafka PLAINTEXT',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
    BROKER 'unique-jellyfish-0000.prd.cloud.redpanda.com:9092',
    SECURITY PROTOCOL = 'PLAINTEXT',
    SSH TUNNEL ssh_connection
);`,
    kind: 'kafka',
    options: {
      brokers: ['unique-jellyfish-0000.prd.cloud.redpanda.com:9092'],
      securityProtocol: 'PLAINTEXT',
      sshTunnel: { name: 'ssh_connection' },
    },
  },
  {
    title: 'Kafka SSL with client authentication',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
    BROKER 'rp-f00000bar.cloud.redpanda.com:30365',
    SECURITY PROTOCOL = 'SSL',
    SSL CERTIFICATE = SECRET kafka_ssl_cert,
    SSL KEY = SECRET kafka_ssl_key,
    -- Specifying a certificate authority is only required if your cluster's
    -- certificates are not issued by a CA trusted by the Mozilla root store.
    SSL CERTIFICATE AUTHORITY = SECRET ca_cert
);`,
    kind: 'kafka',
    options: {
      brokers: ['rp-f00000bar.cloud.redpanda.com:30365'],
      securityProtocol: 'SSL',
      sslCertificate: { name: 'kafka_ssl_cert' },
      sslKey: { name: 'kafka_ssl_key' },
      sslCertificateAuthority: { name: 'ca_cert' },
    },
  },
  {
    title: 'Kafka SSL encryption only',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
    BROKER = 'rp-f00000bar.cloud.redpanda.com:30365',
    SECURITY PROTOCOL = 'SSL',
    SSH TUNNEL ssh_connection,
    -- Specifying a certificate authority is only required if your cluster's
    -- certificates are not issued by a CA trusted by the Mozilla root store.
    SSL CERTIFICATE AUTHORITY = SECRET ca_cert
);`,
    kind: 'kafka',
    options: {
      brokers: ['rp-f00000bar.cloud.redpanda.com:30365'],
      securityProtocol: 'SSL',
      sshTunnel: { name: 'ssh_connection' },
      sslCertificateAuthority: { name: 'ca_cert' },
    },
  },
  {
    title: 'Kafka SASL_PLAINTEXT',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
    BROKER 'unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092',
    SECURITY PROTOCOL = 'SASL_PLAINTEXT',
    SASL MECHANISMS = 'SCRAM-SHA-256', -- or \`PLAIN\` or \`SCRAM-SHA-512\`
    SASL USERNAME = 'foo',
    SASL PASSWORD = SECRET kafka_password,
    SSH TUNNEL ssh_connection
);`,
    kind: 'kafka',
    options: {
      brokers: ['unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'],
      securityProtocol: 'SASL_PLAINTEXT',
      saslMechanisms: 'SCRAM-SHA-256',
      saslUsername: 'foo',
      saslPassword: { name: 'kafka_password' },
      sshTunnel: { name: 'ssh_connection' },
    },
  },
  {
    title: 'Kafka SASL_SSL',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
    BROKER 'unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092',
    SECURITY PROTOCOL = 'SASL_SSL',
    SASL MECHANISMS = 'SCRAM-SHA-256', -- or \`PLAIN\` or \`SCRAM-SHA-512\`
    SASL USERNAME = 'foo',
    SASL PASSWORD = SECRET kafka_password,
    -- Specifying a certificate authority is only required if your cluster's
    -- certificates are not issued by a CA trusted by the Mozilla root store.
    SSL CERTIFICATE AUTHORITY = SECRET ca_cert
);`,
    kind: 'kafka',
    options: {
      brokers: ['unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092'],
      securityProtocol: 'SASL_SSL',
      saslMechanisms: 'SCRAM-SHA-256',
      saslUsername: 'foo',
      saslPassword: { name: 'kafka_password' },
      sslCertificateAuthority: { name: 'ca_cert' },
    },
  },
  {
    title: 'AWS for MSK IAM',
    sql: `CREATE CONNECTION aws_msk TO AWS (
    ASSUME ROLE ARN = 'arn:aws:iam::400121260767:role/MaterializeMSK'
);`,
    kind: 'aws',
    options: { assumeRoleArn: 'arn:aws:iam::400121260767:role/MaterializeMSK' },
  },
  {
    title: 'Kafka MSK IAM',
    sql: `CREATE CONNECTION kafka_msk TO KAFKA (
    BROKER 'msk.mycorp.com:9092',
    SECURITY PROTOCOL = 'SASL_SSL',
    AWS CONNECTION = aws_msk
);`,
    kind: 'kafka',
    options: { brokers: ['msk.mycorp.com:9092'], securityProtocol: 'SASL_SSL', awsConnection: { name: 'aws_msk' } },
  },
  {
    title: 'SSH tunnel with placeholders',
    sql: `CREATE CONNECTION ssh_connection TO SSH TUNNEL (
    HOST '<SSH_BASTION_HOST>',
    USER '<SSH_BASTION_USER>',
    PORT 22
);`,
    kind: 'ssh-tunnel',
    options: { host: '<SSH_BASTION_HOST>', user: '<SSH_BASTION_USER>', port: 22 },
  },
  {
    title: 'Kafka with a default SSH tunnel',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
    BROKER 'broker1:9092',
    SSH TUNNEL ssh_connection
);`,
    kind: 'kafka',
    options: { brokers: ['broker1:9092'], sshTunnel: { name: 'ssh_connection' } },
  },
  {
    title: 'SSH tunnel ssh1 (placeholder options filled in)',
    sql: `CREATE CONNECTION ssh1 TO SSH TUNNEL (HOST 'ssh1', USER 'mz', PORT 22);`,
    kind: 'ssh-tunnel',
    options: { host: 'ssh1', user: 'mz', port: 22 },
  },
  {
    title: 'Kafka with per-broker SSH tunnels',
    sql: `CREATE CONNECTION kafka_connection TO KAFKA (
BROKERS (
    'broker1:9092' USING SSH TUNNEL ssh1,
    'broker2:9092' USING SSH TUNNEL ssh2
    ),
    SSH TUNNEL ssh_1
);`,
    kind: 'kafka',
    options: {
      brokers: [
        { address: 'broker1:9092', sshTunnel: { name: 'ssh1' } },
        { address: 'broker2:9092', sshTunnel: { name: 'ssh2' } },
      ],
      sshTunnel: { name: 'ssh_1' },
    },
  },
  {
    title: 'CSR basic authentication',
    sql: `CREATE CONNECTION csr_basic TO CONFLUENT SCHEMA REGISTRY (
    URL 'https://rp-f00000bar.cloud.redpanda.com:30993',
    USERNAME = 'foo',
    PASSWORD = SECRET csr_password,
    -- Specifying a certificate authority is only required if your cluster's
    -- certificates are not issued by a CA trusted by the Mozilla root store.
    SSL CERTIFICATE AUTHORITY = SECRET ca_cert
);`,
    kind: 'confluent-schema-registry',
    options: {
      url: 'https://rp-f00000bar.cloud.redpanda.com:30993',
      username: 'foo',
      password: { name: 'csr_password' },
      sslCertificateAuthority: { name: 'ca_cert' },
    },
  },
  {
    title: 'CSR TLS authentication',
    sql: `CREATE CONNECTION csr_ssl TO CONFLUENT SCHEMA REGISTRY (
    URL 'https://rp-f00000bar.cloud.redpanda.com:30993',
    SSL CERTIFICATE = SECRET csr_ssl_cert,
    SSL KEY = SECRET csr_ssl_key,
    -- Specifying a certificate authority is only required if your cluster's
    -- certificates are not issued by a CA trusted by the Mozilla root store.
    SSL CERTIFICATE AUTHORITY = SECRET ca_cert
);`,
    kind: 'confluent-schema-registry',
    options: {
      url: 'https://rp-f00000bar.cloud.redpanda.com:30993',
      sslCertificate: { name: 'csr_ssl_cert' },
      sslKey: { name: 'csr_ssl_key' },
      sslCertificateAuthority: { name: 'ca_cert' },
    },
  },
  {
    title: 'CSR through an SSH tunnel',
    sql: `CREATE CONNECTION csr_ssh TO CONFLUENT SCHEMA REGISTRY (
    URL 'http://my-confluent-schema-registry:8081',
    SSH TUNNEL ssh_connection
);`,
    kind: 'confluent-schema-registry',
    options: { url: 'http://my-confluent-schema-registry:8081', sshTunnel: { name: 'ssh_connection' } },
  },
  {
    title: 'MySQL',
    sql: `CREATE CONNECTION mysql_connection TO MYSQL (
    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',
    PORT 3306,
    USER 'root',
    PASSWORD SECRET mysqlpass
);`,
    kind: 'mysql',
    options: {
      host: 'instance.foo000.us-west-1.rds.amazonaws.com',
      port: 3306,
      user: 'root',
      password: { name: 'mysqlpass' },
    },
  },
  {
    title: 'SSH tunnel "tunnel"',
    sql: `CREATE CONNECTION tunnel TO SSH TUNNEL (
    HOST 'bastion-host',
    PORT 22,
    USER 'materialize'
);`,
    kind: 'ssh-tunnel',
    options: { host: 'bastion-host', port: 22, user: 'materialize' },
  },
  {
    title: 'MySQL through an SSH tunnel',
    sql: `CREATE CONNECTION mysql_connection TO MYSQL (
    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',
    SSH TUNNEL ssh_connection
);`,
    kind: 'mysql',
    options: { host: 'instance.foo000.us-west-1.rds.amazonaws.com', sshTunnel: { name: 'ssh_connection' } },
  },
  {
    title: 'PostgreSQL',
    sql: `CREATE CONNECTION pg_connection TO POSTGRES (
    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',
    PORT 5432,
    USER 'postgres',
    PASSWORD SECRET pgpass,
    SSL MODE 'require',
    DATABASE 'postgres'
);`,
    kind: 'postgres',
    options: {
      host: 'instance.foo000.us-west-1.rds.amazonaws.com',
      port: 5432,
      user: 'postgres',
      password: { name: 'pgpass' },
      sslMode: 'require',
      database: 'postgres',
    },
  },
  {
    title: 'PostgreSQL through an SSH tunnel',
    sql: `CREATE CONNECTION pg_connection TO POSTGRES (
    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',
    PORT 5432,
    SSH TUNNEL tunnel,
    DATABASE 'postgres'
);`,
    kind: 'postgres',
    options: {
      host: 'instance.foo000.us-west-1.rds.amazonaws.com',
      port: 5432,
      sshTunnel: { name: 'tunnel' },
      database: 'postgres',
    },
  },
  {
    title: 'SSH tunnel "ssh_connection"',
    sql: `CREATE CONNECTION ssh_connection TO SSH TUNNEL (
    HOST 'bastion-host',
    PORT 22,
    USER 'materialize'
);`,
    kind: 'ssh-tunnel',
    options: { host: 'bastion-host', port: 22, user: 'materialize' },
  },
];

/** The statement name qualified the way SHOW CREATE prints it: minimally quoted, or every part quoted. */
function qualify(sql: string, style: 'minimal' | 'quoted'): string {
  return sql.replace(/^CREATE CONNECTION (\w+)/, (_m, name: string) =>
    style === 'minimal'
      ? `CREATE CONNECTION materialize.public.${name}`
      : `CREATE CONNECTION "materialize"."public"."${name}"`,
  );
}

/** Qualify bare references the way SHOW CREATE does (`SECRET x` → `SECRET materialize.public.x`). */
function qualifyRefs(sql: string, style: 'minimal' | 'quoted'): string {
  const q = (name: string) => (style === 'minimal' ? `materialize.public.${name}` : `"materialize"."public"."${name}"`);
  return sql.replace(
    /\b(SECRET|SSH TUNNEL|AWS CONNECTION) (=\s*)?([a-z_0-9]+)\b/g,
    (_m, kw: string, eq = '', name: string) => `${kw} ${eq}${q(name)}`,
  );
}

function qualifiedOptions(options: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(options), (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && typeof v.name === 'string' && !('address' in v)
      ? { name: v.name, schemaName: 'public', databaseName: 'materialize' }
      : v,
  );
}

describe('SHOW CREATE of the newest types and options (materialize-newest-features.md §2.4, §3.4, §4.5, §7)', () => {
  test('glue_schema_registry.slt: the verbatim two-line form', () => {
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION materialize.public.glue_conn\nTO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = materialize.public.aws_conn, REGISTRY = 'my-registry');`,
      ),
    ).toStrictEqual<ParsedConnection>({
      kind: 'aws-glue-schema-registry',
      location: at('glue_conn'),
      options: {
        awsConnection: { databaseName: 'materialize', schemaName: 'public', name: 'aws_conn' },
        registry: 'my-registry',
      },
    });
  });

  test('GCP (the form §1.3 infers), one line and pretty-printed', () => {
    const expected: ParsedConnection = {
      kind: 'gcp',
      location: at('gcpconn'),
      options: { serviceAccountKey: { databaseName: 'materialize', schemaName: 'public', name: 'gcpsa' } },
    };
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION materialize.public.gcpconn\nTO GCP (SERVICE ACCOUNT KEY = SECRET materialize.public.gcpsa);`,
      ),
    ).toStrictEqual(expected);
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION materialize.public.gcpconn TO GCP (SERVICE ACCOUNT KEY = SECRET materialize.public.gcpsa);`,
      ),
    ).toStrictEqual(expected);
  });

  test('create-alter-iam-connection.td: both recorded layouts (one line before v26.7, pretty-printed since) read the same', () => {
    const expected = {
      awsConnection: at('aws_conn'),
      host: 'mysql',
      sslMode: 'required',
      user: 'root',
    };
    const before = parseShowCreateConnection(
      `CREATE CONNECTION materialize.public.mysql_conn TO MYSQL (AWS CONNECTION = materialize.public.aws_conn, HOST = mysql, SSL MODE = required, USER = root);`,
    );
    const since = parseShowCreateConnection(
      `CREATE CONNECTION materialize.public.mysql_conn\nTO MYSQL\n    (AWS CONNECTION = materialize.public.aws_conn, HOST = mysql, SSL MODE = required, USER = root);`,
    );
    expect(before).toStrictEqual({ kind: 'mysql', location: at('mysql_conn'), options: expected });
    expect(since).toStrictEqual(before);
  });

  test('storage-provider.td sp_default: both recorded option orders read the same (options sorted by name, §7.2)', () => {
    const expected = {
      catalogType: 'rest',
      credential: { databaseName: 'materialize', schemaName: 'public', name: 'sp_cred' },
      url: 'https://example.invalid/api/catalog',
      warehouse: 'wh',
    };
    const a = parseShowCreateConnection(
      `CREATE CONNECTION materialize.public.sp_default TO ICEBERG CATALOG (CATALOG TYPE = 'rest', CREDENTIAL = SECRET materialize.public.sp_cred, URL = 'https://example.invalid/api/catalog', WAREHOUSE = 'wh');`,
    );
    const b = parseShowCreateConnection(
      `CREATE CONNECTION materialize.public.sp_default
TO ICEBERG CATALOG
    (
        CREDENTIAL = SECRET materialize.public.sp_cred,
        CATALOG TYPE = 'REST',
        URL = 'https://example.invalid/api/catalog',
        WAREHOUSE = 'wh'
    );`,
    );
    expect(a.options).toStrictEqual(expected);
    expect(b.options).toStrictEqual({ ...expected, catalogType: 'REST' });
  });

  test('every new Iceberg option, in name order', () => {
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION materialize.public.i TO ICEBERG CATALOG (ACCESS DELEGATION = 'vended-credentials', CATALOG TYPE = 'rest', GCP CONNECTION = materialize.public.gcpconn, STORAGE PROVIDER = 'gcs', URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog', WAREHOUSE = 'gs://w');`,
      ).options,
    ).toStrictEqual({
      accessDelegation: 'vended-credentials',
      catalogType: 'rest',
      gcpConnection: { databaseName: 'materialize', schemaName: 'public', name: 'gcpconn' },
      storageProvider: 'gcs',
      url: 'https://biglake.googleapis.com/iceberg/v1/restcatalog',
      warehouse: 'gs://w',
    });
    expect(
      parseShowCreateConnection(
        `CREATE CONNECTION materialize.public.o TO ICEBERG CATALOG (CATALOG TYPE = 'REST', CREDENTIAL = 'root:root', OAUTH2 SERVER URL = 'https://example.invalid/oidc/v1/token', SCOPE = 'all-apis', URL = 'https://example.invalid/api/catalog', WAREHOUSE = 'wh');`,
      ).options,
    ).toStrictEqual({
      catalogType: 'REST',
      credential: 'root:root',
      oauth2ServerUrl: 'https://example.invalid/oidc/v1/token',
      scope: 'all-apis',
      url: 'https://example.invalid/api/catalog',
      warehouse: 'wh',
    });
  });

  test('Kafka MATCHING rules (the shape §3.4 infers), sub-options with and without =', () => {
    const pl = { databaseName: 'materialize', schemaName: 'public', name: 'pl' };
    const expected = [
      { address: 'boot:9092', awsPrivatelink: { connection: pl } },
      { matching: '*.use1-az1.*', awsPrivatelink: { connection: pl, availabilityZone: 'use1-az1' } },
      { matching: '*', awsPrivatelink: { connection: pl, port: 9092 } },
    ];
    for (const eq of [' = ', ' '])
      expect(
        parseShowCreateConnection(
          `CREATE CONNECTION materialize.public.k TO KAFKA (BROKERS = ('boot:9092' USING AWS PRIVATELINK materialize.public.pl, MATCHING '*.use1-az1.*' USING AWS PRIVATELINK materialize.public.pl (AVAILABILITY ZONE${eq}'use1-az1'), MATCHING '*' USING AWS PRIVATELINK materialize.public.pl (PORT${eq}9092)), SECURITY PROTOCOL = plaintext);`,
        ).options,
      ).toStrictEqual({ brokers: expected, securityProtocol: 'plaintext' });
  });
});

describe('create-connection.md examples', () => {
  test.each(docExamples.map((e) => [e.title, e] as const))('%s: Materialize parses it', (_t, e) => {
    expect(parseMaterialize(e.sql).error).toBeNull();
  });

  test.each(docExamples.map((e) => [e.title, e] as const))('%s: as written (unqualified)', (_t, e) => {
    const name = /^CREATE CONNECTION (\w+)/.exec(e.sql)![1];
    expect(parseShowCreateConnection(e.sql)).toStrictEqual<ParsedConnection>({
      kind: e.kind,
      location: at(name),
      options: e.options,
    });
  });

  for (const style of ['minimal', 'quoted'] as const)
    for (const semicolon of [true, false])
      test.each(docExamples.map((e) => [e.title, e] as const))(
        `%s: ${style} names, ${semicolon ? 'with' : 'without'} ;`,
        (_t, e) => {
          let sql = qualifyRefs(qualify(e.sql, style), style);
          if (!semicolon) sql = sql.replace(/;\s*$/, '');
          expect(parseMaterialize(sql).error).toBeNull();
          const name = /^CREATE CONNECTION (\w+)/.exec(e.sql)![1];
          expect(parseShowCreateConnection(sql)).toStrictEqual<ParsedConnection>({
            kind: e.kind,
            location: at(name),
            options: qualifiedOptions(e.options),
          });
        },
      );

  test('a partly qualified statement name takes the defaults given', () => {
    expect(
      parseShowCreateConnection(`CREATE CONNECTION s.c TO AWS (REGION = 'x')`, { databaseName: 'd' }).location,
    ).toStrictEqual({ databaseName: 'd', schemaName: 's', name: 'c' });
  });
});

describe('grammar variants', () => {
  const parse = (options: string, type = 'KAFKA') =>
    parseShowCreateConnection(`CREATE CONNECTION c TO ${type} (${options})`).options;

  test('FOR, IF NOT EXISTS, lower-case keywords, WITH (VALIDATE ...)', () => {
    expect(
      parseShowCreateConnection(
        `create connection if not exists c for aws privatelink (service name 's', availability zones ['a']) with (validate)`,
      ),
    ).toStrictEqual({
      kind: 'aws-privatelink',
      location: at('c'),
      options: { serviceName: 's', availabilityZones: ['a'] },
    });
  });

  test('USERNAME is USER', () => {
    expect(parse(`URL 'https://r', USERNAME SECRET u`, 'CONFLUENT SCHEMA REGISTRY')).toStrictEqual({
      url: 'https://r',
      username: { name: 'u' },
    });
  });

  test('bare identifier values fold to lower case; a bare `secret` is text', () => {
    expect(
      parse(`BROKER 'b', SECURITY PROTOCOL SASL_SSL, SASL USERNAME = secret, SASL MECHANISMS = "PLAIN"`),
    ).toStrictEqual({
      brokers: ['b'],
      securityProtocol: 'sasl_ssl',
      saslUsername: 'secret',
      saslMechanisms: 'PLAIN',
    });
  });

  test('string escapes: doubled quotes, E-strings, dollar quoting, newline continuation', () => {
    expect(parse(`HOST = 'it''s \\n', DATABASE = E'a\\n\\x41\\u00e9\\'', USER $$x'y$$`, 'POSTGRES')).toStrictEqual({
      host: "it's \\n",
      database: "a\nAé'",
      user: "x'y",
    });
    expect(parse(`HOST = 'ab'\n  'cd'`, 'POSTGRES')).toStrictEqual({ host: 'abcd' });
  });

  test('brokers: [...] and (...), per-broker PrivateLink options with and without =, single BROKER with a tunnel', () => {
    expect(
      parse(
        `BROKERS ['a:9092' USING AWS PRIVATELINK pl (AVAILABILITY ZONE = 'use1-az1', PORT = 9001), 'b:9092' USING AWS PRIVATELINK x.pl (PORT 9002), 'c' USING SSH TUNNEL "T"]`,
      ),
    ).toStrictEqual({
      brokers: [
        { address: 'a:9092', awsPrivatelink: { connection: { name: 'pl' }, availabilityZone: 'use1-az1', port: 9001 } },
        { address: 'b:9092', awsPrivatelink: { connection: { name: 'pl', schemaName: 'x' }, port: 9002 } },
        { address: 'c', sshTunnel: { name: 'T' } },
      ],
    });
    expect(parse(`BROKER 'a' USING SSH TUNNEL d.s.t`)).toStrictEqual({
      brokers: [{ address: 'a', sshTunnel: { name: 't', schemaName: 's', databaseName: 'd' } }],
    });
  });

  test('top-level AWS PRIVATELINK with and without (PORT n)', () => {
    expect(
      parse(`AWS PRIVATELINK pl (PORT 9092), PROGRESS TOPIC 'p', PROGRESS TOPIC REPLICATION FACTOR = 3`),
    ).toStrictEqual({
      awsPrivatelink: { connection: { name: 'pl' }, port: 9092 },
      progressTopic: 'p',
      progressTopicReplicationFactor: 3,
    });
    expect(parse(`HOST 'h', AWS PRIVATELINK = [u9 AS "d"."s"."pl"]`, 'POSTGRES')).toStrictEqual({
      host: 'h',
      awsPrivatelink: { connection: { name: 'pl', schemaName: 's', databaseName: 'd' } },
    });
  });

  test('quoted names keep case and escapes; unquoted names fold', () => {
    expect(
      parseShowCreateConnection(`CREATE CONNECTION "My""Db".Sch."a.b" TO AWS (REGION = 'r')`).location,
    ).toStrictEqual({
      databaseName: 'My"Db',
      schemaName: 'sch',
      name: 'a.b',
    });
  });

  test('ICEBERG CATALOG and SQL SERVER', () => {
    expect(
      parse(
        `CATALOG TYPE = 's3tablesrest', URL = 'https://s3tables', WAREHOUSE = 'arn:x', AWS CONNECTION = aws`,
        'ICEBERG CATALOG',
      ),
    ).toStrictEqual({
      catalogType: 's3tablesrest',
      url: 'https://s3tables',
      warehouse: 'arn:x',
      awsConnection: { name: 'aws' },
    });
    expect(
      parse(
        `HOST = 'h', PORT = 1433, DATABASE = 'd', USER = 'u', PASSWORD = SECRET p, SSL MODE = required`,
        'SQL SERVER',
      ),
    ).toStrictEqual({ host: 'h', port: 1433, database: 'd', user: 'u', password: { name: 'p' }, sslMode: 'required' });
  });
});
