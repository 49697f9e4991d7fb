// A name freed and taken in the same update (README "Honest limits"; the fault campaign's D5 and D6): Pulumi
// creates before it deletes, runs independent steps at once and stops at the first error, so such an update can
// fail every time with plain `pulumi up`. What must hold: the refusal touches nothing, and the README's recovery
// (`pulumi up --continue-on-error` once, then `pulumi up`) converges with every object the program declares.
import * as path from 'path';
import { clear, sql } from './catalog';
import { materializeConfig, ROOT, Stack } from './pulumi';

jest.setTimeout(600_000);

const PROGRAM = path.join(ROOT, 'test/acceptance/programs/name-reuse');

/** The secrets and connections in materialize.public: name to [type, catalog id]. */
async function objects(): Promise<Record<string, [string, string]>> {
  const rows = await sql(
    `SELECT o.name, o.type, o.id FROM mz_catalog.mz_objects o JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id
     WHERE s.name = 'public' AND o.type IN ('secret', 'connection') ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.name), [String(r.type), String(r.id)]]));
}

let stack: Stack | undefined;

afterEach(async () => {
  if (stack) {
    await stack.run(['destroy', '--yes', '--skip-preview']);
    stack.remove();
    stack = undefined;
  }
  await clear();
});

test('a removed resource name taken by a new one, and a rename onto a name renamed away: the recovery converges, nothing lost', async () => {
  await clear();
  stack = new Stack({ programDir: PROGRAM });
  const mz = materializeConfig();
  await stack.init({ ...mz.config, version: '1' }, mz.secrets);
  await stack.ok(['up', '--yes', '--skip-preview']);
  const v1 = await objects();
  expect(Object.keys(v1)).toEqual(['shared', 'x', 'y']);
  expect(v1.shared[0]).toBe('secret');
  expect(v1.x[0]).toBe('secret');
  expect(v1.y[0]).toBe('connection');

  await stack.setConfig('version', '2');
  // `new` is created at `shared` before `old` is deleted: refused, nothing touched; and the update stops there,
  // so `old` is still not deleted and a second plain `up` meets the same refusal.
  for (let attempt = 0; attempt < 2; attempt++) {
    const up = await stack.run(['up', '--yes', '--skip-preview']);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain(
      'secret "materialize"."public"."shared" already exists and is not managed by this resource',
    );
    expect((await objects()).shared).toEqual(v1.shared);
  }

  const cont = await stack.run(['up', '--yes', '--skip-preview', '--continue-on-error']);
  // `new`'s create fails once more; the rest of the update (deleting `old`, renaming `a` away from `x`) runs.
  expect(cont.code).not.toBe(0);
  const between = await objects();
  expect(between.shared).toBeUndefined();
  expect(between.z).toEqual(v1.x);

  await stack.ok(['up', '--yes', '--skip-preview']);
  const v2 = await objects();
  expect(Object.keys(v2)).toEqual(['shared', 'x', 'z']);
  expect(v2.shared[0]).toBe('secret');
  expect(v2.shared[1]).not.toBe(v1.shared[1]);
  expect(v2.z).toEqual(v1.x); // renamed in place, not replaced
  expect(v2.x[0]).toBe('connection');
  await stack.ok(['preview', '--expect-no-changes']);
});
