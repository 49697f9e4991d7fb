// The stand-in's VALIDATE CONNECTION for AWS judges the role's trust policy (read from moto, whose STS would
// accept any external ID) as STS does: the whole role ARN, Deny over Allow, IAM's condition operators with
// IfExists and negation, and Materialize's second attempt without the external ID.
import { CreateRoleCommand, DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startStandin, type Standin } from '../standin/index';
import { runSteps, session, type Session } from '../standin/testkit';
import { services } from './env';

const PRINCIPAL = 'arn:aws:iam::123456789000:role/MaterializeConnection';
const ACCOUNT = 'arn:aws:iam::123456789012'; // moto's
const INSECURE = 'role trust policy does not require an external ID';
let mz: Standin;
let s: Session;
const iam = new IAMClient({
  region: 'us-east-1',
  endpoint: services.motoUrl(),
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const made: string[] = [];

beforeAll(async () => {
  mz = await startStandin({ port: 0, awsIamEndpoint: services.motoUrl() });
  s = await session(mz.url);
}, 60_000);
afterAll(async () => {
  for (const name of made) await iam.send(new DeleteRoleCommand({ RoleName: name })).catch(() => undefined);
  iam.destroy();
  await s?.end();
  await mz?.close();
}, 30_000);

/** A connection `name` assuming role `name` (at `path`), whose trust policy has these statements. */
async function connectionWithRole(name: string, statements: (externalId: string) => object[], path = '/') {
  const arn = `${ACCOUNT}:role${path}${name}`;
  await s.ok(`CREATE CONNECTION ${name} TO AWS (ASSUME ROLE ARN '${arn}')`);
  const ext = (
    await s.ok(
      `SELECT a.external_id FROM mz_internal.mz_aws_connections a JOIN mz_connections c USING (id) WHERE c.name = '${name}'`,
    )
  ).rows[0].external_id as string;
  await iam.send(new DeleteRoleCommand({ RoleName: name })).catch(() => undefined);
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements(ext) }),
    }),
  );
  made.push(name);
  return { arn, ext };
}
const allow = (condition?: object) => ({
  Effect: 'Allow',
  Principal: { AWS: PRINCIPAL },
  Action: 'sts:AssumeRole',
  ...(condition ? { Condition: condition } : {}),
});

test('StringEqualsIfExists does not require the external ID: insecure, as Materialize says', async () => {
  await connectionWithRole('t_ifexists', (ext) => [allow({ StringEqualsIfExists: { 'sts:ExternalId': ext } })]);
  await runSteps(s, [{ sql: 'VALIDATE CONNECTION t_ifexists', code: '58000', error: INSECURE }]);
});

test('StringEquals plus Null=false: secure; StringNotEquals alone: insecure', async () => {
  await connectionWithRole('t_null', (ext) => [
    allow({ StringEquals: { 'sts:ExternalId': ext }, Null: { 'sts:ExternalId': 'false' } }),
  ]);
  await connectionWithRole('t_not', () => [allow({ StringNotEquals: { 'sts:ExternalId': 'someone-else' } })]);
  await runSteps(s, [
    { sql: 'VALIDATE CONNECTION t_null', tag: 'VALIDATE CONNECTION' },
    { sql: 'VALIDATE CONNECTION t_not', code: '58000', error: INSECURE },
  ]);
});

test('an explicit Deny wins over the Allow', async () => {
  await connectionWithRole('t_deny', (ext) => [
    allow({ StringEquals: { 'sts:ExternalId': ext } }),
    { Effect: 'Deny', Principal: { AWS: PRINCIPAL }, Action: 'sts:AssumeRole' },
  ]);
  await runSteps(s, [
    { sql: 'VALIDATE CONNECTION t_deny', code: '58000', error: /is not authorized to perform: sts:AssumeRole/ },
  ]);
});

test('the whole ARN counts: a role of that name at another path is not the role', async () => {
  const { ext } = await connectionWithRole('t_path', (e) => [allow({ StringEquals: { 'sts:ExternalId': e } })]);
  await s.ok(`ALTER CONNECTION t_path SET (ASSUME ROLE ARN = '${ACCOUNT}:role/other/t_path')`);
  expect(ext).toMatch(/^mz_/);
  await runSteps(s, [
    { sql: 'VALIDATE CONNECTION t_path', code: '58000', error: /is not authorized to perform: sts:AssumeRole/ },
  ]);
});
