// D3 of the fault campaign, proved without this package: `pulumi refresh --import-pending-creates <urn> <id>` on a
// dynamic resource. A no-op dynamic resource (programs/pending-import) logs every provider call; a pending create
// is left in the checkpoint as a run killed inside the create leaves it (the resource moved from `resources` to
// `pending_operations`, in the backend's own file: `pulumi stack import` would drop the pending operation).
// The CLI rewrites the pending create as an `importing` operation, and the engine of Pulumi 3.276 has no step that
// reads one: the provider's `read` is never called, the resource is not in the new state, and the exit code is 0.
// If this test starts to fail, the engine imports pending creates: the README's "After a killed `pulumi up`" and
// test/campaign/recovery.ts must change with it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, Stack } from './pulumi';

jest.setTimeout(300_000);

const URN = 'urn:pulumi:acceptance::acceptance-pending-import::pulumi-nodejs:dynamic:Resource::thing';

test('refresh --import-pending-creates drops a dynamic resource without calling its read (the engine, not the provider)', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pending-import-'));
  const log = path.join(work, 'calls.log');
  const stack = new Stack({
    programDir: path.join(ROOT, 'test/acceptance/programs/pending-import'),
    env: { PENDING_IMPORT_LOG: log },
  });
  try {
    await stack.init({});
    await stack.ok(['up', '--yes', '--skip-preview']);
    expect(fs.readFileSync(log, 'utf8')).toBe('create\n');

    const file = path.join(stack.work, 'state/.pulumi/stacks/acceptance-pending-import/acceptance.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    const resources: { urn: string; type: string; inputs: unknown; parent: string; provider: string }[] =
      raw.checkpoint.latest.resources;
    const r = resources.find((x) => x.urn === URN)!;
    raw.checkpoint.latest.resources = resources.filter((x) => x !== r);
    raw.checkpoint.latest.pending_operations = [
      {
        type: 'creating',
        resource: { urn: r.urn, custom: true, type: r.type, inputs: r.inputs, parent: r.parent, provider: r.provider },
      },
    ];
    fs.writeFileSync(file, JSON.stringify(raw));
    fs.writeFileSync(log, '');

    const imported = await stack.run([
      'refresh',
      '--yes',
      '--skip-preview',
      '--import-pending-creates',
      URN,
      '--import-pending-creates',
      'thing-1',
    ]);
    expect(imported.code).toBe(0);
    expect(imported.output).not.toContain('did not correspond to a pending create');
    const after = JSON.parse(await stack.exportState()).deployment;
    expect((after.resources ?? []).map((x: { urn: string }) => x.urn)).not.toContain(URN);
    expect(after.pending_operations ?? []).toEqual([]);
    // No provider call at all: the engine never asked the provider to read the object it was told to import.
    expect(fs.readFileSync(log, 'utf8')).toBe('');
  } finally {
    stack.remove();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
