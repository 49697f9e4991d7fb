// test/testdrive/aws-connection.td (MaterializeInc/materialize). The catalog rows follow the newest
// mz_internal.mz_aws_connections columns (§5.4); the invalid-statement messages follow the newest
// connection.rs (§1.5), which reworded the td's older texts.
import { privateStandin, runSteps } from '../testkit';

const t = privateStandin();

const PREFIX = 'eb5cb59b-e2fe-41f3-87ca-d2176a495345';
const idOf = async (name: string) =>
  (await t.s.ok('SELECT id FROM mz_connections WHERE name = $1', [name])).rows[0].id as string;

test('assume role: external id, principal and example trust policy (§5.5)', async () => {
  await t.s.ok(
    "CREATE CONNECTION aws_assume_role TO AWS ( ASSUME ROLE ARN 'assume-role', ASSUME ROLE SESSION NAME 'session-name' );",
  );
  const id = await idOf('aws_assume_role');
  const row = (
    await t.s.ok(
      'SELECT *, example_trust_policy::text AS policy_text FROM mz_internal.mz_aws_connections WHERE id = $1',
      [id],
    )
  ).rows[0];
  expect(row).toMatchObject({
    id,
    endpoint: null,
    region: null,
    access_key_id: null,
    access_key_id_secret_id: null,
    assume_role_arn: 'assume-role',
    assume_role_session_name: 'session-name',
    principal: 'arn:aws:iam::123456789000:role/MaterializeConnection',
    external_id: `mz_${PREFIX}_${id}`,
  });
  expect(row.policy_text).toBe(
    `{"Statement":[{"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"mz_${PREFIX}_${id}"}},"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789000:role/MaterializeConnection"}}],"Version":"2012-10-17"}`,
  );
});

test('access credentials, as text and as secret', async () => {
  await t.s.ok("CREATE SECRET s3_api_secret_key as 'secret_key';");
  await t.s.ok(
    "CREATE CONNECTION aws_credentials TO AWS (ACCESS KEY ID = 'access_key', SECRET ACCESS KEY = SECRET s3_api_secret_key);",
  );
  const secretKeyId = (await t.s.ok("SELECT id FROM mz_secrets WHERE name = 's3_api_secret_key'")).rows[0].id;
  let row = (
    await t.s.ok('SELECT * FROM mz_internal.mz_aws_connections WHERE id = $1', [await idOf('aws_credentials')])
  ).rows[0];
  expect(row).toMatchObject({
    access_key_id: 'access_key',
    access_key_id_secret_id: null,
    secret_access_key_secret_id: secretKeyId,
    principal: null,
    external_id: null,
    example_trust_policy: null,
  });
  await t.s.ok("CREATE SECRET s3_api_key as 'api_access_key';");
  await t.s.ok(
    'CREATE CONNECTION aws_credentials_with_secret TO AWS (ACCESS KEY ID = SECRET s3_api_key, SECRET ACCESS KEY = SECRET s3_api_secret_key);',
  );
  const keyId = (await t.s.ok("SELECT id FROM mz_secrets WHERE name = 's3_api_key'")).rows[0].id;
  row = (
    await t.s.ok('SELECT * FROM mz_internal.mz_aws_connections WHERE id = $1', [
      await idOf('aws_credentials_with_secret'),
    ])
  ).rows[0];
  expect(row).toMatchObject({ access_key_id: null, access_key_id_secret_id: keyId });
});

test('invalid statements (§1.5 wording)', async () => {
  await runSteps(t.s, [
    {
      sql: "CREATE CONNECTION conn TO AWS ( ACCESS KEY ID = 'access_key' );",
      error: 'must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN',
      code: 'XX000',
    },
    {
      sql: 'CREATE CONNECTION conn TO AWS ( SECRET ACCESS KEY = SECRET s3_api_secret_key );',
      error: 'must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN',
    },
    {
      sql: "CREATE CONNECTION conn TO AWS ( SESSION TOKEN = 'token');",
      error: 'must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN',
    },
    {
      sql: "CREATE CONNECTION conn TO AWS ( ASSUME ROLE SESSION NAME 'session-name' );",
      error: 'must specify ASSUME ROLE ARN with optional ASSUME ROLE SESSION NAME',
    },
    {
      sql: "CREATE CONNECTION conn TO AWS ( ACCESS KEY ID = 'access_key', SECRET ACCESS KEY = SECRET s3_api_secret_key, ASSUME ROLE ARN 'arn-name' );",
      error: 'cannot specify both ACCESS KEY ID and ASSUME ROLE ARN',
    },
    {
      sql: "CREATE CONNECTION conn TO AWS ( REGION 'us-east' );",
      error: 'must specify either ASSUME ROLE ARN or ACCESS KEY ID and SECRET ACCESS KEY',
    },
    // The td's `TOKEN = 'token'` is a parse error in the current grammar.
    {
      sql: "CREATE CONNECTION conn TO AWS ( TOKEN = 'token');",
      error: /^Expected one of ACCESS or ASSUME/,
      code: '42601',
    },
  ]);
});

test('VALIDATE without an IAM endpoint fails with 58000; AWS does not validate by default (§1.13)', async () => {
  await runSteps(t.s, [{ sql: 'VALIDATE CONNECTION aws_assume_role', code: '58000', error: /IAM endpoint/ }]);
});
