// USAGE privileges: golden SQL for every grant path (create, update, rename, PUBLIC, preview placeholders),
// check-time failures, drift in diff, the catalog read-back, and the hints on privilege errors.
import { dynamicProvider, specFor, UNKNOWN, type DynamicImpl, type ResourceKind } from '../../provider';
import { connectionQuery, secretQuery } from '../../provider/lifecycle/catalog';
import { connectionAdapter, secretAdapter } from '../../provider/lifecycle/adapters';
import { materializeError } from '../../provider/lifecycle/errors';
import { usageFromCatalog } from '../../provider/privileges';
import {
  alterConnectionSql,
  alterSecretSql,
  check as checkSql,
  postCreateSql,
  usageChangeSql,
} from '../support/checked-provider';
import { assertMaterializeStatement } from '../support/mz-parser';

const q = (name: string, schema = 'public') => `"materialize"."${schema}"."${name}"`;
const pg = { name: 'pg', host: 'h', database: 'd', user: 'u', password: { name: 'pw' }, validate: false };
const createPg = `CREATE CONNECTION ${q('pg')} TO POSTGRES (HOST = 'h', DATABASE = 'd', USER = 'u', PASSWORD = SECRET ${q('pw')}) WITH (VALIDATE = false)`;

function parserChecked(kind: ResourceKind): DynamicImpl {
  const impl = dynamicProvider(kind);
  return {
    ...impl,
    check: async (olds, news) => {
      const r = await impl.check(olds, news);
      for (const statement of (r.inputs?.plannedSql as string[] | undefined) ?? [])
        if (!statement.includes('<computed>')) checkSql(statement);
      return r;
    },
  };
}
const pgProvider = parserChecked('postgres');
const secretProvider = parserChecked('secret');

describe('GRANT after CREATE', () => {
  test('one GRANT for all roles, sorted, before OWNER TO and COMMENT ON', async () => {
    const r = await pgProvider.check({}, { ...pg, usage: ['team_b', 'team_a'], ownerRole: 'ops', comment: 'c' });
    expect(r.failures).toBeUndefined();
    expect(r.inputs!.usage).toEqual(['team_a', 'team_b']);
    expect(r.inputs!.plannedSql).toEqual([
      createPg,
      `GRANT USAGE ON CONNECTION ${q('pg')} TO "team_a", "team_b"`,
      `ALTER CONNECTION ${q('pg')} OWNER TO "ops"`,
      `COMMENT ON CONNECTION ${q('pg')} IS 'c'`,
    ]);
  });

  test('secrets take the same input and statement', async () => {
    const r = await secretProvider.check({}, { name: 's', value: 'v', usage: ['team'] });
    expect(r.inputs!.plannedSql).toEqual([
      `CREATE SECRET ${q('s')} AS '********'`,
      `GRANT USAGE ON SECRET ${q('s')} TO "team"`,
    ]);
  });

  test('unset and [] send no GRANT', () => {
    expect(postCreateSql('connection', { name: 'c' })).toEqual([]);
    expect(postCreateSql('connection', { name: 'c', usage: [] })).toEqual([]);
  });

  test('PUBLIC is the keyword in any spelling; names are always quoted', () => {
    expect(postCreateSql('secret', { name: 's', schemaName: 'x', usage: ['public', 'Team "A"'] })).toEqual([
      `GRANT USAGE ON SECRET ${q('s', 'x')} TO PUBLIC, "Team ""A"""`,
    ]);
  });
});

describe('differences only on update', () => {
  test('GRANT to the new roles, REVOKE from the removed ones, one statement each', () => {
    expect(usageChangeSql('connection', { name: 'c' }, ['a', 'b'], ['b', 'c', 'd'])).toEqual([
      `GRANT USAGE ON CONNECTION ${q('c')} TO "c", "d"`,
      `REVOKE USAGE ON CONNECTION ${q('c')} FROM "a"`,
    ]);
  });

  test('same roles in another order: nothing', () => {
    expect(usageChangeSql('secret', { name: 's' }, ['a', 'b'], ['b', 'a'])).toEqual([]);
  });

  test('[] revokes from everyone but the owner; unset stops managing without a statement', () => {
    expect(usageChangeSql('secret', { name: 's' }, ['a', 'PUBLIC'], [])).toEqual([
      `REVOKE USAGE ON SECRET ${q('s')} FROM PUBLIC, "a"`,
    ]);
    expect(usageChangeSql('secret', { name: 's' }, ['a'], undefined)).toEqual([]);
  });

  test('from unmanaged to managed: GRANT all listed roles', () => {
    expect(usageChangeSql('connection', { name: 'c' }, undefined, ['a'])).toEqual([
      `GRANT USAGE ON CONNECTION ${q('c')} TO "a"`,
    ]);
  });

  test('with an option change and a rename: ALTER, RENAME, then GRANT/REVOKE under the new name', () => {
    const olds = { ...pg, usage: ['a'] };
    expect(alterConnectionSql('postgres', olds, { ...pg, name: 'pg2', host: 'h2', usage: ['b'] })).toEqual({
      statements: [
        `ALTER CONNECTION ${q('pg')} SET (HOST = 'h2') WITH (VALIDATE = false)`,
        `ALTER CONNECTION ${q('pg')} RENAME TO "pg2"`,
        `GRANT USAGE ON CONNECTION ${q('pg2')} TO "b"`,
        `REVOKE USAGE ON CONNECTION ${q('pg2')} FROM "a"`,
      ],
      replaces: [],
    });
  });

  test('secret: value, then GRANT, then OWNER TO', () => {
    expect(
      alterSecretSql({ name: 's', value: 'v', usage: [] }, { name: 's', value: 'w', usage: ['a'], ownerRole: 'o' }),
    ).toEqual({
      statements: [
        `ALTER SECRET ${q('s')} AS decode('dw==', 'base64')`,
        `GRANT USAGE ON SECRET ${q('s')} TO "a"`,
        `ALTER SECRET ${q('s')} OWNER TO "o"`,
      ],
      replaces: [],
    });
  });

  test('planned SQL of an update shows the GRANT and REVOKE', async () => {
    const olds = (await pgProvider.check({}, { ...pg, usage: ['a', 'b'] })).inputs!;
    const r = await pgProvider.check(olds, { ...pg, usage: ['b', 'c'] });
    expect(r.inputs!.plannedSql).toEqual([
      `GRANT USAGE ON CONNECTION ${q('pg')} TO "c"`,
      `REVOKE USAGE ON CONNECTION ${q('pg')} FROM "a"`,
    ]);
  });

  test('preview placeholders: unknown roles show as <computed> and are an update, not a replacement', async () => {
    const olds = (await pgProvider.check({}, { ...pg, usage: ['a', 'b'] })).inputs!;
    const partly = await pgProvider.check(olds, { ...pg, usage: ['a', UNKNOWN] });
    expect(partly.failures).toBeUndefined();
    expect(partly.inputs!.plannedSql).toEqual([
      `GRANT USAGE ON CONNECTION ${q('pg')} TO <computed>`,
      `REVOKE USAGE ON CONNECTION ${q('pg')} FROM "b"`,
    ]);
    const whole = await pgProvider.check(olds, { ...pg, usage: UNKNOWN });
    expect(whole.inputs!.plannedSql).toEqual([`GRANT USAGE ON CONNECTION ${q('pg')} TO <computed>`]);
    expect(await pgProvider.diff('u1', olds, whole.inputs!)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});

describe('check', () => {
  test('failures name usage and the rule', async () => {
    const bad = async (usage: unknown) => (await pgProvider.check({}, { ...pg, usage })).failures;
    expect(await bad('team')).toEqual([
      { property: 'usage', reason: 'usage must be a list of role names (or unset to leave privileges alone)' },
    ]);
    expect(await bad(['a', ''])).toEqual([
      { property: 'usage', reason: 'usage[1]: role name must not be empty (zero-length delimited identifier)' },
    ]);
    expect(await bad(['mz_system'])).toEqual([
      {
        property: 'usage',
        reason:
          'usage[0]: "mz_system" is a system role name (the mz_ prefix is reserved); grant USAGE to a role of your own',
      },
    ]);
    expect(await bad(['a', 'PUBLIC', 'public'])).toEqual([
      { property: 'usage', reason: 'usage[2]: role "public" is listed twice' },
    ]);
    expect(await bad([7])).toEqual([
      { property: 'usage', reason: 'usage[0]: role name must be a string, got number 7' },
    ]);
    expect((await secretProvider.check({}, { name: 's', value: 'v', usage: ['pg_x'] })).failures).toEqual([
      {
        property: 'usage',
        reason:
          'usage[0]: "pg_x" is a system role name (the pg_ prefix is reserved); grant USAGE to a role of your own',
      },
    ]);
  });
});

describe('drift', () => {
  const stored = async (usage: string[]) => ({
    ...(await pgProvider.check({}, { ...pg, usage })).inputs!,
    connectionId: 'u1',
  });

  test('a GRANT made by hand (read back by refresh) is a change the next up revokes', async () => {
    const olds = { ...(await stored(['a'])), usage: ['a', 'intruder'] };
    const news = (await pgProvider.check(olds, { ...pg, usage: ['a'] })).inputs!;
    expect(await pgProvider.diff('u1', olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(news.plannedSql).toEqual([`REVOKE USAGE ON CONNECTION ${q('pg')} FROM "intruder"`]);
  });

  test('a REVOKE made by hand is a change the next up grants again', async () => {
    const olds = { ...(await stored(['a', 'b'])), usage: ['b'] };
    const news = (await pgProvider.check(olds, { ...pg, usage: ['a', 'b'] })).inputs!;
    expect((await pgProvider.diff('u1', olds, news)).changes).toBe(true);
    expect(news.plannedSql).toEqual([`GRANT USAGE ON CONNECTION ${q('pg')} TO "a"`]);
  });

  test('no drift when the catalog matches; unmanaged usage never differs', async () => {
    const olds = await stored(['a']);
    expect(
      (await pgProvider.diff('u1', olds, (await pgProvider.check(olds, { ...pg, usage: ['a'] })).inputs!)).changes,
    ).toBe(false);
    // Leaving usage unmanaged: no SQL, but a change, so the state stops recording (and refresh reading) it.
    const released = (await pgProvider.check(olds, pg)).inputs!;
    expect(released.plannedSql).toEqual([]);
    expect((await pgProvider.diff('u1', olds, released)).changes).toBe(true);
    const unmanaged = { ...(await pgProvider.check({}, pg)).inputs!, connectionId: 'u1' };
    expect((await pgProvider.diff('u1', unmanaged, (await pgProvider.check(unmanaged, pg)).inputs!)).changes).toBe(
      false,
    );
  });
});

describe('catalog read-back', () => {
  const row = {
    id: 'u9',
    name: 's',
    schemaName: 'public',
    databaseName: 'materialize',
    owner: 'ops',
    comment: null,
    usage: ['team', 'ops', 'PUBLIC'],
    details: {},
  };

  test('the owner is left out unless the input lists it; unmanaged reads no usage', () => {
    expect(secretAdapter.argsFromRow(row, { usage: [] })).toMatchObject({ usage: ['PUBLIC', 'team'] });
    expect(secretAdapter.argsFromRow(row, { usage: ['ops'] })).toMatchObject({ usage: ['PUBLIC', 'ops', 'team'] });
    expect(secretAdapter.argsFromRow(row, {})).not.toHaveProperty('usage');
    expect(usageFromCatalog([], 'ops', ['ops'])).toEqual([]);
  });

  test('the grantees come from the same single SELECT, which Materialize parses', () => {
    for (const query of [connectionQuery(specFor('postgres'), { id: 'u1' }), secretQuery({ id: 'u1' })]) {
      expect(query.sql).toContain(
        `(SELECT array_agg(CASE WHEN a.grantee = 'p' THEN 'PUBLIC' ELSE g.name END)
  FROM mz_internal.mz_aclexplode(o.privileges) a LEFT JOIN mz_catalog.mz_roles g ON g.id = a.grantee
  WHERE a.privilege_type = 'USAGE' AND (a.grantee = 'p' OR a.grantee LIKE 'u%')) AS usage`,
      );
      assertMaterializeStatement(query.sql.replace('$1', "'u1'"), 'select');
    }
  });

  test('connection kinds all read usage back through the generic adapter', () => {
    const adapter = connectionAdapter('ssh-tunnel');
    const sshRow = {
      ...row,
      type: 'ssh-tunnel',
      createSql: `CREATE CONNECTION "materialize"."public"."s" TO SSH TUNNEL (HOST = 'h', USER = 'u', PORT = 22)`,
    };
    expect(adapter.argsFromRow(sshRow, { usage: ['x'] })).toMatchObject({ usage: ['PUBLIC', 'team'] });
  });
});

describe('errors keep Materialize message and SQLSTATE, with a hint', () => {
  test('ownership', () => {
    const e = materializeError(
      { message: 'must be owner of CONNECTION materialize.public.pg', code: '42501' },
      `GRANT USAGE ON CONNECTION ${q('pg')} TO "a"`,
    );
    expect(e.message).toBe(
      `GRANT USAGE ON CONNECTION ${q('pg')} TO "a": must be owner of CONNECTION materialize.public.pg\n` +
        'HINT: GRANT and REVOKE need ownership: run Pulumi as the owner (or a member of the owning role) or a superuser, or leave usage unset so privileges are not managed here\n' +
        '(SQLSTATE 42501)',
    );
    expect(e.code).toBe('42501');
  });

  test('permission denied (the v26.40 rule) and unknown role', () => {
    const denied = materializeError(
      { message: 'permission denied for SECRET "materialize.public.pw"', code: '42501' },
      'creating POSTGRES connection',
    );
    expect(denied.hint).toMatch(
      /^since Materialize v26\.40, creating or altering a connection needs USAGE on every secret/,
    );
    expect(denied.message).toContain('permission denied for SECRET "materialize.public.pw"\nHINT: since');
    const unknown = materializeError({ message: "unknown role 'ghost'", code: 'XX000' }, 'GRANT');
    expect(unknown.message).toBe(
      "GRANT: unknown role 'ghost'\nHINT: create the role first (CREATE ROLE), or remove it from usage (and ownerRole)\n(SQLSTATE XX000)",
    );
  });

  test("Materialize's own hint is kept first; other errors get none", () => {
    expect(materializeError({ message: "unknown role 'x'", hint: 'theirs' }, 'd').hint).toBe(
      'theirs; create the role first (CREATE ROLE), or remove it from usage (and ownerRole)',
    );
    expect(materializeError({ message: 'permission denied for SCHEMA "x"', code: '42501' }, 'd').hint).toBeUndefined();
  });
});
