// Every example of the CREATE CONNECTION docs page (create-connection.md), in page order, run the way psql
// runs them (one statement per query). Outcomes are Materialize's: examples that validate by default against
// the docs' fictitious hosts fail validation (58000, DNS), and the page's typos (a missing comma, `=` instead
// of `AS`, `...` placeholders) are parse errors from Materialize's own parser. ssh_connection and the
// secrets that later examples reference are created where the page first needs them.
import { privateStandin, runSteps, type Step } from '../testkit';

const t = privateStandin();

const OK: Partial<Step> = { tag: undefined };
const DNS: Partial<Step> = { code: '58000', error: /resolve hostname|lookup address information/ };
const parse = (error: string | RegExp): Partial<Step> => ({ code: '42601', error });

const examples: [string, Partial<Step>][] = [
  [
    "CREATE CONNECTION aws_role_assumption TO AWS (\n    ASSUME ROLE ARN = 'arn:aws:iam::400121260767:role/WarehouseExport'\n)",
    OK,
  ],
  ["CREATE SECRET aws_secret_access_key = '...'", parse('Expected AS, found equals sign')],
  [
    "CREATE CONNECTION aws_credentials TO AWS (\n    ACCESS KEY ID = 'ASIAV2KIV5LPTG6HGXG6',\n    SECRET ACCESS KEY = SECRET aws_secret_access_key\n)",
    { error: "unknown catalog item 'aws_secret_access_key'" },
  ],
  ["CREATE CONNECTION kafka_connection TO KAFKA (\n    BROKERS ('broker1:9092', 'broker2:9092')\n)", DNS],
  // prerequisite of the PLAINTEXT tab (defined further down the page)
  [
    "CREATE CONNECTION ssh_connection TO SSH TUNNEL (\n    HOST 'bastion-host',\n    PORT 22,\n    USER 'materialize'\n)",
    OK,
  ],
  [
    "CREATE CONNECTION kafka_connection TO KAFKA (\n    BROKER 'unique-jellyfish-0000.prd.cloud.redpanda.com:9092',\n    SECURITY PROTOCOL = 'PLAINTEXT',\n    SSH TUNNEL ssh_connection\n)",
    DNS,
  ],
  ["CREATE SECRET kafka_ssl_cert AS '-----BEGIN CERTIFICATE----- ...'", OK],
  ["CREATE SECRET kafka_ssl_key AS '-----BEGIN PRIVATE KEY----- ...'", OK],
  ["CREATE SECRET ca_cert AS '-----BEGIN CERTIFICATE----- ...'", OK],
  [
    "CREATE CONNECTION kafka_connection TO KAFKA (\n    BROKER 'rp-f00000bar.cloud.redpanda.com:30365',\n    SECURITY PROTOCOL = 'SSL'\n    SSL CERTIFICATE = SECRET kafka_ssl_cert,\n    SSL KEY = SECRET kafka_ssl_key,\n    -- comment\n    SSL CERTIFICATE AUTHORITY = SECRET ca_cert\n)",
    parse('Expected right parenthesis, found SSL'),
  ],
  ["CREATE SECRET IF NOT EXISTS ca_cert AS '-----BEGIN CERTIFICATE----- ...'", OK],
  [
    "CREATE CONNECTION kafka_connection TO KAFKA (\n    BROKER = 'rp-f00000bar.cloud.redpanda.com:30365',\n    SECURITY PROTOCOL = 'SSL',\n    SSH TUNNEL ssh_connection,\n    SSL CERTIFICATE AUTHORITY = SECRET ca_cert\n)",
    DNS,
  ],
  ["CREATE SECRET kafka_password AS '...'", OK],
  [
    "CREATE CONNECTION kafka_connection TO KAFKA (\n    BROKER 'unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092',\n    SECURITY PROTOCOL = 'SASL_PLAINTEXT',\n    SASL MECHANISMS = 'SCRAM-SHA-256',\n    SASL USERNAME = 'foo',\n    SASL PASSWORD = SECRET kafka_password,\n    SSH TUNNEL ssh_connection\n)",
    DNS,
  ],
  [
    "CREATE CONNECTION kafka_connection TO KAFKA (\n    BROKER 'unique-jellyfish-0000.us-east-1.aws.confluent.cloud:9092',\n    SECURITY PROTOCOL = 'SASL_SSL',\n    SASL MECHANISMS = 'SCRAM-SHA-256',\n    SASL USERNAME = 'foo',\n    SASL PASSWORD = SECRET kafka_password,\n    SSL CERTIFICATE AUTHORITY = SECRET ca_cert\n)",
    DNS,
  ],
  ["CREATE CONNECTION aws_msk TO AWS (\n    ASSUME ROLE ARN = 'arn:aws:iam::400121260767:role/MaterializeMSK'\n)", OK],
  [
    "CREATE CONNECTION kafka_msk TO KAFKA (\n    BROKER 'msk.mycorp.com:9092',\n    SECURITY PROTOCOL = 'SASL_SSL',\n    AWS CONNECTION = aws_msk\n)",
    DNS,
  ],
  [
    "CREATE CONNECTION IF NOT EXISTS ssh_connection TO SSH TUNNEL (\n    HOST '<SSH_BASTION_HOST>',\n    USER '<SSH_BASTION_USER>',\n    PORT <SSH_BASTION_PORT>\n)",
    parse(/^Expected/),
  ],
  ["CREATE CONNECTION kafka_connection TO KAFKA (\n    BROKER 'broker1:9092',\n    SSH TUNNEL ssh_connection\n)", DNS],
  ["CREATE CONNECTION ssh1 TO SSH TUNNEL (HOST 'ssh1', ...)", parse(/found dot$/)],
  [
    "CREATE CONNECTION kafka_connection TO KAFKA (\nBROKERS (\n    'broker1:9092' USING SSH TUNNEL ssh1,\n    'broker2:9092' USING SSH TUNNEL ssh2\n    )\n    SSH TUNNEL ssh_1\n)",
    parse('Expected right parenthesis, found SSH'),
  ],
  ["CREATE SECRET csr_password AS '...'", OK],
  [
    "CREATE CONNECTION csr_basic TO CONFLUENT SCHEMA REGISTRY (\n    URL 'https://rp-f00000bar.cloud.redpanda.com:30993',\n    USERNAME = 'foo',\n    PASSWORD = SECRET csr_password\n    SSL CERTIFICATE AUTHORITY = SECRET ca_cert\n)",
    parse('Expected right parenthesis, found SSL'),
  ],
  ["CREATE SECRET csr_ssl_cert AS '-----BEGIN CERTIFICATE----- ...'", OK],
  ["CREATE SECRET csr_ssl_key AS '-----BEGIN PRIVATE KEY----- ...'", OK],
  [
    "CREATE CONNECTION csr_ssl TO CONFLUENT SCHEMA REGISTRY (\n    URL 'https://rp-f00000bar.cloud.redpanda.com:30993',\n    SSL CERTIFICATE = SECRET csr_ssl_cert,\n    SSL KEY = SECRET csr_ssl_key,\n    SSL CERTIFICATE AUTHORITY = SECRET ca_cert\n)",
    { code: '58000', error: /error sending request|lookup address|remote host/ },
  ],
  [
    "CREATE CONNECTION csr_ssh TO CONFLUENT SCHEMA REGISTRY (\n    URL 'http://my-confluent-schema-registry:8081',\n    SSH TUNNEL ssh_connection\n)",
    { code: '58000', error: /error sending request|lookup address|remote host/ },
  ],
  ["CREATE SECRET mysqlpass AS '<POSTGRES_PASSWORD>'", OK],
  [
    "CREATE CONNECTION mysql_connection TO MYSQL (\n    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',\n    PORT 3306,\n    USER 'root',\n    PASSWORD SECRET mysqlpass\n)",
    DNS,
  ],
  ["CREATE CONNECTION tunnel TO SSH TUNNEL (\n    HOST 'bastion-host',\n    PORT 22,\n    USER 'materialize'\n)", OK],
  [
    "CREATE CONNECTION mysql_connection TO MYSQL (\n    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',\n    SSH TUNNEL ssh_connection\n)",
    { error: 'USER option is required' },
  ],
  ["CREATE SECRET pgpass AS '<POSTGRES_PASSWORD>'", OK],
  [
    "CREATE CONNECTION pg_connection TO POSTGRES (\n    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',\n    PORT 5432,\n    USER 'postgres',\n    PASSWORD SECRET pgpass,\n    SSL MODE 'require',\n    DATABASE 'postgres'\n)",
    DNS,
  ],
  [
    "CREATE CONNECTION IF NOT EXISTS tunnel TO SSH TUNNEL (\n    HOST 'bastion-host',\n    PORT 22,\n    USER 'materialize'\n)",
    OK,
  ],
  [
    "CREATE CONNECTION pg_connection TO POSTGRES (\n    HOST 'instance.foo000.us-west-1.rds.amazonaws.com',\n    PORT 5432,\n    SSH TUNNEL tunnel,\n    DATABASE 'postgres'\n)",
    { error: 'USER option is required' },
  ],
  [
    "CREATE CONNECTION IF NOT EXISTS ssh_connection TO SSH TUNNEL (\n    HOST 'bastion-host',\n    PORT 22,\n    USER 'materialize'\n)",
    OK,
  ],
  [
    "SELECT\n    mz_connections.name,\n    mz_ssh_tunnel_connections.*\nFROM\n    mz_connections\nJOIN\n    mz_ssh_tunnel_connections USING(id)\nWHERE\n    mz_connections.name = 'ssh_connection'",
    OK,
  ],
  ['SELECT id, external_id, example_trust_policy FROM mz_internal.mz_aws_connections', OK],
];

test.each(examples)('%s', async (sql, expected) => {
  await runSteps(t.s, [{ sql, ...expected }]);
});

test('the doc examples that succeed are in the catalog with their keys and external ids', async () => {
  const keys = await t.s.ok(
    "SELECT mz_connections.name, mz_ssh_tunnel_connections.* FROM mz_connections JOIN mz_ssh_tunnel_connections USING(id) WHERE mz_connections.name = 'ssh_connection'",
  );
  expect(keys.rows).toHaveLength(1);
  const aws = await t.s.ok(
    'SELECT id, external_id, example_trust_policy FROM mz_internal.mz_aws_connections ORDER BY id',
  );
  expect(aws.rows.map((r) => r.external_id)).toEqual(
    aws.rows.map((r) => `mz_eb5cb59b-e2fe-41f3-87ca-d2176a495345_${r.id}`),
  );
});
