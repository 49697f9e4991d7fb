// The CLI folder that `npm run pulumi-cli` prints ships `pulumi-language-yaml` (built once per machine at the
// version scripts/pulumi-cli.sh pins): a Pulumi YAML program deploys through the real CLI with config resolved,
// and its secrets, made in the program or given as secret config, stay ciphertext in the state.
import * as path from 'path';
import { forms, ROOT, Stack } from './pulumi';

jest.setTimeout(600_000);

const PROGRAM = path.join(ROOT, 'test/acceptance/programs/yaml-host');
/** Written in the program itself (fn::secret). */
const IN_PROGRAM = 'canary-yaml-program-4Rw';
/** Given as secret config, through stdin. */
const IN_CONFIG = 'canary-yaml-config-8Tq';

let stack: Stack | undefined;
afterAll(async () => {
  if (stack) {
    await stack.run(['destroy', '--yes', '--skip-preview']);
    stack.remove();
  }
});

test('a YAML program deploys, its outputs are exact, its secrets are secrets, and a second preview is empty', async () => {
  stack = new Stack({ programDir: PROGRAM });
  await stack.init({ greeting: 'hello' }, { token: IN_CONFIG });

  const up = await stack.ok(['up', '--yes', '--skip-preview']);
  expect(up.output).not.toContain(IN_PROGRAM);
  expect(up.output).not.toContain(IN_CONFIG);

  expect(await stack.outputs()).toEqual({ joined: 'hello-yaml', wrapped: IN_PROGRAM, token: IN_CONFIG });
  const masked = JSON.parse((await stack.ok(['stack', 'output', '--json'])).stdout);
  expect(masked).toEqual({ joined: 'hello-yaml', wrapped: '[secret]', token: '[secret]' });

  const state = await stack.exportState();
  expect(state).toContain('hello-yaml');
  expect([...forms(IN_PROGRAM), ...forms(IN_CONFIG)].filter((f) => state.includes(f))).toEqual([]);

  await stack.ok(['preview', '--expect-no-changes']);
});
