// check and diff need no round trip: validation, canonical inputs, the planned SQL shown in
// `pulumi preview`, and in-place vs replace decisions, including with preview placeholders.
import { connectionSpecs, dynamicProvider, UNKNOWN, type DynamicImpl, type ResourceKind } from '../../../provider';
import { check as checkSql } from '../../support/checked-provider';

const q = (name: string, schema = 'public') => `"materialize"."${schema}"."${name}"`;

/** The provider of a kind, with every planned statement of `check` also checked by Materialize's parser. */
function parserChecked(kind: ResourceKind): DynamicImpl {
  const impl = dynamicProvider(kind);
  return {
    ...impl,
    check: async (olds, news) => {
      const r = await impl.check(olds, news);
      // A statement with a preview placeholder is a display of what will run, not runnable SQL.
      for (const statement of (r.inputs?.plannedSql as string[] | undefined) ?? [])
        if (!statement.includes('<computed>')) checkSql(statement);
      return r;
    },
  };
}
const pg = parserChecked('postgres');
const kafka = parserChecked('kafka');
const secret = parserChecked('secret');
const base = { name: 'pg', host: 'h', database: 'd', user: 'u', password: { name: 'pw' }, validate: false };

describe('check', () => {
  test('canonical inputs: location defaults, fully qualified references, canonical spellings', async () => {
    const r = await kafka.check(
      {},
      {
        name: 'k',
        brokers: [{ address: 'a:1' }, { address: 'b:1', sshTunnel: { name: 't', schemaName: 's' } }],
        securityProtocol: 'plaintext',
      },
    );
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({
      materializeEndpoint: 'localhost:6875',
      name: 'k',
      schemaName: 'public',
      databaseName: 'materialize',
      brokers: ['a:1', { address: 'b:1', sshTunnel: { name: 't', schemaName: 's', databaseName: 'materialize' } }],
      securityProtocol: 'PLAINTEXT',
      plannedSql: [
        `CREATE CONNECTION ${q('k')} TO KAFKA (BROKERS = ('a:1', 'b:1' USING SSH TUNNEL ${q('t', 's')}), SECURITY PROTOCOL = 'PLAINTEXT')`,
      ],
    });
  });

  test('planned SQL of a create includes OWNER TO and COMMENT ON', async () => {
    const r = await pg.check({}, { ...base, ownerRole: 'ops', comment: 'c' });
    expect(r.inputs!.plannedSql).toEqual([
      `CREATE CONNECTION ${q('pg')} TO POSTGRES (HOST = 'h', DATABASE = 'd', USER = 'u', PASSWORD = SECRET ${q('pw')}) WITH (VALIDATE = false)`,
      `ALTER CONNECTION ${q('pg')} OWNER TO "ops"`,
      `COMMENT ON CONNECTION ${q('pg')} IS 'c'`,
    ]);
  });

  test('planned SQL of an update is the ALTER plan against the old inputs', async () => {
    const olds = (await pg.check({}, base)).inputs!;
    const r = await pg.check(olds, { ...base, host: 'h2', port: 5433 });
    expect(r.inputs!.plannedSql).toEqual([
      `ALTER CONNECTION ${q('pg')} SET (HOST = 'h2'), SET (PORT = 5433) WITH (VALIDATE = false)`,
    ]);
  });

  test('nothing changed: the stored plan (the last change) is kept, so the inputs equal the state', async () => {
    const created = (await pg.check({}, base)).inputs!;
    const again = await pg.check(created, { ...base });
    expect(again.inputs).toEqual(created);
    const altered = (await pg.check(created, { ...base, host: 'h2' })).inputs!;
    expect(altered.plannedSql).toEqual([`ALTER CONNECTION ${q('pg')} SET (HOST = 'h2') WITH (VALIDATE = false)`]);
    expect((await pg.check(altered, { ...base, host: 'h2' })).inputs).toEqual(altered);
    // A new version of this package (another provider module text) changes nothing of the object.
    const upgraded = await pg.check({ ...altered, __provider: 'old' }, { ...base, host: 'h2', __provider: 'new' });
    expect(upgraded.inputs).toEqual({ ...altered, __provider: 'new' });
    // A change with no statement (the first keyRotation, a released grant) still plans none.
    const ssh = parserChecked('ssh-tunnel');
    const tunnel = (await ssh.check({}, { name: 't', host: 'b', user: 'm' })).inputs!;
    expect((await ssh.check(tunnel, { name: 't', host: 'b', user: 'm', keyRotation: 'a' })).inputs!.plannedSql).toEqual(
      [],
    );
  });

  test('planned SQL of a replacement is the CREATE of the new object', async () => {
    const olds = (await pg.check({}, base)).inputs!;
    const replaced = await pg.check(olds, { ...base, sshTunnel: { name: 't' } });
    expect(replaced.inputs!.plannedSql).toEqual([
      `CREATE CONNECTION ${q('pg')} TO POSTGRES (HOST = 'h', DATABASE = 'd', USER = 'u', PASSWORD = SECRET ${q('pw')}, SSH TUNNEL = ${q('t')}) WITH (VALIDATE = false)`,
    ]);
  });

  test('secret values are masked in the planned SQL', async () => {
    const created = await secret.check({}, { name: 's', value: 'hunter2' });
    expect(created.inputs!.plannedSql).toEqual([`CREATE SECRET ${q('s')} AS '********'`]);
    const changed = await secret.check(created.inputs!, { name: 's', value: 'hunter3' });
    expect(changed.inputs!.plannedSql).toEqual([`ALTER SECRET ${q('s')} AS '********'`]);
    expect(JSON.stringify([created, changed])).not.toContain(Buffer.from('hunter2').toString('base64'));
  });

  test('unknown values show as <computed> in the planned SQL and never fail validation', async () => {
    const r = await pg.check({}, { ...base, host: UNKNOWN, password: { name: UNKNOWN, schemaName: 'public' } });
    expect(r.failures).toBeUndefined();
    expect(r.inputs!.plannedSql).toEqual([
      `CREATE CONNECTION ${q('pg')} TO POSTGRES (HOST = <computed>, DATABASE = 'd', USER = 'u', PASSWORD = <computed>) WITH (VALIDATE = false)`,
    ]);
    expect(r.inputs!.host).toBe(UNKNOWN);
  });

  test('failures name the property and the rule, before any SQL', async () => {
    const r = await pg.check({}, { name: 'pg', host: 'h', user: 'u', materialize: { port: 0 }, dropCascade: 'yes' });
    expect(r.failures).toEqual([
      { property: 'database', reason: 'DATABASE option is required' },
      { property: 'materialize', reason: 'materialize.port must be an integer from 1 to 65535, got 0' },
      { property: 'dropCascade', reason: 'dropCascade must be true or false' },
    ]);
  });
});

describe('diff', () => {
  const outs = async (p: DynamicImpl, args: Record<string, unknown>) => ({
    ...(await p.check({}, args)).inputs!,
    connectionId: 'u1',
  });

  test('no change', async () => {
    expect(await pg.diff('u1', await outs(pg, base), (await pg.check({}, base)).inputs!)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test('in-place change', async () => {
    expect(await pg.diff('u1', await outs(pg, base), (await pg.check({}, { ...base, host: 'x' })).inputs!)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test('a replacement under the same name deletes first; under a new location it need not', async () => {
    const olds = await outs(pg, base);
    expect(await pg.diff('u1', olds, (await pg.check({}, { ...base, sshTunnel: { name: 't' } })).inputs!)).toEqual({
      changes: true,
      replaces: ['sshTunnel'],
      deleteBeforeReplace: true,
    });
    expect(await pg.diff('u1', olds, (await pg.check({}, { ...base, schemaName: 's2' })).inputs!)).toEqual({
      changes: true,
      replaces: ['schemaName'],
      deleteBeforeReplace: false,
    });
  });

  test('the order in which object keys arrive is no change', async () => {
    const olds = await outs(pg, { ...base, materialize: { host: 'a', port: 1 } });
    expect((await pg.diff('u1', olds, { ...olds, materialize: { port: 1, host: 'a' } })).changes).toBe(false);
  });

  test('lifecycle-only changes update state without SQL', async () => {
    const d = await pg.diff('u1', await outs(pg, base), (await pg.check({}, { ...base, dropCascade: true })).inputs!);
    expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test('another Materialize (host or port) replaces; new credentials or session database do not', async () => {
    const olds = {
      ...(await outs(pg, { ...base, materialize: { host: 'a', password: 'x' } })),
      materializeEndpoint: 'a:6875',
    };
    expect((await pg.diff('u1', olds, { ...olds, materialize: { host: 'b', password: 'x' } })).replaces).toEqual([
      'materialize',
    ]);
    expect((await pg.diff('u1', olds, { ...olds, materialize: { host: 'a', port: 6876 } })).replaces).toEqual([
      'materialize',
    ]);
    for (const materialize of [
      { host: 'a', password: 'y' },
      { host: 'a', password: 'x', database: 'other' },
    ])
      expect(await pg.diff('u1', olds, { ...olds, materialize })).toEqual({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
    // Not known yet during preview: shown as an update, decided when it is known.
    expect((await pg.diff('u1', olds, { ...olds, materialize: UNKNOWN })).replaces).toEqual([]);
  });

  test('a move that comes from the settings, not from the resource, is refused with guidance (A4)', async () => {
    const olds = { ...(await outs(pg, base)), materializeEndpoint: 'prod.example.com:6875' };
    await expect(pg.diff('u1', olds, { ...olds })).rejects.toThrow(
      'POSTGRES connection "materialize"."public"."pg" lives in the Materialize at prod.example.com:6875, but the ' +
        'settings now point at localhost:6875, and the change comes from materialize:host/port in the stack config ' +
        'or MZ_HOST/MZ_PORT, not from this resource.',
    );
    // The resource's own input moving it is a replacement, whatever the settings say.
    expect((await pg.diff('u1', olds, { ...olds, materialize: { host: 'localhost' } })).replaces).toEqual([
      'materialize',
    ]);
  });

  test('preview placeholders: in an alterable option an update, in a replace-forcing one a replacement', async () => {
    const olds = await outs(pg, base);
    expect(await pg.diff('u1', olds, { ...olds, host: UNKNOWN })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await pg.diff('u1', olds, { ...olds, sshTunnel: { name: UNKNOWN } })).toEqual({
      changes: true,
      replaces: ['sshTunnel'],
      deleteBeforeReplace: true,
    });
    expect(await pg.diff('u1', olds, { ...olds, schemaName: UNKNOWN })).toEqual({
      changes: true,
      replaces: ['schemaName'],
      deleteBeforeReplace: true,
    });
    const k = await outs(kafka, { name: 'k', brokers: ['a:1'] });
    expect((await kafka.diff('u1', k, { ...k, progressTopic: UNKNOWN })).replaces).toEqual(['progressTopic']);
  });
});

describe('every option of every kind may be unknown during preview', () => {
  const valid: Record<string, Record<string, unknown>> = {
    aws: { assumeRoleArn: 'arn:aws:iam::1:role/r' },
    'aws-privatelink': { serviceName: 's', availabilityZones: ['use1-az1'] },
    kafka: { brokers: ['b:9092'] },
    'confluent-schema-registry': { url: 'https://csr' },
    mysql: { host: 'h', user: 'u' },
    postgres: { host: 'h', user: 'u', database: 'd' },
    'sql-server': { host: 'h', user: 'u', database: 'd', password: { name: 'p' } },
    'ssh-tunnel': { host: 'h', user: 'u' },
    'iceberg-catalog': { catalogType: 'rest', url: 'https://cat', credential: 'c' },
    gcp: { serviceAccountKey: { name: 'sa' } },
    'aws-glue-schema-registry': { awsConnection: { name: 'a' }, registry: 'r' },
  };
  const cases = Object.values(connectionSpecs).flatMap((spec) =>
    spec.options.map((o) => [spec.kind, o.arg, o.keyword] as const),
  );
  test.each(cases)('%s %s', async (kind, arg, keyword) => {
    const impl = dynamicProvider(kind);
    // Kafka takes brokers or a PrivateLink, not both.
    const base = kind === 'kafka' && arg === 'awsPrivatelink' ? {} : valid[kind];
    const news = { name: 'c', ...base, [arg]: UNKNOWN };
    const created = await impl.check({}, news);
    expect(created.failures).toBeUndefined();
    expect((created.inputs!.plannedSql as string[])[0]).toContain(`${keyword} = <computed>`);
    const olds = (await impl.check({}, { name: 'c', ...valid[kind] })).inputs!;
    const updated = await impl.check(olds, news);
    expect(updated.failures).toBeUndefined();
    expect(JSON.stringify(updated.inputs!.plannedSql)).toContain(`${keyword} = <computed>`);
    // Part of a value unknown too: a reference's name, a broker's tunnel.
    const partial = await impl.check({}, { name: 'c', ...base, [arg]: { name: UNKNOWN } });
    expect(partial.inputs!.plannedSql).toBeDefined();
  });
});

describe('an existing object is only touched in the Materialize it lives in', () => {
  const props = {
    name: 's',
    schemaName: 'public',
    databaseName: 'materialize',
    value: 'v',
    materializeEndpoint: 'prod.example.com:6875',
  };
  const message =
    'secret "materialize"."public"."s" lives in the Materialize at prod.example.com:6875, but the settings now point at localhost:6875. ' +
    "Restore materialize:host/port (or MZ_HOST/MZ_PORT, or the resource's materialize input) to reach it, or remove it from the stack with `pulumi state delete`.";
  test.each(['read', 'delete'] as const)('%s refuses before connecting', async (op) => {
    await expect(dynamicProvider('secret')[op]('u1', props)).rejects.toThrow(message);
  });
  test('update refuses before connecting', async () => {
    await expect(dynamicProvider('secret').update('u1', props, { ...props, value: 'w' })).rejects.toThrow(message);
  });
});

describe('sensitive text options are masked', () => {
  test('a session token or OAuth credential given as text never shows in planned SQL', async () => {
    const aws = await dynamicProvider('aws').check(
      {},
      { name: 'a', accessKeyId: 'AKIA', secretAccessKey: { name: 's' }, sessionToken: 'TOKEN-123' },
    );
    expect(aws.inputs!.plannedSql).toEqual([
      `CREATE CONNECTION ${q('a')} TO AWS (ACCESS KEY ID = 'AKIA', SECRET ACCESS KEY = SECRET ${q('s')}, SESSION TOKEN = '********')`,
    ]);
    const ice = await dynamicProvider('iceberg-catalog').check(
      {},
      { name: 'i', catalogType: 'rest', url: 'https://c', credential: "client:se'cret" },
    );
    expect(ice.inputs!.plannedSql).toEqual([
      `CREATE CONNECTION ${q('i')} TO ICEBERG CATALOG (CATALOG TYPE = 'rest', URL = 'https://c', CREDENTIAL = '********')`,
    ]);
  });
});
