// The findings of pulumi-engine-findings.md section A, each as a scenario with the real Pulumi CLI: what the
// engine does on its own (forced replacements, secrets by key, config changes) and what the provider must do
// about it.
import * as path from 'path';
import type { Standin } from '../standin/index';
import { describe as describeLeaks, findLeaks } from '../canary/search';
import { anotherStandin, clear, objects, sql } from './catalog';
import { materializeConfig, ROOT, Stack } from './pulumi';

jest.setTimeout(600_000);

const PROGRAM = path.join(ROOT, 'test/acceptance/programs/findings');
const TUNNEL_URN =
  'urn:pulumi:acceptance::acceptance-findings::pulumi-nodejs:dynamic/materialize:SshTunnelConnection::tunnel';

async function tunnelId(): Promise<string> {
  const rows = await sql(`SELECT id FROM mz_catalog.mz_connections WHERE name = 't'`);
  return String(rows[0]?.id);
}

let stack: Stack;

async function freshStack(
  config: Record<string, string> = {},
  secrets: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  await clear();
  stack = new Stack({ programDir: PROGRAM, env });
  const mz = materializeConfig();
  await stack.init({ ...mz.config, ...config }, { ...mz.secrets, ...secrets });
}

afterEach(async () => {
  if (stack) {
    await stack.run(['destroy', '--yes', '--skip-preview']);
    stack.remove();
  }
  await clear();
});

test('A2: `up --replace` creates before it deletes; the provider says to set deleteBeforeReplace, and with it the replacement works', async () => {
  await freshStack();
  await stack.ok(['up', '--yes', '--skip-preview']);
  const before = await tunnelId();
  const refused = await stack.run(['up', '--yes', '--skip-preview', '--replace', TUNNEL_URN]);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain(
    'already exists and is not managed by this resource. If this is a replacement Pulumi started itself under ' +
      'the same name (`pulumi up --replace`',
  );
  expect(refused.output).toContain('set the resource option `deleteBeforeReplace: true` on it');
  // Nothing lost: the object and the state are as before.
  expect(await tunnelId()).toBe(before);
  await stack.ok(['preview', '--expect-no-changes']);

  await stack.setConfig('deleteBeforeReplace', 'true');
  await stack.ok(['up', '--yes', '--skip-preview', '--replace', TUNNEL_URN]);
  const after = await tunnelId();
  expect(after).not.toBe(before);
  expect((await stack.outputs()).tunnelId).toBe(after);
  await stack.ok(['preview', '--expect-no-changes']);
});

test('A1: with adoptExisting, a create-before-delete replacement adopts the object and the old delete leaves it alone', async () => {
  await freshStack({ adopt: 'true' });
  await stack.ok(['up', '--yes', '--skip-preview']);
  const id = await tunnelId();
  await stack.ok(['up', '--yes', '--skip-preview', '--replace', TUNNEL_URN]);
  // Before the fix the delete of the old resource dropped the object the new one had just adopted.
  expect(await objects()).toEqual(['t']);
  expect(await tunnelId()).toBe(id);
  expect((await stack.outputs()).tunnelId).toBe(id);
  await stack.ok(['preview', '--expect-no-changes']);
});

test('a forced replacement after adoptExisting is turned off: the error says to adopt again for one up, and that converges with the object kept', async () => {
  await freshStack({ adopt: 'true', deleteBeforeReplace: 'true' });
  await stack.ok(['up', '--yes', '--skip-preview']);
  const id = await tunnelId();
  await stack.setConfig('adopt', 'false');
  await stack.ok(['state', 'taint', TUNNEL_URN]);
  // The old resource's delete leaves an adopted object in place (it may be another resource's now), so the
  // replacement meets it; deleteBeforeReplace alone cannot help, and the error says what does.
  const refused = await stack.run(['up', '--yes', '--skip-preview']);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain(
    'If the resource had adoptExisting: true until now, its delete leaves the object in place: set adoptExisting: ' +
      'true again for one `pulumi up` to take it back, then remove it',
  );
  expect(await tunnelId()).toBe(id);
  await stack.setConfig('adopt', 'true');
  await stack.ok(['up', '--yes', '--skip-preview']);
  await stack.setConfig('adopt', 'false');
  await stack.ok(['up', '--yes', '--skip-preview']);
  await stack.ok(['preview', '--expect-no-changes']);
  expect(await objects()).toEqual(['t']);
  expect(await tunnelId()).toBe(id);
  expect((await stack.outputs()).tunnelId).toBe(id);
});

test('deleteBeforeReplace on a secret a connection uses: the refused DROP says to take the option off, and without it the move converges', async () => {
  await freshStack({ passwordDeleteBeforeReplace: 'true' }, {}, { ACCEPTANCE_KAFKA_USER: 'user' });
  await sql('CREATE SCHEMA IF NOT EXISTS "materialize"."findings_moved"');
  await stack.ok(['up', '--yes', '--skip-preview']);
  // A move to another schema replaces the secret. Delete first: Materialize refuses while the connection uses
  // it, and Pulumi does not replace the connection (a new secret reference is an in-place ALTER).
  await stack.setConfig('passwordSchema', 'findings_moved');
  const refused = await stack.run(['up', '--yes', '--skip-preview']);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toMatch(/cannot drop secret "[^"]*kafka_password": still depended upon by connection/);
  expect(refused.output).toContain(
    'If Pulumi is replacing it with the resource option `deleteBeforeReplace` and the new object has another ' +
      'name, take that option off',
  );
  expect(await objects()).toEqual(['k', 'kafka_password', 't']);
  await stack.setConfig('passwordDeleteBeforeReplace', 'false');
  await stack.ok(['up', '--yes', '--skip-preview']);
  await stack.ok(['preview', '--expect-no-changes']);
  expect(await objects()).toEqual(['k', 't']);
  const [{ create_sql: kafkaSql }] = await sql(`SELECT create_sql FROM mz_catalog.mz_connections WHERE name = 'k'`);
  expect(String(kafkaSql)).toMatch(
    /SASL PASSWORD = SECRET \[u\d+ AS "materialize"\."findings_moved"\."kafka_password"\]/,
  );
});

test('A3: a Pulumi secret given to a text option makes plannedSql and createSql secret in state and preview', async () => {
  // From the environment, made a secret in the program: a secret config value would be masked by the engine anyway.
  const user = `SEKRET-user ${process.pid} "q"/+é`;
  const leaks = (...outputs: string[]) =>
    describeLeaks(
      findLeaks(
        [{ label: 'saslUsername', value: user }],
        outputs.map((text, i) => ({ source: `${i}`, text })),
      ),
    );
  await freshStack({}, {}, { ACCEPTANCE_KAFKA_USER: user });
  const preview = await stack.ok(['preview', '--diff']);
  expect(leaks(preview.output)).toBe('');
  expect(preview.stdout).toMatch(/plannedSql\s*: \[secret\]/);
  const up = await stack.ok(['up', '--yes', '--skip-preview', '--diff']);
  expect(leaks(up.output, await stack.exportState())).toBe('');
  // The value reached Materialize all the same.
  const rows = await sql(`SELECT create_sql FROM mz_catalog.mz_connections WHERE name = 'k'`);
  expect(String(rows[0].create_sql)).toContain(`SASL USERNAME = '${user}'`);
  await stack.setConfig('comment', 'changed');
  const diff = await stack.ok(['preview', '--diff']);
  expect(leaks(diff.output)).toBe('');
});

describe('A4: a Materialize move that comes from the stack config', () => {
  let other: Standin;
  beforeAll(async () => {
    other = await anotherStandin();
  });
  afterAll(() => other.close());

  test('is refused in preview with guidance; nothing is created in the new place, nothing half-applied', async () => {
    await freshStack();
    await stack.ok(['up', '--yes', '--skip-preview']);
    const port = new URL(process.env.MZ_STANDIN_URL!).port;
    await stack.setConfig('materialize:port', new URL(other.url).port);
    const preview = await stack.run(['preview']);
    expect(preview.code).not.toBe(0);
    expect(preview.output).toContain(
      'and the change comes from materialize:host/port in the stack config or MZ_HOST/MZ_PORT, not from this resource',
    );
    const up = await stack.run(['up', '--yes', '--skip-preview']);
    expect(up.code).not.toBe(0);
    expect(await objects(other.url)).toEqual([]);
    expect(await objects()).toEqual(['t']);
    await stack.setConfig('materialize:port', port);
    await stack.ok(['preview', '--expect-no-changes']);
  });
});

test('A5: an update that fails part-way records only what Materialize has, and the next up finishes it', async () => {
  await freshStack();
  await stack.ok(['up', '--yes', '--skip-preview']);
  await stack.setConfig('tunnelName', 't2');
  await stack.setConfig('ownerRole', 'nobody');
  await stack.setConfig('comment', 'hello');
  const failed = await stack.run(['up', '--yes', '--skip-preview']);
  expect(failed.code).not.toBe(0);
  expect(failed.output).toContain("unknown role 'nobody'");
  expect(await objects()).toEqual(['t2']);
  const state = JSON.parse(await stack.exportState());
  const tunnel = state.deployment.resources.find((r: { urn: string }) => r.urn === TUNNEL_URN);
  expect(tunnel.outputs.name).toBe('t2');
  expect(tunnel.outputs).not.toHaveProperty('comment');
  await sql('CREATE ROLE nobody');
  try {
    await stack.ok(['up', '--yes', '--skip-preview']);
    const rows = await sql(
      `SELECT r.name AS owner, cm.comment FROM mz_catalog.mz_connections c JOIN mz_catalog.mz_roles r ON r.id = c.owner_id
       LEFT JOIN mz_internal.mz_comments cm ON cm.id = c.id WHERE c.name = 't2'`,
    );
    expect(rows).toEqual([{ owner: 'nobody', comment: 'hello' }]);
    await stack.ok(['preview', '--expect-no-changes']);
  } finally {
    await stack.run(['destroy', '--yes', '--skip-preview']);
    await sql('DROP ROLE nobody');
  }
});

test('A7: destroy after an out-of-band drop and re-create under the same name leaves the stranger alone', async () => {
  await freshStack();
  await stack.ok(['up', '--yes', '--skip-preview']);
  await sql(`DROP CONNECTION "materialize"."public"."t"`);
  await sql(`CREATE CONNECTION "materialize"."public"."t" TO SSH TUNNEL (HOST 'stranger.example.com', USER 'x')`);
  const stranger = await tunnelId();
  await stack.ok(['destroy', '--yes', '--skip-preview']);
  expect(await objects()).toEqual(['t']);
  expect(await tunnelId()).toBe(stranger);
});
