// Tests for the test engine itself, with a dummy thin-shim dynamic resource whose implementation
// (fixtures/dummy-impl, linked as `engine-dummy-impl`) is loaded by the real dynamic-provider process.
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { Engine, EngineError, UNKNOWN, makeProgramDir, removeProgramDir, secret, startEngine } from './index';
import { Dummy, DummyArgs } from './fixtures/dummy-shim';

jest.setTimeout(60000);

interface Db {
  n: number;
  rows: Record<string, { name: string; value?: string; tag?: string; ref?: string }>;
  events: { op: string; id?: string; name?: string; value?: string; unknownKeys?: string[] }[];
  configured?: { host?: string; password?: string; pid: number };
}

let dir: string;
let storePath: string;
let engine: Engine;
const db = (): Db => JSON.parse(fs.readFileSync(storePath, 'utf8'));
const writeDb = (d: Db) => fs.writeFileSync(storePath, JSON.stringify(d));
const stateJson = () => JSON.stringify(engine.state);
/** Provider RPCs made since `from` (index into engine.calls). */
const callsSince = (from: number) => engine.calls.slice(from).map((c) => `${c.method}:${c.urn.split('::').pop()}`);

beforeAll(async () => {
  dir = makeProgramDir({ packages: { 'engine-dummy-impl': path.join(__dirname, 'fixtures', 'dummy-impl') } });
  storePath = path.join(dir, 'store.json');
  engine = await startEngine({
    projectDir: dir,
    project: 'engine-test',
    stack: 'dev',
    config: {
      'dummy:storePath': storePath,
      'materialize:host': '127.0.0.1',
      'materialize:password': secret('config-pw-123'),
    },
  });
});

afterAll(async () => {
  await engine?.stop();
  removeProgramDir(dir);
});

describe('lifecycle', () => {
  // a: secret value; b: depends on a through an output.
  const program =
    (a: Partial<DummyArgs> = {}, b: Partial<DummyArgs> | false = {}, aOpts: pulumi.CustomResourceOptions = {}) =>
    () => {
      const ra = new Dummy('a', { name: 'a', value: pulumi.secret('s3cr3t-value'), tag: 't1', ...a }, aOpts);
      const out: Record<string, unknown> = { aFq: ra.fqName, aId: ra.id };
      if (b !== false) {
        const rb = new Dummy('b', { name: 'b', value: 'plain-b', ref: ra.fqName, ...b });
        out.bRef = rb.id;
      }
      return out;
    };

  test('create: real outputs flow to dependents, provider gets plaintext, state has only ciphertext', async () => {
    const r = await engine.up(program());
    expect(r.steps.map((s) => [s.name, s.op])).toEqual([
      ['a', 'create'],
      ['b', 'create'],
    ]);
    expect(r.outputs).toEqual({ aFq: 'public.a', aId: 'a-1', bRef: 'b-2' });
    expect(db().rows['a-1'].value).toBe('s3cr3t-value'); // plaintext reached the provider
    expect(db().rows['b-2'].ref).toBe('public.a'); // b got a's real output

    const a = engine.resource('a')!;
    expect(a.id).toBe('a-1');
    expect(a.urn).toBe('urn:pulumi:dev::engine-test::pulumi-nodejs:dynamic/test:Dummy::a');
    expect(a.secretInputs).toEqual(['value']);
    expect(a.secretOutputs.sort()).toEqual(['token', 'value']); // same-named secret input + additionalSecretOutputs
    expect(a.outputs.fqName).toBe('public.a');
    expect(engine.resource('b')!.secretOutputs).toEqual(['token']);
    expect(engine.resource('b')!.dependencies).toContain(a.urn);

    const json = stateJson();
    expect(json).not.toContain('s3cr3t-value');
    expect(json).not.toContain('tok-a-1');
    expect(json).toContain('plain-b');
    const stA = engine.state.deployment.resources.find((x) => x.urn === a.urn)!;
    expect(stA.outputs.value).toEqual({
      '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270',
      ciphertext: expect.stringMatching(/^v1:/),
    });
    expect(typeof stA.inputs.__provider).toBe('string'); // thin shim: nothing secret captured
    expect(stA.inputs.__provider).toContain("require('engine-dummy-impl')");
    expect(stA.additionalSecretOutputs).toEqual(['token']);
  });

  test('config reaches configure, namespaced, secret config decrypted', () => {
    expect(db().configured).toEqual({ host: '127.0.0.1', password: 'config-pw-123', pid: engine.providerPid });
    expect(stateJson()).not.toContain('config-pw-123');
  });

  test('preview with no changes: same, only Check/Diff called, state untouched', async () => {
    const before = stateJson().replace(/"time":"[^"]+"/, '');
    const from = engine.calls.length;
    const p = await engine.preview(program());
    expect(p.steps.map((s) => [s.name, s.op])).toEqual([
      ['a', 'same'],
      ['b', 'same'],
    ]);
    expect(p.step('a')!.diff!.changes).toBe('none');
    expect(p.step('a')!.inputs!.previewSql).toBe("CREATE DUMMY a VALUE '***' REF none");
    expect(new Set(callsSince(from).map((c) => c.split(':')[0]))).toEqual(new Set(['check', 'diff']));
    expect(p.outputs).toEqual({ aFq: 'public.a', aId: 'a-1', bRef: 'b-2' }); // same: old outputs are known
    // the ciphertexts are re-encrypted with a fresh nonce on every read; compare plaintext views instead
    expect(before.length).toBeGreaterThan(0);
    expect(engine.resource('a')!.inputs.tag).toBe('t1');
  });

  test('up with no changes: same', async () => {
    const r = await engine.up(program());
    expect(r.steps.map((s) => s.op)).toEqual(['same', 'same']);
  });

  test('update in place', async () => {
    const from = engine.calls.length;
    const r = await engine.up(program({ tag: 't2' }));
    expect(r.steps.map((s) => [s.name, s.op])).toEqual([
      ['a', 'update'],
      ['b', 'same'],
    ]);
    expect(r.step('a')!.diff).toEqual({
      changes: 'some',
      replaces: [],
      deleteBeforeReplace: false,
      changedKeys: ['tag'],
    });
    expect(callsSince(from)).toContain('update:a');
    expect(db().rows['a-1'].tag).toBe('t2');
    expect(engine.resource('a')!.id).toBe('a-1');
    expect(engine.resource('a')!.secretOutputs.sort()).toEqual(['token', 'value']);
  });

  test('legacy input diff when the provider diff returns changes: undefined (DIFF_UNKNOWN)', async () => {
    const r = await engine.up(program({ tag: 't2', noDiff: true }));
    expect(r.step('a')!.op).toBe('update'); // noDiff itself is a new input key
    expect(r.step('a')!.diff!.changes).toBe('unknown');
    expect(r.step('a')!.diff!.changedKeys).toEqual(['noDiff']);
    const same = await engine.up(program({ tag: 't2', noDiff: true }));
    expect(same.step('a')!.op).toBe('same');
    const r2 = await engine.up(program({ tag: 't3', noDiff: true }));
    expect(r2.step('a')!.op).toBe('update');
    expect(r2.step('a')!.diff!.changedKeys).toEqual(['tag']);
  });

  test('replace, create-before-delete (default); dependents see the new output', async () => {
    const from = engine.calls.length;
    const r = await engine.up(program({ name: 'a2', tag: 't3' }));
    expect(r.steps.map((s) => [s.name, s.op])).toEqual([
      ['a', 'replace'],
      ['b', 'update'],
    ]);
    expect(r.step('a')!.diff).toMatchObject({ replaces: ['name'], deleteBeforeReplace: false });
    const calls = callsSince(from);
    expect(calls.indexOf('create:a')).toBeLessThan(calls.indexOf('delete:a'));
    expect(calls.indexOf('update:b')).toBeLessThan(calls.indexOf('delete:a')); // old one deleted at the end
    expect(calls.filter((c) => c === 'check:a')).toHaveLength(2); // second Check with empty olds for the replacement
    const newId = engine.resource('a')!.id!;
    expect(newId).toMatch(/^a2-/);
    expect(db().rows['a-1']).toBeUndefined();
    expect(db().rows[newId].name).toBe('a2');
    expect(db().rows['b-2'].ref).toBe('public.a2');
  });

  test('replace, delete-before-replace requested by the provider diff', async () => {
    const from = engine.calls.length;
    const r = await engine.up(program({ name: 'a3', tag: 't3', dbr: true }));
    expect(r.step('a')!.op).toBe('replace');
    expect(r.step('a')!.diff).toMatchObject({ replaces: ['name'], deleteBeforeReplace: true });
    const calls = callsSince(from);
    expect(calls.indexOf('delete:a')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('delete:a')).toBeLessThan(calls.indexOf('create:a'));
  });

  test('replace, delete-before-replace from the deleteBeforeReplace resource option', async () => {
    const from = engine.calls.length;
    const r = await engine.up(program({ name: 'a4', tag: 't3' }, {}, { deleteBeforeReplace: true }));
    expect(r.step('a')!.diff).toMatchObject({ replaces: ['name'], deleteBeforeReplace: true });
    const calls = callsSince(from);
    expect(calls.indexOf('delete:a')).toBeLessThan(calls.indexOf('create:a'));
    expect(Object.values(db().rows).map((x) => x.name)).toEqual(['b', 'a4']);
  });

  test('refresh detects an out-of-band change', async () => {
    const aId = engine.resource('a')!.id!;
    const d = db();
    d.rows[aId].value = 'changed-out-of-band';
    writeDb(d);
    const r = await engine.refresh();
    expect(r.step('a')!.op).toBe('update');
    expect(r.step('a')!.outputsBefore.value).toBe('s3cr3t-value');
    expect(r.step('a')!.outputsAfter!.value).toBe('changed-out-of-band');
    expect(r.step('b')!.op).toBe('same');
    expect(engine.resource('a')!.outputs.value).toBe('changed-out-of-band');
    expect(engine.resource('a')!.secretOutputs).toContain('value'); // secretness kept across Read
    expect(stateJson()).not.toContain('changed-out-of-band');
    // the next up puts it back (Check olds = refreshed inputs, Diff olds = refreshed outputs)
    const up = await engine.up(program({ name: 'a4', tag: 't3' }, {}, { deleteBeforeReplace: true }));
    expect(up.step('a')!.op).toBe('update');
    expect(db().rows[aId].value).toBe('s3cr3t-value');
  });

  test('refresh detects an out-of-band deletion; next up re-creates', async () => {
    const bId = engine.resource('b')!.id!;
    const d = db();
    delete d.rows[bId];
    writeDb(d);
    const r = await engine.refresh();
    expect(r.step('b')!.op).toBe('delete');
    expect(engine.resource('b')).toBeUndefined();
    const up = await engine.up(program({ name: 'a4', tag: 't3' }, {}, { deleteBeforeReplace: true }));
    expect(up.step('b')!.op).toBe('create');
    expect(engine.resource('b')!.id).not.toBe(bId);
  });

  test('preview with an unknown input: sentinel reaches check/diff, nothing is created', async () => {
    const rows = Object.keys(db().rows).length;
    const stateBefore = engine.resourceViews.map((v) => [v.urn, v.id]);
    const from = engine.calls.length;
    const p = await engine.preview(() => {
      const a = new Dummy(
        'a',
        { name: 'a4', value: pulumi.secret('s3cr3t-value'), tag: 't3' },
        { deleteBeforeReplace: true },
      );
      const c = new Dummy('c', { name: 'c' });
      new Dummy('b', { name: 'b', value: 'plain-b', ref: c.fqName }); // existing resource, input now unknown
      const d = new Dummy('d', { name: 'd', ref: c.fqName }); // new resource with unknown input
      return { aFq: a.fqName, cId: c.id, dFq: d.fqName };
    });
    // registration order of independent resources depends on SDK scheduling: compare as a set
    expect(p.steps.map((s) => `${s.name}:${s.op}`).sort()).toEqual(['a:same', 'b:update', 'c:create', 'd:create']);
    expect(p.step('d')!.inputs!.ref).toBe(UNKNOWN);
    expect(p.step('d')!.inputs!.previewSql).toBe('CREATE DUMMY d /* unknown: ref */');
    expect(p.step('b')!.inputs!.ref).toBe(UNKNOWN);
    expect(p.step('b')!.diff!.changes).toBe('some');
    expect(p.step('c')!.inputs!.previewSql).toBe("CREATE DUMMY c VALUE '***' REF none");
    // the program saw unknowns for what is being created, known values for the unchanged resource
    expect(p.outputs).toEqual({ aFq: 'public.a4', cId: UNKNOWN, dFq: UNKNOWN });
    expect(
      db()
        .events.filter((e) => e.op === 'check' && e.name === 'd')
        .pop()!.unknownKeys,
    ).toEqual(['ref']);
    expect(new Set(callsSince(from).map((c) => c.split(':')[0]))).toEqual(new Set(['check', 'diff']));
    expect(Object.keys(db().rows)).toHaveLength(rows);
    expect(engine.resourceViews.map((v) => [v.urn, v.id])).toEqual(stateBefore);
  });

  test('resources no longer in the program are deleted; preview plans the delete', async () => {
    const bId = engine.resource('b')!.id!;
    const p = await engine.preview(program({ name: 'a4', tag: 't3' }, false, { deleteBeforeReplace: true }));
    expect(p.steps.map((s) => [s.name, s.op])).toEqual([
      ['a', 'same'],
      ['b', 'delete'],
    ]);
    expect(db().rows[bId]).toBeDefined();
    const r = await engine.up(program({ name: 'a4', tag: 't3' }, false, { deleteBeforeReplace: true }));
    expect(r.steps.map((s) => [s.name, s.op])).toEqual([
      ['a', 'same'],
      ['b', 'delete'],
    ]);
    expect(db().rows[bId]).toBeUndefined();
    expect(engine.resource('b')).toBeUndefined();
  });

  test('destroy deletes in reverse dependency order', async () => {
    await engine.up(program({ name: 'a4', tag: 't3' }, {}, { deleteBeforeReplace: true }));
    const aId = engine.resource('a')!.id!;
    const bId = engine.resource('b')!.id!;
    const n = db().events.length;
    const r = await engine.destroy();
    expect(r.steps.map((s) => [s.name, s.op])).toEqual([
      ['b', 'delete'],
      ['a', 'delete'],
    ]);
    expect(
      db()
        .events.slice(n)
        .filter((e) => e.op === 'delete')
        .map((e) => e.id),
    ).toEqual([bId, aId]);
    expect(db().rows).toEqual({});
    expect(engine.state.deployment.resources).toEqual([]);
  });
});

describe('errors', () => {
  afterEach(async () => {
    await engine.destroy();
  });

  test('a failing Create rejects up() with the provider message; other resources are kept', async () => {
    await engine.up(() => {
      new Dummy('ok', { name: 'ok' });
    });
    const err = await engine
      .up(() => {
        new Dummy('ok', { name: 'ok' });
        new Dummy('bad', { name: 'bad', fail: 'create' });
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.message).toContain('dummy: create of bad failed');
    expect(engine.logs.join('\n')).toMatch(/\[grpc error\] create .*bad: code=2 dummy: create of bad failed/);
    expect(engine.resource('bad')).toBeUndefined();
    expect(engine.resource('ok')).toBeDefined();
  });

  test('a failing Create skips deletes of removed resources', async () => {
    await engine.up(() => {
      new Dummy('keep', { name: 'keep' });
    });
    await expect(
      engine.up(() => {
        new Dummy('bad', { name: 'bad', fail: 'create' });
      }),
    ).rejects.toThrow('dummy: create of bad failed');
    expect(engine.resource('keep')).toBeDefined();
  });

  test('Check failures reject with the reason', async () => {
    await expect(
      engine.up(() => {
        new Dummy('nameless', { name: '' });
      }),
    ).rejects.toThrow(/property name: name is required/);
    await expect(
      engine.preview(() => {
        new Dummy('nameless', { name: '' });
      }),
    ).rejects.toThrow(/name is required/);
  });

  test('partial create (ErrorResourceInitFailed) is recorded; the next up updates it', async () => {
    const err = await engine
      .up(() => {
        new Dummy('half', { name: 'half', fail: 'init', value: pulumi.secret('half-secret') });
      })
      .catch((e) => e);
    expect(err.message).toContain('created but failed to initialize');
    const half = engine.resource('half')!;
    expect(half.id).toMatch(/^half-/);
    expect(half.initErrors).toEqual(['not healthy']);
    expect(half.secretOutputs).toContain('value');
    expect(stateJson()).not.toContain('half-secret');
    const r = await engine.up(() => {
      new Dummy('half', { name: 'half', value: pulumi.secret('half-secret') });
    });
    expect(r.step('half')!.op).toBe('update');
    expect(engine.resource('half')!.initErrors).toBeUndefined();
  });

  test('a failing Update keeps the old state', async () => {
    await engine.up(() => {
      new Dummy('u', { name: 'u', tag: 'x' });
    });
    await expect(
      engine.up(() => {
        new Dummy('u', { name: 'u', tag: 'y', fail: 'update' });
      }),
    ).rejects.toThrow('dummy: update of u failed');
    expect(engine.resource('u')!.inputs.tag).toBe('x');
  });

  test('an error thrown by the program itself rejects up()', async () => {
    await expect(
      engine.up(() => {
        throw new Error('program blew up');
      }),
    ).rejects.toThrow('program blew up');
  });
});

class SecretCapturingProvider implements pulumi.dynamic.ResourceProvider {
  constructor(private readonly pw: pulumi.Output<string>) {}
  async create(): Promise<pulumi.dynamic.CreateResult> {
    return { id: 'cap-1', outs: { ok: this.pw !== undefined } };
  }
}
class Capturing extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(new SecretCapturingProvider(pulumi.secret('captured-pw')), name, {}, {}, 'test', 'Capturing');
  }
}
class Group extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('test:index:Group', name, {}, opts);
    new Dummy(`${name}-child`, { name: `${name}-child` }, { parent: this });
    this.registerOutputs({});
  }
}

describe('other engine rules', () => {
  test('a __provider that captured a secret is stored encrypted', async () => {
    await engine.up(() => {
      new Capturing('cap');
    });
    const cap = engine.resource('cap')!;
    expect(cap.secretInputs).toContain('__provider');
    expect(cap.secretOutputs).toContain('__provider');
    expect(cap.inputs.__provider).toContain('captured-pw'); // plaintext inside, like Pulumi
    expect(stateJson()).not.toContain('captured-pw');
    await engine.destroy();
  });

  test('components: parent type chain in child URNs, children deleted with the program', async () => {
    await engine.up(() => {
      new Group('g');
    });
    const child = engine.resource('g-child')!;
    expect(child.urn).toBe('urn:pulumi:dev::engine-test::test:index:Group$pulumi-nodejs:dynamic/test:Dummy::g-child');
    expect(child.parent).toBe('urn:pulumi:dev::engine-test::test:index:Group::g');
    const r = await engine.up(() => undefined);
    expect(r.steps.map((s) => `${s.name}:${s.op}`)).toEqual(['g-child:delete']);
    expect(engine.state.deployment.resources.map((x) => x.type)).toEqual(['pulumi:pulumi:Stack']);
    await engine.destroy();
  });
});

describe('process', () => {
  test('protect blocks delete', async () => {
    await engine.up(() => {
      new Dummy('p', { name: 'p' }, { protect: true });
    });
    await expect(engine.up(() => undefined)).rejects.toThrow(/protected/);
    await engine.up(() => {
      new Dummy('p', { name: 'p' }, { protect: false });
    });
    await engine.destroy();
  });

  test('stop() leaves no orphan provider process', async () => {
    const e2 = await startEngine({ projectDir: dir, config: { 'dummy:storePath': storePath } });
    const pid = e2.providerPid!;
    expect(() => process.kill(pid, 0)).not.toThrow();
    await e2.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    await e2.stop(); // idempotent
  });
});
