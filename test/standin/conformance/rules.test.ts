// One case per rule of materialize-semantics.md (section cited per case).
import { privateStandin, runSteps, type Step } from '../testkit';

const t = privateStandin();
beforeAll(async () => {
  await t.s.ok("CREATE SECRET pw AS 'pw'");
  await t.s.ok("CREATE CONNECTION ssh TO SSH TUNNEL (HOST 'bastion', USER 'mz')");
  await t.s.ok("CREATE CONNECTION ssh2 TO SSH TUNNEL (HOST 'bastion2', USER 'mz')");
  await t.s.ok(
    "CREATE CONNECTION pl TO AWS PRIVATELINK (SERVICE NAME 'com.amazonaws.vpce.svc', AVAILABILITY ZONES ('use1-az1', 'use1-az2'))",
  );
  await t.s.ok("CREATE CONNECTION aws TO AWS (ASSUME ROLE ARN 'arn:aws:iam::1:role/r')");
}, 30_000);

const NV = ' WITH (VALIDATE = false)';
const pg = (opts: string) => `CREATE CONNECTION c TO POSTGRES (${opts})${NV}`;
const kafka = (opts: string) => `CREATE CONNECTION c TO KAFKA (${opts})${NV}`;
const inv = (m: string) => `invalid CONNECTION: ${m}`;

const cases: [string, Step][] = [
  // §1.1 grammar
  [
    '§1.1 unknown option is a parse error',
    { sql: kafka("FOO 'x'"), code: '42601', error: /^Expected one of ACCESS or ASSUME/ },
  ],
  [
    '§1.1 PORT out of u16 for PRIVATELINK',
    { sql: kafka('AWS PRIVATELINK pl (PORT 99999)'), code: '42601', error: 'Could not parse value into port' },
  ],
  [
    '§1.1 USERNAME is USER',
    { sql: "CREATE CONNECTION u1 TO POSTGRES (HOST 'h', USERNAME 'x', DATABASE 'd')" + NV, tag: 'CREATE CONNECTION' },
  ],
  // §1.1 says FOR is a synonym of TO; Materialize's parser 26.41 (the grammar gate) rejects it.
  [
    '§1.1 FOR (parser 26.41)',
    {
      sql: "CREATE CONNECTION u2 FOR SSH TUNNEL (HOST 'h', USER 'u')",
      code: '42601',
      error: /found left parenthesis$/,
    },
  ],
  // §1.2 value kinds
  [
    '§1.2 duplicate option',
    { sql: pg("HOST 'a', HOST 'b', USER 'u', DATABASE 'd'"), error: 'HOST specified more than once', code: 'XX000' },
  ],
  [
    '§1.2 PORT as string',
    { sql: pg("HOST 'a', PORT '5432', USER 'u', DATABASE 'd'"), error: 'invalid PORT: cannot use value as number' },
  ],
  [
    '§1.2 PORT too large',
    {
      sql: pg("HOST 'a', PORT 70000, USER 'u', DATABASE 'd'"),
      error: 'invalid PORT: invalid numeric value: number too large to fit in target type',
    },
  ],
  [
    '§1.2 PASSWORD not a secret',
    {
      sql: pg("HOST 'a', USER 'u', DATABASE 'd', PASSWORD 'x'"),
      error: 'invalid PASSWORD: must provide a secret value',
    },
  ],
  [
    '§1.2 HOST as secret',
    { sql: pg("HOST SECRET pw, USER 'u', DATABASE 'd'"), error: 'invalid HOST: cannot use value as string' },
  ],
  [
    '§1.2 unknown secret',
    { sql: pg("HOST 'a', USER 'u', DATABASE 'd', PASSWORD SECRET nope"), error: "unknown catalog item 'nope'" },
  ],
  [
    '§1.2 secret ref to a connection',
    {
      sql: pg("HOST 'a', USER 'u', DATABASE 'd', PASSWORD SECRET ssh"),
      error: 'materialize.public.ssh is a connection not a secret',
    },
  ],
  [
    '§1.2 VALIDATE not boolean',
    {
      sql: "CREATE CONNECTION c TO SSH TUNNEL (HOST 'h', USER 'u') WITH (VALIDATE = 'abc')",
      error: 'invalid VALIDATE: cannot use value as boolean',
    },
  ],
  // §1.3 permitted options
  [
    '§1.3 SSH does not take DATABASE',
    {
      sql: "CREATE CONNECTION c TO SSH TUNNEL (HOST 'h', USER 'u', DATABASE 'd')",
      error: 'SSH TUNNEL connections do not support DATABASE values',
    },
  ],
  [
    '§1.3 MYSQL does not take DATABASE',
    {
      sql: "CREATE CONNECTION c TO MYSQL (HOST 'h', USER 'u', DATABASE 'd')" + NV,
      error: 'MYSQL connections do not support DATABASE values',
    },
  ],
  // §1.4 reference kinds
  [
    '§1.4 SSH TUNNEL must be SSH',
    {
      sql: pg("HOST 'a', USER 'u', DATABASE 'd', SSH TUNNEL aws"),
      error: 'aws is not an SSH connection', // unqualified: item.name().item (connection.rs),
    },
  ],
  [
    '§1.4 AWS PRIVATELINK must be PrivateLink',
    {
      sql: pg("HOST 'a', USER 'u', DATABASE 'd', AWS PRIVATELINK ssh"),
      error: 'ssh is not an AWS PRIVATELINK connection',
    },
  ],
  [
    '§1.4 AWS CONNECTION must be AWS',
    { sql: kafka("BROKER 'b:9092', AWS CONNECTION ssh"), error: 'ssh is not an AWS connection' },
  ],
  // §1.6 PRIVATELINK
  [
    '§1.6 SERVICE NAME required',
    {
      sql: "CREATE CONNECTION c TO AWS PRIVATELINK (AVAILABILITY ZONES ('a'))",
      error: 'SERVICE NAME option is required',
    },
  ],
  [
    '§1.6 AVAILABILITY ZONES required',
    {
      sql: "CREATE CONNECTION c TO AWS PRIVATELINK (SERVICE NAME 's')",
      error: 'AVAILABILITY ZONES option is required',
    },
  ],
  // §1.7 KAFKA
  [
    '§1.7 no broker',
    { sql: kafka('SECURITY PROTOCOL PLAINTEXT'), error: inv('must set one of BROKER, BROKERS, or AWS PRIVATELINK') },
  ],
  [
    '§1.7 two broker kinds',
    {
      sql: kafka("BROKER 'a:1', BROKERS ('b:1')"),
      error: inv('can only set one of BROKER, BROKERS, or AWS PRIVATELINK'),
    },
  ],
  [
    '§1.7 comma in broker',
    {
      sql: kafka("BROKER 'a:1,b:1'"),
      error: /^invalid CONNECTION: cannot specify multiple Kafka broker addresses in one string\.\n\n\nInstead/,
    },
  ],
  [
    '§1.7 SSH + PRIVATELINK',
    { sql: kafka('AWS PRIVATELINK pl, SSH TUNNEL ssh'), error: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK' },
  ],
  [
    '§1.7 unknown protocol',
    { sql: kafka("BROKER 'a:1', SECURITY PROTOCOL 'foo'"), error: 'unknown security protocol: FOO' },
  ],
  [
    '§1.7 SSL KEY without CERTIFICATE stays outstanding (plan_kafka_security)',
    { sql: kafka("BROKER 'a:1', SSL KEY SECRET pw"), error: 'option SSL KEY not supported with this configuration' },
  ],
  [
    '§1.7 SSL CERTIFICATE without KEY',
    { sql: kafka("BROKER 'a:1', SSL CERTIFICATE 'c'"), error: 'SSL KEY must be specified with SSL CERTIFICATE' },
  ],
  [
    '§1.7 SASL mechanisms required',
    {
      sql: kafka("BROKER 'a:1', SASL USERNAME 'u', SASL PASSWORD SECRET pw"),
      error: 'SASL MECHANISMS must be specified',
    },
  ],
  [
    '§1.7 SASL username required',
    {
      sql: kafka("BROKER 'a:1', SASL MECHANISMS 'PLAIN', SASL PASSWORD SECRET pw"),
      error: 'SASL USERNAME must be specified',
    },
  ],
  [
    '§1.7 SASL password required',
    {
      sql: kafka("BROKER 'a:1', SASL MECHANISMS 'PLAIN', SASL USERNAME 'u'"),
      error: 'SASL PASSWORD must be specified',
    },
  ],
  [
    '§1.7 option not for protocol',
    {
      sql: kafka("BROKER 'a:1', SECURITY PROTOCOL 'SSL', SASL USERNAME 'u'"),
      error: 'option SASL USERNAME not supported with this configuration',
    },
  ],
  [
    '§1.7 replication factor > 0',
    {
      sql: kafka("BROKER 'a:1', PROGRESS TOPIC REPLICATION FACTOR 0"),
      error: inv('PROGRESS TOPIC REPLICATION FACTOR must be greater than 0'),
    },
  ],
  [
    '§1.7 per-broker AZ must match',
    {
      sql: kafka("BROKERS ('a:1' USING AWS PRIVATELINK pl (AVAILABILITY ZONE 'use1-az9'))"),
      error:
        'AWS PrivateLink availability zone "use1-az9" does not match any of the availability zones on the AWS PrivateLink connection "materialize.public.pl"',
    },
  ],
  [
    '§1.7 MSK IAM',
    { sql: "CREATE CONNECTION msk TO KAFKA (BROKER 'a:1', AWS CONNECTION aws)" + NV, tag: 'CREATE CONNECTION' },
  ],
  // §1.8 CSR
  [
    '§1.8 URL required',
    { sql: `CREATE CONNECTION c TO CONFLUENT SCHEMA REGISTRY (USER 'u')${NV}`, error: inv('must specify URL') },
  ],
  [
    '§1.8 URL parse',
    {
      sql: `CREATE CONNECTION c TO CONFLUENT SCHEMA REGISTRY (URL 'nope')${NV}`,
      error: 'parsing schema registry url: relative URL without a base',
    },
  ],
  [
    '§1.8 URL path',
    {
      sql: `CREATE CONNECTION c TO CONFLUENT SCHEMA REGISTRY (URL 'http://h/x')${NV}`,
      error: inv('URL must have an empty path'),
    },
  ],
  [
    '§1.8 SSL pair',
    {
      sql: `CREATE CONNECTION c TO CONFLUENT SCHEMA REGISTRY (URL 'http://h', SSL KEY SECRET pw)${NV}`,
      error: inv('reading from SSL-auth Confluent Schema Registry requires both SSL KEY and SSL CERTIFICATE'),
    },
  ],
  [
    '§1.8 PRIVATELINK PORT',
    {
      sql: `CREATE CONNECTION c TO CONFLUENT SCHEMA REGISTRY (URL 'http://h', AWS PRIVATELINK pl (PORT 1))${NV}`,
      error: inv('CONFLUENT SCHEMA REGISTRY does not support PORT for AWS PRIVATELINK'),
    },
  ],
  // §1.9 SSH
  ['§1.9 HOST required', { sql: "CREATE CONNECTION c TO SSH TUNNEL (USER 'u')", error: 'HOST option is required' }],
  ['§1.9 USER required', { sql: "CREATE CONNECTION c TO SSH TUNNEL (HOST 'h')", error: 'USER option is required' }],
  [
    '§1.9 USER not a secret',
    {
      sql: "CREATE CONNECTION c TO SSH TUNNEL (HOST 'h', USER SECRET pw)",
      error: 'SSH connections do not support supplying USER value as SECRET',
    },
  ],
  [
    '§1.9 PUBLIC KEY 1 not explicit',
    {
      sql: "CREATE CONNECTION c TO SSH TUNNEL (HOST 'h', USER 'u', PUBLIC KEY 1 'k')",
      error: 'the PUBLIC KEY 1 option cannot be explicitly specified',
    },
  ],
  // §1.10 POSTGRES/MYSQL/SQL SERVER
  ['§1.10 PG DATABASE first', { sql: pg("USER 'u'"), error: 'DATABASE option is required' }],
  ['§1.10 PG HOST', { sql: pg("DATABASE 'd'"), error: 'HOST option is required' }],
  ['§1.10 PG USER', { sql: pg("DATABASE 'd', HOST 'h'"), error: 'USER option is required' }],
  [
    '§1.10 PG SSL pair',
    {
      sql: pg("HOST 'a', USER 'u', DATABASE 'd', SSL KEY SECRET pw"),
      error: inv('both SSL KEY and SSL CERTIFICATE are required'),
    },
  ],
  [
    '§1.10 PG SSL MODE case-sensitive',
    { sql: pg("HOST 'a', USER 'u', DATABASE 'd', SSL MODE 'REQUIRE'"), error: inv('unknown SSL MODE "REQUIRE"') },
  ],
  [
    '§1.10 PG PRIVATELINK PORT',
    {
      sql: pg("HOST 'a', USER 'u', DATABASE 'd', AWS PRIVATELINK pl (PORT 1)"),
      error: inv('POSTGRES does not support PORT for AWS PRIVATELINK'),
    },
  ],
  [
    '§1.10 MYSQL SSL MODE case-insensitive',
    { sql: "CREATE CONNECTION my1 TO MYSQL (HOST 'h', USER 'u', SSL MODE 'required')" + NV, tag: 'CREATE CONNECTION' },
  ],
  [
    '§1.10 MYSQL IAM + password',
    {
      sql:
        "CREATE CONNECTION c TO MYSQL (HOST 'h', USER 'u', PASSWORD SECRET pw, AWS CONNECTION aws, SSL MODE 'required')" +
        NV,
      error: inv('AWS IAM authentication is not supported with password'),
    },
  ],
  [
    '§1.10 MYSQL IAM needs SSL',
    {
      sql: "CREATE CONNECTION c TO MYSQL (HOST 'h', USER 'u', AWS CONNECTION aws)" + NV,
      error: inv('AWS IAM authentication requires SSL to be enabled'),
    },
  ],
  [
    '§1.10 SQL SERVER PASSWORD',
    {
      sql: "CREATE CONNECTION c TO SQL SERVER (HOST 'h', DATABASE 'd', USER 'u')" + NV,
      error: 'PASSWORD option is required',
    },
  ],
  [
    '§1.10 SQL SERVER verify_ca',
    {
      sql:
        "CREATE CONNECTION c TO SQL SERVER (HOST 'h', DATABASE 'd', USER 'u', PASSWORD SECRET pw, SSL MODE 'verify_ca')" +
        NV,
      error: inv("SSL MODE 'verify_ca' requires SSL CERTIFICATE AUTHORITY"),
    },
  ],
  // §1.11 ICEBERG
  [
    '§1.11 CATALOG TYPE',
    {
      sql: `CREATE CONNECTION c TO ICEBERG CATALOG (URL 'http://h')${NV}`,
      error: inv('ICEBERG connections must specify CATALOG TYPE'),
    },
  ],
  [
    '§1.11 URL',
    { sql: `CREATE CONNECTION c TO ICEBERG CATALOG (CATALOG TYPE 'rest')${NV}`, error: inv('must specify URL') },
  ],
  [
    // materialize-newest-features.md §11 corrects §1.11: a GCP CONNECTION may stand in for the CREDENTIAL.
    '§1.11 rest CREDENTIAL or GCP CONNECTION',
    {
      sql: `CREATE CONNECTION c TO ICEBERG CATALOG (CATALOG TYPE 'rest', URL 'http://h')${NV}`,
      error: inv('ICEBERG rest connections require a CREDENTIAL or GCP CONNECTION'),
    },
  ],
  [
    '§1.11 s3tablesrest WAREHOUSE',
    {
      sql: `CREATE CONNECTION c TO ICEBERG CATALOG (CATALOG TYPE 's3tablesrest', URL 'http://h')${NV}`,
      error: inv('ICEBERG s3tablesrest connections must specify WAREHOUSE'),
    },
  ],
  [
    '§1.11 s3tablesrest AWS',
    {
      sql: `CREATE CONNECTION c TO ICEBERG CATALOG (CATALOG TYPE 's3tablesrest', URL 'http://h', WAREHOUSE 'w')${NV}`,
      error: inv('ICEBERG s3tablesrest connections require an AWS connection'),
    },
  ],
  // §2
  [
    '§2.1 WITH takes only VALIDATE',
    {
      sql: "CREATE CONNECTION c TO SSH TUNNEL (HOST 'h', USER 'u') WITH (FOO)",
      code: '42601',
      error: 'Expected one of VALIDATE, found identifier "foo"',
    },
  ],
  [
    '§2.1 validation failure is 58000',
    {
      sql: "CREATE CONNECTION c TO POSTGRES (HOST 'db.invalid', USER 'u', DATABASE 'd')",
      code: '58000',
      error: /failed to lookup address information/,
    },
  ],
  [
    '§2.2 VALIDATE a secret',
    { sql: 'VALIDATE CONNECTION pw', error: "cannot validate secret 'materialize.public.pw'" },
  ],
  ['§2.2 VALIDATE unknown', { sql: 'VALIDATE CONNECTION nope', error: "unknown catalog item 'nope'" }],
  ['§2.2 VALIDATE tag', { sql: 'VALIDATE CONNECTION pl', tag: 'VALIDATE CONNECTION' }],
  [
    '§2.3 name taken by another kind',
    {
      sql: "CREATE CONNECTION pw TO SSH TUNNEL (HOST 'h', USER 'u')",
      error: 'secret "materialize.public.pw" already exists',
    },
  ],
  [
    '§2.3 IF NOT EXISTS',
    {
      sql: "CREATE CONNECTION IF NOT EXISTS ssh TO SSH TUNNEL (HOST 'other', USER 'u')",
      tag: 'CREATE CONNECTION',
      notice: 'connection "ssh" already exists, skipping',
    },
  ],
  // §3 ALTER
  [
    '§3.2 not a connection',
    { sql: "ALTER CONNECTION pw SET (HOST 'x')", error: 'materialize.public.pw is a secret not a connection' },
  ],
  [
    '§3.2 option not permitted',
    { sql: "ALTER CONNECTION ssh SET (DATABASE 'x')", error: 'SSH TUNNEL connections do not support DATABASE values' },
  ],
  [
    '§3.2 re-plan error wrapped',
    {
      sql: 'ALTER CONNECTION ssh DROP (HOST)',
      error: 'invalid ALTER CONNECTION: HOST option is required',
      code: '0A000',
    },
  ],
  ['§3.2 SET + RESET', { sql: "ALTER CONNECTION ssh SET (USER = 'mz2'), RESET (PORT)", tag: 'ALTER CONNECTION' }],
  ['§3.2 DROP of an unset option is a no-op', { sql: 'ALTER CONNECTION ssh DROP (PORT)', tag: 'ALTER CONNECTION' }],
  [
    '§3.2 IF EXISTS notice',
    {
      sql: "ALTER CONNECTION IF EXISTS nope SET (HOST 'x')",
      tag: 'ALTER CONNECTION',
      notice: 'CONNECTION "nope" does not exist, skipping',
    },
  ],
  [
    '§3.2.4 PG tunnel change refused',
    {
      sql: 'ALTER CONNECTION pgt SET (SSH TUNNEL ssh2) WITH (VALIDATE = false)',
      code: '0A000',
      error: /cannot be altered in the requested way/,
    },
  ],
  [
    '§3.2.4 PG same tunnel fine',
    { sql: "ALTER CONNECTION pgt SET (HOST 'other') WITH (VALIDATE = false)", tag: 'ALTER CONNECTION' },
  ],
  [
    '§3.2.8 setup: a Kafka connection with BROKERS',
    {
      sql: "CREATE CONNECTION kx TO KAFKA (BROKERS ('k:9092'), SECURITY PROTOCOL PLAINTEXT)" + NV,
      tag: 'CREATE CONNECTION',
    },
  ],
  [
    '§3.2.8 AWS PRIVATELINK is not in the mutually exclusive set: SET alone keeps BROKERS',
    {
      sql: 'ALTER CONNECTION kx SET (AWS PRIVATELINK pl)' + NV,
      code: '0A000',
      error: 'invalid ALTER CONNECTION: invalid CONNECTION: can only set one of BROKER, BROKERS, or AWS PRIVATELINK',
    },
  ],
  [
    '§3.2.8 switching to AWS PRIVATELINK resets BROKERS (and a no-op RESET of BROKER)',
    {
      sql: 'ALTER CONNECTION kx SET (AWS PRIVATELINK pl), RESET (BROKERS), RESET (BROKER)' + NV,
      tag: 'ALTER CONNECTION',
    },
  ],
  [
    '§3.2.8 and back: SET (BROKERS) with RESET (AWS PRIVATELINK) is allowed',
    { sql: "ALTER CONNECTION kx SET (BROKERS ('k:9092')), RESET (AWS PRIVATELINK)" + NV, tag: 'ALTER CONNECTION' },
  ],
  ['§3.4 RENAME', { sql: 'ALTER CONNECTION ssh2 RENAME TO ssh3', tag: 'ALTER CONNECTION' }],
  ['§3.4 OWNER TO unknown role', { sql: 'ALTER CONNECTION ssh3 OWNER TO nobody', error: "unknown role 'nobody'" }],
  ['§3.4 OWNER TO', { sql: 'ALTER CONNECTION ssh3 OWNER TO r1', tag: 'ALTER CONNECTION' }],
  // §4
  ['§4.1 text type refused', { sql: "CREATE SECRET s1 AS 'x'::text", error: 'AS must have type bytea, not type text' }],
  ['§4.1 NULL refused', { sql: 'CREATE SECRET s1 AS NULL::bytea', error: 'secret value can not be null' }],
  ['§4.1 invalid UTF-8', { sql: "CREATE SECRET s1 AS '\\xff'", error: 'secret value must be valid UTF-8' }],
  ['§4.1 invalid bytea escape', { sql: "CREATE SECRET s1 AS 'a\\qb'", error: /invalid input syntax for type bytea/ }],
  [
    '§4.2 ALTER SECRET wrong type',
    { sql: "ALTER SECRET ssh AS 'x'", error: 'ssh is a connection not a SECRET' }, // secret.slt (newest)
  ],
  ['§4.3 DROP wrong type', { sql: 'DROP CONNECTION pw', error: 'materialize.public.pw is a secret not a connection' }],
  [
    '§4.3 DROP tunnel in use',
    { sql: 'DROP CONNECTION ssh', error: 'cannot drop connection "ssh": still depended upon by connection "pgt"' },
  ],
  [
    '§4.3 IF EXISTS notice',
    {
      sql: 'DROP CONNECTION IF EXISTS nope',
      tag: 'DROP CONNECTION',
      notice: 'CONNECTION "nope" does not exist, skipping',
    },
  ],
  [
    '§4.3 schema not empty',
    {
      sql: 'DROP SCHEMA other',
      error: "schema 'materialize.other' cannot be dropped without CASCADE while it contains objects",
    },
  ],
  [
    '§4.3 cross-schema dependant named minimally',
    { sql: 'DROP SECRET other.pw2', error: 'cannot drop secret "other.pw2": still depended upon by connection "pgo"' },
  ],
  ['§4.3 CASCADE', { sql: 'DROP SECRET other.pw2 CASCADE', tag: 'DROP SECRET' }],
  // §7 names
  [
    '§7 four parts',
    { sql: "CREATE SECRET a.b.c.d AS 'x'", error: /qualified name did not have between 1 and 3 components/ },
  ],
  ['§7 unknown database', { sql: "CREATE SECRET nodb.public.x AS 'x'", error: "unknown database 'nodb'" }],
  ['§7 unknown schema', { sql: "CREATE SECRET noschema.x AS 'x'", error: "unknown schema 'noschema'" }],
  [
    '§7 system schema',
    { sql: "CREATE SECRET mz_catalog.x AS 'x'", error: "system schema 'mz_catalog' cannot be modified" },
  ],
  [
    '§7 identifier length',
    { sql: `CREATE SECRET "${'x'.repeat(256)}" AS 'x'`, error: 'identifier length exceeds 255 bytes' },
  ],
  ['§7 quoted case kept', { sql: 'CREATE SECRET "MySecret" AS \'x\'', tag: 'CREATE SECRET' }],
  ['§7 unquoted folded', { sql: "CREATE SECRET MySecret AS 'x'", tag: 'CREATE SECRET' }],
  // §5.7 comments
  ['§5.7 COMMENT', { sql: "COMMENT ON CONNECTION pgt IS 'the db'", tag: 'COMMENT' }],
];

test.each(cases)('%s', async (_name, step) => {
  await runSteps(t.s, [step]);
});

beforeAll(async () => {
  await t.s.ok(
    "CREATE CONNECTION pgt TO POSTGRES (HOST 'h', USER 'u', DATABASE 'd', SSH TUNNEL ssh) WITH (VALIDATE = false)",
  );
  await t.s.ok('CREATE ROLE r1');
  await t.s.ok('CREATE SCHEMA other');
  await t.s.ok("CREATE SECRET other.pw2 AS 'x'");
  await t.s.ok(
    "CREATE CONNECTION pgo TO POSTGRES (HOST 'h', USER 'u', DATABASE 'd', PASSWORD SECRET other.pw2) WITH (VALIDATE = false)",
  );
});

test('comment, owner and names are visible in the catalog (§5.7 read query)', async () => {
  const r = await t.s
    .ok(`SELECT c.id, c.name, s.name AS schema_name, d.name AS database_name, c.type, cm.comment, r.name AS owner_name, c.privileges
    FROM mz_connections c JOIN mz_schemas s ON c.schema_id = s.id LEFT JOIN mz_databases d ON s.database_id = d.id
    JOIN mz_roles r ON c.owner_id = r.id
    LEFT JOIN (SELECT id, comment FROM mz_internal.mz_comments WHERE object_type = 'connection' AND object_sub_id IS NULL) cm ON c.id = cm.id
    WHERE c.name IN ('pgt', 'ssh3') ORDER BY c.name`);
  expect(r.rows).toEqual([
    expect.objectContaining({
      name: 'pgt',
      schema_name: 'public',
      database_name: 'materialize',
      type: 'postgres',
      comment: 'the db',
      owner_name: 'materialize',
      privileges: '{materialize=U/materialize}',
    }),
    expect.objectContaining({ name: 'ssh3', owner_name: 'r1' }),
  ]);
  const names = (await t.s.ok("SELECT name FROM mz_secrets WHERE name ILIKE 'mysecret'")).rows
    .map((x) => x.name)
    .sort();
  expect(names).toEqual(['MySecret', 'mysecret']);
  const fq = (await t.s.ok("SELECT * FROM mz_internal.mz_object_fully_qualified_names WHERE name = 'pgt'")).rows[0];
  expect(fq).toMatchObject({ object_type: 'connection', schema_name: 'public', database_name: 'materialize' });
});

test('create_sql stable form (§5.6) and SHOW CREATE humanized form (§5.8)', async () => {
  const r = await t.s.ok(
    "SELECT c.create_sql, t.id AS tid FROM mz_connections c, mz_connections t WHERE c.name = 'pgt' AND t.name = 'ssh'",
  );
  expect(r.rows[0].create_sql).toBe(
    `CREATE CONNECTION "materialize"."public"."pgt" TO POSTGRES (DATABASE = 'd', HOST = 'other', SSH TUNNEL = [${r.rows[0].tid} AS "materialize"."public"."ssh"], USER = 'u')`,
  );
  const sc = await t.s.ok('SHOW CREATE CONNECTION pgt');
  expect(sc.rows[0]).toEqual({
    name: 'materialize.public.pgt',
    create_sql:
      "CREATE CONNECTION materialize.public.pgt\nTO POSTGRES (DATABASE = 'd', HOST = 'other', SSH TUNNEL = materialize.public.ssh, USER = 'u');",
  });
  const sec = await t.s.ok("SELECT * FROM mz_secrets WHERE name = 'pw'");
  expect(Object.keys(sec.rows[0])).toEqual(['id', 'oid', 'schema_id', 'name', 'owner_id', 'privileges']);
});
