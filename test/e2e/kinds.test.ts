// Every resource kind through the real dynamic-provider server: create, no-change preview, in-place update
// (exact planned SQL), replace, refresh after an out-of-band change, out-of-band DROP, destroy. Each kind
// lives in a schema of its own (plus `<schema>_b` for the kinds whose replace is a schema move).
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../../sdk';
import type { RunResult } from '../engine';
import { startE2E, type E2E } from './harness';

type Version = 0 | 1 | 2; // 0: created, 1: updated, 2: replaced
type Outs = Record<string, unknown>;

interface KindCase {
  kind: string;
  /** The program at a version; the resource under test is always named `target`. */
  program(schema: string, v: Version): () => Record<string, unknown>;
  /** Where `target` lives at a version (the schema changes for kinds replaced by a move). */
  schemaAt(schema: string, v: Version): string;
  /**
   * Version 0 -> 1: an in-place update, or a delete-before-replace where Materialize refuses ALTER. For a
   * replace the engine shows the inputs of its second Check (empty olds), so plannedSql is the CREATE alone.
   */
  update(
    q: (name: string) => string,
    schema: string,
  ): { op: 'update'; plannedSql: string[] } | { op: 'replace'; replaces: string[]; plannedSql: string[] };
  /** Version 1 -> 2: what the replace reports. */
  replace: { replaces: string[]; deleteBeforeReplace: boolean };
  /** An out-of-band change to `target` at version 2, and how it shows after refresh. */
  drift: { sql(q: (name: string) => string): string; seen(outputsAfter: Outs): void };
  /** Computed outputs after create (and after replace, with the previous outputs). */
  computed?(outs: Outs, previous?: Outs): void;
}

const db = 'materialize';
const qIn = (schema: string) => (name: string) => `"${db}"."${schema}"."${name}"`;
const SSH_KEY = /^ssh-ed25519 [A-Za-z0-9+/=]+ materialize$/;

const secretOf = (schema: string, name = 'pw', value = 'hunter2') =>
  new mz.Secret(name, { name, schemaName: schema, value: pulumi.secret(value) });
const moved = (schema: string, v: Version) => (v === 2 ? `${schema}_b` : schema);

const cases: KindCase[] = [
  {
    kind: 'secret',
    schemaAt: moved,
    program: (schema, v) => () => {
      const s = new mz.Secret('target', {
        name: 'target',
        schemaName: moved(schema, v),
        value: pulumi.secret(v === 0 ? 'v1' : 'v2'),
        comment: v === 0 ? undefined : 'rotated',
      });
      return { id: s.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [`ALTER SECRET ${q('target')} AS '********'`, `COMMENT ON SECRET ${q('target')} IS 'rotated'`],
    }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      sql: (q) => `COMMENT ON SECRET ${q('target')} IS 'changed by hand'`,
      seen: (o) => expect(o.comment).toBe('changed by hand'),
    },
  },
  {
    kind: 'aws',
    schemaAt: moved,
    program: (schema, v) => () => {
      const c = new mz.AwsConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        assumeRoleArn: 'arn:aws:iam::000000000000:role/materialize-s3',
        region: v === 0 ? 'us-east-1' : 'us-west-2',
      });
      return { id: c.id };
    },
    update: (q) => ({ op: 'update', plannedSql: [`ALTER CONNECTION ${q('target')} SET (REGION = 'us-west-2')`] }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      sql: (q) => `ALTER CONNECTION ${q('target')} SET (REGION = 'eu-west-1')`,
      seen: (o) => expect(o.region).toBe('eu-west-1'),
    },
    computed(o, previous) {
      expect(o.externalId).toMatch(/^mz_\S+_u\d+$/);
      expect(String(o.externalId).endsWith(`_${o.connectionId}`)).toBe(true);
      expect(o.principal).toMatch(/^arn:aws:iam::\d{12}:role\/\S+$/);
      const policy = JSON.parse(String(o.exampleTrustPolicy));
      const [statement] = policy.Statement;
      expect(statement.Action).toBe('sts:AssumeRole');
      expect(statement.Effect).toBe('Allow');
      expect(statement.Principal).toEqual({ AWS: o.principal });
      expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': o.externalId } });
      if (previous) expect(o.externalId).not.toBe(previous.externalId); // a new connection, a new external id
    },
  },
  {
    kind: 'aws-privatelink',
    schemaAt: moved,
    program: (schema, v) => () => {
      const c = new mz.AwsPrivatelinkConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0e123abc123198abc',
        availabilityZones: v === 0 ? ['use1-az1', 'use1-az4'] : ['use1-az1', 'use1-az2'],
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [`ALTER CONNECTION ${q('target')} SET (AVAILABILITY ZONES = ('use1-az1', 'use1-az2'))`],
    }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      sql: (q) => `ALTER CONNECTION ${q('target')} SET (AVAILABILITY ZONES = ('use1-az6'))`,
      seen: (o) => expect(o.availabilityZones).toEqual(['use1-az6']),
    },
    computed(o) {
      expect(o.principal).toMatch(/^arn:aws:iam::\d{12}:role\/\S+$/);
    },
  },
  {
    kind: 'kafka',
    schemaAt: (schema) => schema,
    program: (schema, v) => () => {
      const c = new mz.KafkaConnection('target', {
        name: 'target',
        schemaName: schema,
        brokers: v === 0 ? ['broker1:9092'] : ['broker1:9092', 'broker2:9092'],
        securityProtocol: 'PLAINTEXT',
        progressTopic: v === 2 ? 'orders-progress' : undefined,
        validate: false,
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [
        `ALTER CONNECTION ${q('target')} SET (BROKERS = ('broker1:9092', 'broker2:9092')) WITH (VALIDATE = false)`,
      ],
    }),
    replace: { replaces: ['progressTopic'], deleteBeforeReplace: true },
    drift: {
      sql: (q) => `ALTER CONNECTION ${q('target')} SET (BROKERS = ('broker9:9092')) WITH (VALIDATE = false)`,
      seen: (o) => expect(o.brokers).toEqual(['broker9:9092']),
    },
    computed(o, previous) {
      if (!previous) expect(o.effectiveProgressTopic).toMatch(/^_materialize-progress-\S+$/);
      else expect(o.effectiveProgressTopic).toBe('orders-progress');
    },
  },
  {
    kind: 'confluent-schema-registry',
    schemaAt: (schema) => schema,
    program: (schema, v) => () => {
      const user = secretOf(schema, 'csr_user', 'registry-user');
      const pw = secretOf(schema, 'csr_pw', 'registry-pw');
      const tunnel = new mz.SshTunnelConnection('tunnel', {
        name: 'tunnel',
        schemaName: schema,
        host: 'bastion.example.com',
        user: 'mz',
      });
      const c = new mz.ConfluentSchemaRegistryConnection('target', {
        name: 'target',
        schemaName: schema,
        url: v === 0 ? 'http://csr.example.com:8081' : 'http://csr2.example.com:8081',
        username: v === 0 ? undefined : user,
        password: v === 0 ? undefined : pw,
        sshTunnel: v === 2 ? tunnel : undefined,
        validate: false,
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [
        `ALTER CONNECTION ${q('target')} SET (URL = 'http://csr2.example.com:8081'), ` +
          `SET (USER = SECRET ${q('csr_user')}), SET (PASSWORD = SECRET ${q('csr_pw')}) WITH (VALIDATE = false)`,
      ],
    }),
    replace: { replaces: ['sshTunnel'], deleteBeforeReplace: true },
    drift: {
      sql: (q) => `ALTER CONNECTION ${q('target')} SET (URL = 'http://csr3.example.com:8081') WITH (VALIDATE = false)`,
      seen: (o) => expect(o.url).toBe('http://csr3.example.com:8081'),
    },
  },
  {
    kind: 'mysql',
    schemaAt: moved,
    program: (schema, v) => () => {
      const pw = secretOf(schema);
      const c = new mz.MySqlConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        host: v === 0 ? 'mysql.example.com' : 'mysql2.example.com',
        port: v === 0 ? undefined : 3307,
        user: 'mz',
        password: pw,
        validate: false,
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [
        `ALTER CONNECTION ${q('target')} SET (HOST = 'mysql2.example.com'), SET (PORT = 3307) WITH (VALIDATE = false)`,
      ],
    }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      sql: (q) => `ALTER CONNECTION ${q('target')} SET (PORT = 3308) WITH (VALIDATE = false)`,
      seen: (o) => expect(o.port).toBe(3308),
    },
  },
  {
    kind: 'postgres',
    schemaAt: (schema) => schema,
    program: (schema, v) => () => {
      const pw = secretOf(schema);
      const t1 = new mz.SshTunnelConnection('t1', {
        name: 't1',
        schemaName: schema,
        host: 'b1.example.com',
        user: 'mz',
      });
      const t2 = new mz.SshTunnelConnection('t2', {
        name: 't2',
        schemaName: schema,
        host: 'b2.example.com',
        user: 'mz',
      });
      const c = new mz.PostgresConnection('target', {
        name: 'target',
        schemaName: schema,
        host: 'pg.example.com',
        database: v === 0 ? 'app' : 'app2',
        user: 'mz',
        password: pw,
        sshTunnel: v === 2 ? t2 : t1,
        validate: false,
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [`ALTER CONNECTION ${q('target')} SET (DATABASE = 'app2') WITH (VALIDATE = false)`],
    }),
    replace: { replaces: ['sshTunnel'], deleteBeforeReplace: true },
    drift: {
      sql: (q) => `ALTER CONNECTION ${q('target')} SET (PORT = 6543) WITH (VALIDATE = false)`,
      seen: (o) => expect(o.port).toBe(6543),
    },
  },
  {
    kind: 'sql-server',
    schemaAt: moved,
    program: (schema, v) => () => {
      const pw = secretOf(schema);
      const c = new mz.SqlServerConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        host: v === 0 ? 'sql.example.com' : 'sql2.example.com',
        database: 'app',
        user: 'mz',
        password: pw,
        validate: false,
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'replace',
      replaces: ['host'],
      plannedSql: [
        `CREATE CONNECTION ${q('target')} TO SQL SERVER (HOST = 'sql2.example.com', DATABASE = 'app', USER = 'mz', ` +
          `PASSWORD = SECRET ${q('pw')}) WITH (VALIDATE = false)`,
      ],
    }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      // Materialize refuses ALTER CONNECTION for SQL Server; the comment is what can drift.
      sql: (q) => `COMMENT ON CONNECTION ${q('target')} IS 'changed by hand'`,
      seen: (o) => expect(o.comment).toBe('changed by hand'),
    },
  },
  {
    kind: 'ssh-tunnel',
    schemaAt: moved,
    program: (schema, v) => () => {
      const c = new mz.SshTunnelConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        host: 'bastion.example.com',
        port: v === 0 ? 22 : 2222,
        user: 'mz',
      });
      return { id: c.id, key1: c.publicKey1 };
    },
    update: (q) => ({ op: 'update', plannedSql: [`ALTER CONNECTION ${q('target')} SET (PORT = 2222)`] }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      sql: (q) => `ALTER CONNECTION ${q('target')} SET (USER = 'ops')`,
      seen: (o) => expect(o.user).toBe('ops'),
    },
    computed(o, previous) {
      expect(o.publicKey1).toMatch(SSH_KEY);
      expect(o.publicKey2).toMatch(SSH_KEY);
      expect(o.publicKey1).not.toBe(o.publicKey2);
      if (previous) expect(o.publicKey1).not.toBe(previous.publicKey1); // a new connection has new keys
    },
  },
  {
    kind: 'iceberg-catalog',
    schemaAt: moved,
    program: (schema, v) => () => {
      const credential = secretOf(schema, 'cred', 'client-id:client-secret');
      const c = new mz.IcebergCatalogConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        catalogType: 'rest',
        url: 'https://iceberg.example.com/catalog',
        credential,
        warehouse: v === 0 ? 'wh1' : 'wh2',
        validate: false,
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'replace',
      replaces: ['warehouse'],
      plannedSql: [
        `CREATE CONNECTION ${q('target')} TO ICEBERG CATALOG (CATALOG TYPE = 'rest', ` +
          `URL = 'https://iceberg.example.com/catalog', WAREHOUSE = 'wh2', CREDENTIAL = SECRET ${q('cred')}) ` +
          `WITH (VALIDATE = false)`,
      ],
    }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      sql: (q) => `COMMENT ON CONNECTION ${q('target')} IS 'changed by hand'`,
      seen: (o) => expect(o.comment).toBe('changed by hand'),
    },
  },
  {
    kind: 'gcp',
    schemaAt: moved,
    program: (schema, v) => () => {
      const keys = [secretOf(schema, 'sa1', '{"type":"service_account"}'), secretOf(schema, 'sa2', '{}')];
      const c = new mz.GcpConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        serviceAccountKey: keys[v === 0 ? 0 : 1],
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [`ALTER CONNECTION ${q('target')} SET (SERVICE ACCOUNT KEY = SECRET ${q('sa2')})`],
    }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      // The keys stay in the first schema while the connection moves to `<schema>_b`.
      sql: (q) =>
        `ALTER CONNECTION ${q('target')} SET (SERVICE ACCOUNT KEY = SECRET ${q('sa1').replace('_b".', '".')})`,
      seen: (o) => expect(o.serviceAccountKey).toMatchObject({ name: 'sa1' }),
    },
  },
  {
    // Kafka MATCHING broker rules (materialize-newest-features.md §3): changed in place, read back after drift.
    kind: 'kafka-matching',
    schemaAt: moved,
    program: (schema, v) => () => {
      const pl = new mz.AwsPrivatelinkConnection('pl', {
        name: 'pl',
        schemaName: schema,
        serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-1',
        availabilityZones: ['use1-az1', 'use1-az2'],
      });
      const c = new mz.KafkaConnection('target', {
        name: 'target',
        schemaName: moved(schema, v),
        brokers: [
          'boot:9092',
          { matching: '*.use1-az1.*', awsPrivatelink: { connection: pl, availabilityZone: 'use1-az1' } },
          ...(v === 0 ? [] : [{ matching: '*', awsPrivatelink: { connection: pl, port: 9092 } }]),
        ],
        securityProtocol: 'PLAINTEXT',
        validate: false,
      });
      return { id: c.id };
    },
    update: (q) => ({
      op: 'update',
      plannedSql: [
        `ALTER CONNECTION ${q('target')} SET (BROKERS = ('boot:9092', ` +
          `MATCHING '*.use1-az1.*' USING AWS PRIVATELINK ${q('pl')} (AVAILABILITY ZONE = 'use1-az1'), ` +
          `MATCHING '*' USING AWS PRIVATELINK ${q('pl')} (PORT = 9092))) WITH (VALIDATE = false)`,
      ],
    }),
    replace: { replaces: ['schemaName'], deleteBeforeReplace: false },
    drift: {
      sql: (q) =>
        `ALTER CONNECTION ${q('target')} SET (BROKERS = ('boot:9092', MATCHING 'x*' USING AWS PRIVATELINK ${q('pl').replace('_b".', '".')})) WITH (VALIDATE = false)`,
      seen: (o) =>
        expect(o.brokers).toEqual([
          'boot:9092',
          { matching: 'x*', awsPrivatelink: { connection: expect.objectContaining({ name: 'pl' }) } },
        ]),
    },
  },
];

const ops = (r: RunResult) => r.steps.map((s) => [s.name, s.op]);

describe.each(cases)('$kind', (c) => {
  const schema = `e2e_kinds_${c.kind.replace(/-/g, '_')}`;
  let t: E2E;
  beforeAll(async () => {
    t = await startE2E(schema);
    await t.sql(`DROP SCHEMA IF EXISTS "${schema}_b" CASCADE`);
    await t.sql(`CREATE SCHEMA "${schema}_b"`);
  }, 60_000);
  afterAll(async () => {
    await t?.sql(`DROP SCHEMA IF EXISTS "${schema}_b" CASCADE`);
    await t?.sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await t?.close();
  });

  /** Secrets and connections in this suite's schemas, as `schema.name`. */
  const catalog = async () =>
    (
      await t.sql(
        `SELECT s.name || '.' || o.name AS n FROM (SELECT name, schema_id FROM mz_catalog.mz_connections
           UNION ALL SELECT name, schema_id FROM mz_catalog.mz_secrets) o
         JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id WHERE s.name IN ($1, $2) ORDER BY 1`,
        [schema, `${schema}_b`],
      )
    ).map((r) => String(r.n));

  test('create, no-change preview, update, replace, drift, out-of-band drop, destroy', async () => {
    const program = (v: Version) => c.program(schema, v);
    const q0 = qIn(c.schemaAt(schema, 0));
    const q2 = qIn(c.schemaAt(schema, 2));
    const target = () => t.engine.resource('target')!;

    // Create.
    const created = await t.engine.up(program(0));
    expect(created.step('target')!.op).toBe('create');
    expect(created.steps.every((s) => s.op === 'create')).toBe(true);
    const first = target().outputs;
    expect(first.qualifiedName).toBe(q0('target'));
    expect(first.plannedSql).toEqual(expect.arrayContaining([expect.stringMatching(/^CREATE (CONNECTION|SECRET) /)]));
    c.computed?.(first);
    expect(await catalog()).toContain(`${c.schemaAt(schema, 0)}.target`);

    // No change.
    const same = await t.engine.preview(program(0));
    expect(same.steps.map((s) => s.op)).toEqual(same.steps.map(() => 'same'));

    // Update: the plan is what preview shows, and what up runs.
    const expected = c.update(q0, schema);
    const preview = await t.engine.preview(program(1));
    expect(preview.step('target')!.op).toBe(expected.op);
    expect(preview.step('target')!.inputs!.plannedSql).toEqual(expected.plannedSql);
    if (expected.op === 'replace') {
      // The name is fixed, so the old connection must go first.
      expect(preview.step('target')!.diff).toMatchObject({ replaces: expected.replaces, deleteBeforeReplace: true });
    }
    const updated = await t.engine.up(program(1));
    expect(updated.step('target')!.op).toBe(expected.op);
    expect(target().outputs.plannedSql).toEqual(expected.plannedSql);
    if (expected.op === 'update') expect(target().outputs.connectionId ?? target().outputs.secretId).toBe(target().id);
    c.computed?.(target().outputs);
    const beforeReplace = target().outputs;
    if (expected.op === 'update') expect(target().id).toBe(created.step('target')!.id);
    else expect(target().id).not.toBe(created.step('target')!.id);

    // Replace.
    const replaced = await t.engine.up(program(2));
    const step = replaced.step('target')!;
    expect(step.op).toBe('replace');
    expect(step.diff!.replaces).toEqual(c.replace.replaces);
    expect(step.diff!.deleteBeforeReplace).toBe(c.replace.deleteBeforeReplace);
    expect(target().id).not.toBe(beforeReplace.connectionId ?? beforeReplace.secretId);
    expect(target().outputs.qualifiedName).toBe(q2('target'));
    c.computed?.(target().outputs, beforeReplace);
    expect(await catalog()).toContain(`${c.schemaAt(schema, 2)}.target`);
    if (c.schemaAt(schema, 2) !== c.schemaAt(schema, 0))
      expect(await catalog()).not.toContain(`${c.schemaAt(schema, 0)}.target`);

    // Drift: an out-of-band change shows after refresh; the next up converges.
    await t.sql(c.drift.sql(q2));
    const refreshed = await t.engine.refresh();
    expect(refreshed.step('target')!.op).toBe('update');
    c.drift.seen(refreshed.step('target')!.outputsAfter!);
    expect(refreshed.steps.filter((s) => s.name !== 'target').map((s) => s.op)).toEqual(
      refreshed.steps.filter((s) => s.name !== 'target').map(() => 'same'),
    );
    const converged = await t.engine.up(program(2));
    expect(converged.step('target')!.op).toBe('update');
    expect((await t.engine.refresh()).step('target')!.op).toBe('same');

    // Out-of-band DROP: refresh forgets it, the next up creates it again.
    const kind = c.kind === 'secret' ? 'SECRET' : 'CONNECTION';
    await t.sql(`DROP ${kind} ${q2('target')}`);
    const gone = await t.engine.refresh();
    expect(gone.step('target')!.op).toBe('delete');
    expect(t.engine.resource('target')).toBeUndefined();
    const again = await t.engine.up(program(2));
    expect(again.step('target')!.op).toBe('create');
    expect(ops(again).filter(([n]) => n !== 'target')).toEqual(
      ops(again)
        .filter(([n]) => n !== 'target')
        .map(([n]) => [n, 'same']),
    );

    // Destroy: nothing left in this suite's schemas.
    const destroyed = await t.engine.destroy();
    expect(destroyed.steps.map((s) => s.op)).toEqual(destroyed.steps.map(() => 'delete'));
    expect(destroyed.steps[0].name).toBe('target'); // dependents first
    expect(await catalog()).toEqual([]);
    expect(t.engine.state.deployment.resources).toEqual([]);
  }, 60_000);
});
