// End to end through the real dynamic-provider server (test/engine), Materialize's stand-in and moto's IAM:
// one `pulumi up` makes the connection, then the role (trust policy = the connection's external ID), then
// validates; a change that replaces the connection makes the role follow (new external ID, validated again);
// destroy removes both. AWS credentials come from the provider's environment and never reach state or logs.
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { Client } from 'pg';
import * as mz from '../../sdk';
import { makeProgramDir, removeProgramDir, startEngine, type Engine } from '../engine';
import { materializeConfig } from '../e2e/harness';
import { materializeUrl } from '../support/materialize';
import { services } from './env';

const moto = services.motoUrl();
const ROLE = 'mz-e2e-export';
const ARN = mz.roleArnFor('123456789012', ROLE); // moto's account: known before the role exists
const PRINCIPAL = 'arn:aws:iam::123456789000:role/MaterializeConnection';
const SECRET_KEY = 'e2eSecretKey/DoNotLeak+123';
const iam = new IAMClient({
  region: 'us-east-1',
  endpoint: moto,
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
});
let engine: Engine;
let dir: string;
let sql: Client;

beforeAll(async () => {
  sql = new Client({ connectionString: materializeUrl() });
  await sql.connect();
  for (const schema of ['e2e_role_blue', 'e2e_role_green']) {
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await sql.query(`CREATE SCHEMA ${schema}`);
  }
  dir = makeProgramDir();
  engine = await startEngine({
    projectDir: dir,
    config: materializeConfig(),
    env: { AWS_ACCESS_KEY_ID: 'AKIAE2EDONOTLEAK', AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_REGION: 'us-east-1' },
  });
}, 60_000);
afterAll(async () => {
  await engine?.stop();
  if (dir) removeProgramDir(dir);
  await sql?.end();
  iam.destroy();
});

function program(schemaName: string) {
  return () => {
    const connection = new mz.AwsConnection('export', { name: 'export', schemaName, assumeRoleArn: ARN });
    const role = new mz.AwsConnectionRole('export-role', {
      connection,
      roleName: ROLE,
      inlinePolicies: {
        's3-export': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:ListBucket'], Resource: '*' }],
        },
      },
      aws: { endpoint: moto },
      validateTimeout: 20,
    });
    return {
      externalId: connection.externalId,
      connectionTrust: connection.trustPolicy,
      arn: role.arn,
      trustPolicy: role.trustPolicy,
      validated: role.validated,
    };
  };
}

async function trustInIam(): Promise<unknown> {
  const r = await iam.send(new GetRoleCommand({ RoleName: ROLE }));
  return JSON.parse(decodeURIComponent(r.Role!.AssumeRolePolicyDocument!));
}
const trustFor = (externalId: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: PRINCIPAL },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': externalId } },
    },
  ],
});

test('connection → role → validate; the connection replaced → the role follows; destroy', async () => {
  const up = await engine.up(program('e2e_role_blue'));
  expect(up.steps.map((s) => [s.name, s.op])).toEqual([
    ['export', 'create'],
    ['export-role', 'create'],
  ]);
  expect(up.step('export-role')!.type).toBe('pulumi-nodejs:dynamic/materialize:AwsConnectionRole');
  const blue = up.outputs.externalId as string;
  expect(blue).toMatch(/^mz_eb5cb59b-e2fe-41f3-87ca-d2176a495345_u\d+$/);
  expect(up.outputs).toMatchObject({ arn: ARN, validated: true });
  expect(await trustInIam()).toEqual(trustFor(blue));
  // AwsConnection.trustPolicy is the same document, ready for roles made with @pulumi/aws.
  expect(JSON.parse(up.outputs.connectionTrust as string)).toEqual(trustFor(blue));
  expect(up.outputs.trustPolicy).toBe(up.outputs.connectionTrust);

  expect((await engine.preview(program('e2e_role_blue'))).steps.map((s) => s.op)).toEqual(['same', 'same']);

  // A new schema replaces the connection: a new catalog id, so a new external ID.
  const moved = await engine.up(program('e2e_role_green'));
  expect(moved.steps.map((s) => [s.name, s.op])).toEqual([
    ['export', 'replace'],
    ['export-role', 'update'],
  ]);
  const green = moved.outputs.externalId as string;
  expect(green).not.toBe(blue);
  expect(await trustInIam()).toEqual(trustFor(green));
  expect(moved.outputs.validated).toBe(true);
  // The new connection first, then the role's trust policy, and only then the old connection goes.
  expect(engine.calls.map((c) => `${c.method} ${c.urn.split('::').pop()}`).slice(-8)).toEqual([
    'check export',
    'diff export',
    'check export',
    'create export',
    'check export-role',
    'diff export-role',
    'update export-role',
    'delete export',
  ]);

  const state = JSON.stringify(engine.state);
  expect(state).not.toContain(SECRET_KEY);
  expect(state).not.toContain('AKIAE2EDONOTLEAK');
  expect(engine.logs.join('\n')).not.toContain(SECRET_KEY);

  const destroyed = await engine.destroy();
  expect(destroyed.steps.map((s) => [s.name, s.op])).toEqual([
    ['export-role', 'delete'],
    ['export', 'delete'],
  ]);
  await expect(iam.send(new GetRoleCommand({ RoleName: ROLE }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
  const left = await sql.query(
    `SELECT c.name FROM mz_catalog.mz_connections c JOIN mz_catalog.mz_schemas s ON s.id = c.schema_id
     WHERE s.name IN ('e2e_role_blue', 'e2e_role_green')`,
  );
  expect(left.rows).toEqual([]);
}, 120_000);
