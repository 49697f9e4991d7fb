// Issue 18, item 1, through the real CLI: a secret made in the program (`pulumi.secret(...)`, not a secret config
// value, which the CLI masks everywhere by itself) given to a text option, while another input (the comment: a
// resource's id) is unknown in the preview. With @pulumi/pulumi up to 3.259 an Output both unknown and secret goes
// out as a plain unknown, so a plannedSql placeholder built from the inputs lost its secret mark there.
import * as path from 'path';
import { clear } from './catalog';
import { forms, materializeConfig, ROOT, Stack } from './pulumi';

jest.setTimeout(600_000);

const PROGRAM = path.join(ROOT, 'test/acceptance/programs/secret-preview');
/** Written in the program itself (programs/secret-preview/index.ts), never in config. */
const CANARY = 'canary-sasl-user-7Qx';
const ROTATED = 'rotated-sasl-user-9Zk';

const leaks = (text: string) => [...forms(CANARY), ...forms(ROTATED)].filter((f) => text.includes(f));

let stack: Stack;
afterAll(async () => {
  if (stack) {
    await stack.run(['destroy', '--yes', '--skip-preview']);
    stack.remove();
  }
  await clear();
});

test('preview --diff with an unknown comment: plannedSql is [secret] and no form of the username is printed', async () => {
  await clear();
  stack = new Stack({ programDir: PROGRAM });
  const mz = materializeConfig();
  await stack.init(mz.config, mz.secrets);

  const preview = await stack.ok(['preview', '--diff']);
  expect(preview.output).toContain('comment');
  expect(preview.stdout).toMatch(/KafkaConnection[\s\S]*plannedSql\s*: \[secret\]/);
  expect(leaks(preview.output)).toEqual([]);

  const up = await stack.ok(['up', '--yes', '--skip-preview', '--diff']);
  expect(leaks(up.output)).toEqual([]);
  expect(leaks(await stack.exportState())).toEqual([]);

  const refresh = await stack.ok(['refresh', '--yes', '--skip-preview', '--diff']);
  expect(leaks(refresh.output)).toEqual([]);
  expect(leaks(await stack.exportState())).toEqual([]);

  // A refused ALTER: the new username with validation on; Materialize cannot reach the brokers.
  await stack.setConfig('rotate', 'true');
  const refused = await stack.run(['up', '--yes', '--skip-preview', '--diff']);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain(
    `ALTER CONNECTION "materialize"."public"."secret_preview_kafka" SET (SASL USERNAME = '********')`,
  );
  expect(leaks(refused.output)).toEqual([]);
  expect(leaks(await stack.exportState())).toEqual([]);

  const destroy = await stack.ok(['destroy', '--yes', '--skip-preview']);
  expect(leaks(destroy.output)).toEqual([]);
});
