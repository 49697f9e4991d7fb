// Issue 21 through the real CLI: the native provider plugin serving a Pulumi YAML program (every connection type
// and a Secret), `pulumi import` of objects made out of band, and a TypeScript stack of dynamic resources moved to
// the native types through aliases, and the two types that reach outside Materialize (an IAM role in moto, keys on
// the services' sshd). Secrets are searched in every output and in `pulumi stack export`.
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { anotherStandin, clear, objects, sql } from './catalog';
import { forms, nativeConfig, nativeStack } from './native';
import { materializeConfig, ROOT, type Stack } from './pulumi';
import { standinControl } from '../standin/control';
import { outsideBlocks } from '../../provider/bastion/authorized-keys';
import { servicesBastion } from '../services/bastion-rig';
import { services } from '../services/env';

jest.setTimeout(900_000);

const PROGRAMS = path.join(ROOT, 'test/acceptance/programs');
const CANARIES = ['native-canary-Vx93q', 'native-canary-key-Hq27m', 'native-canary-user-Pz81k'];
const leaks = (text: string, canaries = CANARIES) => canaries.flatMap(forms).filter((f) => text.includes(f));

const stacks: Stack[] = [];
/** Folders removed after the stacks are destroyed (an authorized_keys file a failed test's stack still writes). */
const folders: string[] = [];
afterEach(async () => {
  for (const s of stacks.splice(0)) {
    await s.run(['destroy', '--yes', '--skip-preview']);
    s.remove();
  }
  for (const f of folders.splice(0)) fs.rmSync(f, { recursive: true, force: true });
  await clear();
});

/** A stack configured for the native provider; `dynamic` also for the dynamic resources (`materialize:*`). */
async function started(
  programDir: string,
  extra: Record<string, string> = {},
  dynamic = false,
  env?: Record<string, string>,
): Promise<Stack> {
  await clear();
  const stack = nativeStack({ programDir, env });
  stacks.push(stack);
  const mz = nativeConfig();
  const dyn = dynamic ? materializeConfig() : { config: {}, secrets: {} };
  await stack.init({ ...mz.config, ...dyn.config, ...extra }, { ...mz.secrets, ...dyn.secrets });
  return stack;
}

/** What the CLI prints, with the quotes inside strings unescaped. */
const shown = (text: string) => text.replace(/\\"/g, '"');

const ALL = [
  'native_aws',
  'native_gcp',
  'native_glue',
  'native_iceberg',
  'native_kafka',
  'native_mysql',
  'native_password',
  'native_postgres',
  'native_privatelink',
  'native_registry',
  'native_sql_server',
  'native_ssl_key',
  'native_tunnel',
];

test('a YAML program: every type deployed, no change on a second preview, ALTER in place, a replacement, refresh, destroy; no secret in state or output', async () => {
  const stack = await started(path.join(PROGRAMS, 'native-yaml'));
  const seen: string[] = [];
  const ok = async (args: string[]) => {
    const r = await stack.ok(args);
    seen.push(r.output);
    return r;
  };

  await ok(['up', '--yes', '--skip-preview', '--diff']);
  expect(await objects()).toEqual(ALL);
  const first = await stack.outputs();
  expect(first.mysqlPlan).toEqual([
    `CREATE CONNECTION "materialize"."public"."native_mysql" TO MYSQL (HOST = 'mysql.example.com', USER = '********', ` +
      `PASSWORD = SECRET "materialize"."public"."native_password") WITH (VALIDATE = false)`,
  ]);
  expect(String(first.tunnelKey)).toMatch(/^ssh-ed25519 /);
  await ok(['preview', '--expect-no-changes']);

  // step two: hosts and comments change. Postgres and the tunnel are altered in place, SQL Server is replaced.
  await stack.setConfig('step', 'two');
  const preview = await ok(['preview', '--diff']);
  expect(preview.stdout).toMatch(
    /~ materialize-connections:index:PostgresConnection: \(update\)[\s\S]*~ host\s*: "pg-one.example.com" => "pg-two.example.com"/,
  );
  expect(preview.stdout).toMatch(
    /\+-materialize-connections:index:SqlServerConnection: \(replace\)[\s\S]*~ host\s*: "mssql-one.example.com" => "mssql-two.example.com"/,
  );
  expect(shown(preview.stdout)).toContain(
    `ALTER CONNECTION "materialize"."public"."native_postgres" SET (HOST = 'pg-two.example.com') WITH (VALIDATE = false)`,
  );
  await ok(['up', '--yes', '--skip-preview']);
  const second = await stack.outputs();
  expect(second.postgresId).toBe(first.postgresId);
  expect(second.sqlServerId).not.toBe(first.sqlServerId);
  const pg = await sql(`SELECT id FROM mz_catalog.mz_connections WHERE name = 'native_postgres'`);
  expect(pg).toEqual([{ id: first.postgresId }]);
  await ok(['preview', '--expect-no-changes']);

  // A comment removed out of band: refresh records it, the next up puts it back.
  await sql(`COMMENT ON CONNECTION "materialize"."public"."native_tunnel" IS NULL`);
  await ok(['refresh', '--yes', '--skip-preview']);
  const back = await ok(['up', '--yes', '--skip-preview', '--diff']);
  expect(back.stdout).toMatch(/SshTunnelConnection[\s\S]*comment/);
  const comment = await sql(
    `SELECT c.comment FROM mz_internal.mz_comments c JOIN mz_catalog.mz_connections x ON x.id = c.id WHERE x.name = 'native_tunnel'`,
  );
  expect(comment).toEqual([{ comment: 'step two' }]);
  await ok(['preview', '--expect-no-changes']);

  const state = await stack.exportState();
  expect(leaks(state)).toEqual([]);
  expect(leaks(seen.join('\n'))).toEqual([]);
  await ok(['destroy', '--yes', '--skip-preview']);
  expect(await objects()).toEqual([]);
});

/** IAM in moto, as the plugin's AWS SDK finds it (credentials from the environment, never stored). */
const MOTO_ENV = () => ({
  AWS_ENDPOINT_URL_IAM: services.motoUrl(),
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
});

/** The role's trust policy as moto has it, or undefined when there is no such role. */
async function trustPolicyOf(roleName: string): Promise<unknown> {
  const iam = new IAMClient({
    endpoint: services.motoUrl(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    const r = await iam.send(new GetRoleCommand({ RoleName: roleName })).catch((e: { name?: string }) => {
      if (e.name === 'NoSuchEntityException') return undefined;
      throw e;
    });
    return r && JSON.parse(decodeURIComponent(r.Role!.AssumeRolePolicyDocument!));
  } finally {
    iam.destroy();
  }
}

test('a YAML program with the types outside Materialize: an AwsConnectionRole in moto, an SshBastionAuthorizedKeys on the sshd; up, no changes, destroy; the private key in no state or output', async () => {
  const ssh = servicesBastion();
  const uid = Number(execFileSync('id', ['-u', ssh.user]).toString());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-bastion-'));
  folders.push(dir);
  fs.chownSync(dir, uid, uid);
  const file = path.join(dir, 'authorized_keys');
  const original = Buffer.from('# by hand\r\nssh-ed25519 AAAAC3Nza hand-added \xe9\n', 'latin1');
  fs.writeFileSync(file, original);
  fs.chownSync(file, uid, uid);
  const roleName = `NativeYaml${process.pid}x${Date.now().toString(36)}`;
  const stack = await started(
    path.join(PROGRAMS, 'native-yaml-services'),
    {
      roleName,
      bastionHost: ssh.host,
      bastionPort: String(ssh.port),
      bastionUser: ssh.user,
      bastionHostKey: ssh.hostKeySha256,
      authorizedKeysPath: file,
    },
    false,
    MOTO_ENV(),
  );
  await stack.ok(['config', 'set', '--secret', 'operatorPrivateKey'], ssh.operatorKey);
  // The key's body lines (the armour lines are the same in every key).
  const keyLines = ssh.operatorKey.split('\n').filter((l) => l && !l.startsWith('-----'));
  expect(keyLines.length).toBeGreaterThan(0);
  await stack.ok(['up', '--yes', '--skip-preview']);
  expect(await objects()).toEqual(['native_services_aws', 'native_services_tunnel']);
  const out = await stack.outputs();
  expect(out.principal).toMatch(/^arn:aws:iam::\d{12}:role\//);
  expect(out.externalId).toEqual(expect.any(String));
  expect(out.roleArn).toBe(`arn:aws:iam::123456789012:role/${roleName}`);
  expect(await trustPolicyOf(roleName)).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: out.principal },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': out.externalId } },
      },
    ],
  });

  const restrict = 'restrict,port-forwarding,command="false",permitopen="127.0.0.1:5432"';
  const text = fs.readFileSync(file, 'latin1');
  const block = /# BEGIN pulumi-materialize-connections block=(\S+) id=\S+ .*\n([^]*?)# END/.exec(text);
  expect(block?.[1]).toBe('native-yaml-services/acceptance/bastionKeys');
  expect(block?.[2].split('\n').filter(Boolean)).toEqual([
    `${restrict} ${out.tunnelKey1}`,
    `${restrict} ${out.tunnelKey2}`,
  ]);
  expect(outsideBlocks(text)).toEqual(outsideBlocks(original.toString('latin1')));
  await stack.ok(['preview', '--expect-no-changes']);

  const state = await stack.exportState();
  expect(leaks(state, keyLines)).toEqual([]);
  expect(leaks(stack.history.map((h) => h.result.output).join('\n'), keyLines)).toEqual([]);

  await stack.ok(['destroy', '--yes', '--skip-preview']);
  expect(await objects()).toEqual([]);
  expect(await trustPolicyOf(roleName)).toBeUndefined();
  expect(fs.readFileSync(file).equals(original)).toBe(true);
});

/** Objects made out of band, one of every type, in creation order. */
const OUT_OF_BAND: [className: string, name: string, statement: string][] = [
  ['Secret', 'imp_secret', `CREATE SECRET imp_secret AS 'import-canary-Lm40t'`],
  [
    'SshTunnelConnection',
    'imp_tunnel',
    `CREATE CONNECTION imp_tunnel TO SSH TUNNEL (HOST 'bastion.example.com', USER 'mz', PORT 22)`,
  ],
  [
    'PostgresConnection',
    'imp_postgres',
    `CREATE CONNECTION imp_postgres TO POSTGRES (HOST 'pg.example.com', DATABASE 'shop', USER 'app', PASSWORD SECRET imp_secret, SSH TUNNEL imp_tunnel) WITH (VALIDATE = false)`,
  ],
  [
    'MySqlConnection',
    'imp_mysql',
    `CREATE CONNECTION imp_mysql TO MYSQL (HOST 'mysql.example.com', USER 'app', PASSWORD SECRET imp_secret) WITH (VALIDATE = false)`,
  ],
  [
    'SqlServerConnection',
    'imp_sql_server',
    `CREATE CONNECTION imp_sql_server TO SQL SERVER (HOST 'mssql.example.com', DATABASE 'erp', USER 'sa', PASSWORD SECRET imp_secret) WITH (VALIDATE = false)`,
  ],
  [
    'KafkaConnection',
    'imp_kafka',
    `CREATE CONNECTION imp_kafka TO KAFKA (BROKERS ('broker1.example.com:9092', 'broker2.example.com:9092'), SECURITY PROTOCOL 'SASL_SSL', SASL MECHANISMS 'PLAIN', SASL USERNAME 'kafka-user', SASL PASSWORD SECRET imp_secret) WITH (VALIDATE = false)`,
  ],
  [
    'ConfluentSchemaRegistryConnection',
    'imp_registry',
    `CREATE CONNECTION imp_registry TO CONFLUENT SCHEMA REGISTRY (URL 'https://registry.example.com:8081', USERNAME 'registry-user', PASSWORD SECRET imp_secret) WITH (VALIDATE = false)`,
  ],
  [
    'AwsPrivatelinkConnection',
    'imp_privatelink',
    `CREATE CONNECTION imp_privatelink TO AWS PRIVATELINK (SERVICE NAME 'com.amazonaws.vpce.us-east-1.vpce-svc-0e123abc123198abc', AVAILABILITY ZONES ('use1-az1', 'use1-az4'))`,
  ],
  [
    'AwsConnection',
    'imp_aws',
    `CREATE CONNECTION imp_aws TO AWS (ASSUME ROLE ARN 'arn:aws:iam::000000000000:role/imp') WITH (VALIDATE = false)`,
  ],
  [
    'GcpConnection',
    'imp_gcp',
    `CREATE CONNECTION imp_gcp TO GCP (SERVICE ACCOUNT KEY SECRET imp_secret) WITH (VALIDATE = false)`,
  ],
  [
    'AwsGlueSchemaRegistryConnection',
    'imp_glue',
    `CREATE CONNECTION imp_glue TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION imp_aws, REGISTRY 'imp-registry') WITH (VALIDATE = false)`,
  ],
  [
    'IcebergCatalogConnection',
    'imp_iceberg',
    `CREATE CONNECTION imp_iceberg TO ICEBERG CATALOG (CATALOG TYPE 'REST', URL 'https://iceberg.example.com/catalog', CREDENTIAL SECRET imp_secret, WAREHOUSE 'lakehouse') WITH (VALIDATE = false)`,
  ],
];

async function catalogId(name: string): Promise<string> {
  const rows = await sql(
    `SELECT id FROM mz_catalog.mz_connections WHERE name = '${name}' UNION ALL SELECT id FROM mz_catalog.mz_secrets WHERE name = '${name}'`,
  );
  expect(rows).toHaveLength(1);
  return String(rows[0].id);
}

test('pulumi import of every type by catalog id; one up sets the Secret value (never readable), then no changes', async () => {
  const stack = await started(path.join(PROGRAMS, 'native-import'));
  for (const [, , statement] of OUT_OF_BAND) await sql(statement);
  const resources = [];
  for (const [className, name] of OUT_OF_BAND)
    resources.push({ type: `materialize-connections:index:${className}`, name, id: await catalogId(name) });
  const importFile = path.join(stack.work, 'import.json');
  fs.writeFileSync(importFile, JSON.stringify({ resources }));
  const generated = path.join(stack.work, 'generated.yaml');
  const imported = await stack.ok(['import', '--file', importFile, '--yes', '--protect=false', '--out', generated]);
  expect(imported.stdout).toContain(`${OUT_OF_BAND.length} imported`);
  // The one input Materialize never returns: the import says so, and the program supplies it.
  expect(imported.output).toContain('value is required');

  const code = fs.readFileSync(generated, 'utf8');
  expect(code.match(/^\s+type: materialize-connections:/gm)).toHaveLength(OUT_OF_BAND.length);
  const program = fs.readFileSync(path.join(stack.dir, 'Pulumi.yaml'), 'utf8').replace(/^resources: \{\}\n/m, '');
  fs.writeFileSync(
    path.join(stack.dir, 'Pulumi.yaml'),
    program + code.replace(/^(\s+)value: ""$/m, '$1value:\n$1  fn::secret: import-canary-Lm40t'),
  );

  const preview = await stack.ok(['preview', '--diff']);
  expect(preview.stdout).toMatch(/~ 1 to update/);
  expect(shown(preview.stdout)).toContain(`ALTER SECRET "materialize"."public"."imp_secret" AS '********'`);
  await stack.ok(['up', '--yes', '--skip-preview']);
  await stack.ok(['preview', '--expect-no-changes']);
  for (const [, name] of OUT_OF_BAND) expect(await catalogId(name)).toBe(resources.find((r) => r.name === name)!.id);
  expect(leaks(await stack.exportState(), ['import-canary-Lm40t'])).toEqual([]);

  // What cannot be imported fails, saying why.
  const refused = async (className: string, id: string) => {
    const r = await stack.run(['import', `materialize-connections:index:${className}`, 'refused', id, '--yes']);
    expect(r.code).not.toBe(0);
    return r.output;
  };
  expect(await refused('PostgresConnection', 'u999999')).toContain(
    'no PostgresConnection with catalog id "u999999" in this Materialize',
  );
  expect(await refused('AwsConnectionRole', 'some-role')).toContain('AwsConnectionRole cannot be imported');
  expect(await refused('SshBastionAuthorizedKeys', 'some-block')).toContain(
    'SshBastionAuthorizedKeys cannot be imported',
  );

  await stack.ok(['destroy', '--yes', '--skip-preview']);
  expect(await objects()).toEqual([]);
});

test('a TypeScript stack of dynamic resources moves to the native types through aliases: no change, no SQL', async () => {
  const stack = await started(path.join(PROGRAMS, 'native-migration'), { native: 'false' }, true);
  await stack.ok(['up', '--yes', '--skip-preview']);
  const before = await sql(
    `SELECT id, name FROM mz_catalog.mz_connections UNION ALL SELECT id, name FROM mz_catalog.mz_secrets ORDER BY 2`,
  );
  expect(before.map((r) => r.name)).toEqual(['migration_password', 'migration_postgres']);

  await stack.setConfig('native', 'true');
  const control = standinControl();
  await control.clearLog();
  const preview = await stack.ok(['preview', '--diff']);
  expect(preview.stdout).not.toMatch(/to create|to delete|to replace|to update/);
  const up = await stack.ok(['up', '--yes', '--skip-preview']);
  expect(up.stdout).not.toMatch(/created|deleted|replaced|updated/);
  const statements = (await control.log()).map((e) => e.sql);
  expect(statements.filter((s) => /^\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE)\b/i.test(s))).toEqual([]);
  await stack.ok(['preview', '--expect-no-changes']);
  // The move keeps the outputs as they were, the dynamic provider's code among them; a refresh reads them anew.
  await stack.ok(['refresh', '--yes', '--skip-preview']);
  await stack.ok(['preview', '--expect-no-changes']);
  expect((await control.log()).filter((e) => /^\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE)\b/i.test(e.sql))).toEqual(
    [],
  );

  const state = JSON.parse(await stack.exportState());
  const types = state.deployment.resources
    .map((r: { type: string }) => r.type)
    .filter((t: string) => !t.startsWith('pulumi:'));
  expect(types.sort()).toEqual([
    'materialize-connections:index:PostgresConnection',
    'materialize-connections:index:Secret',
  ]);
  expect(JSON.stringify(state)).not.toContain('__provider');
  expect(leaks(JSON.stringify(state), ['migration-canary-Rt55w'])).toEqual([]);
  const after = await sql(
    `SELECT id, name FROM mz_catalog.mz_connections UNION ALL SELECT id, name FROM mz_catalog.mz_secrets ORDER BY 2`,
  );
  expect(after).toEqual(before);
});

test('an explicit provider resource points its resources at another environment; a bad setting fails before SQL', async () => {
  const other = await anotherStandin();
  try {
    const port = new URL(other.url).port;
    const stack = await started(path.join(PROGRAMS, 'native-provider'), { otherPort: port });
    await stack.ok(['config', 'set', '--secret', 'otherPassword'], decodeURIComponent(new URL(other.url).password));
    await stack.ok(['up', '--yes', '--skip-preview']);
    expect(await objects()).toEqual(['provider_here']);
    expect(await objects(other.url)).toEqual(['provider_there']);
    await stack.ok(['preview', '--expect-no-changes']);
    expect(leaks(await stack.exportState(), ['provider-canary-Ab12c'])).toEqual([]);

    // CheckConfig refuses a port out of range, naming the setting, before anything runs (YAML's own type check
    // already refuses one that is no number).
    await stack.setConfig('otherPort', '70000');
    const bad = await stack.run(['preview']);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/materialize-connections:port/);
    await stack.setConfig('otherPort', port);
    await stack.ok(['destroy', '--yes', '--skip-preview']);
    expect(await objects(other.url)).toEqual([]);
  } finally {
    await other.close();
  }
});

test('npm run plugin:pack: pulumi plugin install --file, then a program with no plugins section uses it', async () => {
  const out = execFileSync(
    'bash',
    [path.join(ROOT, 'scripts/plugin-pack.sh'), fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-pack-'))],
    {
      encoding: 'utf8',
      env: { ...process.env, PLUGIN_PACK_BUILT: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const tarball = out.trim().split('\n').pop()!;
  try {
    const stack = await started(path.join(PROGRAMS, 'native-plugin'));
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    // `pulumi plugin install` takes no --stack: run as the stack's commands run, into its PULUMI_HOME.
    execFileSync(
      path.join(process.env.PULUMI_CLI_DIR!, 'pulumi'),
      ['plugin', 'install', 'resource', 'materialize-connections', version, '--file', tarball],
      { cwd: stack.dir, env: stack.env, stdio: 'pipe' },
    );
    const up = await stack.ok(['up', '--yes', '--skip-preview']);
    expect(up.output).not.toContain('from $PATH');
    expect(await objects()).toEqual(['plugin_key', 'plugin_tunnel']);
    expect(leaks(await stack.exportState(), ['plugin-canary-Wq73z'])).toEqual([]);
    await stack.ok(['destroy', '--yes', '--skip-preview']);
    expect(await objects()).toEqual([]);
  } finally {
    fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
  }
});
