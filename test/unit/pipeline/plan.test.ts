// mz-plan (pipeline/plan) over preview digests shaped as the CLI writes them (test/acceptance/plan.test.ts runs
// it over real ones). The property that matters most: no secret in what it prints, whatever the digest holds:
// masked, wrapped in Pulumi's secret envelope, or in clear where a value is secret by nature.
import fc from 'fast-check';
import { mzPlan, parseArgs } from '../../../pipeline/plan/cli';
import { readPlan, UNKNOWN } from '../../../pipeline/plan/model';
import { render } from '../../../pipeline/plan/render';

const T = (cls: string) => `pulumi-nodejs:dynamic/materialize:${cls}`;
const urn = (cls: string, name: string) => `urn:pulumi:s::p::${T(cls)}::${name}`;
const ENVELOPE = (value: unknown) => ({
  '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270',
  plaintext: JSON.stringify(value),
});
const FORMATS = ['markdown', 'text', 'json'] as const;

function step(op: string, cls: string, name: string, inputs: object, old?: object, extra: object = {}) {
  return {
    op,
    urn: urn(cls, name),
    ...(op === 'delete' ? {} : { newState: { type: T(cls), inputs } }),
    ...(old ? { oldState: { type: T(cls), inputs: old, outputs: old } } : {}),
    ...extra,
  };
}
const loc = (name: string, schemaName = 'public') => ({ name, schemaName, databaseName: 'materialize' });

describe('readPlan', () => {
  test('operations, counts and order: replacements first, then creates, updates, deletes, each by URN', () => {
    const plan = readPlan({
      steps: [
        { op: 'same', urn: 'urn:pulumi:s::p::pulumi:pulumi:Stack::p-s', newState: { type: 'pulumi:pulumi:Stack' } },
        step('update', 'SshTunnelConnection', 't', { ...loc('t'), plannedSql: ['ALTER 1'] }, loc('t')),
        step('delete', 'Secret', 'gone', {}, loc('gone')),
        step('create', 'KafkaConnection', 'b', { ...loc('b'), plannedSql: ['CREATE b'] }),
        step('create', 'KafkaConnection', 'a', { ...loc('a'), plannedSql: ['CREATE a'] }),
        step('replace', 'KafkaConnection', 'r', { ...loc('r', 'ingest'), plannedSql: ['CREATE r'] }, loc('r'), {
          replaceReasons: ['schemaName'],
        }),
        { op: 'create', urn: 'urn:pulumi:s::p::aws:s3/bucket:Bucket::x', newState: { type: 'aws:s3/bucket:Bucket' } },
      ],
    });
    expect(plan.counts).toEqual({ create: 2, update: 1, replace: 1, delete: 1 });
    expect(plan.changes.map((c) => [c.operation, c.name])).toEqual([
      ['replace', 'r'],
      ['create', 'a'],
      ['create', 'b'],
      ['update', 't'],
      ['delete', 'gone'],
    ]);
    expect(plan.changes[4].drop).toBe('DROP SECRET IF EXISTS "materialize"."public"."gone"');
  });

  test('a replacement under the same name drops first; elsewhere it creates first; CASCADE when set', () => {
    const same = readPlan({
      steps: [
        step(
          'replace',
          'KafkaConnection',
          'k',
          { ...loc('k'), plannedSql: ['CREATE k'] },
          { ...loc('k'), dropCascade: true },
        ),
      ],
    });
    expect(same.changes[0].dropFirst).toBe(true);
    expect(render(same, 'text')).toContain(
      '  DROP CONNECTION IF EXISTS "materialize"."public"."k" CASCADE;\n  CREATE k;',
    );
    const moved = readPlan({
      steps: [step('replace', 'KafkaConnection', 'k', { ...loc('k', 'x'), plannedSql: ['CREATE k'] }, loc('k'))],
    });
    expect(render(moved, 'text')).toContain('  CREATE k;\n  DROP CONNECTION IF EXISTS "materialize"."public"."k";');
    const endpoint = readPlan({
      steps: [
        step('replace', 'KafkaConnection', 'k', { ...loc('k'), plannedSql: ['CREATE k'] }, loc('k'), {
          replaceReasons: ['materialize'],
        }),
      ],
    });
    expect(endpoint.changes[0].dropFirst).toBe(false);
  });

  test('unknown and secret planned SQL are said so, never guessed', () => {
    const plan = readPlan({
      steps: [
        step('create', 'PostgresConnection', 'u', { ...loc('u'), plannedSql: UNKNOWN }),
        step('create', 'PostgresConnection', 'v', { ...loc('v'), plannedSql: ['CREATE v', UNKNOWN] }),
        step('create', 'ConfluentSchemaRegistryConnection', 's', { ...loc('s'), plannedSql: '[secret]' }),
        step('create', 'ConfluentSchemaRegistryConnection', 'e', { ...loc('e'), plannedSql: ENVELOPE(['CREATE e']) }),
        step('create', 'AwsConnectionRole', 'role', { roleName: 'r' }),
      ],
    });
    const byName = Object.fromEntries(plan.changes.map((c) => [c.name, c.statements]));
    expect(byName).toEqual({
      u: { kind: 'unknown' },
      v: { kind: 'known', sql: ['CREATE v', '<computed>'] },
      s: { kind: 'secret' },
      e: { kind: 'secret' },
      role: { kind: 'none', why: 'AwsConnectionRole is not a Materialize object (no SQL)' },
    });
    const md = render(plan, 'markdown');
    expect(md).toContain('_planned SQL unknown until values it depends on exist (shown by `pulumi up`)_');
    expect(md).toContain('_planned SQL not shown: it quotes a secret value_');
    expect(md).not.toContain('CREATE e');
  });

  test('input that is not a preview digest is refused, saying what was expected', () => {
    for (const bad of [null, [], 'x', { steps: {} }])
      expect(() => readPlan(bad)).toThrow(
        'not the JSON of `pulumi preview --json`: expected an object with a "steps" array',
      );
    expect(readPlan({}).changes).toEqual([]);
    expect(render(readPlan({}), 'markdown')).toBe(
      '### Materialize plan: No changes to Materialize connections or secrets.\n',
    );
  });
});

describe('never a secret in the output', () => {
  // A value secret by nature, in clear where a CLI with --show-secrets (or a hand-edited file) would put it, and
  // quoted in the planned SQL as a provider that did not mask it would; and values inside secret envelopes.
  const secretArb = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s !== '');
  const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;

  test('property: clear, quoted or enveloped, no format prints it (quoted at any length, bare from 16 chars)', () => {
    fc.assert(
      fc.property(secretArb, secretArb, secretArb, (value, endpointPassword, enveloped) => {
        const digest = {
          config: { 'p:pw': value },
          steps: [
            step('create', 'Secret', 's', { ...loc('s'), value, plannedSql: [`CREATE SECRET x AS ${quoted(value)}`] }),
            step(
              'update',
              'PostgresConnection',
              'pg',
              {
                ...loc('pg'),
                materialize: { host: 'h', password: endpointPassword },
                host: ENVELOPE(enveloped),
                plannedSql: [`ALTER CONNECTION x SET (HOST = ${quoted(enveloped)}, X = ${quoted(endpointPassword)})`],
              },
              loc('pg'),
            ),
          ],
          diagnostics: [{ message: `leaked ${value} ${enveloped}` }],
        };
        for (const format of FORMATS) {
          const out = mzPlan(JSON.stringify(digest), { format, failOnReplace: false }).output;
          for (const s of [value, endpointPassword, enveloped]) {
            expect(out).not.toContain(quoted(s));
            if (s.length >= 16) expect(out).not.toContain(s);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  test('the digest of a real-looking preview with secrets in clear', () => {
    const pw = 'correct-horse-battery-staple';
    const digest = {
      steps: [
        step('create', 'Secret', 'pw', {
          ...loc('pw'),
          value: pw,
          plannedSql: [`CREATE SECRET "materialize"."public"."pw" AS '${pw}'`],
        }),
      ],
    };
    const out = render(readPlan(digest), 'markdown');
    expect(out).toContain(`CREATE SECRET "materialize"."public"."pw" AS '********';`);
    expect(out).not.toContain(pw);
  });
});

describe('Markdown', () => {
  test('a statement holding backticks cannot close its fence; a name cannot close its code span', () => {
    const plan = readPlan({
      steps: [
        step('create', 'KafkaConnection', 'we`ird', { ...loc('k'), plannedSql: ["COMMENT ON x IS '```\n# hi'"] }),
      ],
    });
    const md = render(plan, 'markdown');
    expect(md).toContain('#### Create `KafkaConnection` `` we`ird ``');
    expect(md).toContain("````sql\nCOMMENT ON x IS '```\n# hi';\n````");
  });
});

describe('the command line', () => {
  test('flags', () => {
    expect(parseArgs([])).toEqual({ format: 'markdown', failOnReplace: false });
    expect(parseArgs(['--file', 'p.json', '--format=json', '--fail-on-replace'])).toEqual({
      file: 'p.json',
      format: 'json',
      failOnReplace: true,
    });
    expect(() => parseArgs(['--format', 'html'])).toThrow('--format must be markdown, text or json (got "html")');
    expect(() => parseArgs(['--file'])).toThrow('--file needs a value');
    expect(() => parseArgs(['--nope'])).toThrow('unknown argument "--nope"');
  });
  test('--fail-on-replace: 3 only when a replacement is planned, after the plan', () => {
    const replace = JSON.stringify({
      steps: [step('replace', 'Secret', 's', { ...loc('s', 'x'), plannedSql: ['C'] }, loc('s'))],
    });
    const update = JSON.stringify({
      steps: [step('update', 'Secret', 's', { ...loc('s'), plannedSql: ['A'] }, loc('s'))],
    });
    expect(mzPlan(replace, { format: 'text', failOnReplace: true })).toMatchObject({ exitCode: 3 });
    expect(mzPlan(replace, { format: 'text', failOnReplace: false }).exitCode).toBe(0);
    expect(mzPlan(update, { format: 'text', failOnReplace: true }).exitCode).toBe(0);
    expect(mzPlan(replace, { format: 'text', failOnReplace: true }).output).toContain('WARNING: A replacement drops');
  });
  test('not JSON: the message does not quote the input (it may hold anything)', () => {
    let message = '';
    try {
      mzPlan('warning: SEKRET\n{', { format: 'markdown', failOnReplace: false });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('not JSON: pipe the output of `pulumi preview --json` (its stdout only)');
  });
});
