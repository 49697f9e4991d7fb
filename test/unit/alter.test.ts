// Every ALTER path: one ALTER CONNECTION for all option changes, RENAME / OWNER TO / COMMENT only when
// they change, and the properties that force a replacement instead.
import {
  alterConnectionSql,
  alterSecretSql,
  dropSql,
  commentSql,
  ownerSql,
  renameSql,
} from '../support/checked-provider';

const q = (name: string, schema = 'public') => `"materialize"."${schema}"."${name}"`;
const pg = { name: 'pg', host: 'h', database: 'd', user: 'u', password: { name: 'pw' } };
const kafka = { name: 'k', brokers: ['a:9092'] };

describe('ALTER CONNECTION', () => {
  test('no change, no statement', () => {
    expect(alterConnectionSql('postgres', pg, { ...pg })).toEqual({ statements: [], replaces: [] });
  });

  test('equal meaning compares equal: reference defaults and broker forms', () => {
    expect(
      alterConnectionSql('postgres', pg, {
        ...pg,
        password: { name: 'pw', schemaName: 'public', databaseName: 'materialize' },
      }),
    ).toEqual({ statements: [], replaces: [] });
    expect(alterConnectionSql('kafka', kafka, { ...kafka, brokers: [{ address: 'a:9092' }] })).toEqual({
      statements: [],
      replaces: [],
    });
  });

  test('several option changes in one statement: SETs in spec order, then RESETs', () => {
    const news = { ...pg, port: 5433, host: 'h2', password: undefined, sslMode: 'require' };
    expect(alterConnectionSql('postgres', pg, news)).toEqual({
      statements: [
        `ALTER CONNECTION ${q('pg')} SET (HOST = 'h2'), SET (PORT = 5433), SET (SSL MODE = 'require'), RESET (PASSWORD)`,
      ],
      replaces: [],
    });
  });

  test('WITH (VALIDATE) follows the new validate input, and validate alone changes nothing', () => {
    expect(alterConnectionSql('postgres', pg, { ...pg, host: 'h2', validate: false }).statements).toEqual([
      `ALTER CONNECTION ${q('pg')} SET (HOST = 'h2') WITH (VALIDATE = false)`,
    ]);
    expect(alterConnectionSql('postgres', pg, { ...pg, validate: true })).toEqual({ statements: [], replaces: [] });
  });

  test('swapping a secret reference is an in-place SET, not a replacement', () => {
    expect(
      alterConnectionSql(
        'kafka',
        { ...kafka, saslUsername: { name: 'u1' } },
        { ...kafka, saslUsername: { name: 'u2' } },
      ),
    ).toEqual({
      statements: [`ALTER CONNECTION ${q('k')} SET (SASL USERNAME = SECRET ${q('u2')})`],
      replaces: [],
    });
    expect(
      alterConnectionSql('kafka', { ...kafka, saslUsername: { name: 'u1' } }, { ...kafka, saslUsername: 'plain' }),
    ).toEqual({
      statements: [`ALTER CONNECTION ${q('k')} SET (SASL USERNAME = 'plain')`],
      replaces: [],
    });
  });

  test('Kafka: BROKERS and AWS PRIVATELINK swap in one statement; only BROKER and BROKERS drop each other (§3.2)', () => {
    // Materialize's MUTUALLY_EXCLUSIVE_SETS is [BROKER, BROKERS]: a SET of AWS PRIVATELINK alone would keep BROKERS.
    expect(
      alterConnectionSql('kafka', kafka, { name: 'k', awsPrivatelink: { connection: { name: 'pl' }, port: 9092 } }),
    ).toEqual({
      statements: [
        `ALTER CONNECTION ${q('k')} SET (AWS PRIVATELINK = ${q('pl')} (PORT 9092)), RESET (BROKERS), RESET (BROKER)`,
      ],
      replaces: [],
    });
    expect(alterConnectionSql('kafka', { name: 'k', awsPrivatelink: { connection: { name: 'pl' } } }, kafka)).toEqual({
      statements: [`ALTER CONNECTION ${q('k')} SET (BROKERS = ('a:9092')), RESET (AWS PRIVATELINK)`],
      replaces: [],
    });
  });

  test('Kafka: per-broker tunnels and the default tunnel change in place', () => {
    const before = { ...kafka, sshTunnel: { name: 't1' } };
    const after = { name: 'k', brokers: [{ address: 'a:9092', sshTunnel: { name: 't2' } }] };
    expect(alterConnectionSql('kafka', before, after)).toEqual({
      statements: [
        `ALTER CONNECTION ${q('k')} SET (BROKERS = ('a:9092' USING SSH TUNNEL ${q('t2')})), RESET (SSH TUNNEL)`,
      ],
      replaces: [],
    });
  });

  test('Kafka: progress topic options replace', () => {
    expect(alterConnectionSql('kafka', kafka, { ...kafka, progressTopic: 't', brokers: ['b:1'] })).toEqual({
      statements: [],
      replaces: ['progressTopic'],
    });
    expect(alterConnectionSql('kafka', { ...kafka, progressTopicReplicationFactor: 3 }, kafka)).toEqual({
      statements: [],
      replaces: ['progressTopicReplicationFactor'],
    });
  });

  test.each(['postgres', 'mysql', 'confluent-schema-registry'] as const)(
    '%s: adding, changing or removing a tunnel replaces',
    (kind) => {
      const base =
        kind === 'confluent-schema-registry'
          ? { name: 'c', url: 'https://csr' }
          : { name: 'c', host: 'h', user: 'u', database: 'd' };
      if (kind === 'mysql') delete (base as Record<string, unknown>).database;
      expect(alterConnectionSql(kind, base, { ...base, sshTunnel: { name: 't' } }).replaces).toEqual(['sshTunnel']);
      expect(
        alterConnectionSql(kind, { ...base, sshTunnel: { name: 't' } }, { ...base, sshTunnel: { name: 't2' } })
          .replaces,
      ).toEqual(['sshTunnel']);
      expect(
        alterConnectionSql(kind, { ...base, awsPrivatelink: { connection: { name: 'pl' } } }, base).replaces,
      ).toEqual(['awsPrivatelink']);
      expect(
        alterConnectionSql(
          kind,
          { ...base, sshTunnel: { name: 't' } },
          { ...base, sshTunnel: { name: 't' }, comment: 'c' },
        ),
      ).toEqual({
        statements: [`COMMENT ON CONNECTION ${q('c')} IS 'c'`],
        replaces: [],
      });
    },
  );

  test.each([
    [
      'sql-server',
      { name: 's', host: 'h', database: 'd', user: 'u', password: { name: 'p' } },
      { port: 1434 },
      ['port'],
    ],
    [
      'iceberg-catalog',
      { name: 'i', catalogType: 'rest', url: 'https://x', credential: 'c' },
      { scope: 's', credential: 'd' },
      ['credential', 'scope'],
    ],
    [
      'iceberg-catalog',
      { name: 'i', catalogType: 'rest', url: 'https://x', credential: 'c' },
      { oauth2ServerUrl: 'https://x/token', accessDelegation: 'vended-credentials', storageProvider: 'adls' },
      ['oauth2ServerUrl', 'accessDelegation', 'storageProvider'],
    ],
    [
      'iceberg-catalog',
      {
        name: 'i',
        catalogType: 'rest',
        url: 'https://biglake.googleapis.com/iceberg/v1/restcatalog',
        gcpConnection: { name: 'g' },
      },
      { gcpConnection: { name: 'g2' } },
      ['gcpConnection'],
    ],
  ] as const)('%s: every option change replaces (Materialize refuses the ALTER)', (kind, base, change, replaces) => {
    expect(alterConnectionSql(kind, base, { ...base, ...change })).toEqual({ statements: [], replaces });
    expect(alterConnectionSql(kind, base, { ...base, comment: 'x' }).statements).toEqual([
      `COMMENT ON CONNECTION ${q(base.name)} IS 'x'`,
    ]);
  });

  test('Kafka MATCHING rules: added, changed and removed with one SET (BROKERS), in place (addendum §3.3)', () => {
    const pl = (name: string) => ({ connection: { name } });
    const withRule = { name: 'k', brokers: ['boot:9092', { matching: '*.use1-az1.*', awsPrivatelink: pl('pl') }] };
    expect(alterConnectionSql('kafka', kafka, withRule)).toEqual({
      statements: [
        `ALTER CONNECTION ${q('k')} SET (BROKERS = ('boot:9092', MATCHING '*.use1-az1.*' USING AWS PRIVATELINK ${q('pl')}))`,
      ],
      replaces: [],
    });
    const changed = {
      name: 'k',
      brokers: [
        'boot:9092',
        { matching: '*.use1-az1.*', awsPrivatelink: { ...pl('pl'), availabilityZone: 'use1-az1', port: 9093 } },
      ],
    };
    expect(alterConnectionSql('kafka', withRule, changed).statements).toEqual([
      `ALTER CONNECTION ${q('k')} SET (BROKERS = ('boot:9092', MATCHING '*.use1-az1.*' USING AWS PRIVATELINK ${q('pl')} (AVAILABILITY ZONE = 'use1-az1', PORT = 9093)))`,
    ]);
    expect(alterConnectionSql('kafka', withRule, { name: 'k', brokers: ['boot:9092'] }).statements).toEqual([
      `ALTER CONNECTION ${q('k')} SET (BROKERS = ('boot:9092'))`,
    ]);
    // Rule order decides which rule wins, so a reorder is a change.
    const two = {
      name: 'k',
      brokers: ['b:1', { matching: 'a*', awsPrivatelink: pl('x') }, { matching: '*', awsPrivatelink: pl('y') }],
    };
    const swapped = { ...two, brokers: [two.brokers[0], two.brokers[2], two.brokers[1]] };
    expect(alterConnectionSql('kafka', two, swapped).statements).toHaveLength(1);
    expect(alterConnectionSql('kafka', two, { ...two }).statements).toEqual([]);
  });

  test('GCP and Glue options change in place', () => {
    expect(
      alterConnectionSql(
        'gcp',
        { name: 'g', serviceAccountKey: { name: 'a' } },
        { name: 'g', serviceAccountKey: { name: 'b' } },
      ),
    ).toEqual({
      statements: [`ALTER CONNECTION ${q('g')} SET (SERVICE ACCOUNT KEY = SECRET ${q('b')})`],
      replaces: [],
    });
    const glue = { name: 'glue', awsConnection: { name: 'aws' }, registry: 'r1' };
    expect(alterConnectionSql('aws-glue-schema-registry', glue, { ...glue, registry: 'r2' })).toEqual({
      statements: [`ALTER CONNECTION ${q('glue')} SET (REGISTRY = 'r2')`],
      replaces: [],
    });
  });

  test('a move to another schema or database replaces', () => {
    expect(alterConnectionSql('postgres', pg, { ...pg, schemaName: 'other', host: 'x' })).toEqual({
      statements: [],
      replaces: ['schemaName'],
    });
    expect(alterConnectionSql('postgres', { ...pg, databaseName: 'a' }, { ...pg, databaseName: 'b' })).toEqual({
      statements: [],
      replaces: ['databaseName'],
    });
    expect(alterConnectionSql('postgres', pg, { ...pg, schemaName: 'public', databaseName: 'materialize' })).toEqual({
      statements: [],
      replaces: [],
    });
  });

  test('rename, owner and comment: options first under the old name, then RENAME, then the rest under the new name', () => {
    const news = { ...pg, name: 'pg2', host: 'h2', ownerRole: 'ops', comment: 'primary' };
    expect(alterConnectionSql('postgres', { ...pg, comment: 'old' }, news)).toEqual({
      statements: [
        `ALTER CONNECTION ${q('pg')} SET (HOST = 'h2')`,
        `ALTER CONNECTION ${q('pg')} RENAME TO "pg2"`,
        `ALTER CONNECTION ${q('pg2')} OWNER TO "ops"`,
        `COMMENT ON CONNECTION ${q('pg2')} IS 'primary'`,
      ],
      replaces: [],
    });
  });

  test('removing a comment sets it NULL; removing ownerRole leaves the owner alone', () => {
    expect(alterConnectionSql('postgres', { ...pg, comment: 'x', ownerRole: 'ops' }, pg)).toEqual({
      statements: [`COMMENT ON CONNECTION ${q('pg')} IS NULL`],
      replaces: [],
    });
  });

  test('AWS: switching credentials to role assumption in one atomic statement', () => {
    const before = { name: 'a', accessKeyId: 'AKIA', secretAccessKey: { name: 's' } };
    const after = { name: 'a', assumeRoleArn: 'arn:aws:iam::1:role/r' };
    expect(alterConnectionSql('aws', before, after)).toEqual({
      statements: [
        `ALTER CONNECTION ${q('a')} SET (ASSUME ROLE ARN = 'arn:aws:iam::1:role/r'), RESET (ACCESS KEY ID), RESET (SECRET ACCESS KEY)`,
      ],
      replaces: [],
    });
  });

  test('SSH tunnel and PrivateLink options change in place', () => {
    expect(
      alterConnectionSql(
        'ssh-tunnel',
        { name: 't', host: 'a', user: 'u' },
        { name: 't', host: 'b', user: 'v', port: 2222 },
      ).statements,
    ).toEqual([`ALTER CONNECTION ${q('t')} SET (HOST = 'b'), SET (PORT = 2222), SET (USER = 'v')`]);
    expect(
      alterConnectionSql(
        'aws-privatelink',
        { name: 'p', serviceName: 's', availabilityZones: ['a'] },
        { name: 'p', serviceName: 's', availabilityZones: ['a', 'b'] },
      ).statements,
    ).toEqual([`ALTER CONNECTION ${q('p')} SET (AVAILABILITY ZONES = ('a', 'b'))`]);
  });

  test('quoting survives in every statement', () => {
    const olds = { name: 'we"ird', schemaName: 'Sch ema', host: 'h', user: 'u' };
    const news = { ...olds, name: 'new"name', host: "o'brien", comment: "it's" };
    expect(alterConnectionSql('ssh-tunnel', olds, news).statements).toEqual([
      `ALTER CONNECTION "materialize"."Sch ema"."we""ird" SET (HOST = 'o''brien')`,
      `ALTER CONNECTION "materialize"."Sch ema"."we""ird" RENAME TO "new""name"`,
      `COMMENT ON CONNECTION "materialize"."Sch ema"."new""name" IS 'it''s'`,
    ]);
  });
});

describe('ALTER SECRET and object statements', () => {
  const s = { name: 's', value: 'v1' };
  test('a new value is ALTER SECRET ... AS decode(...)', () => {
    expect(alterSecretSql(s, { ...s, value: 'v2' })).toEqual({
      statements: [`ALTER SECRET ${q('s')} AS decode('djI=', 'base64')`],
      replaces: [],
    });
  });
  test('value, then rename, then owner and comment', () => {
    expect(alterSecretSql(s, { name: 't', value: 'v2', ownerRole: 'r', comment: 'c' }).statements).toEqual([
      `ALTER SECRET ${q('s')} AS decode('djI=', 'base64')`,
      `ALTER SECRET ${q('s')} RENAME TO "t"`,
      `ALTER SECRET ${q('t')} OWNER TO "r"`,
      `COMMENT ON SECRET ${q('t')} IS 'c'`,
    ]);
  });
  test('no change, no statement; a move replaces', () => {
    expect(alterSecretSql(s, { ...s })).toEqual({ statements: [], replaces: [] });
    expect(alterSecretSql(s, { ...s, schemaName: 'x', databaseName: 'y' })).toEqual({
      statements: [],
      replaces: ['databaseName', 'schemaName'],
    });
  });
  test('DROP is IF EXISTS and RESTRICT unless asked to cascade', () => {
    expect(dropSql('connection', { name: 'c' })).toBe(`DROP CONNECTION IF EXISTS ${q('c')}`);
    expect(dropSql('secret', { name: 'c', schemaName: 'x', dropCascade: true })).toBe(
      `DROP SECRET IF EXISTS ${q('c', 'x')} CASCADE`,
    );
  });
  test('COMMENT, OWNER TO, RENAME TO', () => {
    expect(commentSql('secret', { name: 'c' }, 'x')).toBe(`COMMENT ON SECRET ${q('c')} IS 'x'`);
    expect(commentSql('connection', { name: 'c' }, undefined)).toBe(`COMMENT ON CONNECTION ${q('c')} IS NULL`);
    expect(ownerSql('secret', { name: 'c' }, 'Team A')).toBe(`ALTER SECRET ${q('c')} OWNER TO "Team A"`);
    expect(renameSql('connection', { name: 'c' }, 'd')).toBe(`ALTER CONNECTION ${q('c')} RENAME TO "d"`);
  });
});
