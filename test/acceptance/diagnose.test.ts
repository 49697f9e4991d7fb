// Diagnostics with the real Pulumi CLI: a connection Materialize refuses to validate fails `pulumi up` with
// Materialize's error and, under it, the verdict of the probe run from this machine (against the real
// PostgreSQL of scripts/services.sh), without the password.
import * as path from 'path';
import { services } from '../services/env';
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
  stack = new Stack({ programDir: path.join(ROOT, 'test/acceptance/programs/diagnose') });
  const mz = materializeConfig();
  const wrong = 'wrong-acceptance-password';
  await stack.init(
    { ...mz.config, pgHost: pg.host, pgPort: String(pg.port), pgUser: pg.user },
    { ...mz.secrets, pgPassword: wrong },
  );
  const up = await stack.run(['up', '--yes', '--skip-preview']);
  expect(up.code).not.toBe(0);
  expect(up.output).toContain(`Diagnosis: from this machine, postgres at ${pg.host}:${pg.port}`);
  expect(up.output).toMatch(/fails at step auth/);
  expect(up.output).not.toContain(wrong);
  expect(await stack.exportState()).not.toContain(wrong);
  // Nothing half-made: the secret was created, the refused connection was not.
  expect(await objects()).toEqual(['diag_pg_password']);

  await stack.ok(['config', 'set', '--secret', 'pgPassword'], pg.password);
  await stack.ok(['up', '--yes', '--skip-preview']);
  expect(await objects()).toEqual(['diag_pg', 'diag_pg_password']);
});
