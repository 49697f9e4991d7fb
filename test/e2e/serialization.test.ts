// The `__provider` every resource class stores: a small module that only requires this package's provider entry
// at call time. Checked twice: as users get it (plain Node loading the built lib/, and the text evaluated the way
// the dynamic-provider process does: require-from-string, then `.handler()`), and as the engine stored it for real
// resources registered by a program (here under jest, so from swc output).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../../sdk';
import { makeProgramDir, removeProgramDir, REPO_ROOT, startEngine, type Engine } from '../engine';

const PACKAGE_ENTRY = 'pulumi-materialize-connections/provider';
/**
 * Measured: 341 to 363 bytes per kind (552 to 576 with a wrapper per method, 818 to 842 while it was written to be
 * read). The closure serializer's shim was 2,782 to 2,878 (tsc and swc output, @pulumi/pulumi 3.248.0), stored twice
 * per resource and sent with every call. A shim that grows is a shim that captures.
 */
const SIZE_BOUND = 400;

const classes = {
  secret: ['Secret', (n: string) => new mz.Secret(n, { name: n, value: 'v' })],
  aws: ['AwsConnection', (n: string) => new mz.AwsConnection(n, { name: n, assumeRoleArn: 'arn:aws:iam::1:role/r' })],
  'aws-privatelink': [
    'AwsPrivatelinkConnection',
    (n: string) =>
      new mz.AwsPrivatelinkConnection(n, { name: n, serviceName: 'com.amazonaws.vpce.x', availabilityZones: ['a'] }),
  ],
  kafka: ['KafkaConnection', (n: string) => new mz.KafkaConnection(n, { name: n, brokers: ['b:9092'] })],
  'confluent-schema-registry': [
    'ConfluentSchemaRegistryConnection',
    (n: string) => new mz.ConfluentSchemaRegistryConnection(n, { name: n, url: 'http://csr:8081' }),
  ],
  mysql: ['MySqlConnection', (n: string) => new mz.MySqlConnection(n, { name: n, host: 'h', user: 'u' })],
  postgres: [
    'PostgresConnection',
    (n: string) => new mz.PostgresConnection(n, { name: n, host: 'h', user: 'u', database: 'd' }),
  ],
  'sql-server': [
    'SqlServerConnection',
    (n: string) =>
      new mz.SqlServerConnection(n, { name: n, host: 'h', user: 'u', database: 'd', password: { name: 'pw' } }),
  ],
  'ssh-tunnel': [
    'SshTunnelConnection',
    (n: string) => new mz.SshTunnelConnection(n, { name: n, host: 'h', user: 'u' }),
  ],
  'ssh-bastion-authorized-keys': [
    'SshBastionAuthorizedKeys',
    (n: string) =>
      new mz.SshBastionAuthorizedKeys(n, {
        host: 'h',
        user: 'u',
        publicKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb2nPR6weuxZxZNSkFKNCFsEIBbSwxYEgcSbDCQFo8r materialize'],
        hostKeySha256: `SHA256:${'A'.repeat(43)}`,
        privateKey: pulumi.secret('operator-private-key'),
      }),
  ],
  'iceberg-catalog': [
    'IcebergCatalogConnection',
    (n: string) =>
      new mz.IcebergCatalogConnection(n, { name: n, catalogType: 'rest', url: 'https://c/x', credential: 'c' }),
  ],
  gcp: ['GcpConnection', (n: string) => new mz.GcpConnection(n, { name: n, serviceAccountKey: { name: 'sa' } })],
  'aws-glue-schema-registry': [
    'AwsGlueSchemaRegistryConnection',
    (n: string) =>
      new mz.AwsGlueSchemaRegistryConnection(n, { name: n, awsConnection: { name: 'aws' }, registry: 'r' }),
  ],
} as const;
const kinds = Object.keys(classes) as (keyof typeof classes)[];

function requireTargets(text: string): { targets: string[]; bareRequires: number } {
  const targets = [...text.matchAll(/\brequire\(\s*(['"`])([^'"`]+)\1\s*\)/g)].map((m) => m[2]);
  return { targets, bareRequires: (text.match(/\brequire\b/g) ?? []).length };
}

/** Every check that does not depend on which compiler produced the text. */
function expectShim(kind: string, text: string) {
  const { targets, bareRequires } = requireTargets(text);
  expect(targets.length).toBeGreaterThan(0);
  expect([...new Set(targets)]).toEqual([PACKAGE_ENTRY]);
  expect(bareRequires).toBe(targets.length); // no require(variable), no require.resolve
  // No absolute paths: neither this machine's nor any.
  for (const p of [REPO_ROOT, os.tmpdir(), os.homedir(), process.cwd()]) expect(text).not.toContain(p);
  expect(text).not.toMatch(/(^|[\s"'`(])\/(work|home|tmp|usr|root|Users|var|opt)\//m);
  expect(text).not.toMatch(/[A-Za-z]:\\\\/);
  expect(text).not.toMatch(/node_modules/);
  expect(Buffer.byteLength(text)).toBeLessThan(SIZE_BOUND);
  if (process.env.SHOW_PROVIDER_SIZES) console.log(kind, Buffer.byteLength(text));
  // The only thing that differs between kinds is the kind itself.
  expect(text).toContain(JSON.stringify(kind));
}

describe('as users get it: plain Node loading the built lib/', () => {
  type Loaded = { text: string; again: string; error: string; version: string };
  let loaded: Record<string, Loaded>;

  // The @pulumi/pulumi this jest run uses (a moduleNameMapper may point elsewhere than the repo's), and the
  // require-from-string its dynamic-provider process evaluates `__provider` with.
  const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
  const fromString = require.resolve('require-from-string', { paths: [pulumiDir] });
  const shimJs = path.join(REPO_ROOT, 'lib/sdk/shim.js');

  beforeAll(() => {
    const script = `
      const { providerModule } = require(${JSON.stringify(shimJs)});
      const requireFromString = require(${JSON.stringify(fromString)});
      const version = require(${JSON.stringify(path.join(pulumiDir, 'package.json'))}).version;
      (async () => {
        const out = {};
        for (const kind of ${JSON.stringify(kinds)}) {
          const text = providerModule(kind);
          const module = requireFromString(text);
          // This directory cannot resolve the package: the handler, called at the first operation, says what to do.
          let error = 'resolved';
          try { module.handler(); } catch (e) { error = e.message; }
          out[kind] = { text, again: providerModule(kind), error, version };
        }
        process.stdout.write(JSON.stringify(out));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    // Run from a neutral directory, as a user's program would (the shim must not depend on the cwd).
    const r = spawnSync(process.execPath, ['-e', script], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`loading the shim in a child process failed:\n${r.stderr}`);
    loaded = JSON.parse(r.stdout);
  });

  test.each(kinds)('%s', (kind) => {
    const s = loaded[kind];
    expect(s.again).toBe(s.text);
    expectShim(kind, s.text);
    expect(s.error).toBe(
      `pulumi-materialize-connections is not installed in ${fs.realpathSync(os.tmpdir())} ` +
        '(Automation API: use its workspaceOptions())',
    );
  });

  test('the handler loads the entry and returns its provider; another missing module is thrown as it is', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-'));
    // A program folder whose package's provider entry is `provider`.
    const program = (name: string, provider: string) => {
      const pkg = path.join(dir, name, 'node_modules', 'pulumi-materialize-connections');
      fs.mkdirSync(pkg, { recursive: true });
      fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ exports: { './provider': './provider.js' } }));
      fs.writeFileSync(path.join(pkg, 'provider.js'), provider);
      return path.join(dir, name);
    };
    const stub = program(
      'stub',
      'globalThis.loads = (globalThis.loads ?? 0) + 1;' +
        'exports.dynamicProvider = (kind) => ({ kind, check(...args) { return { kind: this.kind, args }; } });',
    );
    const broken = program('broken', "require('not-installed-4f2a');");
    // A provider process of its own per folder: it resolves from its working directory.
    const check = (cwd: string) => {
      const script = `
        const { providerModule } = require(${JSON.stringify(shimJs)});
        const module = require(${JSON.stringify(fromString)})(providerModule('kafka'));
        const before = globalThis.loads ?? 0;
        Promise.resolve().then(() => module.handler().check('olds', 'news')).then(
          (result) => ({ result }),
          (e) => ({ error: [e.code, e.message.split('\\n')[0]] }),
        ).then((r) => process.stdout.write(JSON.stringify({ before, loads: globalThis.loads ?? 0, ...r })));`;
      const r = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`the provider process failed:\n${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    try {
      expect(check(stub)).toEqual({ before: 0, loads: 1, result: { kind: 'kafka', args: ['olds', 'news'] } });
      expect(check(broken)).toEqual({
        before: 0,
        loads: 0,
        error: ['MODULE_NOT_FOUND', "Cannot find module 'not-installed-4f2a'"],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('kinds differ only in the kind', () => {
    const neutral = (k: string) => loaded[k].text.split(JSON.stringify(k)).join('"KIND"');
    for (const k of kinds) expect(neutral(k)).toBe(neutral('secret'));
  });

  test('the environment this ran under (ci-node22.sh sets the expectations)', () => {
    const s = loaded.secret;
    if (process.env.CI_EXPECT_PULUMI_VERSION) expect(s.version).toBe(process.env.CI_EXPECT_PULUMI_VERSION);
    if (process.env.CI_EXPECT_NODE_MAJOR)
      expect(process.version).toMatch(new RegExp(`^v${process.env.CI_EXPECT_NODE_MAJOR}\\.`));
    expect(require('@pulumi/pulumi/package.json').version).toBe(s.version);
  });
});

describe('as the engine stored it for registered resources', () => {
  let engine: Engine;
  let dir: string;
  const providers: Record<string, string[]> = {};

  beforeAll(async () => {
    dir = makeProgramDir();
    // Check runs in the provider process (pure: no Materialize is needed for a preview of new resources).
    engine = await startEngine({ projectDir: dir, config: { 'materialize:host': 'nowhere.invalid' } });
    const run = await engine.preview(() => {
      for (const kind of kinds) {
        const make = classes[kind][1] as (n: string) => unknown;
        make(`${kind}-a`);
        make(`${kind}-b`);
      }
    });
    for (const step of run.steps) {
      const kind = step.name.replace(/-[ab]$/, '');
      (providers[kind] ??= []).push(String(step.inputs!.__provider));
      expect(step.type).toBe(`pulumi-nodejs:dynamic/materialize:${classes[kind as keyof typeof classes][0]}`);
    }
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
    removeProgramDir(dir);
  });

  test.each(kinds)('%s: same __provider for every instance, a shim, not secret', async (kind) => {
    const [a, b] = providers[kind];
    expect(providers[kind]).toHaveLength(2);
    expect(b).toBe(a);
    expectShim(kind, a);
  });

  test('a new run serializes the same text again', async () => {
    const second = await engine.preview(() => {
      classes.kafka[1]('kafka-a');
    });
    expect(second.step('kafka-a')!.inputs!.__provider).toBe(providers.kafka[0]);
  });
});
