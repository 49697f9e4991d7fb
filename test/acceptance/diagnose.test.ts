// Diagnostics with the real Pulumi CLI: a connection Materialize refuses to validate fails `pulumi up` with
// Materialize's error and, under it, the verdict of the probe run from this machine (against the real
// PostgreSQL of scripts/services.sh), without the password in any encoding (given as pulumi.secret() in code).
import * as path from 'path';
import { services } from '../services/env';
import { describe as describeLeaks, findLeaks } from '../canary/search';
import { clear, objects } from './catalog';
import { materializeConfig, ROOT, Stack } from './pulumi';

jest.setTimeout(600_000);

let stack: Stack;
afterAll(async () => {
  await stack?.run(['destroy', '--yes', '--skip-preview']);
  stack?.remove();
  await clear();
});

test('a wrong PostgreSQL password: up fails with the verdict (step auth), the password appears nowhere', async () => {
  await clear();
  const pg = services.pg();
  // From the environment, made a secret in the program (a secret config value would be masked by the engine).
  const wrong = `wrong-acceptance-password ${process.pid} "q"/+é`;
  stack = new Stack({
    programDir: path.join(ROOT, 'test/acceptance/programs/diagnose'),
    env: { ACCEPTANCE_PG_PASSWORD: wrong },
  });
  const mz = materializeConfig();
  await stack.init({ ...mz.config, pgHost: pg.host, pgPort: String(pg.port), pgUser: pg.user }, mz.secrets);
  const up = await stack.run(['up', '--yes', '--skip-preview', '--diff']);
  expect(up.code).not.toBe(0);
  expect(up.output).toContain(`Diagnosis: from this machine, postgres at ${pg.host}:${pg.port}`);
  expect(up.output).toMatch(/fails at step auth/);
  const outputs = [
    { source: 'up', text: up.output },
    { source: 'stack export', text: await stack.exportState() },
  ];
  expect(describeLeaks(findLeaks([{ label: 'pgPassword', value: wrong, user: pg.user }], outputs))).toBe('');
  // Nothing half-made: the secret was created, the refused connection was not.
  expect(await objects()).toEqual(['diag_pg_password']);

  stack.env.ACCEPTANCE_PG_PASSWORD = pg.password;
  await stack.ok(['up', '--yes', '--skip-preview']);
  expect(await objects()).toEqual(['diag_pg', 'diag_pg_password']);
});
