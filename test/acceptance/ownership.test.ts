// Issue 16, "nothing lost under any interleaving", with the real Pulumi CLI: the programs that lost or fought
// over objects, each step followed by what the catalog (and IAM) hold. Ownership is decided by what a later
// process can see (the state, the catalog, Materialize's environment id), never by one process's memory.
import * as path from 'path';
import { IAMClient, CreateRoleCommand, DeleteRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import type { Standin } from '../standin/index';
import { services } from '../services/env';
import { anotherStandin, clear, sql } from './catalog';
import { materializeConfig, ROOT, Stack } from './pulumi';

jest.setTimeout(900_000);

const PROGRAM = path.join(ROOT, 'test/acceptance/programs/ownership');
const URN = (type: string, name: string) =>
  `urn:pulumi:acceptance::acceptance-ownership::pulumi-nodejs:dynamic/materialize:${type}::${name}`;
const TUNNEL_URN = URN('SshTunnelConnection', 'tunnel');
const ROLE_URN = URN('AwsConnectionRole', 'role');

/** The connections in materialize.public, by name, with their catalog ids. */
async function catalog(url?: string): Promise<Record<string, string>> {
  const rows = await sql(
    `SELECT c.name, c.id FROM mz_catalog.mz_connections c JOIN mz_catalog.mz_schemas s ON s.id = c.schema_id
     WHERE s.name = 'public' ORDER BY 1`,
    url,
  );
  return Object.fromEntries(rows.map((r) => [String(r.name), String(r.id)]));
}

/** What the state says each resource holds: URN to id, pending deletes included (marked). */
async function stateIds(stack: Stack): Promise<Record<string, string>> {
  const state = JSON.parse(await stack.exportState());
  const out: Record<string, string> = {};
  for (const r of state.deployment.resources ?? [])
    if (r.custom && r.id && !r.urn.includes('pulumi:providers'))
      out[`${r.urn.split('::').pop()}${r.delete ? ' (pending delete)' : ''}`] = r.id;
  return out;
}

let stack: Stack | undefined;

async function freshStack(config: Record<string, string> = {}, env: Record<string, string> = {}): Promise<Stack> {
  await clear();
  stack = new Stack({ programDir: PROGRAM, env });
  const mz = materializeConfig();
  await stack.init({ ...mz.config, ...config }, mz.secrets);
  return stack;
}

afterEach(async () => {
  if (stack) {
    await stack.run(['config', 'rm', 'dependentOwner']);
    await stack.run(['destroy', '--yes', '--skip-preview']);
    stack.remove();
    stack = undefined;
  }
  await clear();
});

const standinPort = () => new URL(process.env.MZ_STANDIN_URL!).port;

describe('issue 16 program 1: the same Materialize under another spelling', () => {
  test.each([
    ["the resource's own materialize.host", 'mzHost'],
    ['the stack config materialize:host', 'materialize:host'],
  ])('%s 127.0.0.1 -> localhost with adoptExisting: not a move, nothing replaced or dropped', async (_t, key) => {
    const s = await freshStack({ adopt: 'true', [key]: '127.0.0.1' });
    // Adoption of an object made outside Pulumi.
    await sql(
      `CREATE CONNECTION "materialize"."public"."t" TO SSH TUNNEL (HOST 'bastion.example.com', USER 'materialize')`,
    );
    const adopted = (await catalog()).t;
    await s.ok(['up', '--yes', '--skip-preview']);
    expect(await catalog()).toEqual({ t: adopted, pg: expect.stringMatching(/^u\d+$/) });
    const before = await catalog();

    await s.setConfig(key, 'localhost');
    const preview = await s.ok(['preview', '--diff']);
    expect(preview.stdout).not.toMatch(/replace/);
    const up = await s.ok(['up', '--yes', '--skip-preview']);
    expect(up.stdout).not.toMatch(/replace/);
    expect(await catalog()).toEqual(before);
    expect(await stateIds(s)).toEqual({ tunnel: before.t, dependent: before.pg });
    await s.ok(['preview', '--expect-no-changes']);
    // And back: still the same environment.
    await s.setConfig(key, '127.0.0.1');
    await s.ok(['up', '--yes', '--skip-preview']);
    expect(await catalog()).toEqual(before);
    await s.ok(['preview', '--expect-no-changes']);
  });
});

describe('issue 16 program 2: a forced replacement of an adopted object, finished by later runs', () => {
  test.each([
    ['`up --replace`', ['--replace', TUNNEL_URN]],
    ['`pulumi state taint` then `up`', []],
  ])(
    '%s with adoptExisting while a dependent fails, then a later `up` (a new provider process): the object survives every step',
    async (how, flags) => {
      const s = await freshStack({ adopt: 'true' });
      await s.ok(['up', '--yes', '--skip-preview']);
      const before = await catalog();
      expect(Object.keys(before)).toEqual(['pg', 't']);

      await s.setConfig('dependentOwner', 'nobody');
      if (how.includes('taint')) await s.ok(['state', 'taint', TUNNEL_URN]);
      const replaced = await s.run(['up', '--yes', '--skip-preview', ...flags]);
      expect(replaced.code).not.toBe(0);
      expect(replaced.output).toContain("unknown role 'nobody'");
      // The new resource adopted the object; the old one waits in the state to be deleted by a later run.
      expect(await catalog()).toEqual(before);
      expect(await stateIds(s)).toEqual({
        tunnel: before.t,
        'tunnel (pending delete)': before.t,
        dependent: before.pg,
      });

      await s.run(['config', 'rm', 'dependentOwner']);
      await s.ok(['up', '--yes', '--skip-preview']);
      expect(await catalog()).toEqual(before);
      expect(await stateIds(s)).toEqual({ tunnel: before.t, dependent: before.pg });
      await s.ok(['preview', '--expect-no-changes']);
    },
  );

  test('the pending delete finished by a `--target` run of the resource leaves the object too', async () => {
    const s = await freshStack({ adopt: 'true' });
    await s.ok(['up', '--yes', '--skip-preview']);
    const before = await catalog();
    await s.setConfig('dependentOwner', 'nobody');
    expect((await s.run(['up', '--yes', '--skip-preview', '--replace', TUNNEL_URN])).code).not.toBe(0);
    expect(await catalog()).toEqual(before);
    await s.run(['config', 'rm', 'dependentOwner']);
    await s.ok(['up', '--yes', '--skip-preview', '--target', TUNNEL_URN]);
    expect(await catalog()).toEqual(before);
    expect((await stateIds(s)).tunnel).toBe(before.t);
    await s.ok(['up', '--yes', '--skip-preview']);
    expect(await catalog()).toEqual(before);
    expect(await stateIds(s)).toEqual({ tunnel: before.t, dependent: before.pg });
    await s.ok(['preview', '--expect-no-changes']);
  });

  test('adoptExisting turned on in the same `up --replace`: the object the new resource adopted is kept', async () => {
    const s = await freshStack();
    await s.ok(['up', '--yes', '--skip-preview']);
    const before = await catalog();
    await s.setConfig('adopt', 'true');
    await s.ok(['up', '--yes', '--skip-preview', '--replace', TUNNEL_URN]);
    expect(await catalog()).toEqual(before);
    expect(await stateIds(s)).toEqual({ tunnel: before.t, dependent: before.pg });
    await s.ok(['preview', '--expect-no-changes']);
  });

  test('a resource with adoptExisting leaves its object on destroy; with it turned off first, destroy drops it', async () => {
    const s = await freshStack({ adopt: 'true' });
    await s.ok(['up', '--yes', '--skip-preview']);
    const before = await catalog();
    await s.ok(['destroy', '--yes', '--skip-preview']);
    expect(await catalog()).toEqual({ t: before.t });
    await s.ok(['up', '--yes', '--skip-preview']);
    expect((await catalog()).t).toBe(before.t);
    await s.setConfig('adopt', 'false');
    await s.ok(['up', '--yes', '--skip-preview']);
    await s.ok(['destroy', '--yes', '--skip-preview']);
    expect(await catalog()).toEqual({});
  });
});

describe('a forced replacement after the Materialize address changed in the stack config (A4 without Diff)', () => {
  let other: Standin;
  beforeAll(async () => {
    other = await anotherStandin();
  });
  afterAll(() => other.close());

  test('another environment, `replacementTrigger`: refused before anything is created there; restoring the config converges', async () => {
    const s = await freshStack({ trigger: '1' });
    await s.ok(['up', '--yes', '--skip-preview']);
    const before = await catalog();
    await s.setConfig('materialize:port', new URL(other.url).port);
    await s.setConfig('trigger', '2');
    const forced = await s.run(['up', '--yes', '--skip-preview']);
    expect(forced.code).not.toBe(0);
    expect(forced.output).toContain("this replacement skipped the provider's diff");
    expect(await catalog(other.url)).toEqual({});
    expect(await catalog()).toEqual(before);
    expect(await stateIds(s)).toEqual({ tunnel: before.t, dependent: before.pg });
    await s.setConfig('materialize:port', standinPort());
    await s.setConfig('trigger', '1');
    await s.ok(['preview', '--expect-no-changes']);
  });

  test.each([
    ['`up --replace`', ['--replace', TUNNEL_URN]],
    ['`up --target-replace`', ['--target-replace', TUNNEL_URN]],
    ['`pulumi state taint` then `up`', []],
  ])(
    'another environment, %s (the engine checks with no old inputs and skips diff): the replacement completes, the old object dropped where the state recorded it',
    async (how, flags) => {
      const s = await freshStack({ alone: 'true' });
      await s.ok(['up', '--yes', '--skip-preview']);
      const before = await catalog();
      expect(Object.keys(before)).toEqual(['t']);
      await s.setConfig('materialize:port', new URL(other.url).port);
      // A plain preview refuses the move (A4); the forced replacement cannot be refused, so it must finish whole.
      const refused = await s.run(['preview']);
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('and the change comes from materialize:host/port in the stack config');
      if (how.includes('taint')) await s.ok(['state', 'taint', TUNNEL_URN]);
      await s.ok(['up', '--yes', '--skip-preview', ...flags]);
      const moved = await catalog(other.url);
      expect(Object.keys(moved)).toEqual(['t']);
      expect(await catalog()).toEqual({});
      expect(await stateIds(s)).toEqual({ tunnel: moved.t });
      await s.ok(['preview', '--expect-no-changes']);
      await s.ok(['destroy', '--yes', '--skip-preview']);
      expect(await catalog(other.url)).toEqual({});
    },
  );

  test('another environment, `replaceOnChanges` (the engine asks diff): refused in diff, nothing created there', async () => {
    const s = await freshStack({ alone: 'true', replaceOnChanges: 'true' });
    await s.ok(['up', '--yes', '--skip-preview']);
    const before = await catalog();
    await s.setConfig('materialize:port', new URL(other.url).port);
    const forced = await s.run(['up', '--yes', '--skip-preview']);
    expect(forced.code).not.toBe(0);
    expect(forced.output).toContain('and the change comes from materialize:host/port in the stack config');
    expect(await catalog(other.url)).toEqual({});
    expect(await catalog()).toEqual(before);
    expect(await stateIds(s)).toEqual({ tunnel: before.t });
    await s.setConfig('materialize:port', standinPort());
    await s.ok(['preview', '--expect-no-changes']);
  });
});

describe('AwsConnectionRole against moto', () => {
  const env = () => ({
    AWS_ENDPOINT_URL_IAM: services.motoUrl(),
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  });
  const iam = () =>
    new IAMClient({
      endpoint: services.motoUrl(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  const roleId = async (name: string) =>
    (
      await iam()
        .send(new GetRoleCommand({ RoleName: name }))
        .catch(() => undefined)
    )?.Role?.RoleId;
  const unique = () => `Ownership${process.pid}x${Date.now().toString(36)}`;

  test('`connection: { name }` converges: `preview --expect-no-changes` passes after up', async () => {
    const roleName = unique();
    const s = await freshStack({ role: 'true', accountId: '123456789012', roleName }, env());
    await s.ok(['up', '--yes', '--skip-preview']);
    const id = await roleId(roleName);
    expect(id).toMatch(/^AROA/);
    await s.ok(['preview', '--expect-no-changes']);
    await s.ok(['up', '--yes', '--skip-preview', '--expect-no-changes']);
    expect(await roleId(roleName)).toBe(id);
  });

  test('a case-only rename replaces delete-first; a forced replacement says to set deleteBeforeReplace; adoptExisting takes over a role made outside and keeps it through a forced replacement', async () => {
    const roleName = unique();
    const s = await freshStack({ role: 'true', accountId: '123456789012', roleName }, env());
    await s.ok(['up', '--yes', '--skip-preview']);
    const first = await roleId(roleName);

    const forced = await s.run(['up', '--yes', '--skip-preview', '--replace', ROLE_URN]);
    expect(forced.code).not.toBe(0);
    expect(forced.output).toContain('set the resource option `deleteBeforeReplace: true`');
    expect(await roleId(roleName)).toBe(first);

    // IAM names ignore case: the new name is the old role's, so the old one must go first.
    await s.setConfig('roleName', roleName.toLowerCase());
    await s.ok(['up', '--yes', '--skip-preview']);
    const renamed = await roleId(roleName.toLowerCase());
    expect(renamed).toMatch(/^AROA/);
    expect(renamed).not.toBe(first);
    await s.ok(['preview', '--expect-no-changes']);

    // A role made outside Pulumi: refused without adoptExisting, taken over with it (its trust policy rewritten).
    const outside = unique();
    await iam().send(
      new CreateRoleCommand({
        RoleName: outside,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    try {
      const outsideId = await roleId(outside);
      await s.setConfig('roleName', outside);
      const refused = await s.run(['up', '--yes', '--skip-preview']);
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('set adoptExisting: true to take the role over');
      await s.setConfig('roleAdopt', 'true');
      await s.ok(['up', '--yes', '--skip-preview']);
      expect(await roleId(outside)).toBe(outsideId);
      const trust = decodeURIComponent(
        (await iam().send(new GetRoleCommand({ RoleName: outside }))).Role!.AssumeRolePolicyDocument!,
      );
      expect(trust).not.toContain('ec2.amazonaws.com');
      expect(trust).toContain('sts:ExternalId');
      await s.ok(['preview', '--expect-no-changes']);
      // A forced replacement adopts it again; the old resource's delete leaves it (adoptExisting).
      await s.ok(['up', '--yes', '--skip-preview', '--replace', ROLE_URN]);
      expect(await roleId(outside)).toBe(outsideId);
      await s.ok(['preview', '--expect-no-changes']);
    } finally {
      await s.run(['destroy', '--yes', '--skip-preview']);
      await iam()
        .send(new DeleteRoleCommand({ RoleName: outside }))
        .catch(() => undefined);
    }
  });
});
