// AwsConnectionRole against moto's IAM through the real @aws-sdk/client-iam, with VALIDATE CONNECTION run by
// the stand-in (which reads the trust policy back from moto and judges it as STS would): create, update,
// drift, delete. A stand-in of its own, so no other suite's statements interleave. The trust policy is read back from IAM by a separate client and asserted exactly.
import {
  CreatePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { Client } from 'pg';
import { startStandin, type Standin } from '../standin/index';
import { roleLifecycle } from '../../provider/aws-role/resource';
import { closeAllPools } from '../../provider/lifecycle/pool';
import { services } from './env';

const moto = services.motoUrl();
const PRINCIPAL = 'arn:aws:iam::123456789000:role/MaterializeConnection'; // the stand-in's
const ROLE = 'mz-services-role';
const ARN = `arn:aws:iam::123456789012:role/${ROLE}`; // moto's account
const schema = 'svc_aws_role';
const MANAGED = 'arn:aws:iam::123456789012:policy/mz-read';
const READ = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const role = roleLifecycle();
const iam = new IAMClient({
  region: 'us-east-1',
  endpoint: moto,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
let sql: Client;
let mz: Standin;
const saved = { ...process.env };

function endpoint() {
  const u = new URL(mz.url);
  return {
    host: u.hostname,
    port: Number(u.port),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password) || undefined,
    database: 'materialize',
    sslmode: 'disable',
  };
}

async function externalId(name: string): Promise<string> {
  const r = await sql.query(
    `SELECT a.external_id FROM mz_internal.mz_aws_connections a JOIN mz_catalog.mz_connections c USING (id)
     JOIN mz_catalog.mz_schemas s ON s.id = c.schema_id WHERE s.name = $1 AND c.name = $2`,
    [schema, name],
  );
  return r.rows[0].external_id;
}

/** The trust policy exactly as IAM holds it (IAM returns it URL-encoded). */
async function trustInIam(): Promise<unknown> {
  const r = await iam.send(new GetRoleCommand({ RoleName: ROLE }));
  return JSON.parse(decodeURIComponent(r.Role!.AssumeRolePolicyDocument!));
}

beforeAll(async () => {
  // Credentials through the SDK's default chain (the environment), as users give them.
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  mz = await startStandin({ port: 0, awsIamEndpoint: moto });
  sql = new Client({ connectionString: mz.url });
  await sql.connect();
  await iam
    .send(new CreatePolicyCommand({ PolicyName: 'mz-read', PolicyDocument: JSON.stringify(READ) }))
    .catch((e) => (e.name === 'EntityAlreadyExistsException' ? undefined : Promise.reject(e)));
  await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await sql.query(`CREATE SCHEMA ${schema}`);
  await sql.query(`CREATE CONNECTION ${schema}.blue TO AWS (ASSUME ROLE ARN '${ARN}')`);
  await sql.query(`CREATE CONNECTION ${schema}.green TO AWS (ASSUME ROLE ARN '${ARN}')`);
}, 60_000);
afterAll(async () => {
  await role.delete(ROLE, { roleName: ROLE, aws: { endpoint: moto } }).catch(() => undefined);
  await sql?.end();
  await closeAllPools();
  await mz?.close();
  iam.destroy();
  process.env = saved;
}, 30_000);

test('create, update, drift, delete of a real IAM role (moto), validated by the stand-in', async () => {
  const blue = await externalId('blue');
  const green = await externalId('green');
  const news = {
    connection: { name: 'blue', schemaName: schema },
    roleName: ROLE,
    inlinePolicies: {
      s3: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::exports/*' }],
      }),
    },
    managedPolicyArns: [MANAGED],
    tags: { team: 'data' },
    aws: { endpoint: moto },
    validateTimeout: 5,
    materialize: endpoint(),
  };
  const checked = await role.check({}, news);
  expect(checked.failures).toBeUndefined();
  const inputs = checked.inputs!;
  const { id, outs } = await role.create(inputs);
  expect(id).toBe(ROLE);
  expect(outs).toMatchObject({ arn: ARN, validated: true, externalIds: [blue], drift: [] });
  expect(await trustInIam()).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: PRINCIPAL },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': blue } },
      },
    ],
  });
  expect((await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }))).PolicyNames).toEqual(['s3']);
  expect(
    (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }))).AttachedPolicies!.map((p) => p.PolicyArn),
  ).toEqual([MANAGED]);

  // Blue/green: the role serves both; the trust policy names both external IDs under the one principal.
  const both = (
    await role.check(outs, {
      ...news,
      connection: [news.connection, { name: 'green', schemaName: schema }],
      managedPolicyArns: [],
      tags: { team: 'data', env: 'prod' },
      permissionsBoundary: MANAGED,
      maxSessionDuration: 7200,
      description: 'Materialize exports',
    })
  ).inputs!;
  expect((await role.diff(id, outs, both)).changes).toBe(true);
  const updated = (await role.update(id, outs, both)).outs;
  expect(updated).toMatchObject({ validated: true, externalIds: [blue, green], managedPolicyArns: [] });
  expect(await trustInIam()).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: PRINCIPAL },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': [blue, green].sort() } },
      },
    ],
  });
  expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE }))).AttachedPolicies).toEqual([]);
  const got = (await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role!;
  expect([got.MaxSessionDuration, got.Description, got.PermissionsBoundary?.PermissionsBoundaryArn]).toEqual([
    7200,
    'Materialize exports',
    MANAGED,
  ]);
  expect(
    Object.fromEntries(
      (await iam.send(new ListRoleTagsCommand({ RoleName: ROLE }))).Tags!.map((t) => [t.Key, t.Value]),
    ),
  ).toEqual({ team: 'data', env: 'prod' });

  // Drift: someone drops the external-ID condition. Refresh reports it; the next update puts it back.
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: ROLE,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: PRINCIPAL }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const read = await role.read(id, updated);
  expect(read.props!.drift).toEqual([
    'the trust policy no longer requires the external ID: any Materialize customer could assume the role',
  ]);
  expect((await role.diff(id, read.props!, both)).changes).toBe(true);
  const fixed = (await role.update(id, read.props!, both)).outs;
  expect(fixed.trustPolicy).toBe(updated.trustPolicy);
  expect((await role.read(id, fixed)).props!.drift).toEqual([]);

  // Delete: policies detached and deleted, role gone; a second delete is a no-op.
  await role.delete(id, fixed);
  await expect(iam.send(new GetRoleCommand({ RoleName: ROLE }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
  await role.delete(id, fixed);
  expect(await role.read(id, fixed)).toEqual({});
}, 60_000);

test('a connection whose ARN names another account: refused after CreateRole, and the role is removed again', async () => {
  await sql.query(
    `CREATE CONNECTION ${schema}.stray TO AWS (ASSUME ROLE ARN 'arn:aws:iam::999999999999:role/mz-stray')`,
  );
  const inputs = (
    await role.check(
      {},
      {
        connection: { name: 'stray', schemaName: schema },
        roleName: 'mz-stray',
        aws: { endpoint: moto },
        materialize: endpoint(),
      },
    )
  ).inputs!;
  const err = await role.create(inputs).catch((e) => e);
  expect(err.message).toBe(
    `connection "materialize"."${schema}"."stray" assumes arn:aws:iam::999999999999:role/mz-stray, not ` +
      "arn:aws:iam::123456789012:role/mz-stray: set its assumeRoleArn to this role's ARN",
  );
  expect(err.id).toBeUndefined();
  await expect(iam.send(new GetRoleCommand({ RoleName: 'mz-stray' }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
}, 30_000);
