// Audit findings 7, 8, 10-14: what a hostile server or a careless program sends is refused or kept out of
// messages. Catalog rows come from the hostile pgwire server; everything else is checked without a server.
import { dynamicProvider } from '../../../provider';
import { closeAllPools, withSession } from '../../../provider/lifecycle/pool';
import {
  configureFromStack,
  endpointProblems,
  resetStackConfig,
  resolveEndpoint,
} from '../../../provider/lifecycle/endpoint';
import { scrub, scrubRendered, WITHHELD } from '../../../provider/scrub';
import { humanizeCreateSql } from '../../../provider/lifecycle/catalog';
import { parseShowCreateConnection } from '../../../provider/read/show-create';
import { validateConnection, validateSecret } from '../../support/checked-provider';
import { startHostile, type Answer, type HostileServer } from '../../hostile/server';

const servers: HostileServer[] = [];
afterEach(async () => {
  resetStackConfig();
  await closeAllPools();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function hostile(answer: (sql: string) => Answer, auth: 'trust' | 'cleartext' = 'trust'): Promise<HostileServer> {
  const s = await startHostile({ host: '127.0.0.1', auth, answer });
  servers.push(s);
  return s;
}

const TOKEN = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';
const awsRow = (createSql: string, extra: Record<string, string | null> = {}) => ({
  id: 'u5',
  name: 'aws',
  schema_name: 'public',
  database_name: 'materialize',
  owner: 'materialize',
  comment: null,
  type: 'aws',
  create_sql: createSql,
  external_id_0: null,
  principal_0: null,
  example_trust_policy_0: null,
  ...extra,
});
const awsProps = (s: HostileServer) => ({
  name: 'aws',
  accessKeyId: 'AKIAEXAMPLE',
  secretAccessKey: { name: 'sk' },
  sessionToken: 'a-different-token-value',
  materialize: { host: s.host, port: s.port },
});

describe('catalog-reader errors are scrubbed and quote no literal (finding 7)', () => {
  test.each([
    [
      'a duplicate option',
      `CREATE CONNECTION "materialize"."public"."aws" TO AWS (ACCESS KEY ID = 'AKIAEXAMPLE', SESSION TOKEN = '${TOKEN}', SESSION TOKEN = '${TOKEN}')`,
      /^reading the create_sql of AWS connection "materialize"\."public"\."aws": SESSION TOKEN specified more than once \(at offset \d+: near "SESSION TOKEN = '\.\.\.'\.\.\."\)$/,
    ],
    [
      'a stray literal',
      `CREATE CONNECTION "materialize"."public"."aws" TO AWS (ACCESS KEY ID = 'AKIAEXAMPLE' '${TOKEN}')`,
      /found a string literal \(31 characters\)/,
    ],
  ])('read() of a create_sql with %s', async (_what, createSql, message) => {
    const s = await hostile(() => ({ rows: [awsRow(createSql)] }));
    const err = await dynamicProvider('aws')
      .read('u5', awsProps(s))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain(TOKEN);
    expect(err?.message).not.toContain(TOKEN.slice(0, 12));
    expect(err).not.toHaveProperty('sql');
  });
});

describe('scrubbing reveals nothing about short values (finding 8)', () => {
  const message =
    'secret "materialize"."public"."untracked_1" already exists and is not managed by this stack; set adoptExisting: true to take it over';
  test('a short value that occurs in a text the provider rendered, by chance, leaves it whole', () => {
    expect(scrubRendered(message, ['v', 'b', 'pub'])).toBe(message);
  });
  test('a short value anywhere in what a server said withholds the text: masking it in place would show it', () => {
    expect(scrub('invalid value for user bob', ['v'])).toBe(WITHHELD);
    expect(scrub('invalid value for user bob', ['bob'])).toBe(WITHHELD);
    expect(scrub('nothing here', ['bob'])).toBe('nothing here');
  });
  test('the rendered forms are always masked: a quoted literal, a quoted identifier and decode(base64)', () => {
    expect(scrubRendered(`value 'v' and decode('dg==', 'base64') and 'it''s' and "v"`, ['v', "it's"])).toBe(
      `value '********' and decode('********', 'base64') and '********' and "********"`,
    );
  });
  test('a long value is masked wherever it appears, raw or base64, by a token that does not tell its length', () => {
    const long = 'Sup3r-S3cret-App-Password';
    expect(scrub(`x ${long} y ${Buffer.from(long).toString('base64')}`, [long])).toBe('x ******** y ********');
    expect(scrub(`x ${long}${long} y`, [long])).toBe('x **************** y');
  });
  test('non-string "secrets" are ignored, not stringified', () => {
    expect(scrub('port 904512', [904512 as unknown as string])).toBe('port 904512');
  });
});

describe('the createSql mask cannot be bypassed by what rendering rewrites (finding 10)', () => {
  test('humanizeCreateSql leaves text inside literals alone', () => {
    expect(humanizeCreateSql(`X (SESSION TOKEN = 'BrkTok3n[a1 AS b]Value', S = SECRET [u1 AS "d"."s"."n"])`)).toBe(
      `X (SESSION TOKEN = 'BrkTok3n[a1 AS b]Value', S = SECRET "d"."s"."n")`,
    );
    expect(humanizeCreateSql(`X (A = [u2 AS "it's"."x"], B = 'q')`)).toBe(`X (A = "it's"."x", B = 'q')`);
  });

  test.each(['BrkTok3n[a1 AS b]Value', 'PlainTok3nValue'])(
    'create with SESSION TOKEN %j: createSql is masked',
    async (token) => {
      let created = '';
      const s = await hostile((sql) => {
        if (sql.startsWith('CREATE')) {
          created = sql;
          return { tag: 'CREATE CONNECTION' };
        }
        return { rows: [awsRow(created)] };
      });
      const props = { ...awsProps(s), sessionToken: token };
      const { outs } = await dynamicProvider('aws').create(props);
      expect(created).toContain(`SESSION TOKEN = '${token}'`);
      expect(outs.createSql).toBe(
        `CREATE CONNECTION "materialize"."public"."aws" TO AWS (ACCESS KEY ID = 'AKIAEXAMPLE', SECRET ACCESS KEY = SECRET "materialize"."public"."sk", SESSION TOKEN = '********')`,
      );
    },
  );

  test('a lone surrogate in a sensitive text value is refused before it could reach Materialize as U+FFFD', () => {
    expect(
      validateConnection('aws', {
        name: 'a',
        accessKeyId: 'AKIA',
        secretAccessKey: { name: 'sk' },
        sessionToken: 'SurrTok3n\uD800Value',
      }),
    ).toEqual([
      {
        property: 'sessionToken',
        reason:
          'invalid SESSION TOKEN: text must not contain a lone UTF-16 surrogate (Materialize would receive U+FFFD instead)',
      },
    ]);
  });
});

describe('lone surrogates in names and text are refused (finding 11)', () => {
  test.each([
    ['name', { name: 'x\uD800', value: 'v' }],
    ['schemaName', { name: 'x', schemaName: 's\uDBFF', value: 'v' }],
    ['comment', { name: 'x', comment: 'c\uDC00', value: 'v' }],
  ])('%s', (property, args) => {
    const failures = validateSecret(args as never);
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe(property);
    expect(failures[0].reason).toMatch(/lone UTF-16 surrogate \(Materialize would receive U\+FFFD instead\)$/);
  });
});

describe('the materialize endpoint input is strict, and no credential comes from PG* or ~/.pgpass (finding 12)', () => {
  test.each([
    [
      { username: 'materialize\0options\0-c statement_timeout=1' },
      'materialize.username must not contain NUL or other control characters',
    ],
    [{ database: 'db\n' }, 'materialize.database must not contain NUL or other control characters'],
    [{ host: 'h\u0007' }, 'materialize.host must not contain NUL or other control characters'],
    [{ password: 12345 }, 'materialize.password must be a string'],
    [{ password: 'pw\0' }, 'materialize.password must not contain a NUL character'],
    [{ username: 7 }, 'materialize.username must be a string, got number'],
    [
      { user: 'x' },
      'materialize.user is not a setting (known: host, port, username, password, database, sslmode, sslrootcert, connectTimeout, statementTimeout, keepaliveIdle, poolSize)',
    ],
  ])('%j', (input, problem) => {
    expect(endpointProblems(input, {})).toEqual([problem]);
  });

  test('materialize:port from stack config is checked', () => {
    configureFromStack({ config: { get: (k) => (k === 'materialize:port' ? 'abc' : undefined) } });
    expect(endpointProblems(undefined, {})).toEqual(['materialize:port must be an integer from 1 to 65535, got "abc"']);
  });

  test('with no password set, PGPASSWORD is not sent and PGOPTIONS is not forwarded', async () => {
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGOPTIONS: process.env.PGOPTIONS };
    process.env.PGPASSWORD = 'unrelated-postgres-pw';
    process.env.PGOPTIONS = '-c statement_timeout=1';
    try {
      const s = await hostile(() => ({ rows: [] }), 'cleartext');
      await expect(
        withSession(resolveEndpoint({ host: s.host, port: s.port }, {}), (q) => q.query('SELECT 1')),
      ).rejects.toThrow(
        "Materialize asked for a password and none is set (materialize:password, MZ_PASSWORD or the resource's materialize.password; PGPASSWORD and ~/.pgpass are not read)",
      );
      expect(s.passwords).toEqual([]);
      expect(s.startups).toEqual([
        {
          user: 'materialize',
          database: 'materialize',
          application_name: 'pulumi-materialize-connections',
          client_encoding: 'UTF8',
        },
      ]);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});

describe('a non-string secret value is never echoed (finding 13)', () => {
  test('Secret value', () => {
    expect(validateSecret({ name: 's', value: 904512 } as never)).toEqual([
      { property: 'value', reason: 'value must be a string, got a number' },
    ]);
  });
  test('a sensitive text-or-secret option', () => {
    const failures = validateConnection('aws', {
      name: 'a',
      accessKeyId: 'AKIA',
      secretAccessKey: { name: 'sk' },
      sessionToken: 904512,
    } as never);
    expect(failures).toEqual([
      {
        property: 'sessionToken',
        reason:
          'invalid SESSION TOKEN: must provide text or a secret: a resource or { name, schemaName?, databaseName? }, got a number',
      },
    ]);
  });
});

describe('bad rows from the server are errors, not state (finding 14)', () => {
  test.each([
    [{ name: null }, 'name is NULL'],
    [{ schema_name: null }, 'schema_name is NULL'],
    [{ owner: null }, 'owner is NULL'],
    [{ id: 'u999' }, 'asked for id u5, got id "u999"'],
  ])('read() of a row with %j', async (change, problem) => {
    const s = await hostile(() => ({
      rows: [awsRow(`CREATE CONNECTION "materialize"."public"."aws" TO AWS (ACCESS KEY ID = 'AKIAEXAMPLE')`, change)],
    }));
    await expect(dynamicProvider('aws').read('u5', awsProps(s))).rejects.toThrow(
      `reading AWS connection "materialize"."public"."aws": Materialize returned a catalog row that cannot be right: ${problem}`,
    );
  });

  test('a row for another name during create is refused', async () => {
    const s = await hostile((sql) =>
      sql.startsWith('CREATE') ? { tag: 'CREATE CONNECTION' } : { rows: [awsRow(`x`, { name: 'other' })] },
    );
    await expect(dynamicProvider('aws').create(awsProps(s))).rejects.toThrow(
      'Materialize returned a catalog row that cannot be right: asked for one name, got a row for another',
    );
  });

  test('an unknown option followed by 32,000 words is read in linear time', () => {
    const words = Array.from({ length: 32_000 }, (_, i) => `w${i}`).join(' ');
    const started = Date.now();
    expect(() => parseShowCreateConnection(`CREATE CONNECTION c TO SSH TUNNEL (HOST 'h', NOPE ${words})`)).toThrow(
      /^unknown option NOPE W0 W1 W2 for SSH TUNNEL connections/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
