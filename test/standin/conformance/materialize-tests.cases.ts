// Cases taken from Materialize's own test files (MaterializeInc/materialize), each citing its file, the commit
// of the version read, and the line of the statement. Scripts run in order on a fresh stand-in (one per
// script), so later cases see what earlier ones created. Testdrive's `contains:` and sqllogictest's
// `statement error` match a substring: `contains` holds the test's text; `error` the whole message as
// Materialize's source words it (checked exactly). Deviations from the test are stated per case (`note`) and
// per script: the stand-in has no tables, views, sources, clusters or role membership, and its Kafka/CSR hosts
// are not reachable, so a case that Materialize validates against a live broker is run WITH (VALIDATE = false).
export interface Case {
  /** `path:line` of the statement in the test file. */
  at: string;
  sql: string;
  /** Run as this role (it logs in with its name as password); default: the superuser session. */
  as?: string;
  /** The test's expected error text (a substring of the message). */
  contains?: string;
  /** The whole expected message. */
  error?: string;
  code?: string;
  tag?: string;
  rows?: Record<string, unknown>[];
  notice?: string;
  note?: string;
}

export interface Script {
  title: string;
  file: string;
  commit: string;
  cases: Case[];
}

const KAFKA = 'kafka:9092'; // ${testdrive.kafka-addr} in mzcompose
const NV = ' WITH (VALIDATE = false)';
const NOT_VALIDATED = 'run WITH (VALIDATE = false): no broker here';

const CCD = 'test/testdrive/connection-create-drop.td';
const ccd = (line: number) => `${CCD}:${line}`;

export const connectionCreateDrop: Script = {
  title: 'connection-create-drop.td: Kafka, CSR, SSH option rules and catalog',
  file: CCD,
  commit: '0243d70e8544cd99dbf307a79585d8625798f244',
  cases: [
    { at: ccd(29), sql: "CREATE SECRET s AS '...';", tag: 'CREATE SECRET' },
    {
      at: ccd(31),
      sql: `CREATE CONNECTION testconn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT, ACCESS KEY ID = 'abc')`,
      contains: 'KAFKA connections do not support ACCESS KEY ID values',
      error: 'KAFKA connections do not support ACCESS KEY ID values',
    },
    {
      at: ccd(34),
      sql: `CREATE CONNECTION testconn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT, ACCESS KEY ID = 'abc', PORT = 1)`,
      contains: 'KAFKA connections do not support ACCESS KEY ID, PORT values',
      error: 'KAFKA connections do not support ACCESS KEY ID, PORT values',
    },
    {
      at: ccd(37),
      sql: `CREATE CONNECTION testconn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL NOTHINGREAL)`,
      contains: 'unknown security protocol: NOTHINGREAL',
      error: 'unknown security protocol: NOTHINGREAL',
    },
    {
      at: ccd(40),
      sql: `CREATE CONNECTION testconn TO KAFKA (BROKER '${KAFKA}', SASL MECHANISMS 'PLAIN', SASL USERNAME 'materialize', SASL PASSWORD SECRET s, SSL KEY SECRET s)`,
      contains: 'option SSL KEY not supported with this configuration',
      error: 'option SSL KEY not supported with this configuration',
    },
    {
      at: ccd(43),
      sql: `CREATE CONNECTION testconn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT, SASL USERNAME 'materialize')`,
      contains: 'option SASL USERNAME not supported with this configuration',
      error: 'option SASL USERNAME not supported with this configuration',
    },
    {
      at: ccd(46),
      sql: `CREATE CONNECTION testconn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT, PROGRESS TOPIC REPLICATION FACTOR -4)`,
      contains: 'PROGRESS TOPIC REPLICATION FACTOR must be greater than 0',
      error: 'invalid CONNECTION: PROGRESS TOPIC REPLICATION FACTOR must be greater than 0',
    },
    {
      at: ccd(49),
      sql: `CREATE CONNECTION testconn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT)${NV}`,
      tag: 'CREATE CONNECTION',
      note: NOT_VALIDATED,
    },
    {
      at: ccd(51),
      sql: "SELECT name, type from mz_connections WHERE id LIKE 'u%'",
      rows: [{ name: 'testconn', type: 'kafka' }],
    },
    {
      at: ccd(56),
      sql: 'SHOW CONNECTIONS',
      rows: [{ name: 'testconn', type: 'kafka', comment: '' }],
    },
    {
      at: ccd(59),
      sql: 'SHOW CREATE CONNECTION testconn',
      rows: [
        {
          name: 'materialize.public.testconn',
          create_sql: `CREATE CONNECTION materialize.public.testconn\nTO KAFKA (BROKER = '${KAFKA}', SECURITY PROTOCOL = plaintext);`,
        },
      ],
      note:
        'this version records the statement on one line (109 characters); since v26.7 SHOW CREATE is pretty-printed ' +
        'at width 100 (create-alter-iam-connection.td [version>=2600700]), which breaks it after the name',
    },
    {
      at: ccd(64),
      sql: `SELECT brokers::text AS brokers, sink_progress_topic = '_materialize-progress-' || mz_environment_id() || '-' || id AS default_topic FROM mz_kafka_connections JOIN mz_connections USING (id) WHERE name = 'testconn'`,
      rows: [{ brokers: `{${KAFKA}}`, default_topic: true }],
    },
    { at: ccd(72), sql: 'DROP CONNECTION testconn', tag: 'DROP CONNECTION' },
    {
      at: ccd(74),
      sql: `CREATE CONNECTION progress_override TO KAFKA (BROKER '${KAFKA}', PROGRESS TOPIC 'override_topic', PROGRESS TOPIC REPLICATION FACTOR 1, SECURITY PROTOCOL PLAINTEXT)${NV}`,
      tag: 'CREATE CONNECTION',
      note: NOT_VALIDATED,
    },
    {
      at: ccd(81),
      sql: "SELECT brokers::text AS brokers, sink_progress_topic FROM mz_kafka_connections JOIN mz_connections USING (id) WHERE name = 'progress_override'",
      rows: [{ brokers: `{${KAFKA}}`, sink_progress_topic: 'override_topic' }],
    },
    {
      at: ccd(174),
      sql: `CREATE CONNECTION csr_conn TO CONFLUENT SCHEMA REGISTRY (URL 'http://schema-registry:8081')${NV}`,
      tag: 'CREATE CONNECTION',
      note: `${NOT_VALIDATED} (schema registry)`,
    },
    {
      at: ccd(179),
      sql: "CREATE CONNECTION csr_conn TO CONFLUENT SCHEMA REGISTRY (URL 'http://schema-registry:8081', SESSION TOKEN = 'abc')",
      contains: 'CONFLUENT SCHEMA REGISTRY connections do not support SESSION TOKEN values',
      error: 'CONFLUENT SCHEMA REGISTRY connections do not support SESSION TOKEN values',
    },
    {
      at: ccd(185),
      sql: `CREATE CONNECTION kafka_conn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT)${NV}`,
      tag: 'CREATE CONNECTION',
      note: NOT_VALIDATED,
    },
    {
      at: ccd(337),
      sql: "CREATE CONNECTION ssh_conn TO SSH TUNNEL (HOST 'host', USER 'user', PORT 1, REGION = 'abc');",
      contains: 'SSH TUNNEL connections do not support REGION values',
      error: 'SSH TUNNEL connections do not support REGION values',
    },
    {
      at: ccd(345),
      sql: "CREATE CONNECTION ssh_conn TO SSH TUNNEL (HOST 'host', USER 'user', PORT 1);",
      tag: 'CREATE CONNECTION',
    },
    {
      at: ccd(351),
      sql: "SELECT name, public_key_1 LIKE 'ssh-ed25519%' public_key_1 FROM mz_ssh_tunnel_connections JOIN mz_connections USING (id)",
      rows: [{ name: 'ssh_conn', public_key_1: true }],
    },
    {
      at: ccd(361),
      sql: "CREATE CONNECTION not_a_secret TO KAFKA (BROKER '', SASL PASSWORD = '', SECURITY PROTOCOL PLAINTEXT);",
      contains: 'invalid SASL PASSWORD: must provide a secret value',
      error: 'invalid SASL PASSWORD: must provide a secret value',
    },
    {
      at: ccd(368),
      sql: "CREATE CONNECTION not_a_secret TO KAFKA (BROKER '', SSL KEY = '', SECURITY PROTOCOL PLAINTEXT);",
      contains: 'invalid SSL KEY: must provide a secret value',
      error: 'invalid SSL KEY: must provide a secret value',
    },
    {
      at: ccd(375),
      sql: "CREATE CONNECTION duplicate_option TO KAFKA (BROKER '', BROKER '', SECURITY PROTOCOL PLAINTEXT);",
      contains: 'BROKER specified more than once',
      error: 'BROKER specified more than once',
    },
    {
      at: ccd(382),
      sql: 'CREATE CONNECTION no_broker TO KAFKA (SECURITY PROTOCOL PLAINTEXT);',
      contains: 'must set one of BROKER, BROKERS, or AWS PRIVATELINK',
      error: 'invalid CONNECTION: must set one of BROKER, BROKERS, or AWS PRIVATELINK',
    },
    {
      at: ccd(387),
      sql: "CREATE CONNECTION ssl_underspeced TO KAFKA (BROKER 'kafka:9092', BROKERS ['kafka:9092', 'kafka:9093'], SECURITY PROTOCOL PLAINTEXT);",
      contains: 'can only set one of BROKER, BROKERS, or AWS PRIVATELINK',
      error: 'invalid CONNECTION: can only set one of BROKER, BROKERS, or AWS PRIVATELINK',
    },
    {
      at: ccd(394),
      sql: "CREATE CONNECTION ssl_underspeced TO KAFKA (BROKER 'kafka:9092', SSL CERTIFICATE = '');",
      contains: 'SSL KEY must be specified with SSL CERTIFICATE',
      error: 'SSL KEY must be specified with SSL CERTIFICATE',
    },
    {
      at: ccd(400),
      sql: "CREATE CONNECTION sasl_underspeced TO KAFKA (BROKER 'kafka:9092', SASL MECHANISMS = 'PLAIN');",
      contains: 'SASL USERNAME must be specified',
      error: 'SASL USERNAME must be specified',
    },
    ...(
      [
        [406, 'kafka_sasl_lowercase_string_mechanism', "'plain'"],
        [412, 'kafka_sasl_spongebob_string_mechanism', "'pLaIN'"],
        [418, 'kafka_sasl_uppercase_ident_mechanism', 'PLAIN'],
        [424, 'kafka_sasl_spongebob_ident_mechanism', 'pLaIN'],
      ] as const
    ).map(([line, name, mechanism]): Case => ({
      at: ccd(line),
      sql: `CREATE CONNECTION ${name} TO KAFKA (BROKER 'kafka:9092', SASL MECHANISMS = ${mechanism}, SASL USERNAME = 'materialize', SASL PASSWORD = SECRET s) WITH (VALIDATE = FALSE);`,
      tag: 'CREATE CONNECTION',
    })),
    {
      at: ccd(431),
      sql: "CREATE CONNECTION multiple_brokers TO KAFKA (BROKER 'kafka:9092, kafka:9093', SECURITY PROTOCOL PLAINTEXT);",
      contains: 'cannot specify multiple Kafka broker addresses in one string',
      error:
        "invalid CONNECTION: cannot specify multiple Kafka broker addresses in one string.\n\n\nInstead, specify BROKERS using multiple strings, e.g. BROKERS ('kafka:9092', 'kafka:9093')",
    },
    {
      at: ccd(437),
      sql: "CREATE CONNECTION multiple_brokers TO KAFKA (BROKERS ['kafka:9092, kafka:9093'], SECURITY PROTOCOL PLAINTEXT);",
      contains: 'cannot specify multiple Kafka broker addresses in one string',
    },
    {
      at: ccd(444),
      sql: "CREATE CONNECTION missing_url TO CONFLUENT SCHEMA REGISTRY (USERNAME 'foo');",
      contains: 'must specify URL',
      error: 'invalid CONNECTION: must specify URL',
    },
    {
      at: ccd(449),
      sql: "CREATE CONNECTION missing_cert TO CONFLUENT SCHEMA REGISTRY (URL 'http://localhost', SSL KEY = SECRET s);",
      contains: ' requires both SSL KEY and SSL CERTIFICATE',
      error:
        'invalid CONNECTION: reading from SSL-auth Confluent Schema Registry requires both SSL KEY and SSL CERTIFICATE',
    },
    {
      at: ccd(455),
      sql: "CREATE CONNECTION missing_key TO CONFLUENT SCHEMA REGISTRY (URL 'http://localhost', SSL CERTIFICATE = '');",
      contains: ' requires both SSL KEY and SSL CERTIFICATE',
    },
    {
      at: ccd(461),
      sql: "CREATE CONNECTION IF NOT EXISTS csr_conn TO CONFLUENT SCHEMA REGISTRY (URL 'http://schema-registry:8081/FOO/BAR/BAZ');",
      contains: ' URL must have an empty path',
      error: 'invalid CONNECTION: URL must have an empty path',
      note: 'planned before the IF NOT EXISTS check: csr_conn exists, yet the plan error comes first',
    },
    {
      at: ccd(467),
      sql: "CREATE CONNECTION missing_user TO SSH TUNNEL (USER 'foo');",
      contains: ' HOST option is required',
      error: 'HOST option is required',
    },
    {
      at: ccd(474),
      sql: `CREATE CONNECTION conn1 TO KAFKA (BROKER '${KAFKA}' USING AWS PRIVATELINK foo (PORT 9093), SECURITY PROTOCOL PLAINTEXT);`,
      contains: " unknown catalog item 'foo'",
      error: "unknown catalog item 'foo'",
    },
    {
      at: ccd(477),
      sql: 'CREATE CONNECTION conn1 TO CONFLUENT SCHEMA REGISTRY (AWS PRIVATELINK foo, PORT 8080)',
      contains: " unknown catalog item 'foo'",
      error: "unknown catalog item 'foo'",
    },
    {
      at: ccd(480),
      sql: 'CREATE CONNECTION pgconn TO POSTGRES (AWS PRIVATELINK foo, PORT 1234)',
      contains: " unknown catalog item 'foo'",
      error: "unknown catalog item 'foo'",
    },
  ],
};

const PG = 'test/sqllogictest/privilege_grants.slt';
const pg = (line: number) => `${PG}:${line}`;
/** The slt's `item_privileges` view (`unnest(privileges)::text FROM mz_objects`), inline: the stand-in has no views. */
const itemPrivileges = (name: string) =>
  `SELECT name, unnest(privileges)::text AS privilege FROM mz_objects WHERE name = '${name}' ORDER BY 2`;
const acl = (name: string, ...privileges: string[]) => privileges.map((privilege) => ({ name, privilege }));
const JOE = "CREATE ROLE joe LOGIN PASSWORD 'joe'";
const JOE_NOTE = 'joe may log in here (the slt connects as joe without a password)';

/** The Secret and Connection sections of privilege_grants.slt are the same script; `line0` is GRANT's line. */
function grantSection(type: 'SECRET' | 'CONNECTION', item: string, line0: number): Case[] {
  const at = (d: number) => pg(line0 + d);
  return [
    { at: at(0), sql: `GRANT USAGE on ${type} ${item} TO joe`, tag: 'GRANT' },
    { at: at(3), sql: itemPrivileges(item), rows: acl(item, 'joe=U/materialize', 'materialize=U/materialize') },
    { at: at(35), sql: `GRANT USAGE on ${type} ${item} TO joe`, tag: 'GRANT', note: 'duplicate grants have no effect' },
    { at: at(38), sql: itemPrivileges(item), rows: acl(item, 'joe=U/materialize', 'materialize=U/materialize') },
    { at: at(44), sql: `GRANT USAGE on ${type} ${item} TO PUBLIC`, tag: 'GRANT' },
    {
      at: at(47),
      sql: itemPrivileges(item),
      rows: acl(item, '=U/materialize', 'joe=U/materialize', 'materialize=U/materialize'),
    },
    {
      at: at(54),
      sql: `GRANT USAGE on ${type} ${item} TO other`,
      as: 'joe',
      error: `must be owner of ${type} materialize.public.${item}`,
      code: '42501',
    },
    {
      at: at(59),
      sql: 'DROP ROLE joe',
      error: 'role "joe" cannot be dropped because some objects depend on it',
      contains: 'role "joe" cannot be dropped because some objects depend on it',
    },
    { at: at(62), sql: `REVOKE USAGE on ${type} ${item} FROM joe`, tag: 'REVOKE' },
    { at: at(65), sql: itemPrivileges(item), rows: acl(item, '=U/materialize', 'materialize=U/materialize') },
    {
      at: at(97),
      sql: `REVOKE USAGE on ${type} ${item} FROM joe`,
      tag: 'REVOKE',
      note: 'duplicate revokes have no effect',
    },
    { at: at(100), sql: itemPrivileges(item), rows: acl(item, '=U/materialize', 'materialize=U/materialize') },
    { at: at(106), sql: 'DROP ROLE joe', tag: 'DROP ROLE' },
    { at: at(109), sql: JOE, tag: 'CREATE ROLE', note: JOE_NOTE },
    { at: at(115), sql: `REVOKE USAGE ON ${type} ${item} FROM PUBLIC`, tag: 'REVOKE' },
    { at: at(118), sql: itemPrivileges(item), rows: acl(item, 'materialize=U/materialize') },
    {
      at: at(148),
      sql: `GRANT INSERT, SELECT, UPDATE, DELETE, CREATE ON ${type} ${item} TO joe`,
      contains: `invalid privilege types SELECT, INSERT, UPDATE, DELETE, CREATE for ${type}`,
      error: `invalid privilege types SELECT, INSERT, UPDATE, DELETE, CREATE for ${type}`,
    },
  ];
}

export const privilegeGrants: Script = {
  title: 'privilege_grants.slt: the privileges of secrets and connections (text form with role names, RBAC)',
  file: PG,
  commit: '07c5e5adffa8ae7c671b419741d94e712e2da70d',
  cases: [
    { at: pg(171), sql: "CREATE SECRET se AS decode('c2VjcmV0Cg==', 'base64');", tag: 'CREATE SECRET' },
    { at: pg(174), sql: itemPrivileges('se'), rows: acl('se', 'materialize=U/materialize') },
    {
      at: pg(179),
      sql: "CREATE CONNECTION conn TO KAFKA (BROKER 'localhost:9092') WITH (VALIDATE = false);",
      tag: 'CREATE CONNECTION',
    },
    { at: pg(182), sql: itemPrivileges('conn'), rows: acl('conn', 'materialize=U/materialize') },
    { at: pg(228), sql: JOE, tag: 'CREATE ROLE', note: JOE_NOTE },
    // Changing the owner changes the grantor of all privileges and transfers the old owner's (slt lines 224-225).
    { at: pg(284), sql: 'ALTER SECRET se OWNER TO joe', tag: 'ALTER SECRET' },
    { at: pg(289), sql: itemPrivileges('se'), rows: acl('se', 'joe=U/joe') },
    { at: pg(294), sql: 'ALTER CONNECTION conn OWNER TO joe', tag: 'ALTER CONNECTION' },
    { at: pg(299), sql: itemPrivileges('conn'), rows: acl('conn', 'joe=U/joe') },
    { at: pg(364), sql: 'ALTER SECRET se OWNER TO materialize', tag: 'ALTER SECRET' },
    { at: pg(369), sql: 'ALTER CONNECTION conn OWNER TO materialize', tag: 'ALTER CONNECTION' },
    { at: pg(391), sql: 'CREATE ROLE other', tag: 'CREATE ROLE' },
    ...grantSection('SECRET', 'se', 1339),
    ...grantSection('CONNECTION', 'conn', 1517),
  ],
};

const IAM = 'test/mysql-cdc/create-alter-iam-connection.td';
const iam = (line: number) => `${IAM}:${line}`;

export const mysqlIam: Script = {
  title: 'create-alter-iam-connection.td: MySQL with an AWS connection; SHOW CREATE since v26.7',
  file: IAM,
  commit: '1be70bf08d2efd2cca20632ab26dbe8e9fa613f0',
  cases: [
    { at: iam(10), sql: "CREATE SECRET mysqlpass AS 'root'", tag: 'CREATE SECRET', note: 'any password' },
    {
      at: iam(11),
      sql: 'CREATE CONNECTION aws_conn TO AWS (ENDPOINT "https://localhost:8080", REGION "us-east-1", ASSUME ROLE ARN "arn:aws:iam::123456789012:user/johndoe");',
      tag: 'CREATE CONNECTION',
    },
    {
      at: iam(17),
      sql: 'CREATE CONNECTION mysql_conn TO MYSQL (HOST mysql, USER root, AWS CONNECTION aws_conn, SSL MODE required) WITH (VALIDATE false);',
      tag: 'CREATE CONNECTION',
    },
    {
      at: iam(24),
      sql: "SELECT name, type from mz_connections WHERE id LIKE 'u%' ORDER BY name",
      rows: [
        { name: 'aws_conn', type: 'aws' },
        { name: 'mysql_conn', type: 'mysql' },
      ],
    },
    {
      at: iam(31),
      sql: 'SHOW CREATE CONNECTION mysql_conn',
      rows: [
        {
          name: 'materialize.public.mysql_conn',
          create_sql:
            'CREATE CONNECTION materialize.public.mysql_conn\nTO MYSQL\n    (AWS CONNECTION = materialize.public.aws_conn, HOST = mysql, SSL MODE = required, USER = root);',
        },
      ],
      note: 'the [version>=2600700] form; line 28 has the one-line form of older versions',
    },
    {
      at: iam(35),
      sql: 'ALTER CONNECTION mysql_conn SET (PASSWORD SECRET mysqlpass);',
      contains: 'IAM authentication is not supported with password',
    },
    {
      at: iam(38),
      sql: 'ALTER CONNECTION mysql_conn DROP (SSL MODE);',
      contains: 'IAM authentication requires SSL to be enabled',
    },
    { at: iam(41), sql: 'DROP CONNECTION mysql_conn;', tag: 'DROP CONNECTION' },
    {
      at: iam(47),
      sql: 'CREATE CONNECTION iam_or_password_not_both TO MYSQL (HOST mysql, USER root, PASSWORD SECRET mysqlpass, SSL MODE "required", AWS CONNECTION aws_conn);',
      contains: 'IAM authentication is not supported with password',
      error: 'invalid CONNECTION: AWS IAM authentication is not supported with password',
    },
    {
      at: iam(56),
      sql: 'CREATE CONNECTION iam_requires_ssl TO MYSQL (HOST mysql, USER root, AWS CONNECTION aws_conn);',
      contains: 'IAM authentication requires SSL to be enabled',
      error: 'invalid CONNECTION: AWS IAM authentication requires SSL to be enabled',
    },
  ],
};

const SP = 'test/iceberg/storage-provider.td';
const sp = (line: number) => `${SP}:${line}`;
const REST = "CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', CREDENTIAL = SECRET sp_cred";
// Line 17 turns off default validation (ALTER SYSTEM SET enable_default_connection_validation = false), which the
// stand-in has no system variable for: the statements say WITH (VALIDATE = false) instead.
const iceberg = (name: string, opts: string) => `CREATE CONNECTION ${name} TO ICEBERG CATALOG (${opts})${NV}`;

export const storageProvider: Script = {
  title: 'storage-provider.td: Iceberg STORAGE PROVIDER; SHOW CREATE pretty-printed one option per line',
  file: SP,
  commit: 'c71c8e6f8ee0865eb980a061034400071cb40e32',
  cases: [
    { at: sp(19), sql: "CREATE SECRET sp_cred AS 'client-id:client-secret'", tag: 'CREATE SECRET' },
    { at: sp(24), sql: iceberg('sp_default', `${REST}, WAREHOUSE = 'wh'`), tag: 'CREATE CONNECTION' },
    {
      at: sp(31),
      sql: 'SHOW CREATE CONNECTION sp_default',
      rows: [
        {
          name: 'materialize.public.sp_default',
          create_sql:
            "CREATE CONNECTION materialize.public.sp_default\nTO ICEBERG CATALOG\n    (\n        CREDENTIAL = SECRET materialize.public.sp_cred,\n        CATALOG TYPE = 'REST',\n        URL = 'https://example.invalid/api/catalog',\n        WAREHOUSE = 'wh'\n    );",
        },
      ],
    },
    ...(
      [
        [37, 'sp_s3', 's3'],
        [45, 'sp_gcs', 'gcs'],
        [53, 'sp_adls', 'adls'],
      ] as const
    ).map(([line, name, provider]): Case => ({
      at: sp(line),
      sql: iceberg(name, `${REST}, STORAGE PROVIDER = '${provider}', WAREHOUSE = 'wh'`),
      tag: 'CREATE CONNECTION',
    })),
    {
      at: sp(61),
      sql: "SELECT name FROM mz_connections WHERE name LIKE 'sp\\_%' ORDER BY name",
      rows: ['sp_adls', 'sp_default', 'sp_gcs', 'sp_s3'].map((name) => ({ name })),
    },
    {
      at: sp(68),
      sql: iceberg('sp_upper', `${REST}, STORAGE PROVIDER = 'GCS', WAREHOUSE = 'wh'`),
      tag: 'CREATE CONNECTION',
    },
    {
      at: sp(76),
      sql: iceberg('sp_bad', `${REST}, STORAGE PROVIDER = 'azure', WAREHOUSE = 'wh'`),
      contains: "invalid iceberg storage provider, expected 's3', 'gcs', or 'adls'",
    },
    {
      at: sp(87),
      sql: iceberg(
        'sp_on_s3tables',
        "CATALOG TYPE = 's3tablesrest', URL = 'https://example.invalid/api/catalog', STORAGE PROVIDER = 's3', WAREHOUSE = 'wh'",
      ),
      contains: 's3tablesrest connections do not support STORAGE PROVIDER',
      error: 'invalid CONNECTION: ICEBERG s3tablesrest connections do not support STORAGE PROVIDER',
    },
    ...['sp_upper', 'sp_adls', 'sp_gcs', 'sp_s3', 'sp_default'].map((name, i): Case => ({
      at: sp(95 + i),
      sql: `DROP CONNECTION ${name}`,
      tag: 'DROP CONNECTION',
    })),
    { at: sp(100), sql: 'DROP SECRET sp_cred', tag: 'DROP SECRET' },
  ],
};

const SEC = 'misc/python/materialize/checks/all_checks/secrets.py';
const sec = (line: number) => `${SEC}:${line}`;

export const secretsCheck: Script = {
  title: 'platform check secrets.py: create, rotate, rename, comment, SHOW SECRETS',
  file: SEC,
  commit: '91f982248b93f974a54e19ee4e7c9994e9c377d5',
  cases: [
    { at: sec(26), sql: "CREATE SECRET secrets_s1 AS 'initial_value_1'", tag: 'CREATE SECRET' },
    { at: sec(27), sql: "CREATE SECRET secrets_s2 AS decode('aW5pdGlhbF92YWx1ZV8y', 'base64')", tag: 'CREATE SECRET' },
    { at: sec(28), sql: "COMMENT ON SECRET secrets_s1 IS 'secrets check comment'", tag: 'COMMENT' },
    { at: sec(36), sql: "ALTER SECRET secrets_s1 AS 'rotated_value_1'", tag: 'ALTER SECRET' },
    { at: sec(37), sql: 'ALTER SECRET secrets_s2 RENAME TO secrets_s2_renamed', tag: 'ALTER SECRET' },
    { at: sec(38), sql: "CREATE SECRET secrets_s3 AS 'phase_1_value'", tag: 'CREATE SECRET' },
    { at: sec(41), sql: "ALTER SECRET secrets_s3 AS decode('cGhhc2VfMl92YWx1ZQ==', 'base64')", tag: 'ALTER SECRET' },
    { at: sec(42), sql: "CREATE SECRET secrets_s4 AS 'phase_2_value'", tag: 'CREATE SECRET' },
    { at: sec(43), sql: "ALTER SECRET secrets_s1 AS 'rotated_value_1_again'", tag: 'ALTER SECRET' },
    {
      at: sec(50),
      sql: "SHOW SECRETS LIKE 'secrets_%'",
      rows: [
        { name: 'secrets_s1', comment: 'secrets check comment' },
        { name: 'secrets_s2_renamed', comment: '' },
        { name: 'secrets_s3', comment: '' },
        { name: 'secrets_s4', comment: '' },
      ],
    },
    {
      at: sec(56),
      sql: "SELECT name FROM mz_secrets WHERE name LIKE 'secrets_%' ORDER BY name",
      rows: ['secrets_s1', 'secrets_s2_renamed', 'secrets_s3', 'secrets_s4'].map((name) => ({ name })),
    },
    {
      at: sec(62),
      sql: "SELECT c.comment FROM mz_internal.mz_comments c JOIN mz_secrets s ON c.id = s.id WHERE s.name = 'secrets_s1'",
      rows: [{ comment: 'secrets check comment' }],
    },
    { at: sec(69), sql: "ALTER SECRET secrets_s1 AS 'validate_rotation'", tag: 'ALTER SECRET' },
  ],
};

const OWN = 'test/sqllogictest/object_ownership.slt';
const own = (line: number) => `${OWN}:${line}`;
const ownerOf = (table: 'mz_connections' | 'mz_secrets', name: string) =>
  `SELECT mz_roles.name FROM ${table} LEFT JOIN mz_roles ON ${table}.owner_id = mz_roles.id WHERE ${table}.name = '${name}'`;

export const objectOwnership: Script = {
  title: 'object_ownership.slt: who owns the connections and secrets a role creates',
  file: OWN,
  commit: '02d3c71a23ef04f6e0ec5ad6681db4afc0ebd251',
  cases: [
    {
      at: own(28),
      sql: 'SELECT owner_id FROM mz_connections GROUP BY owner_id',
      rows: [],
      note: 'no builtin connections',
    },
    { at: own(43), sql: 'SELECT owner_id FROM mz_secrets GROUP BY owner_id', rows: [], note: 'no builtin secrets' },
    {
      at: own(99),
      sql: JOE,
      tag: 'CREATE ROLE',
      note: `${JOE_NOTE}; CREATEDB CREATECLUSTER are system privileges the stand-in does not model`,
    },
    {
      at: own(300),
      sql: "CREATE CONNECTION mc TO KAFKA (BROKER 'localhost:9092')" + NV,
      tag: 'CREATE CONNECTION',
      note: NOT_VALIDATED,
    },
    { at: own(303), sql: ownerOf('mz_connections', 'mc'), rows: [{ name: 'materialize' }] },
    {
      at: own(311),
      sql: "CREATE CONNECTION jc TO KAFKA (BROKER 'localhost:9092')" + NV,
      as: 'joe',
      tag: 'CREATE CONNECTION',
      note: NOT_VALIDATED,
    },
    { at: own(316), sql: ownerOf('mz_connections', 'jc'), rows: [{ name: 'joe' }] },
    { at: own(352), sql: "CREATE SECRET mse AS decode('c2VjcmV0Cg==', 'base64');", tag: 'CREATE SECRET' },
    { at: own(355), sql: ownerOf('mz_secrets', 'mse'), rows: [{ name: 'materialize' }] },
    {
      at: own(363),
      sql: "CREATE SECRET jse AS decode('c2VjcmV0Cg==', 'base64');",
      as: 'joe',
      tag: 'CREATE SECRET',
    },
    { at: own(368), sql: ownerOf('mz_secrets', 'jse'), rows: [{ name: 'joe' }] },
  ],
};

const PRIV = 'misc/python/materialize/checks/all_checks/privileges.py';
const priv = (line: number) => `${PRIV}:${line}`;

/** privileges.py's `_create_objects(i)`, its connections and secret (lines 24, 25, 31). */
const privilegeObjects = (i: number): Case[] => [
  {
    at: priv(24),
    sql: `CREATE CONNECTION privilege_kafka_conn${i} TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT)${NV}`,
    tag: 'CREATE CONNECTION',
    note: `FOR KAFKA in the check (the parser package the stand-in uses refuses FOR); ${NOT_VALIDATED}`,
  },
  {
    at: priv(25),
    sql: `CREATE CONNECTION privilege_csr_conn${i} TO CONFLUENT SCHEMA REGISTRY (URL 'http://schema-registry:8081')${NV}`,
    tag: 'CREATE CONNECTION',
    note: `FOR ... in the check; ${NOT_VALIDATED}`,
  },
  { at: priv(31), sql: `CREATE SECRET privilege_secret${i} AS 'MY_SECRET'`, tag: 'CREATE SECRET' },
];

/** `_grant_privileges(role, i)` / `_revoke_privileges(role, i)` on the connections and the secret. */
const privilegeChange = (kind: 'GRANT' | 'REVOKE', role: string, i: number): Case[] =>
  (
    [
      [kind === 'GRANT' ? 51 : 76, 'CONNECTION', `privilege_kafka_conn${i}`],
      [kind === 'GRANT' ? 52 : 77, 'CONNECTION', `privilege_csr_conn${i}`],
      [kind === 'GRANT' ? 57 : 82, 'SECRET', `privilege_secret${i}`],
    ] as const
  ).map(([line, type, name]) => ({
    at: priv(line),
    sql: `${kind} ALL PRIVILEGES ON ${type} ${name} ${kind === 'GRANT' ? 'TO' : 'FROM'} ${role}`,
    tag: kind,
  }));

const privilegeRows = (prefix: string) =>
  [1, 2, 3, 4].flatMap((i) => [
    { name: `${prefix}${i}`, privilege: 'materialize=U/materialize' },
    { name: `${prefix}${i}`, privilege: 'role_1=U/materialize' },
  ]);

export const privilegesCheck: Script = {
  title: 'platform check privileges.py: GRANT/REVOKE ALL PRIVILEGES on connections and secrets across phases',
  file: PRIV,
  commit: '000506513815f8a90a80446944922a2f02a61d51',
  cases: [
    { at: priv(138), sql: 'CREATE ROLE role_1', tag: 'CREATE ROLE' },
    { at: priv(139), sql: 'CREATE ROLE role_2', tag: 'CREATE ROLE' },
    // initialize
    ...privilegeObjects(1),
    ...privilegeChange('GRANT', 'role_1', 1),
    ...privilegeChange('GRANT', 'role_2', 1),
    // manipulate, first phase
    ...privilegeChange('REVOKE', 'role_2', 1),
    ...privilegeObjects(2),
    ...privilegeChange('GRANT', 'role_1', 2),
    ...privilegeChange('GRANT', 'role_2', 2),
    // manipulate, second phase (role_1 granted twice)
    ...privilegeChange('REVOKE', 'role_2', 2),
    ...privilegeObjects(3),
    ...privilegeChange('GRANT', 'role_1', 3),
    ...privilegeChange('GRANT', 'role_1', 3),
    // validate
    ...privilegeChange('REVOKE', 'role_2', 3),
    ...privilegeObjects(4),
    ...privilegeChange('GRANT', 'role_1', 4),
    ...privilegeChange('GRANT', 'role_2', 4),
    ...privilegeChange('REVOKE', 'role_2', 4),
    {
      at: priv(261),
      sql: "SELECT name, unnest(privileges)::text AS privilege FROM mz_secrets WHERE name LIKE 'privilege_secret%' ORDER BY 1, 2",
      rows: privilegeRows('privilege_secret'),
    },
    {
      at: priv(283),
      sql: "SELECT name, unnest(privileges)::text AS privilege FROM mz_connections WHERE name LIKE 'privilege_%' ORDER BY 1, 2",
      rows: [...privilegeRows('privilege_csr_conn'), ...privilegeRows('privilege_kafka_conn')],
    },
    { at: priv(107), sql: 'DROP SECRET privilege_secret4', tag: 'DROP SECRET' },
    { at: priv(113), sql: 'DROP CONNECTION privilege_csr_conn4', tag: 'DROP CONNECTION' },
    { at: priv(114), sql: 'DROP CONNECTION privilege_kafka_conn4', tag: 'DROP CONNECTION' },
  ],
};

export const SCRIPTS: Script[] = [
  connectionCreateDrop,
  privilegeGrants,
  objectOwnership,
  mysqlIam,
  storageProvider,
  secretsCheck,
  privilegesCheck,
];
