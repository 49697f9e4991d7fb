// mz-plan over the JSON of real previews (the real Pulumi CLI, test/acceptance/programs/plan): one stack taken
// through create (with a value unknown until apply), update, replacement and delete, secrets in a Secret's value
// and in a schema registry's USERNAME (a secret text, so the engine marks its planned SQL secret). Each preview runs
// with --show-secrets as well, and no secret value may appear in mz-plan's output, in any format. The bin runs as a
// user runs it: `pulumi preview --json | mz-plan`, the built lib/ in a child process.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { clear, sql } from './catalog';
import { materializeConfig, ROOT, Stack } from './pulumi';

jest.setTimeout(600_000);

const BIN = path.join(ROOT, 'lib/pipeline/plan/cli.js');
const q = (schema: string, name: string) => `"materialize"."${schema}"."${name}"`;
const SECRETS = { pgPassword: 'plan-pg-SEKRET-1', csrUser: 'plan-csr-user-SEKRET-1' };
const NEXT_SECRETS = { pgPassword: 'plan-pg-SEKRET-2', csrUser: 'plan-csr-user-SEKRET-2' };
const ALL_SECRETS = [...Object.values(SECRETS), ...Object.values(NEXT_SECRETS)];

function mzPlan(input: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let stack: Stack;
/** `pulumi preview --json` twice, without and with --show-secrets; mz-plan's output is the same for both. */
async function previews(): Promise<{ json: string; markdown: string }> {
  const plain = (await stack.ok(['preview', '--json'])).stdout;
  const shown = (await stack.ok(['preview', '--json', '--show-secrets'])).stdout;
  // What README "Pipelines" says of the CLI v3.276: its preview JSON masks secrets even with --show-secrets.
  for (const s of ALL_SECRETS) expect(`${plain}\n${shown}`).not.toContain(s);
  const outputs: string[] = [];
  for (const json of [plain, shown])
    for (const format of ['markdown', 'text', 'json']) {
      const r = mzPlan(json, '--format', format);
      expect(r.code).toBe(0);
      for (const s of ALL_SECRETS) expect(r.stdout).not.toContain(s);
      outputs.push(r.stdout);
    }
  expect(outputs.slice(3)).toEqual(outputs.slice(0, 3));
  return { json: shown, markdown: outputs[0] };
}

/** The statements of one change in mz-plan's JSON format. */
function changes(json: string): Record<string, { operation: string; statements: string[]; sql: string }> {
  const r = mzPlan(json, '--format', 'json');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as {
    changes: { name: string; operation: string; statements: string[]; sql: string }[];
  };
  return Object.fromEntries(
    out.changes.map((c) => [c.name, { operation: c.operation, statements: c.statements, sql: c.sql }]),
  );
}

beforeAll(async () => {
  await clear();
  await sql('CREATE SCHEMA IF NOT EXISTS ingest');
  stack = new Stack({ programDir: path.join(ROOT, 'test/acceptance/programs/plan') });
  const mz = materializeConfig();
  await stack.init({ ...mz.config, stage: '1' }, { ...mz.secrets, ...SECRETS });
});
afterAll(async () => {
  await stack?.run(['destroy', '--yes', '--skip-preview']);
  stack?.remove();
  await clear();
});

test('create: every statement, a secret Secret value masked, a statement with a value unknown until apply', async () => {
  const { json, markdown } = await previews();
  expect(changes(json)).toEqual({
    'pg-password': {
      operation: 'create',
      statements: [`CREATE SECRET ${q('public', 'plan_pg_password')} AS '********'`],
      sql: 'known',
    },
    tunnel: {
      operation: 'create',
      statements: [
        `CREATE CONNECTION ${q('public', 'plan_tunnel')} TO SSH TUNNEL (HOST = 'bastion-1.example.com', USER = 'mz')`,
      ],
      sql: 'known',
    },
    pg: {
      operation: 'create',
      statements: [
        `CREATE CONNECTION ${q('public', 'plan_pg')} TO POSTGRES (HOST = 'pg.example.com', DATABASE = 'app', USER = 'mz', ` +
          `PASSWORD = SECRET ${q('public', 'plan_pg_password')}, SSH TUNNEL = ${q('public', 'plan_tunnel')}) WITH (VALIDATE = false)`,
        `COMMENT ON CONNECTION ${q('public', 'plan_pg')} IS '<computed>'`,
      ],
      sql: 'known',
    },
    csr: { operation: 'create', statements: [], sql: 'secret' },
    kafka: {
      operation: 'create',
      statements: [
        `CREATE CONNECTION ${q('public', 'plan_kafka')} TO KAFKA (BROKERS = ('kafka.example.com:9092')) WITH (VALIDATE = false)`,
      ],
      sql: 'known',
    },
  });
  expect(markdown.split('\n')[0]).toBe('### Materialize plan: 5 to create, 0 to update, 0 replacements, 0 to delete');
  expect(markdown).toContain('_planned SQL not shown: it quotes a secret value_');
  expect(markdown).toContain('_`<computed>`: a value known only during `pulumi up`_');
  expect(markdown).not.toContain('[!WARNING]');
  expect(mzPlan(json, '--fail-on-replace').code).toBe(0);
  await stack.ok(['up', '--yes', '--skip-preview']);
});

test('update and replacement: the replacement first, under the warning; --fail-on-replace exits 3', async () => {
  await stack.setConfig('stage', '2');
  for (const [k, v] of Object.entries(NEXT_SECRETS)) await stack.ok(['config', 'set', '--secret', k], v);
  const { json, markdown } = await previews();
  const c = changes(json);
  expect(c.kafka).toEqual({
    operation: 'replace',
    statements: [
      `CREATE CONNECTION ${q('ingest', 'plan_kafka')} TO KAFKA (BROKERS = ('kafka.example.com:9092')) WITH (VALIDATE = false)`,
      `DROP CONNECTION IF EXISTS ${q('public', 'plan_kafka')}`,
    ],
    sql: 'known',
  });
  expect(c.tunnel).toEqual({
    operation: 'update',
    statements: [`ALTER CONNECTION ${q('public', 'plan_tunnel')} SET (HOST = 'bastion-2.example.com')`],
    sql: 'known',
  });
  expect(c['pg-password']).toEqual({
    operation: 'update',
    statements: [`ALTER SECRET ${q('public', 'plan_pg_password')} AS '********'`],
    sql: 'known',
  });
  expect(c.csr).toEqual({ operation: 'update', statements: [], sql: 'secret' });
  const lines = markdown.split('\n');
  expect(lines[0]).toBe('### Materialize plan: 0 to create, 4 to update, 1 replacement, 0 to delete');
  expect(lines[2]).toBe('> [!WARNING]');
  // The first change listed is the replacement.
  expect(lines.find((l) => l.startsWith('#### '))).toBe(
    '#### Replace `KafkaConnection` `kafka` (changed: `schemaName`)',
  );

  const failing = mzPlan(json, '--fail-on-replace', '--format', 'text');
  expect(failing.code).toBe(3);
  expect(failing.stdout).toContain('Replace KafkaConnection kafka (changed: schemaName)');
  await stack.ok(['up', '--yes', '--skip-preview']);
});

test('nothing to change: every resource checks to the inputs its state holds (so the engine rewrites no state)', async () => {
  // After the update: plannedSql keeps the ALTERs just run. An empty list here made every unchanged resource
  // differ from its state, and the engine wrote the whole snapshot once per resource (bench/README.md).
  const steps = (
    JSON.parse((await stack.ok(['preview', '--json', '--show-sames'])).stdout) as {
      steps: { op: string; urn: string; oldState?: { inputs?: unknown }; newState?: { inputs?: unknown } }[];
    }
  ).steps.filter((st) => st.urn.includes('::pulumi-nodejs:dynamic/materialize:'));
  expect(steps.map((st) => st.op)).toEqual(steps.map(() => 'same'));
  expect(steps.length).toBe(5);
  for (const st of steps)
    expect({ urn: st.urn, inputs: st.newState?.inputs }).toEqual({ urn: st.urn, inputs: st.oldState?.inputs });
  const tunnel = steps.find((st) => st.urn.endsWith('::tunnel'))!;
  expect((tunnel.newState!.inputs as { plannedSql: string[] }).plannedSql).toEqual([
    `ALTER CONNECTION ${q('public', 'plan_tunnel')} SET (HOST = 'bastion-2.example.com')`,
  ]);
});

test('delete: the DROP the provider runs', async () => {
  await stack.setConfig('stage', '3');
  const { json, markdown } = await previews();
  expect(changes(json)).toEqual({
    kafka: { operation: 'delete', statements: [`DROP CONNECTION IF EXISTS ${q('ingest', 'plan_kafka')}`], sql: 'none' },
  });
  expect(markdown.split('\n')[0]).toBe('### Materialize plan: 0 to create, 0 to update, 0 replacements, 1 to delete');
});
