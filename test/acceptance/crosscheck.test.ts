// test/engine against the real Pulumi CLI: the same resources (programs/crosscheck/resources.ts) created,
// updated and destroyed by each, must make the provider send the same statements to Materialize and leave
// the same outputs. The engine is used where the CLI cannot set a scenario up quickly (fault injection);
// this keeps it honest about the lifecycle both share.
import * as pulumi from '@pulumi/pulumi';
import * as path from 'path';
import { ENVIRONMENT_ID_SQL } from '../../provider/lifecycle/pool';
import * as mz from '../../sdk';
import { makeProgramDir, removeProgramDir, startEngine, type Engine } from '../engine';
import { materializeConfig as engineConfig } from '../e2e/harness';
import { standinControl } from '../standin/control';
import { clear } from './catalog';
import { materializeConfig, ROOT, Stack } from './pulumi';
import { crosscheckResources, type Phase } from './programs/crosscheck/resources';

jest.setTimeout(600_000);

const control = () => standinControl(process.env.MZ_STANDIN_CONTROL_URL);

/** The statements the provider sent since `from`, catalog ids replaced (each run makes its own objects). */
async function providerStatements(from: number): Promise<string[]> {
  const log = await control().log({ applicationName: 'pulumi-materialize-connections' });
  return log.filter((e) => e.seq > from).map((e) => e.sql.replace(/\bu\d+\b/g, '<id>'));
}

async function lastSeq(): Promise<number> {
  const log = await control().log();
  return log.length ? log[log.length - 1].seq : 0;
}

type Phases = Record<'create' | 'update' | 'destroy', string[]>;

const SECRET_SIG = '4dabf18193072939515e22adb298388d';

/** A value as a program sees it: `pulumi stack export --show-secrets` keeps secrets wrapped, with plaintext JSON. */
function unwrap(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && SECRET_SIG in value)
    return JSON.parse((value as unknown as { plaintext: string }).plaintext);
  return value;
}

/** Outputs that both must agree on: everything but catalog ids, generated keys and the stack's own. */
function comparable(outputs: Record<string, unknown>): Record<string, unknown> {
  const drop = new Set(['connectionId', 'secretId', 'publicKey1', 'publicKey2', '__provider', 'materializeEndpoint']);
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([k]) => !drop.has(k))
      .map(([k, v]) => [k, unwrap(v)])
      .map(([k, v]) => [k, typeof v === 'string' ? v.replace(/ssh-ed25519 [A-Za-z0-9+/=]+/g, 'ssh-ed25519 <key>') : v]),
  );
}

async function throughEngine(): Promise<{ statements: Phases; outputs: Record<string, Record<string, unknown>> }> {
  const dir = makeProgramDir();
  const engine: Engine = await startEngine({ projectDir: dir, config: engineConfig() });
  try {
    const statements = {} as Phases;
    for (const phase of ['create', 'update'] as Phase[]) {
      const from = await lastSeq();
      await engine.up(() => crosscheckResources(pulumi, mz, phase));
      statements[phase] = await providerStatements(from);
    }
    const outputs = Object.fromEntries(
      ['pgpass', 'tunnel', 'pg'].map((n) => [n, comparable(engine.resource(n)!.outputs)]),
    );
    const from = await lastSeq();
    await engine.destroy();
    statements.destroy = await providerStatements(from);
    return { statements, outputs };
  } finally {
    await engine.stop();
    removeProgramDir(dir);
  }
}

async function throughCli(): Promise<{ statements: Phases; outputs: Record<string, Record<string, unknown>> }> {
  const stack = new Stack({ programDir: path.join(ROOT, 'test/acceptance/programs/crosscheck') });
  try {
    const c = materializeConfig();
    await stack.init({ ...c.config, phase: 'create' }, c.secrets);
    const statements = {} as Phases;
    let from = await lastSeq();
    await stack.ok(['up', '--yes', '--skip-preview']);
    statements.create = await providerStatements(from);
    await stack.setConfig('phase', 'update');
    from = await lastSeq();
    await stack.ok(['up', '--yes', '--skip-preview']);
    statements.update = await providerStatements(from);
    const state = JSON.parse(await stack.ok(['stack', 'export', '--show-secrets']).then((r) => r.stdout));
    const outputs = Object.fromEntries(
      ['pgpass', 'tunnel', 'pg'].map((n) => [
        n,
        comparable(state.deployment.resources.find((r: { urn: string }) => r.urn.endsWith(`::${n}`)).outputs),
      ]),
    );
    from = await lastSeq();
    await stack.ok(['destroy', '--yes', '--skip-preview']);
    statements.destroy = await providerStatements(from);
    return { statements, outputs };
  } finally {
    stack.remove();
  }
}

test('test/engine and the real CLI make the provider send the same statements and leave the same outputs', async () => {
  await clear();
  const engine = await throughEngine();
  await clear();
  const cli = await throughCli();
  // The CLI runs independent steps in parallel, test/engine one at a time: the same statements, in an order
  // that may differ between independent resources. The environment id is read once per pool, and pools live as
  // long as the provider process: one per CLI command, one for the whole test/engine run.
  const own = (list: string[]) => list.filter((st) => st !== ENVIRONMENT_ID_SQL).sort();
  for (const phase of ['create', 'update', 'destroy'] as const)
    expect(own(cli.statements[phase])).toEqual(own(engine.statements[phase]));
  expect(cli.statements.create).toContain(ENVIRONMENT_ID_SQL);
  expect(engine.statements.create.filter((s) => s.startsWith('CREATE'))).toHaveLength(3);
  expect(engine.statements.update.filter((s) => s.startsWith('ALTER') || s.startsWith('COMMENT'))).toEqual([
    `ALTER CONNECTION "materialize"."public"."xc_tunnel" SET (HOST = 'bastion-2.example.com')`,
    `COMMENT ON CONNECTION "materialize"."public"."xc_pg" IS 'updated'`,
  ]);
  expect(cli.outputs).toEqual(engine.outputs);
});
