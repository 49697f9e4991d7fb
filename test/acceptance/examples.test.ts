// Every program in examples/ deployed with the real Pulumi CLI against the stand-in (and the real servers of
// scripts/services.sh where a program validates): up; a second preview finds nothing to do; a changed input
// shows its exact SQL in `preview --diff`; an out-of-band change is found by `refresh` and undone by `up`;
// the state never holds a secret in any encoding (test/canary/search.ts), searched as exported and decoded;
// destroy leaves nothing behind: no object, no IAM role in moto, no block in the bastion's file (whose other
// lines stay).
import * as fs from 'fs';
import * as path from 'path';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { fingerprint } from '../../provider/bastion';
import { MARKER } from '../../provider/bastion/authorized-keys';
import { describe as describeFindings, findLeaks, type Haystack } from '../canary/search';
import { startStandin, type Standin } from '../standin/index';
import { services } from '../services/env';
import { clear, objects, showCreate, sql } from './catalog';
import { materializeConfig, ROOT, Stack } from './pulumi';

jest.setTimeout(600_000);

const q = (name: string) => `"materialize"."public"."${name}"`;
/** A statement as `preview --diff` prints a string. */
const shown = (statement: string) => JSON.stringify(statement);

interface ExampleCase {
  example: string;
  config?: Record<string, string>;
  /** Secret config values; each must be absent from `pulumi stack export` (unless listed in `public`). */
  secrets: Record<string, string>;
  /** Secret values that are also plain words of the program (the services' PostgreSQL password is its user's name). */
  public?: string[];
  env?: () => Record<string, string>;
  /** What the first `up` leaves in materialize.public. */
  created: string[];
  /** A config change and the exact statements `preview --diff` must show for it. */
  change?: { key: string; value: string; sql: string[] };
  /** Statements run before the program (roles it grants to, say). */
  before?: string[];
  /** IAM roles the program makes (in moto): gone after destroy. */
  roles?: string[];
  /**
   * Out of band: the statement, and what `object`'s SHOW CREATE (or the one-column `probe` query) contains after
   * it, and again after refresh and up.
   */
  drift: { statement: string; object: string; restored: string; drifted: string; probe?: string };
}

const svcSsh = () => services.ssh();
const hostKey = () =>
  fingerprint(
    Buffer.from(
      fs.readFileSync(path.join(path.dirname(svcSsh().clientKeyFile), 'host_ed25519.pub'), 'utf8').split(' ')[1],
      'base64',
    ),
  );

const CASES: ExampleCase[] = [
  {
    example: 'ssh-tunnel',
    secrets: {},
    created: ['ssh_connection'],
    change: {
      key: 'bastionHost',
      value: 'bastion-2.example.com',
      sql: [`ALTER CONNECTION ${q('ssh_connection')} SET (HOST = 'bastion-2.example.com')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('ssh_connection')} SET (PORT = 2222)`,
      object: 'ssh_connection',
      drifted: 'PORT = 2222',
      restored: 'PORT = 22',
    },
  },
  {
    example: 'postgres',
    secrets: { pgPassword: 'pg-acceptance-SEKRET' },
    created: ['pg_connection', 'pg_ssh_connection', 'pgpass', 'tunnel'],
    change: {
      key: 'bastionHost',
      value: 'bastion-2',
      sql: [`ALTER CONNECTION ${q('tunnel')} SET (HOST = 'bastion-2')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('tunnel')} SET (PORT = 2222)`,
      object: 'tunnel',
      drifted: 'PORT = 2222',
      restored: 'PORT = 22',
    },
  },
  {
    example: 'mysql',
    secrets: { mysqlPassword: 'mysql-acceptance-SEKRET' },
    created: ['mysql_connection', 'mysql_ssh_connection', 'mysqlpass', 'tunnel'],
    change: {
      key: 'bastionHost',
      value: 'bastion-2',
      sql: [`ALTER CONNECTION ${q('tunnel')} SET (HOST = 'bastion-2')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('tunnel')} SET (USER = 'intruder')`,
      object: 'tunnel',
      drifted: "USER = 'intruder'",
      restored: "USER = 'materialize'",
    },
  },
  {
    example: 'sql-server',
    secrets: { sqlServerPassword: 'mssql-acceptance-SEKRET' },
    created: ['sql_server_connection', 'sql_server_pass', 'sql_server_ssh_connection', 'ssh_connection'],
    change: {
      key: 'bastionHost',
      value: 'bastion-2',
      sql: [`ALTER CONNECTION ${q('ssh_connection')} SET (HOST = 'bastion-2')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('ssh_connection')} SET (PORT = 2200)`,
      object: 'ssh_connection',
      drifted: 'PORT = 2200',
      restored: 'PORT = 22',
    },
  },
  {
    example: 'kafka',
    secrets: {
      kafkaPassword: 'kafka-acceptance-SEKRET',
      kafkaSslCert: 'CERT-acceptance-SEKRET',
      kafkaSslKey: 'KEY-acceptance-SEKRET',
      caCert: 'CA-acceptance-SEKRET',
    },
    created: [
      'aws_msk',
      'ca_cert',
      'kafka_brokers',
      'kafka_default_tunnel',
      'kafka_msk',
      'kafka_password',
      'kafka_per_broker_tunnels',
      'kafka_plaintext',
      'kafka_sasl_plaintext',
      'kafka_sasl_ssl',
      'kafka_ssl',
      'kafka_ssl_cert',
      'kafka_ssl_key',
      'kafka_ssl_tunnel',
      'ssh1',
      'ssh2',
      'ssh_connection',
    ],
    change: {
      key: 'bastionHost',
      value: 'bastion-2',
      sql: [`ALTER CONNECTION ${q('ssh_connection')} SET (HOST = 'bastion-2')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('ssh1')} SET (PORT = 2201)`,
      object: 'ssh1',
      drifted: 'PORT = 2201',
      restored: 'PORT = 22',
    },
  },
  {
    example: 'confluent-schema-registry',
    secrets: {
      csrPassword: 'csr-acceptance-SEKRET',
      csrSslCert: 'CERT-acceptance-SEKRET',
      csrSslKey: 'KEY-acceptance-SEKRET',
      caCert: 'CA-acceptance-SEKRET',
    },
    created: [
      'ca_cert',
      'csr_basic',
      'csr_password',
      'csr_ssh',
      'csr_ssl',
      'csr_ssl_cert',
      'csr_ssl_key',
      'ssh_connection',
    ],
    change: {
      key: 'bastionHost',
      value: 'bastion-2',
      sql: [`ALTER CONNECTION ${q('ssh_connection')} SET (HOST = 'bastion-2')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('ssh_connection')} SET (PORT = 2202)`,
      object: 'ssh_connection',
      drifted: 'PORT = 2202',
      restored: 'PORT = 22',
    },
  },
  {
    example: 'aws-privatelink',
    secrets: { pgPassword: 'pl-acceptance-SEKRET' },
    created: [
      'csr_privatelink',
      'kafka_privatelink',
      'kafka_privatelink_default',
      'kafka_privatelink_rules',
      'pg_privatelink',
      'pgpass',
      'privatelink_svc',
    ],
    change: {
      key: 'serviceName',
      value: 'com.amazonaws.vpce.us-east-1.vpce-svc-0aaaabbbbccccdddd',
      sql: [
        `ALTER CONNECTION ${q('privatelink_svc')} SET (SERVICE NAME = 'com.amazonaws.vpce.us-east-1.vpce-svc-0aaaabbbbccccdddd')`,
      ],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('privatelink_svc')} SET (AVAILABILITY ZONES = ('use1-az2'))`,
      object: 'privatelink_svc',
      drifted: "AVAILABILITY ZONES = ('use1-az2')",
      restored: "AVAILABILITY ZONES = ('use1-az1', 'use1-az4')",
    },
  },
  {
    example: 'iceberg-catalog',
    secrets: { icebergCredential: 'client:acceptance-SEKRET' },
    created: ['aws_s3_tables', 'iceberg_credential', 'iceberg_rest', 'iceberg_s3_tables'],
    change: {
      key: 's3TablesRoleArn',
      value: 'arn:aws:iam::123456789012:role/Other',
      sql: [`ALTER CONNECTION ${q('aws_s3_tables')} SET (ASSUME ROLE ARN = 'arn:aws:iam::123456789012:role/Other')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('aws_s3_tables')} SET (REGION = 'eu-west-1')`,
      object: 'aws_s3_tables',
      drifted: "REGION = 'eu-west-1'",
      restored: 'AWS (ASSUME ROLE ARN',
    },
  },
  {
    example: 'gcp',
    secrets: { serviceAccountKey: '{"type":"service_account","private_key":"acceptance-SEKRET"}' },
    created: ['biglake', 'gcp_conn', 'gcp_sa_key'],
    drift: {
      statement: `COMMENT ON CONNECTION ${q('gcp_conn')} IS 'made by hand'`,
      object: 'gcp_conn',
      probe: `SELECT coalesce(max(cm.comment), '<none>') FROM mz_catalog.mz_connections c
              LEFT JOIN mz_internal.mz_comments cm ON cm.id = c.id WHERE c.name = 'gcp_conn'`,
      drifted: 'made by hand',
      restored: '<none>',
    },
  },
  {
    // Materialize ships Glue behind enable_glue_schema_registry; the acceptance stand-in has it on.
    example: 'aws-glue-schema-registry',
    secrets: {},
    created: ['aws_glue_role', 'glue_registry'],
    change: {
      key: 'registry',
      value: 'other-registry',
      sql: [`ALTER CONNECTION ${q('glue_registry')} SET (REGISTRY = 'other-registry') WITH (VALIDATE = false)`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('aws_glue_role')} SET (REGION = 'eu-west-1')`,
      object: 'aws_glue_role',
      drifted: "REGION = 'eu-west-1'",
      restored: "REGION = 'us-east-1'",
    },
  },
  {
    example: 'team-usage',
    before: ['CREATE ROLE analysts', 'CREATE ROLE etl'],
    secrets: { pgPassword: 'team-acceptance-SEKRET' },
    created: ['pg_connection', 'pgpass'],
    change: {
      key: 'pgHost',
      value: 'db-2.example.com',
      sql: [`ALTER CONNECTION ${q('pg_connection')} SET (HOST = 'db-2.example.com') WITH (VALIDATE = false)`],
    },
    drift: {
      statement: `REVOKE USAGE ON CONNECTION ${q('pg_connection')} FROM etl`,
      object: 'pg_connection',
      probe: `SELECT string_agg(g.name, ',' ORDER BY g.name) FROM mz_catalog.mz_connections c,
              mz_internal.mz_aclexplode(c.privileges) a JOIN mz_catalog.mz_roles g ON g.id = a.grantee
              WHERE c.name = 'pg_connection' AND a.privilege_type = 'USAGE'`,
      drifted: 'analysts,materialize',
      restored: 'analysts,etl,materialize',
    },
  },
  {
    // AwsConnectionRole against moto; the stand-in's VALIDATE reads the trust policy from the same moto.
    example: 'aws',
    config: { accountId: '123456789012' },
    env: () => ({
      AWS_ENDPOINT_URL_IAM: services.motoUrl(),
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
    }),
    secrets: { awsSecretAccessKey: 'aws-acceptance-SEKRET' },
    roles: ['WarehouseExport', 'MaterializeMSK'],
    created: ['aws_credentials', 'aws_msk', 'aws_role_assumption', 'aws_secret_access_key', 'kafka_msk'],
    change: {
      key: 'accessKeyId',
      value: 'AKIAACCEPTANCE0000001',
      sql: [`ALTER CONNECTION ${q('aws_credentials')} SET (ACCESS KEY ID = 'AKIAACCEPTANCE0000001')`],
    },
    drift: {
      statement: `ALTER CONNECTION ${q('aws_credentials')} SET (REGION = 'eu-west-1')`,
      object: 'aws_credentials',
      drifted: "REGION = 'eu-west-1'",
      restored: 'ACCESS KEY ID',
    },
  },
  {
    // The real sshd and PostgreSQL: keys installed on the bastion, the PostgreSQL connection validated through
    // the tunnel, and a key rotation in one `up`.
    example: 'ssh-bastion',
    config: {},
    secrets: { pgPassword: 'postgres' },
    public: ['postgres'],
    created: ['bastion', 'orders', 'pg_password'],
    change: { key: 'keyRotation', value: 'acceptance-2', sql: [`ALTER CONNECTION ${q('bastion')} ROTATE KEYS`] },
    drift: {
      statement: `ALTER CONNECTION ${q('orders')} SET (DATABASE = 'template1') WITH (VALIDATE = false)`,
      object: 'orders',
      drifted: "DATABASE = 'template1'",
      restored: "DATABASE = 'postgres'",
    },
  },
];

/** The roles of `names` that IAM (moto) still has. */
async function rolesLeft(names: string[]): Promise<string[]> {
  const iam = new IAMClient({
    endpoint: services.motoUrl(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    const left: string[] = [];
    for (const RoleName of names)
      await iam.send(new GetRoleCommand({ RoleName })).then(
        () => left.push(RoleName),
        (e: { name?: string }) => {
          if (e.name !== 'NoSuchEntityException') throw e;
        },
      );
    return left;
  } finally {
    iam.destroy();
  }
}

/**
 * The export as `pulumi stack export` prints it, and decoded: every string in it, one per line (a JSON document
 * kept in a string, a service account key, reads there as the program gave it).
 */
function stateHaystacks(state: string): Haystack[] {
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(JSON.parse(state));
  return [
    { source: 'stack export', text: state },
    { source: 'stack export, decoded', text: strings.join('\n') },
  ];
}

function bastionConfig(c: ExampleCase): { config: Record<string, string>; secrets: Record<string, string> } {
  if (c.example !== 'ssh-bastion') return { config: {}, secrets: {} };
  const ssh = svcSsh();
  const pg = services.pg();
  return {
    config: {
      bastionHost: ssh.host,
      bastionPort: String(ssh.port),
      bastionUser: ssh.user,
      bastionHostKey: hostKey(),
      authorizedKeysPath: ssh.authorizedKeysFile,
      pgHost: pg.host,
      pgPort: String(pg.port),
      pgDatabase: 'postgres',
      pgUser: pg.user,
    },
    secrets: { operatorPrivateKey: fs.readFileSync(ssh.clientKeyFile, 'utf8') },
  };
}

describe.each(CASES)('examples/$example with the real Pulumi CLI', (c) => {
  let stack: Stack;
  beforeAll(async () => {
    await clear();
    for (const statement of c.before ?? []) await sql(statement);
    stack = new Stack({ programDir: path.join(ROOT, 'examples', c.example), env: c.env?.() });
  });
  afterAll(async () => {
    if (stack) {
      await stack.run(['destroy', '--yes', '--skip-preview']);
      stack.remove();
    }
    await clear();
  });

  test('up, no-change preview, a change with its SQL, drift found and undone, no plaintext secret, destroy', async () => {
    const mz = materializeConfig();
    const bastion = bastionConfig(c);
    // A line of the bastion's file that is not ours: destroy must leave it as it is.
    const sentinel = `# not managed by pulumi: acceptance ${process.pid} ${Date.now()}`;
    const keysFile = c.example === 'ssh-bastion' ? bastion.config.authorizedKeysPath : undefined;
    if (keysFile) fs.appendFileSync(keysFile, `${sentinel}\n`);
    await stack.init(
      { ...mz.config, ...c.config, ...bastion.config },
      { ...mz.secrets, ...c.secrets, ...bastion.secrets },
    );

    await stack.ok(['up', '--yes', '--skip-preview']);
    expect(await objects()).toEqual(c.created);
    await stack.ok(['preview', '--expect-no-changes']);

    if (c.change) {
      await stack.setConfig(c.change.key, c.change.value);
      const preview = await stack.ok(['preview', '--diff']);
      for (const statement of c.change.sql) expect(preview.stdout).toContain(shown(statement));
      await stack.ok(['up', '--yes', '--skip-preview']);
      await stack.ok(['preview', '--expect-no-changes']);
    }

    const observe = async () =>
      c.drift.probe ? String(Object.values((await sql(c.drift.probe))[0])[0]) : showCreate(c.drift.object);
    await sql(c.drift.statement);
    expect(await observe()).toContain(c.drift.drifted);
    const refresh = await stack.ok(['refresh', '--yes', '--skip-preview']);
    expect(refresh.stdout).toMatch(/~ 1 updated/);
    expect((await stack.run(['preview', '--expect-no-changes'])).code).not.toBe(0);
    await stack.ok(['up', '--yes', '--skip-preview']);
    const restored = await observe();
    if (!c.drift.restored.includes(c.drift.drifted)) expect(restored).not.toContain(c.drift.drifted);
    expect(restored).toContain(c.drift.restored);
    await stack.ok(['preview', '--expect-no-changes']);

    const state = await stack.exportState();
    // Where each resource was declared: a line of the program (sdk/shim.ts, fromProgram), not of this package.
    const resources: { urn: string; type: string; sourcePosition?: string }[] = JSON.parse(state).deployment.resources;
    const ours = resources.filter((r) => r.type.startsWith('pulumi-nodejs:dynamic/materialize:'));
    expect(ours.length).toBeGreaterThan(0);
    for (const r of ours) expect(`${r.urn} ${r.sourcePosition}`).toMatch(/ project:\/\/\/index\.ts#\d+,\d+$/);
    const searched = [...Object.values(c.secrets), ...Object.values(mz.secrets)].filter((v) => !c.public?.includes(v));
    expect(searched.length).toBeGreaterThan(0);
    const keyLines =
      c.example === 'ssh-bastion' ? bastion.secrets.operatorPrivateKey.split('\n').filter((l) => l.length > 40) : [];
    const canaries = [...searched, ...keyLines].map((value, i) => ({ label: `secret ${i}`, value }));
    expect(describeFindings(findLeaks(canaries, stateHaystacks(state)))).toBe('');

    const installed = keysFile ? ((await stack.outputs()).installedKeys as string[]) : [];
    await stack.ok(['destroy', '--yes', '--skip-preview']);
    expect(await objects()).toEqual([]);
    if (c.roles) expect(await rolesLeft(c.roles)).toEqual([]);
    if (keysFile) {
      const lines = fs.readFileSync(keysFile, 'utf8').split('\n');
      expect(installed.length).toBeGreaterThan(0);
      expect(lines.filter((l) => l.includes(MARKER) || installed.some((k) => l.includes(k)))).toEqual([]);
      expect(lines).toContain(sentinel);
      fs.writeFileSync(keysFile, lines.filter((l) => l !== sentinel).join('\n'));
    }
  });
});

describe('examples/multi-environment with the real Pulumi CLI: two Materialize environments', () => {
  let production: Standin;
  let stack: Stack;
  beforeAll(async () => {
    await clear();
    production = await startStandin({ port: 0, password: 'production-acceptance-pw' });
    stack = new Stack({ programDir: path.join(ROOT, 'examples/multi-environment') });
  });
  afterAll(async () => {
    await stack.run(['destroy', '--yes', '--skip-preview']);
    stack.remove();
    await production.close();
    await clear();
  });

  test('each environment gets its objects; drift in one is found and undone; destroy empties both', async () => {
    const staging = new URL(process.env.MZ_STANDIN_URL ?? '');
    const prod = new URL(production.url);
    await stack.init(
      {
        stagingHost: staging.hostname,
        stagingPort: staging.port,
        stagingUsername: 'materialize',
        stagingSslmode: 'disable',
        productionHost: prod.hostname,
        productionPort: prod.port,
        productionUsername: 'materialize',
        productionSslmode: 'disable',
      },
      {
        stagingPassword: decodeURIComponent(staging.password),
        productionPassword: 'production-acceptance-pw',
        stagingPgPassword: 'staging-pg-SEKRET',
        productionPgPassword: 'production-pg-SEKRET',
      },
    );
    await stack.ok(['up', '--yes', '--skip-preview']);
    expect(await objects()).toEqual(['orders_db', 'pgpass', 'tunnel']);
    expect(await objects(production.url)).toEqual(['orders_db', 'pgpass', 'tunnel']);
    await stack.ok(['preview', '--expect-no-changes']);

    await sql(`ALTER CONNECTION ${q('tunnel')} SET (PORT = 2222)`, production.url);
    expect((await stack.ok(['refresh', '--yes', '--skip-preview'])).stdout).toMatch(/~ 1 updated/);
    await stack.ok(['up', '--yes', '--skip-preview']);
    expect(await showCreate('tunnel', production.url)).toContain('PORT = 22');
    expect(await showCreate('tunnel', production.url)).not.toContain('PORT = 2222');
    await stack.ok(['preview', '--expect-no-changes']);

    const state = await stack.exportState();
    const canaries = ['production-acceptance-pw', 'staging-pg-SEKRET', 'production-pg-SEKRET'].map((value) => ({
      label: value,
      value,
    }));
    expect(describeFindings(findLeaks(canaries, stateHaystacks(state)))).toBe('');
    await stack.ok(['destroy', '--yes', '--skip-preview']);
    expect(await objects()).toEqual([]);
    expect(await objects(production.url)).toEqual([]);
  });
});
