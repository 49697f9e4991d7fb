// pulumi-materialize-connections/automation: the options it returns keep everything the caller set and only
// extend NODE_PATH; the inline-program check stays silent outside an Automation API inline program. Real installs
// (npm, pnpm) run the deploy script in scripts/ci-install-smoke.sh; the acceptance suite runs examples/automation.
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { withNodePath } from '../../../sdk/automation';
import { isInlineProgram } from '../../../sdk/inline-check';

const D = path.delimiter;

test('nothing the caller set is dropped; NODE_PATH entries already there stay first, none twice', () => {
  const program = async () => undefined;
  const options = {
    workDir: '/app',
    pulumiHome: '/home',
    program,
    envVars: { A: '1', NODE_PATH: `/mine${D}/roots/a` },
    secretsProvider: 'passphrase',
  };
  const result = withNodePath(options, ['/roots/a', '/roots/b'], '/from-env');
  expect(result).toEqual({ ...options, envVars: { A: '1', NODE_PATH: `/mine${D}/roots/a${D}/roots/b` } });
  expect(options.envVars.NODE_PATH).toBe(`/mine${D}/roots/a`); // not mutated
});

test("without NODE_PATH in envVars, this process' NODE_PATH is kept first (envVars replace the CLI's)", () => {
  expect(withNodePath({}, ['/r'], `/env${D}`).envVars).toEqual({ NODE_PATH: `/env${D}/r` });
  expect(withNodePath({}, ['/r'], undefined).envVars).toEqual({ NODE_PATH: '/r' });
});

test('not an inline program: no engine, or mocks', async () => {
  const saved = process.env.PULUMI_NODEJS_MONITOR;
  delete process.env.PULUMI_NODEJS_MONITOR;
  try {
    expect(isInlineProgram()).toBe(false);
    await pulumi.runtime.setMocks({
      newResource: (a) => ({ id: a.name, state: a.inputs }),
      call: (a) => a.inputs,
    });
    expect(pulumi.runtime.hasMonitor()).toBe(true);
    expect(isInlineProgram()).toBe(false);
  } finally {
    if (saved !== undefined) process.env.PULUMI_NODEJS_MONITOR = saved;
  }
});
