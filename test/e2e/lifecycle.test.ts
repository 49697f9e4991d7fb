// The whole lifecycle through the real dynamic-provider server: create, no-change preview, in-place
// update, replace, refresh with drift, out-of-band drop, destroy.
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../../sdk';
import { startE2E, type E2E } from './harness';

let t: E2E;
const schema = 'e2e_lifecycle';
beforeAll(async () => {
  t = await startE2E(schema);
}, 60_000);
afterAll(async () => t?.close());

function program(opts: { host?: string; password?: string; comment?: string; port?: number } = {}) {
  return () => {
    const pw = new mz.Secret('pgpass', {
      name: 'pgpass',
      schemaName: schema,
      value: pulumi.secret(opts.password ?? 'hunter2'),
    });
    const pg = new mz.PostgresConnection('pg', {
      name: 'pg',
      schemaName: schema,
      host: opts.host ?? 'db.example.com',
      port: opts.port,
      database: 'app',
      user: 'mz',
      password: pw,
      comment: opts.comment,
      validate: false,
    });
    return { pg: pg.qualifiedName, sql: pg.createSql };
  };
}

// Eight engine runs: over jest's default 5 s on a loaded machine, hence the timeout.
test('create, no-change preview, update in place, drift, out-of-band drop, destroy', async () => {
  const q = (n: string) => `"materialize"."${schema}"."${n}"`;
  const created = await t.engine.up(program());
  expect(created.steps.map((s) => [s.name, s.op])).toEqual([
    ['pgpass', 'create'],
    ['pg', 'create'],
  ]);
  expect(created.outputs.pg).toBe(q('pg'));

  const same = await t.engine.preview(program());
  expect(same.steps.map((s) => s.op)).toEqual(['same', 'same']);

  const preview = await t.engine.preview(program({ host: 'db2.example.com', comment: 'primary' }));
  expect(preview.step('pg')!.op).toBe('update');
  expect(preview.step('pg')!.inputs!.plannedSql).toEqual([
    `ALTER CONNECTION ${q('pg')} SET (HOST = 'db2.example.com') WITH (VALIDATE = false)`,
    `COMMENT ON CONNECTION ${q('pg')} IS 'primary'`,
  ]);

  const updated = await t.engine.up(program({ host: 'db2.example.com', comment: 'primary' }));
  expect(updated.step('pg')!.op).toBe('update');
  const [row] = await t.sql(`SELECT create_sql FROM mz_catalog.mz_connections WHERE name = 'pg'`);
  expect(String(row.create_sql)).toContain(`HOST = 'db2.example.com'`);

  // Drift: someone changes the port out of band; refresh sees it, the next up puts it back.
  await t.sql(`ALTER CONNECTION ${q('pg')} SET (PORT = 6543) WITH (VALIDATE = false)`);
  const refreshed = await t.engine.refresh();
  expect(refreshed.step('pg')!.op).toBe('update');
  expect(refreshed.step('pg')!.outputsAfter!.port).toBe(6543);
  const fixed = await t.engine.up(program({ host: 'db2.example.com', comment: 'primary' }));
  expect(fixed.step('pg')!.op).toBe('update');

  // Out-of-band drop: refresh forgets it, the next up creates it again.
  await t.sql(`DROP CONNECTION ${q('pg')}`);
  const gone = await t.engine.refresh();
  expect(gone.step('pg')!.op).toBe('delete');
  const again = await t.engine.up(program({ host: 'db2.example.com', comment: 'primary' }));
  expect(again.step('pg')!.op).toBe('create');

  const destroyed = await t.engine.destroy();
  expect(destroyed.steps.map((s) => [s.name, s.op])).toEqual([
    ['pg', 'delete'],
    ['pgpass', 'delete'],
  ]);
  expect(
    await t.sql(
      `SELECT c.name FROM mz_catalog.mz_connections c JOIN mz_catalog.mz_schemas s ON s.id = c.schema_id WHERE s.name = $1`,
      [schema],
    ),
  ).toEqual([]);
}, 60_000);
