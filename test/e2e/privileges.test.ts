// USAGE privileges through the real dynamic-provider server: GRANT after CREATE, only differences on update,
// a hand-made GRANT or REVOKE seen by refresh and undone by the next up, unmanaged usage, errors with hints,
// and the README's two-team example (a team's own program needs USAGE on the secrets its connection uses).
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../../sdk';
import { EngineError, makeProgramDir, removeProgramDir, startEngine } from '../engine';
import { materializeUrl } from '../support/materialize';
import { materializeConfig, startE2E, type E2E } from './harness';

jest.setTimeout(120_000);

let t: E2E;
const schema = 'e2e_privileges';
const [teamA, teamB, analysts] = ['e2e_priv_team_a', 'e2e_priv_team_b', 'e2e_priv_analysts'];
const q = (n: string) => `"materialize"."${schema}"."${n}"`;

beforeAll(async () => {
  t = await startE2E(schema);
  for (const role of [teamA, teamB, analysts]) {
    await t.sql(`DROP ROLE IF EXISTS "${role}"`);
    await t.sql(`CREATE ROLE "${role}" LOGIN PASSWORD 'analysts-pw'`);
  }
}, 60_000);
afterAll(async () => t?.close());

/** Who holds USAGE on an object, by name, the owner included (sorted). */
async function holders(table: 'mz_connections' | 'mz_secrets', name: string): Promise<string[]> {
  const rows = await t.sql(
    `SELECT CASE WHEN e.grantee = 'p' THEN 'PUBLIC' ELSE r.name END AS role
     FROM mz_catalog.${table} o JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id,
          mz_internal.mz_aclexplode(o.privileges) e LEFT JOIN mz_catalog.mz_roles r ON r.id = e.grantee
     WHERE s.name = $1 AND o.name = $2 AND e.privilege_type = 'USAGE' ORDER BY 1`,
    [schema, name],
  );
  return rows.map((r) => String(r.role));
}

function program(usage: { conn?: string[]; secret?: string[] }) {
  return () => {
    const pw = new mz.Secret('pw', {
      name: 'pw',
      schemaName: schema,
      value: pulumi.secret('hunter2'),
      usage: usage.secret,
    });
    const pg = new mz.PostgresConnection('pg', {
      name: 'pg',
      schemaName: schema,
      host: 'db.example.com',
      database: 'app',
      user: 'mz',
      password: pw,
      validate: false,
      usage: usage.conn,
    });
    return { usage: pg.usage };
  };
}

test('grant on create, differences on update, drift both ways, [] and unset', async () => {
  const preview = await t.engine.preview(program({ conn: [teamB, teamA], secret: [teamA] }));
  expect(preview.step('pg')!.inputs!.plannedSql).toEqual([
    `CREATE CONNECTION ${q('pg')} TO POSTGRES (HOST = 'db.example.com', DATABASE = 'app', USER = 'mz', PASSWORD = SECRET ${q('pw')}) WITH (VALIDATE = false)`,
    `GRANT USAGE ON CONNECTION ${q('pg')} TO "${teamA}", "${teamB}"`,
  ]);
  const created = await t.engine.up(program({ conn: [teamB, teamA], secret: [teamA] }));
  expect(created.outputs.usage).toEqual([teamA, teamB]);
  expect(await holders('mz_connections', 'pg')).toEqual([teamA, teamB, 'materialize']);
  expect(await holders('mz_secrets', 'pw')).toEqual([teamA, 'materialize']);

  expect((await t.engine.preview(program({ conn: [teamA, teamB], secret: [teamA] }))).steps.map((s) => s.op)).toEqual([
    'same',
    'same',
  ]);

  // Only the difference: GRANT to the new role, REVOKE from the removed one.
  const swap = await t.engine.preview(program({ conn: [teamB, analysts], secret: [teamA] }));
  expect(swap.step('pg')!.op).toBe('update');
  expect(swap.step('pg')!.inputs!.plannedSql).toEqual([
    `GRANT USAGE ON CONNECTION ${q('pg')} TO "${analysts}"`,
    `REVOKE USAGE ON CONNECTION ${q('pg')} FROM "${teamA}"`,
  ]);
  await t.engine.up(program({ conn: [teamB, analysts], secret: [teamA] }));
  expect(await holders('mz_connections', 'pg')).toEqual([analysts, teamB, 'materialize']);

  // A GRANT by hand: refresh reads it, the next up revokes it.
  await t.sql(`GRANT USAGE ON CONNECTION ${q('pg')} TO "${teamA}"`);
  const granted = await t.engine.refresh();
  expect(granted.step('pg')!.op).toBe('update');
  expect(granted.step('pg')!.outputsAfter!.usage).toEqual([analysts, teamA, teamB]);
  const undoGrant = await t.engine.preview(program({ conn: [teamB, analysts], secret: [teamA] }));
  expect(undoGrant.step('pg')!.inputs!.plannedSql).toEqual([`REVOKE USAGE ON CONNECTION ${q('pg')} FROM "${teamA}"`]);
  await t.engine.up(program({ conn: [teamB, analysts], secret: [teamA] }));
  expect(await holders('mz_connections', 'pg')).toEqual([analysts, teamB, 'materialize']);

  // A REVOKE by hand (on the secret): refresh reads it, the next up grants again.
  await t.sql(`REVOKE USAGE ON SECRET ${q('pw')} FROM "${teamA}"`);
  const revoked = await t.engine.refresh();
  expect(revoked.step('pw')!.op).toBe('update');
  expect(revoked.step('pw')!.outputsAfter!.usage).toEqual([]);
  const regrant = await t.engine.up(program({ conn: [teamB, analysts], secret: [teamA] }));
  expect(regrant.step('pw')!.op).toBe('update');
  expect(await holders('mz_secrets', 'pw')).toEqual([teamA, 'materialize']);

  // [] leaves only the owner; unset stops managing (no statement, a hand-made GRANT is then no drift).
  await t.engine.up(program({ conn: [], secret: [teamA] }));
  expect(await holders('mz_connections', 'pg')).toEqual(['materialize']);
  await t.engine.up(program({ secret: [teamA] }));
  await t.sql(`GRANT USAGE ON CONNECTION ${q('pg')} TO "${teamB}"`);
  expect((await t.engine.refresh()).steps.map((s) => s.op)).toEqual(['same', 'same']);
  expect(await holders('mz_connections', 'pg')).toEqual([teamB, 'materialize']);

  // Taking privileges on again: the plan starts from the grants the object holds (teamB's, made by hand while
  // unmanaged), so the list given is what holds USAGE afterwards.
  const takenOn = await t.engine.up(program({ conn: [analysts], secret: [teamA] }));
  expect(takenOn.step('pg')!.op).toBe('update');
  expect(await holders('mz_connections', 'pg')).toEqual([analysts, 'materialize']);

  // Taken on with [] and nothing to revoke: no statement, but the state records it, so that a GRANT made by
  // hand afterwards is drift (found by the fault campaign, seed 12112: it was never revoked).
  await t.engine.up(program({ secret: [teamA] }));
  await t.sql(`REVOKE USAGE ON CONNECTION ${q('pg')} FROM "${analysts}"`);
  const empty = await t.engine.up(program({ conn: [], secret: [teamA] }));
  expect(empty.step('pg')!.op).toBe('update');
  expect(t.engine.resource('pg')!.outputs.usage).toEqual([]);
  await t.sql(`GRANT USAGE ON CONNECTION ${q('pg')} TO "${teamB}"`);
  const drift = await t.engine.refresh();
  expect(drift.step('pg')!.outputsAfter!.usage).toEqual([teamB]);
  await t.engine.up(program({ conn: [], secret: [teamA] }));
  expect(await holders('mz_connections', 'pg')).toEqual(['materialize']);
});

test('a role that does not exist: Materialize message plus a hint, and the object as it was', async () => {
  const e = await t.engine.up(program({ conn: ['e2e_priv_ghost'], secret: [teamA] })).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  expect((e as Error).message).toContain(
    `GRANT USAGE ON CONNECTION ${q('pg')} TO "e2e_priv_ghost": unknown role 'e2e_priv_ghost'\n` +
      'HINT: create the role first (CREATE ROLE), or remove it from usage (and ownerRole)',
  );
  expect(await holders('mz_connections', 'pg')).toEqual(['materialize']);
});

test("README example: the analysts' own program needs USAGE on the secret the connection references", async () => {
  const url = new URL(materializeUrl());
  url.username = analysts;
  url.password = 'analysts-pw';
  const dir = makeProgramDir();
  const engine = await startEngine({ projectDir: dir, config: materializeConfig(url.toString()) });
  const theirs = () => {
    new mz.PostgresConnection('replica', {
      name: 'replica',
      schemaName: schema,
      host: 'replica.example.com',
      database: 'app',
      user: 'mz',
      password: { name: 'pw', schemaName: schema },
      validate: false,
    });
    return {};
  };
  try {
    // The platform program grants the analysts USAGE on the connection only: not enough to build on its secret.
    const denied = await engine.up(theirs).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((denied as Error).message).toContain(
      `creating POSTGRES connection ${q('replica')}: permission denied for SECRET "materialize.${schema}.pw"\n` +
        'HINT: since Materialize v26.40, creating or altering a connection needs USAGE on every secret and connection',
    );
    expect((denied as Error).message).toContain('(SQLSTATE 42501)');
    // Granting the team USAGE on the secret too, in the platform program, lets theirs succeed.
    await t.engine.up(program({ conn: [analysts], secret: [analysts, teamA] }));
    const ok = await engine.up(theirs);
    expect(ok.step('replica')!.op).toBe('create');
    await engine.destroy();
  } finally {
    await engine.stop();
    removeProgramDir(dir);
  }
  await t.engine.destroy();
});

test('adoption with usage: the adopted object ends with exactly the roles listed', async () => {
  await t.sql(`CREATE CONNECTION ${q('adopted')} TO SSH TUNNEL (HOST 'bastion.example.com', USER 'mz')`);
  await t.sql(`GRANT USAGE ON CONNECTION ${q('adopted')} TO "${teamA}", "${teamB}"`);
  const adopt = () => {
    new mz.SshTunnelConnection('adopted', {
      name: 'adopted',
      schemaName: schema,
      host: 'bastion.example.com',
      user: 'mz',
      usage: [teamB, analysts],
      adoptExisting: true,
    });
  };
  await t.engine.up(adopt);
  expect(await holders('mz_connections', 'adopted')).toEqual([analysts, teamB, 'materialize']);
  expect((await t.engine.preview(adopt)).steps.map((s) => s.op)).toEqual(['same']);
  await t.engine.up(() => {});
});
