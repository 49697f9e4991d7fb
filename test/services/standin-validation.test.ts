// Real validation against the real servers of scripts/services.sh: PostgreSQL, MariaDB, OpenSSH (with the
// tunnel's own keys installed in authorized_keys), and moto IAM for AWS assume-role trust policies.
import * as fs from 'fs';
import { CreateRoleCommand, DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startStandin, type Standin } from '../standin/index';
import { runSteps, session, type Session } from '../standin/testkit';
import { services } from './env';

let mz: Standin;
let s: Session;
const pgSvc = services.pg();
const mySvc = services.mysql();
const sshSvc = services.ssh();
let akBackup: string;

beforeAll(async () => {
  mz = await startStandin({ port: 0, awsIamEndpoint: services.motoUrl() });
  s = await session(mz.url);
  akBackup = fs.readFileSync(sshSvc.authorizedKeysFile, 'utf8');
}, 30_000);
afterAll(async () => {
  if (akBackup !== undefined) fs.writeFileSync(sshSvc.authorizedKeysFile, akBackup);
  await s?.end();
  await mz?.close();
});

test('POSTGRES validates by default against the real server; a wrong password fails with 58000', async () => {
  await s.ok(`CREATE SECRET pgpass AS '${pgSvc.password}'`);
  await s.ok("CREATE SECRET pgwrong AS 'wrong'");
  await runSteps(s, [
    {
      sql: `CREATE CONNECTION pg TO POSTGRES (HOST '${pgSvc.host}', PORT ${pgSvc.port}, USER '${pgSvc.user}', PASSWORD SECRET pgpass, DATABASE 'postgres')`,
      tag: 'CREATE CONNECTION',
    },
    {
      sql: `CREATE CONNECTION pgbad TO POSTGRES (HOST '${pgSvc.host}', PORT ${pgSvc.port}, USER '${pgSvc.user}', PASSWORD SECRET pgwrong, DATABASE 'postgres')`,
      code: '58000',
      error: /password authentication failed/,
    },
    { sql: 'VALIDATE CONNECTION pg', tag: 'VALIDATE CONNECTION' },
    {
      sql: 'ALTER CONNECTION pg SET (PASSWORD = SECRET pgwrong)',
      code: '58000',
      error: /password authentication failed/,
    },
    {
      sql: `CREATE CONNECTION pgclosed TO POSTGRES (HOST '127.0.0.1', PORT 1, USER 'u', DATABASE 'postgres')`,
      code: '58000',
      error: /error connecting to server/,
    },
  ]);
  expect((await s.ok("SELECT count(*)::int AS n FROM mz_connections WHERE name = 'pgbad'")).rows[0].n).toBe(0);
});

test('MYSQL validates against MariaDB', async () => {
  await s.ok(`CREATE SECRET mypass AS '${mySvc.password}'`);
  await runSteps(s, [
    {
      sql: `CREATE CONNECTION my TO MYSQL (HOST '${mySvc.host}', PORT ${mySvc.port}, USER '${mySvc.user}', PASSWORD SECRET mypass)`,
      tag: 'CREATE CONNECTION',
    },
    {
      sql: `CREATE CONNECTION mybad TO MYSQL (HOST '${mySvc.host}', PORT ${mySvc.port}, USER '${mySvc.user}')`,
      code: '58000',
      error: /Access denied/,
    },
  ]);
});

test('SSH TUNNEL validates with its own keys once installed; PG validates through the tunnel; ROTATE KEYS', async () => {
  await s.ok(
    `CREATE CONNECTION bastion TO SSH TUNNEL (HOST '${sshSvc.host}', PORT ${sshSvc.port}, USER '${sshSvc.user}')`,
  );
  await runSteps(s, [
    { sql: 'VALIDATE CONNECTION bastion', code: '58000', error: /failed to connect to the remote host/ },
  ]);
  const keys = (
    await s.ok("SELECT k.* FROM mz_ssh_tunnel_connections k JOIN mz_connections c USING (id) WHERE c.name = 'bastion'")
  ).rows[0];
  // Only key 2 installed: validation tries key 1, then key 2 (§1.9).
  fs.writeFileSync(sshSvc.authorizedKeysFile, `${akBackup.trimEnd()}\n${keys.public_key_2}\n`);
  await runSteps(s, [
    { sql: 'VALIDATE CONNECTION bastion', tag: 'VALIDATE CONNECTION' },
    {
      sql: `CREATE CONNECTION pgt TO POSTGRES (HOST '127.0.0.1', PORT ${pgSvc.port}, USER '${pgSvc.user}', PASSWORD SECRET pgpass, DATABASE 'postgres', SSH TUNNEL bastion)`,
      tag: 'CREATE CONNECTION',
    },
    {
      sql: `CREATE CONNECTION myt TO MYSQL (HOST '127.0.0.1', PORT ${mySvc.port}, USER '${mySvc.user}', PASSWORD SECRET mypass, SSH TUNNEL bastion)`,
      tag: 'CREATE CONNECTION',
    },
    // After two rotations neither installed key is current.
    { sql: 'ALTER CONNECTION bastion ROTATE KEYS' },
    { sql: 'VALIDATE CONNECTION bastion', tag: 'VALIDATE CONNECTION' },
    { sql: 'ALTER CONNECTION bastion ROTATE KEYS' },
    { sql: 'VALIDATE CONNECTION pgt', code: '58000', error: /failed to connect to the remote host/ },
  ]);
});

test('AWS assume-role: trust policy judged like STS (principal + sts:ExternalId)', async () => {
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: services.motoUrl(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const principal = 'arn:aws:iam::123456789000:role/MaterializeConnection';
  const mkRole = async (name: string, condition?: object) => {
    await iam.send(new DeleteRoleCommand({ RoleName: name })).catch(() => {});
    const doc = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: principal },
          Action: 'sts:AssumeRole',
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    };
    const r = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(doc) }));
    return r.Role!.Arn!;
  };
  try {
    const insecureArn = await mkRole('mz-standin-insecure');
    await s.ok(`CREATE CONNECTION aws_insecure TO AWS (ASSUME ROLE ARN '${insecureArn}')`);
    await runSteps(s, [
      {
        sql: 'VALIDATE CONNECTION aws_insecure',
        code: '58000',
        error: 'role trust policy does not require an external ID',
        detail: `The trust policy for the connection's role (${insecureArn}) is insecure and allows any Materialize customer to assume the role.`,
        hint: 'See: https://materialize.com/s/aws-connection-role-trust-policy',
      },
    ]);
    await s.ok("CREATE CONNECTION aws_ok TO AWS (ASSUME ROLE ARN 'arn:aws:iam::123456789012:role/mz-standin-ok')");
    const ext = (
      await s.ok(
        "SELECT a.external_id FROM mz_internal.mz_aws_connections a JOIN mz_connections c USING (id) WHERE c.name = 'aws_ok'",
      )
    ).rows[0].external_id;
    await runSteps(s, [
      { sql: 'VALIDATE CONNECTION aws_ok', code: '58000', error: /is not authorized to perform: sts:AssumeRole/ },
    ]);
    await mkRole('mz-standin-ok', { StringEquals: { 'sts:ExternalId': ext } });
    await runSteps(s, [{ sql: 'VALIDATE CONNECTION aws_ok', tag: 'VALIDATE CONNECTION' }]);
    await mkRole('mz-standin-ok', { StringEquals: { 'sts:ExternalId': 'someone-else' } });
    await runSteps(s, [{ sql: 'VALIDATE CONNECTION aws_ok', code: '58000', error: /is not authorized/ }]);
  } finally {
    for (const n of ['mz-standin-insecure', 'mz-standin-ok'])
      await iam.send(new DeleteRoleCommand({ RoleName: n })).catch(() => {});
    iam.destroy();
  }
});

test('KAFKA: an unreachable broker fails quickly with 58000', async () => {
  const t = Date.now();
  await runSteps(s, [
    {
      sql: "CREATE CONNECTION k TO KAFKA (BROKER '127.0.0.1:1', SECURITY PROTOCOL PLAINTEXT)",
      code: '58000',
      error: /^Meta data fetch error/,
    },
  ]);
  expect(Date.now() - t).toBeLessThan(10_000);
});
