// The policy pack (policy/, on @pulumi/policy) run by the real Pulumi CLI: `pulumi preview --policy-pack <dir>`
// goes through the Node.js language host's RunPlugin (tools/pulumi-cli/pulumi-language-nodejs.js) and the
// analyzer proxy in front of the pack. A program that breaks every policy fails the preview on the mandatory
// ones and is warned by the advisory ones; the pack's config turns levels down and allows hosts; a program that
// breaks none passes with no policy output at all.
import * as fs from 'fs';
import * as path from 'path';
import { materializeConfig, ROOT, Stack } from './pulumi';

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

jest.setTimeout(600_000);

const PACK = path.join(ROOT, 'policy');
const MANDATORY = ['no-plaintext-kafka', 'no-plaintext-database', 'no-plaintext-schema-registry'];
const ADVISORY = ['aws-connection-role', 'ssh-key-rotation', 'keep-validation', 'no-drop-cascade'];

let stack: Stack;
beforeAll(async () => {
  stack = new Stack({ programDir: path.join(ROOT, 'test/acceptance/programs/policy') });
  const mz = materializeConfig();
  await stack.init({ ...mz.config, variant: 'bad' }, mz.secrets);
});
afterAll(() => stack?.remove());

/** The lines of the CLI's policy report that name a policy: `- [mandatory]  <name>  (<type>: <name>)`. */
function reported(output: string): Record<string, string> {
  const levels: Record<string, string> = {};
  for (const m of output.matchAll(/- \[(mandatory|advisory)\]\s+([a-z-]+)\s+\(/g)) levels[m[2]] = m[1];
  return levels;
}

function configFile(config: object): string {
  const file = path.join(stack.work, `policy-config-${Object.keys(config).join('-')}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

test('a program breaking every policy: the preview fails on the mandatory ones and warns on the advisory ones', async () => {
  const r = await stack.run(['preview', '--policy-pack', PACK]);
  expect(r.code).not.toBe(0);
  expect(reported(r.output)).toEqual({
    ...Object.fromEntries(MANDATORY.map((p) => [p, 'mandatory'])),
    ...Object.fromEntries(ADVISORY.map((p) => [p, 'advisory'])),
  });
  expect(r.output).toContain('KafkaConnection "kafka" uses SECURITY PROTOCOL PLAINTEXT to kafka.example.com');
  expect(r.output).toContain(
    `PostgresConnection "pg" has no sslMode (Materialize's default is disable) to pg.example.com`,
  );
  expect(r.output).toContain('ConfluentSchemaRegistryConnection "csr" reaches csr.example.com over http://');
  expect(r.output).toContain('AwsConnection "aws" assumes a role and the stack has no AwsConnectionRole');
  expect(r.output).toContain('SshTunnelConnection "tunnel" has no keyRotation');
  expect(r.output).toContain('KafkaConnection "kafka" sets validate: false');
  expect(r.output).toContain('AwsConnection "aws" sets dropCascade: true');
});

test("the pack's config: enforcement levels turned down or off, plaintext hosts allowed", async () => {
  const levels = configFile({
    'no-plaintext-kafka': 'advisory',
    'no-plaintext-database': { enforcementLevel: 'advisory' },
    'no-plaintext-schema-registry': { allowedHosts: ['*.example.com'] },
    'no-drop-cascade': 'disabled',
  });
  const r = await stack.run(['preview', '--policy-pack', PACK, '--policy-pack-config', levels]);
  expect(r.code).toBe(0);
  expect(reported(r.output)).toEqual({
    'no-plaintext-kafka': 'advisory',
    'no-plaintext-database': 'advisory',
    'aws-connection-role': 'advisory',
    'ssh-key-rotation': 'advisory',
    'keep-validation': 'advisory',
  });

  const all = configFile({ all: 'disabled' });
  const quiet = await stack.run(['preview', '--policy-pack', PACK, '--policy-pack-config', all]);
  expect(quiet.code).toBe(0);
  expect(reported(quiet.output)).toEqual({});
});

test('a program breaking no policy passes with no policy report', async () => {
  await stack.setConfig('variant', 'good');
  const r = await stack.run(['preview', '--policy-pack', PACK]);
  expect(r.code).toBe(0);
  expect(reported(r.output)).toEqual({});
  expect(r.output).toContain(`✅ materialize-connections@v${VERSION} (local: `);
  expect(r.output).toMatch(/Policies:\s+✅ materialize-connections@v/);
});
