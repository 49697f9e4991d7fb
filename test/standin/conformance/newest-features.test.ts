// The verbatim statements of materialize-newest-features.md §9 (Materialize's own tests: gcp-connection-validation.td,
// glue_schema_registry.slt, oauth2-server-url.td, storage-provider.td, vended-credentials.td,
// test_privatelink_connection.py), plus the rules of §1-§4 those tests do not cover, each with its expected outcome.
import { startStandin, type Standin } from '../index';
import { runSteps, session, type Session, type Step } from '../testkit';

let mz: Standin;
let s: Session;
beforeAll(async () => {
  mz = await startStandin({ port: 0, features: { glueSchemaRegistry: true } });
  s = await session(mz.url);
  const sa =
    '{"type":"service_account","project_id":"x","client_email":"a@b.com","private_key":"-----BEGIN PRIVATE KEY-----\\\\nMIIB\\\\n-----END PRIVATE KEY-----\\\\n","token_uri":"https://oauth2.googleapis.com/token"}';
  for (const sql of [
    `CREATE SECRET gcpsa AS '${sa}'`,
    "CREATE SECRET oauth_cred AS 'client-id:client-secret'",
    "CREATE SECRET sp_cred AS 'client-id:client-secret'",
    "CREATE CONNECTION aws_conn TO AWS (ASSUME ROLE ARN 'arn:aws:iam::123456789000:role/my-role') WITH (VALIDATE = false)",
    "CREATE CONNECTION csr_dummy TO CONFLUENT SCHEMA REGISTRY (URL 'https://csr.invalid') WITH (VALIDATE = false)",
    "CREATE CONNECTION privatelink_pattern_conn TO AWS PRIVATELINK (SERVICE NAME 'com.amazonaws.vpce.us-east-1.vpce-svc-1', AVAILABILITY ZONES ('use1-az1', 'use1-az2'))",
    "CREATE CONNECTION sshconn TO SSH TUNNEL (HOST 'bastion', USER 'mz')",
  ])
    await s.ok(sql);
}, 30_000);
afterAll(async () => {
  await s?.end();
  await mz?.close();
});

const NV = ' WITH (VALIDATE = false)';
const iceberg = (name: string, opts: string) => `CREATE CONNECTION ${name} TO ICEBERG CATALOG (${opts})${NV}`;
const showCreate = (name: string, createSql: string): Step => ({
  sql: `SHOW CREATE CONNECTION ${name}`,
  rows: [{ name: `materialize.public.${name}`, create_sql: createSql }],
});

test('§9.1 GCP and BigLake (gcp-connection-validation.td)', async () => {
  await runSteps(s, [
    { sql: 'CREATE CONNECTION gcpconn TO GCP (SERVICE ACCOUNT KEY = SECRET gcpsa)', tag: 'CREATE CONNECTION' },
    {
      sql: iceberg(
        'evil',
        "CATALOG TYPE = 'rest', URL = 'https://attacker.example.com/iceberg/v1/restcatalog', GCP CONNECTION = gcpconn, WAREHOUSE = 'gs://anything'",
      ),
      error:
        "invalid CONNECTION: GCP connection can only be used with 'https://biglake.googleapis.com/iceberg/v1/restcatalog'",
    },
    {
      sql: iceberg(
        'biglake',
        "CATALOG TYPE = 'rest', URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog', GCP CONNECTION = gcpconn, WAREHOUSE = 'gs://anything'",
      ),
      tag: 'CREATE CONNECTION',
    },
    showCreate(
      'gcpconn',
      'CREATE CONNECTION materialize.public.gcpconn\nTO GCP (SERVICE ACCOUNT KEY = SECRET materialize.public.gcpsa);',
    ),
    { sql: "SELECT type FROM mz_connections WHERE name = 'gcpconn'", rows: [{ type: 'gcp' }] },
  ]);
});

test('§1 GCP rules: required, secret only, no other options, validation, ALTER in place', async () => {
  await runSteps(s, [
    {
      sql: "CREATE CONNECTION g1 TO GCP (SERVICE ACCOUNT KEY = SECRET gcpsa, REGISTRY = 'x')",
      error: 'GCP connections do not support REGISTRY values',
    },
    {
      sql: "CREATE CONNECTION g1 TO GCP (SERVICE ACCOUNT KEY = 'x')",
      error: 'invalid SERVICE ACCOUNT KEY: must provide a secret value',
    },
    {
      sql: 'CREATE CONNECTION g1 TO GCP (SERVICE ACCOUNT KEY = SECRET gcpsa) WITH (VALIDATE = true)',
      code: '58000',
      error: /^failed to obtain access token from Google: /,
    },
    { sql: 'CREATE SECRET bad_uri AS \'{"token_uri":"https://evil/token"}\'', tag: 'CREATE SECRET' },
    {
      sql: 'CREATE CONNECTION g1 TO GCP (SERVICE ACCOUNT KEY = SECRET bad_uri) WITH (VALIDATE = true)',
      code: '58000',
      error: 'failed to parse service-account key JSON: token_uri must be https://oauth2.googleapis.com/token.',
      hint: 'The secret must hold the JSON output of `gcloud iam service-accounts keys create`.',
    },
    { sql: 'CREATE CONNECTION g1 TO GCP (SERVICE ACCOUNT KEY = SECRET gcpsa)', tag: 'CREATE CONNECTION' },
    { sql: 'ALTER CONNECTION g1 SET (SERVICE ACCOUNT KEY = SECRET bad_uri)', tag: 'ALTER CONNECTION' },
    showCreate(
      'g1',
      'CREATE CONNECTION materialize.public.g1\nTO GCP (SERVICE ACCOUNT KEY = SECRET materialize.public.bad_uri);',
    ),
    {
      sql: iceberg(
        'notgcp',
        "CATALOG TYPE = 'rest', URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog', GCP CONNECTION = aws_conn",
      ),
      error: 'aws_conn is not a GCP connection',
    },
  ]);
});

test('§9.2 AWS Glue Schema Registry (glue_schema_registry.slt)', async () => {
  await runSteps(s, [
    {
      sql: "CREATE CONNECTION glue_conn TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = aws_conn, REGISTRY = 'my-registry') WITH (VALIDATE = false)",
      tag: 'CREATE CONNECTION',
    },
    showCreate(
      'glue_conn',
      "CREATE CONNECTION materialize.public.glue_conn\nTO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = materialize.public.aws_conn, REGISTRY = 'my-registry');",
    ),
    {
      sql: "SELECT name, type FROM mz_connections WHERE name = 'glue_conn'",
      rows: [{ name: 'glue_conn', type: 'glue-schema-registry' }],
    },
    {
      sql: 'CREATE CONNECTION bad_glue TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = aws_conn)',
      error: 'REGISTRY option is required',
    },
    {
      sql: "CREATE CONNECTION bad_glue TO AWS GLUE SCHEMA REGISTRY (REGISTRY = 'my-registry')",
      error: 'AWS CONNECTION option is required',
    },
    {
      sql: "CREATE CONNECTION bad_glue TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = aws_conn, REGISTRY = '')",
      error: 'REGISTRY must not be empty',
    },
    {
      sql: "CREATE CONNECTION bad_glue TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = csr_dummy, REGISTRY = 'my-registry')",
      error: /is not an AWS connection$/,
    },
    {
      sql: "CREATE CONNECTION bad_glue TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = aws_conn, REGISTRY = 'my-registry', PORT = 8080)",
      error: 'AWS GLUE SCHEMA REGISTRY connections do not support PORT values',
    },
    // Validation is on by default (§2.3); no Glue is reachable here.
    {
      sql: "CREATE CONNECTION glue_v TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = aws_conn, REGISTRY = 'my-registry')",
      code: '58000',
      error: /GetRegistry/,
    },
    // ALTER accepted (§10.1 choice 'accept').
    { sql: "ALTER CONNECTION glue_conn SET (REGISTRY = 'other') WITH (VALIDATE = false)", tag: 'ALTER CONNECTION' },
  ]);
});

test('§9.2 Glue with enable_glue_schema_registry off (the default)', async () => {
  const off = await startStandin({ port: 0 });
  const o = await session(off.url);
  try {
    await o.ok(
      "CREATE CONNECTION aws_conn TO AWS (ASSUME ROLE ARN 'arn:aws:iam::123456789000:role/my-role') WITH (VALIDATE = false)",
    );
    await runSteps(o, [
      {
        sql: "CREATE CONNECTION gated_glue TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = aws_conn, REGISTRY = 'my-registry') WITH (VALIDATE = false)",
        error: 'CREATE CONNECTION ... TO AWS GLUE SCHEMA REGISTRY is not available',
      },
    ]);
  } finally {
    await o.end();
    await off.close();
  }
}, 30_000);

test('§9.3 OAUTH2 SERVER URL and §9.5 ACCESS DELEGATION', async () => {
  await runSteps(s, [
    {
      sql: iceberg(
        'oauth_override',
        "CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', CREDENTIAL = SECRET oauth_cred, OAUTH2 SERVER URL = 'https://example.invalid/oidc/v1/token', SCOPE = 'all-apis', WAREHOUSE = 'wh'",
      ),
      tag: 'CREATE CONNECTION',
    },
    {
      sql: iceberg(
        'oauth_on_s3tables',
        "CATALOG TYPE = 's3tablesrest', URL = 'https://example.invalid/api/catalog', OAUTH2 SERVER URL = 'https://example.invalid/oidc/v1/token', WAREHOUSE = 'wh'",
      ),
      error: /s3tablesrest connections do not support OAUTH2 SERVER URL/,
    },
    {
      sql: iceberg(
        'bad_delegation',
        "CATALOG TYPE = 'REST', URL = 'http://polaris:8181/api/catalog', CREDENTIAL = 'root:root', WAREHOUSE = 'default_catalog', ACCESS DELEGATION = 'remote-signing'",
      ),
      error: /invalid iceberg access delegation/,
    },
    {
      sql: iceberg(
        'vended_polaris',
        "CATALOG TYPE = 'REST', URL = 'http://polaris:8181/api/catalog', CREDENTIAL = 'root:root', WAREHOUSE = 'default_catalog', SCOPE = 'PRINCIPAL_ROLE:ALL', ACCESS DELEGATION = 'vended-credentials'",
      ),
      tag: 'CREATE CONNECTION',
    },
    // Options come back in connection.rs's extraction order (§7.2: not as written), pretty-printed (storage-provider.td @c71c8e6f).
    showCreate(
      'vended_polaris',
      "CREATE CONNECTION materialize.public.vended_polaris\nTO ICEBERG CATALOG\n    (\n        CREDENTIAL = 'root:root',\n        SCOPE = 'PRINCIPAL_ROLE:ALL',\n        CATALOG TYPE = 'REST',\n        URL = 'http://polaris:8181/api/catalog',\n        WAREHOUSE = 'default_catalog',\n        ACCESS DELEGATION = 'vended-credentials'\n    );",
    ),
  ]);
});

test('§9.4 STORAGE PROVIDER (storage-provider.td; newer than the parser package 26.41)', async () => {
  await runSteps(s, [
    {
      sql: iceberg(
        'sp_adls',
        "CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', CREDENTIAL = SECRET sp_cred, STORAGE PROVIDER = 'adls', WAREHOUSE = 'wh'",
      ),
      tag: 'CREATE CONNECTION',
    },
    {
      sql: iceberg(
        'sp_upper',
        "CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', CREDENTIAL = SECRET sp_cred, STORAGE PROVIDER = 'GCS', WAREHOUSE = 'wh'",
      ),
      tag: 'CREATE CONNECTION',
    },
    {
      sql: iceberg(
        'sp_bad',
        "CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', CREDENTIAL = SECRET sp_cred, STORAGE PROVIDER = 'azure', WAREHOUSE = 'wh'",
      ),
      error: "invalid iceberg storage provider, expected 's3', 'gcs', or 'adls'",
    },
    {
      sql: iceberg(
        'sp_on_s3tables',
        "CATALOG TYPE = 's3tablesrest', URL = 'https://example.invalid/api/catalog', STORAGE PROVIDER = 's3', WAREHOUSE = 'wh'",
      ),
      error: /s3tablesrest connections do not support STORAGE PROVIDER/,
    },
    {
      sql: iceberg(
        'sp_default',
        "CATALOG TYPE = 'REST', URL = 'https://example.invalid/api/catalog', CREDENTIAL = SECRET sp_cred, WAREHOUSE = 'wh'",
      ),
      tag: 'CREATE CONNECTION',
    },
    // storage-provider.td @c71c8e6f verbatim: pretty-printed, extraction order, CATALOG TYPE as written, no STORAGE PROVIDER echoed.
    showCreate(
      'sp_default',
      "CREATE CONNECTION materialize.public.sp_default\nTO ICEBERG CATALOG\n    (\n        CREDENTIAL = SECRET materialize.public.sp_cred,\n        CATALOG TYPE = 'REST',\n        URL = 'https://example.invalid/api/catalog',\n        WAREHOUSE = 'wh'\n    );",
    ),
    // The option is found (UTF-8 byte offsets) and the statement kept whole after a UTF-8 literal.
    {
      sql: `${iceberg('sp_utf8', "CATALOG TYPE = 'rest', URL = 'https://é.invalid/c', CREDENTIAL = SECRET sp_cred, STORAGE PROVIDER = 's3'")}`,
      tag: 'CREATE CONNECTION',
    },
    showCreate(
      'sp_utf8',
      "CREATE CONNECTION materialize.public.sp_utf8\nTO ICEBERG CATALOG\n    (\n        CREDENTIAL = SECRET materialize.public.sp_cred,\n        CATALOG TYPE = 'rest',\n        URL = 'https://é.invalid/c',\n        STORAGE PROVIDER = 's3'\n    );",
    ),
  ]);
});

test('§4.2 per-catalog-type rules and §4.6 no ALTER', async () => {
  const big = "CATALOG TYPE = 'rest', URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog'";
  await runSteps(s, [
    {
      sql: iceberg('r1', "CATALOG TYPE = 'rest', URL = 'https://x'"),
      error: 'invalid CONNECTION: ICEBERG rest connections require a CREDENTIAL or GCP CONNECTION',
    },
    {
      sql: iceberg('r2', `${big}, CREDENTIAL = 'a:b', GCP CONNECTION = gcpconn`),
      error: 'invalid CONNECTION: ICEBERG rest connections may set CREDENTIAL or GCP CONNECTION, not both',
    },
    {
      sql: iceberg('r3', "CATALOG TYPE = 'rest', URL = 'https://x', CREDENTIAL = 'a:b', AWS CONNECTION = aws_conn"),
      error: 'invalid CONNECTION: ICEBERG rest connections do not support AWS CONNECTION.\n\nTry s3tablesrest instead.',
    },
    {
      sql: iceberg('r4', `${big}, GCP CONNECTION = gcpconn, OAUTH2 SERVER URL = 'https://t'`),
      error: 'invalid CONNECTION: ICEBERG rest connections with GCP CONNECTION do not support OAUTH2 SERVER URL',
    },
    {
      sql: iceberg('r5', `${big}, GCP CONNECTION = gcpconn, STORAGE PROVIDER = 'adls'`),
      error: "invalid CONNECTION: ICEBERG rest connections with GCP CONNECTION only support STORAGE PROVIDER 'gcs'",
    },
    {
      sql: iceberg(
        'r6',
        `${big}, GCP CONNECTION = gcpconn, STORAGE PROVIDER = 'gcs', ACCESS DELEGATION = 'vended-credentials'`,
      ),
      tag: 'CREATE CONNECTION',
    },
    {
      sql: iceberg(
        'r7',
        "CATALOG TYPE = 's3tablesrest', URL = 'https://x', WAREHOUSE = 'w', AWS CONNECTION = aws_conn, GCP CONNECTION = gcpconn",
      ),
      error: 'invalid CONNECTION: ICEBERG s3tablesrest connections do not support GCP CONNECTION',
    },
    {
      sql: iceberg(
        'r8',
        "CATALOG TYPE = 's3tablesrest', URL = 'https://x', WAREHOUSE = 'w', AWS CONNECTION = aws_conn, ACCESS DELEGATION = 'vended-credentials'",
      ),
      error: 'invalid CONNECTION: ICEBERG s3tablesrest connections do not support ACCESS DELEGATION',
    },
    {
      sql: "ALTER CONNECTION r6 SET (WAREHOUSE = 'gs://w2') WITH (VALIDATE = false)",
      code: '0A000',
      error: /cannot be altered in the requested way$/,
    },
  ]);
});

test('§9.6 Kafka MATCHING rules (test_privatelink_connection.py) and §3.2 rules', async () => {
  const k = (name: string, opts: string) => `CREATE CONNECTION ${name} TO KAFKA (${opts})${NV}`;
  await runSteps(s, [
    {
      sql: `CREATE CONNECTION kafka_pattern_test TO KAFKA (
    BROKERS (
        'redpanda.default.svc.cluster.local:9092' USING AWS PRIVATELINK privatelink_pattern_conn (PORT 9092),
        MATCHING '*use1-az1*' USING AWS PRIVATELINK privatelink_pattern_conn (AVAILABILITY ZONE 'use1-az1', PORT 9092)
    ),
    SECURITY PROTOCOL PLAINTEXT
) WITH (VALIDATE = false)`,
      tag: 'CREATE CONNECTION',
    },
    showCreate(
      'kafka_pattern_test',
      "CREATE CONNECTION materialize.public.kafka_pattern_test\nTO KAFKA\n    (\n        BROKERS = ('redpanda.default.svc.cluster.local:9092' USING AWS PRIVATELINK materialize.public.privatelink_pattern_conn (PORT = 9092), MATCHING '*use1-az1*' USING AWS PRIVATELINK materialize.public.privatelink_pattern_conn (AVAILABILITY ZONE = 'use1-az1', PORT = 9092)),\n        SECURITY PROTOCOL = plaintext\n    );",
    ),
    {
      sql: k('k1', "BROKERS (MATCHING '*' USING AWS PRIVATELINK privatelink_pattern_conn)"),
      error: 'invalid CONNECTION: BROKERS must contain at least one static broker address',
    },
    {
      sql: k(
        'k2',
        "AWS PRIVATELINK privatelink_pattern_conn (PORT 9092), BROKERS ('b:9092', MATCHING '*' USING AWS PRIVATELINK privatelink_pattern_conn), SECURITY PROTOCOL PLAINTEXT",
      ),
      error: 'invalid CONNECTION: can only set one of BROKER, BROKERS, or AWS PRIVATELINK',
    },
    {
      sql: k(
        'k3',
        "BROKERS ('b:9092', MATCHING '*' USING AWS PRIVATELINK privatelink_pattern_conn), SSH TUNNEL sshconn, SECURITY PROTOCOL PLAINTEXT",
      ),
      error: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK',
    },
    {
      sql: k(
        'k4',
        "BROKERS ('b:9092', MATCHING '*' USING AWS PRIVATELINK privatelink_pattern_conn (AVAILABILITY ZONE 'use1-az3')), SECURITY PROTOCOL PLAINTEXT",
      ),
      error:
        'AWS PrivateLink availability zone "use1-az3" does not match any of the availability zones on the AWS PrivateLink connection "materialize.public.privatelink_pattern_conn"',
    },
    {
      sql: k('k5', "BROKERS ('b:9092', MATCHING '*' USING AWS PRIVATELINK sshconn), SECURITY PROTOCOL PLAINTEXT"),
      error: 'sshconn is not an AWS PRIVATELINK connection',
    },
    // The parser (26.41) refuses a `*` inside a pattern and a rule through SSH (§10.7 settled by the grammar gate).
    {
      sql: k('k6', "BROKERS ('b:9092', MATCHING 'a*b' USING AWS PRIVATELINK privatelink_pattern_conn)"),
      code: '42601',
      error: /^pattern may only contain `\*` as a leading and\/or trailing wildcard/,
    },
    {
      sql: k('k7', "BROKERS ('b:9092', MATCHING '*' USING SSH TUNNEL sshconn)"),
      code: '42601',
      error: 'Expected AWS, found SSH',
    },
    // §3.3: rules change in place with SET (BROKERS ...); the PrivateLink they use cannot be dropped under them.
    {
      sql: "ALTER CONNECTION kafka_pattern_test SET (BROKERS = ('boot:9092', MATCHING 'x*' USING AWS PRIVATELINK privatelink_pattern_conn)) WITH (VALIDATE = false)",
      tag: 'ALTER CONNECTION',
    },
    showCreate(
      'kafka_pattern_test',
      "CREATE CONNECTION materialize.public.kafka_pattern_test\nTO KAFKA\n    (\n        BROKERS = ('boot:9092', MATCHING 'x*' USING AWS PRIVATELINK materialize.public.privatelink_pattern_conn),\n        SECURITY PROTOCOL = plaintext\n    );",
    ),
    {
      sql: 'DROP CONNECTION privatelink_pattern_conn',
      error:
        'cannot drop connection "privatelink_pattern_conn": still depended upon by connection "kafka_pattern_test"',
    },
  ]);
});

test('§3.2 MATCHING with enable_kafka_broker_matching_rules off', async () => {
  const off = await startStandin({ port: 0, features: { kafkaBrokerMatchingRules: false } });
  const o = await session(off.url);
  try {
    await o.ok(
      "CREATE CONNECTION pl TO AWS PRIVATELINK (SERVICE NAME 'com.amazonaws.vpce.x', AVAILABILITY ZONES ('use1-az1'))",
    );
    await runSteps(o, [
      {
        sql: `CREATE CONNECTION k TO KAFKA (BROKERS ('b:9092', MATCHING '*' USING AWS PRIVATELINK pl))${NV}`,
        error: 'BROKERS MATCHING rules is not available',
      },
    ]);
  } finally {
    await o.end();
    await off.close();
  }
}, 30_000);

test('STORAGE PROVIDER with the parser-26.41 grammar is a parse error', async () => {
  const old = await startStandin({ port: 0, features: { storageProviderGrammar: 'parser-26.41' } });
  const o = await session(old.url);
  try {
    await runSteps(o, [
      {
        sql: iceberg('sp', "CATALOG TYPE = 'rest', URL = 'https://x', CREDENTIAL = 'a', STORAGE PROVIDER = 's3'"),
        code: '42601',
        error: /, found STORAGE$/,
      },
    ]);
  } finally {
    await o.end();
    await old.close();
  }
}, 30_000);
