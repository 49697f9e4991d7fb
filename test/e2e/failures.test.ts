// Failures through the real dynamic-provider server: Materialize's errors as users read them, dependent objects
// on delete, adopting objects created out of band, rollback of a half-done create, and lost connections.
// Stand-in only (injected faults, its statement log). The suite runs a private stand-in: faults apply to every
// statement a stand-in receives, so injecting them into the shared one would fail other suites' statements.
import * as pulumi from '@pulumi/pulumi';
import { Client } from 'pg';
import * as mz from '../../sdk';
import { EngineError, makeProgramDir, removeProgramDir, startEngine, type Engine } from '../engine';
import { startStandin, type Standin, type StatementLogEntry } from '../standin';
import { isRealMaterialize } from '../support/materialize';
import { materializeConfig } from './harness';

const schema = 'e2e_failures';
const q = (name: string) => `"materialize"."${schema}"."${name}"`;
const describeStandin = isRealMaterialize() ? describe.skip : describe;

let standin: Standin;
let engine: Engine;
let dir: string;

/** Out-of-band SQL, on a connection of its own each time (the tests drop every connection the server has). */
async function sql(statement: string, params?: unknown[]) {
  const client = new Client({ connectionString: standin.url, application_name: 'e2e-failures-test' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(statement, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** Connections and secrets in the suite's schema. */
async function catalog(): Promise<string[]> {
  const rows = await sql(
    `SELECT o.name FROM (SELECT name, schema_id FROM mz_catalog.mz_connections
       UNION ALL SELECT name, schema_id FROM mz_catalog.mz_secrets) o
     JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id WHERE s.name = $1 ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => String(r.name));
}

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(
    () => new Error('expected the run to fail'),
    (err) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

/** The provider's statements since `from` (the test's own session has another application_name). */
function providerLog(from: number): StatementLogEntry[] {
  return standin.log().filter((e) => e.seq > from && e.applicationName === 'pulumi-materialize-connections');
}
const lastSeq = () => standin.log().at(-1)?.seq ?? 0;

describeStandin('failures (private stand-in)', () => {
  beforeAll(async () => {
    standin = await startStandin({ port: 0 });
    await sql(`CREATE SCHEMA "${schema}"`);
    dir = makeProgramDir();
    engine = await startEngine({ projectDir: dir, config: materializeConfig(standin.url) });
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
    // Sockets the server dropped report their close asynchronously (pg-gateway logs an AbortError): let them
    // settle before and after closing, so nothing logs after the suite has finished.
    await new Promise((r) => setTimeout(r, 200));
    await standin?.close();
    await new Promise((r) => setTimeout(r, 200));
    if (dir) removeProgramDir(dir);
  });
  afterEach(async () => {
    standin.faults.reset();
    await engine.destroy().catch(() => undefined);
    for (const n of await catalog()) await sql(`DROP CONNECTION IF EXISTS ${q(n)} CASCADE`).catch(() => undefined);
    for (const n of await catalog()) await sql(`DROP SECRET IF EXISTS ${q(n)} CASCADE`).catch(() => undefined);
  });

  test("a rejected CREATE surfaces Materialize's message and SQLSTATE, and leaves nothing", async () => {
    standin.faults.failNext(1, { code: '53400', message: 'exceeded limit of 1000 connections' }, 'CREATE CONNECTION');
    const err = await failure(
      engine.up(() => {
        new mz.KafkaConnection('k', { name: 'k', schemaName: schema, brokers: ['b:9092'], validate: false });
      }),
    );
    expect(err.message).toContain(`creating KAFKA connection ${q('k')}: exceeded limit of 1000 connections`);
    expect(err.message).toContain('(SQLSTATE 53400)');
    expect(engine.logs.some((l) => l.startsWith('[grpc error] create') && l.includes('SQLSTATE 53400'))).toBe(true);
    expect(await catalog()).toEqual([]);
    expect(engine.state.deployment.resources.filter((r) => r.custom)).toEqual([]);
  });

  test("a preview feature's flag error (Glue, enable_glue_schema_registry off) is passed through unchanged", async () => {
    const err = await failure(
      engine.up(() => {
        const aws = new mz.AwsConnection('aws', {
          name: 'aws',
          schemaName: schema,
          assumeRoleArn: 'arn:aws:iam::1:role/r',
        });
        new mz.AwsGlueSchemaRegistryConnection('glue', {
          name: 'glue',
          schemaName: schema,
          awsConnection: aws,
          registry: 'my-registry',
          validate: false,
        });
      }),
    );
    expect(err.message).toContain(
      `creating AWS GLUE SCHEMA REGISTRY connection ${q('glue')}: CREATE CONNECTION ... TO AWS GLUE SCHEMA REGISTRY is not available`,
    );
    expect(await catalog()).toEqual(['aws']);
  });

  test('deleting a secret a connection still uses fails naming the dependent; dropCascade drops both', async () => {
    const program = (opts: { secret: boolean; dropCascade?: boolean }) => () => {
      if (opts.secret)
        new mz.Secret('pw', {
          name: 'pw',
          schemaName: schema,
          value: pulumi.secret('hunter2'),
          dropCascade: opts.dropCascade,
        });
    };
    await engine.up(program({ secret: true }));
    // A connection this stack does not manage uses the secret.
    await sql(
      `CREATE CONNECTION ${q('pg_by_hand')} TO POSTGRES (HOST 'h', DATABASE 'd', USER 'u', PASSWORD SECRET ${q('pw')}) WITH (VALIDATE = false)`,
    );
    const err = await failure(engine.up(program({ secret: false })));
    expect(err.message).toContain(`cannot delete secret ${q('pw')}`);
    expect(err.message).toMatch(/still depended upon by connection "[^"]*pg_by_hand"/);
    expect(err.message).toContain('dropCascade');
    expect(err.message).toMatch(/HINT: Use DROP \.\.\. CASCADE/);
    expect(err.message).toMatch(/\(SQLSTATE [0-9A-Z]{5}\)/);
    expect(await catalog()).toEqual(['pg_by_hand', 'pw']);
    expect(engine.resource('pw')).toBeDefined(); // still managed

    // Opt in to CASCADE (an update that runs no SQL, stored for the delete), then remove it.
    const optIn = await engine.up(program({ secret: true, dropCascade: true }));
    expect(optIn.step('pw')!.op).toBe('update');
    const removed = await engine.up(program({ secret: false }));
    expect(removed.step('pw')!.op).toBe('delete');
    expect(await catalog()).toEqual([]);
  });

  test('adoptExisting takes over an object created out of band and converges it; without it, a pointed error', async () => {
    await sql(`CREATE CONNECTION ${q('bastion')} TO SSH TUNNEL (HOST 'old.example.com', USER 'mz')`);
    const [{ id: oobId }] = await sql(`SELECT id FROM mz_catalog.mz_connections WHERE name = 'bastion'`);
    const program = (adoptExisting?: boolean) => () => {
      new mz.SshTunnelConnection('bastion', {
        name: 'bastion',
        schemaName: schema,
        host: 'new.example.com',
        port: 2222,
        user: 'mz',
        comment: 'adopted',
        adoptExisting,
      });
    };
    const err = await failure(engine.up(program()));
    expect(err.message).toContain(`SSH TUNNEL connection ${q('bastion')} already exists`);
    expect(err.message).toContain('adoptExisting: true');
    expect(engine.resource('bastion')).toBeUndefined();

    const from = lastSeq();
    const adopted = await engine.up(program(true));
    expect(adopted.step('bastion')!.op).toBe('create');
    expect(engine.resource('bastion')!.id).toBe(oobId); // the same object, not a new one
    expect(providerLog(from).map((e) => e.sql.split(' (')[0].split(' SET')[0])).not.toContain(
      expect.stringMatching(/^CREATE/),
    );
    const [row] = await sql(
      `SELECT c.create_sql, cm.comment FROM mz_catalog.mz_connections c
       LEFT JOIN mz_internal.mz_comments cm ON cm.id = c.id WHERE c.name = 'bastion'`,
    );
    expect(String(row.create_sql)).toContain(`HOST = 'new.example.com'`);
    expect(String(row.create_sql)).toContain('PORT = 2222');
    expect(row.comment).toBe('adopted');
    // Converged: nothing to do, and a refresh sees no drift.
    expect((await engine.preview(program(true))).step('bastion')!.op).toBe('same');
    expect((await engine.refresh()).step('bastion')!.op).toBe('same');
  });

  test('adopting a secret sets its value (Materialize never tells it)', async () => {
    await sql(`CREATE SECRET ${q('token')} AS 'old-value'`);
    await engine.up(() => {
      new mz.Secret('token', {
        name: 'token',
        schemaName: schema,
        value: pulumi.secret('new-value'),
        adoptExisting: true,
      });
    });
    expect(standin.secretValue('materialize', schema, 'token')).toBe('new-value');
  });

  test('an update that fails part-way records what was applied; the next run does not repeat it', async () => {
    const program = (ownerRole?: string) => () => {
      new mz.SshTunnelConnection('t', {
        name: ownerRole === undefined ? 't1' : 't1b',
        schemaName: schema,
        host: 'h',
        user: 'mz',
        ownerRole,
        ...(ownerRole === undefined ? {} : { comment: 'hello' }),
      });
    };
    await engine.up(program());
    // RENAME succeeds, then OWNER TO fails (COMMENT would come after it): the state must hold the new name and
    // no comment, which was never set (pulumi-engine-findings.md A5).
    const err = await failure(engine.up(program('nobody')));
    expect(err.message).toContain("unknown role 'nobody'");
    expect(engine.resource('t')!.outputs.name).toBe('t1b');
    expect(engine.resource('t')!.outputs).not.toHaveProperty('comment');
    expect(await catalog()).toEqual(['t1b']);
    const from = lastSeq();
    await failure(engine.up(program('nobody')));
    // The id check of the name (A7), then only what is left to do.
    const statements = providerLog(from).map((e) => e.sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(
      /^SELECT o\.id, [\s\S]*\nFROM mz_catalog\.mz_connections o\n[\s\S]*WHERE d\.name = \$1 AND s\.name = \$2 AND o\.name = \$3$/,
    );
    expect(statements[1]).toBe(`ALTER CONNECTION ${q('t1b')} OWNER TO "nobody"`);
    await sql('CREATE ROLE nobody');
    const fixed = await engine.up(program('nobody'));
    expect(fixed.step('t')!.op).toBe('update');
    expect(engine.resource('t')!.outputs.owner).toBe('nobody');
    expect(engine.resource('t')!.outputs.comment).toBe('hello');
    expect(
      (await sql(`SELECT comment FROM mz_internal.mz_comments WHERE id = '${engine.resource('t')!.id}'`))[0],
    ).toEqual({
      comment: 'hello',
    });
  });

  test('a COMMENT failing after the CREATE rolls the CREATE back: nothing is left behind', async () => {
    // failNext applies to the next statement the stand-in receives, after any delay. The CREATE and the COMMENT
    // are delayed; once the COMMENT has arrived (the log records a statement before its delay), it is failed.
    standin.faults.delayNext(2, 300);
    const from = lastSeq();
    const run = engine
      .up(() => {
        new mz.Secret('s', { name: 's', schemaName: schema, value: 'v', comment: 'will fail' });
      })
      .then(
        () => undefined,
        (e) => e as EngineError,
      );
    const deadline = Date.now() + 10_000;
    while (!providerLog(from).some((e) => e.sql.startsWith('COMMENT ON SECRET')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    standin.faults.failNext(1, { code: 'XX000', message: 'injected: comment failed' });
    const err = await run;
    expect(err).toBeInstanceOf(EngineError);
    expect(err!.message).toContain(`COMMENT ON SECRET ${q('s')} IS 'will fail': injected: comment failed`);
    expect(providerLog(from).map((e) => [e.sql.split(' ').slice(0, 2).join(' '), e.ok])).toEqual([
      ['CREATE SECRET', true],
      ['COMMENT ON', false],
      ['DROP SECRET', true],
    ]);
    expect(await catalog()).toEqual([]);
    expect(engine.resource('s')).toBeUndefined();

    // And the next run simply creates it.
    expect(
      (await engine.up(() => void new mz.Secret('s', { name: 's', schemaName: schema, value: 'v' }))).step('s')!.op,
    ).toBe('create');
  });

  test('connections dropped by the server are replaced by the pool on the next operation', async () => {
    const program = (value: string) => () => {
      new mz.Secret('a', { name: 'a', schemaName: schema, value });
      new mz.Secret('b', { name: 'b', schemaName: schema, value });
    };
    await engine.up(program('v1'));
    const opened = (await standin.connectionsOpened()) as number;

    // Idle connections dropped between runs: the next run does not notice.
    standin.faults.dropConnections();
    await new Promise((r) => setTimeout(r, 50));
    const next = await engine.up(program('v2'));
    expect(next.steps.map((s) => s.op)).toEqual(['update', 'update']);
    expect(standin.connectionsOpened()).toBeGreaterThan(opened);
    expect(standin.secretValue('materialize', schema, 'b')).toBe('v2');

    // Dropped while a statement is in flight (it reached the server): the provider may retry it once on a new
    // connection (ALTER SECRET is idempotent) or fail the run; either way the next run converges.
    standin.faults.delayNext(1, 500);
    const from = lastSeq();
    const run = engine.up(program('v3')).then(
      () => undefined,
      (e) => e as EngineError,
    );
    const deadline = Date.now() + 10_000;
    while (!providerLog(from).some((e) => e.sql.startsWith('ALTER SECRET')) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    standin.faults.dropConnections();
    const err = await run;
    if (err) expect(err.message).toMatch(/Connection terminated|ECONNRESET|socket/i);
    await engine.up(program('v3'));
    expect((await engine.preview(program('v3'))).steps.map((s) => s.op)).toEqual(['same', 'same']);
    expect(standin.secretValue('materialize', schema, 'a')).toBe('v3');
    expect(standin.secretValue('materialize', schema, 'b')).toBe('v3');
  });
});
