// keyRotation on SshTunnelConnection: a change from one value to another is ALTER CONNECTION ... ROTATE KEYS,
// in place, as a statement of its own; setting it the first time, adopting, or removing it never rotates.
import { dynamicProvider, UNKNOWN } from '../../provider';
import { alterConnectionSql, check as checkSql } from '../support/checked-provider';

const q = (name: string) => `"materialize"."public"."${name}"`;
const tunnel = { name: 'bastion', host: 'bastion.example.com', user: 'materialize' };
const ssh = dynamicProvider('ssh-tunnel');

describe('ALTER plan', () => {
  test('a changed value rotates, alone in its statement, after the options ALTER and before RENAME', () => {
    const plan = alterConnectionSql(
      'ssh-tunnel',
      { ...tunnel, keyRotation: 1 },
      { ...tunnel, name: 'b2', port: 2222, keyRotation: '2026-01' },
    );
    expect(plan).toEqual({
      statements: [
        `ALTER CONNECTION ${q('bastion')} SET (PORT = 2222)`,
        `ALTER CONNECTION ${q('bastion')} ROTATE KEYS`,
        `ALTER CONNECTION ${q('bastion')} RENAME TO "b2"`,
      ],
      replaces: [],
    });
  });

  test.each([
    ['set the first time', undefined, 1],
    ['removed', 1, undefined],
    ['the same value', 'r1', 'r1'],
    ['the same value as number and text', 3, '3'],
  ])('%s: no rotation', (_t, before, after) => {
    expect(
      alterConnectionSql('ssh-tunnel', { ...tunnel, keyRotation: before }, { ...tunnel, keyRotation: after }),
    ).toEqual({
      statements: [],
      replaces: [],
    });
  });
});

describe('check and diff', () => {
  test('plannedSql shows ROTATE KEYS; the diff is an in-place update', async () => {
    const olds = (await ssh.check({}, { ...tunnel, keyRotation: 1 })).inputs!;
    expect(olds.plannedSql).toEqual([
      `CREATE CONNECTION ${q('bastion')} TO SSH TUNNEL (HOST = 'bastion.example.com', USER = 'materialize')`,
    ]);
    const news = (await ssh.check(olds, { ...tunnel, keyRotation: 2 })).inputs!;
    expect(news.plannedSql).toEqual([`ALTER CONNECTION ${q('bastion')} ROTATE KEYS`]);
    checkSql(`ALTER CONNECTION ${q('bastion')} ROTATE KEYS`);
    expect(await ssh.diff('u1', olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test('setting it the first time is a change (so it is recorded) with no statement', async () => {
    const olds = (await ssh.check({}, tunnel)).inputs!;
    const news = (await ssh.check(olds, { ...tunnel, keyRotation: 'a' })).inputs!;
    expect(news.plannedSql).toEqual([]);
    expect(await ssh.diff('u1', olds, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await ssh.update('u1', { ...olds, connectionId: 'u1' }, news)).toEqual({
      outs: { ...news, connectionId: 'u1' },
    });
  });

  test('an unknown value in preview shows the rotation it may run', async () => {
    const olds = (await ssh.check({}, { ...tunnel, keyRotation: 1 })).inputs!;
    const news = (await ssh.check(olds, { ...tunnel, keyRotation: UNKNOWN })).inputs!;
    expect(news.plannedSql).toEqual([`ALTER CONNECTION ${q('bastion')} ROTATE KEYS`]);
    expect((await ssh.diff('u1', olds, news)).changes).toBe(true);
  });

  test.each([
    [true, 'keyRotation must be a string or a number, got boolean true'],
    [{ at: 1 }, 'keyRotation must be a string or a number, got an object'],
    [Number.NaN, 'keyRotation must be a string or a number, got number NaN'],
  ])('%p is refused at check, naming the property', async (value, reason) => {
    expect((await ssh.check({}, { ...tunnel, keyRotation: value })).failures).toEqual([
      { property: 'keyRotation', reason },
    ]);
  });

  test('only SSH tunnels take keyRotation', async () => {
    const r = await dynamicProvider('postgres').check(
      {},
      { name: 'pg', host: 'h', database: 'd', user: 'u', keyRotation: 1 },
    );
    expect(r.failures).toEqual([
      {
        property: 'keyRotation',
        reason:
          'unknown property "keyRotation" for POSTGRES connections (known: host, port, database, user, password, sslMode, sslCertificateAuthority, sslCertificate, sslKey, sshTunnel, awsPrivatelink)',
      },
    ]);
    expect((await dynamicProvider('secret').check({}, { name: 's', value: 'v', keyRotation: 1 })).failures).toEqual([
      {
        property: 'keyRotation',
        reason:
          'unknown property "keyRotation" for secrets (known: name, schemaName, databaseName, value, comment, ownerRole, usage)',
      },
    ]);
  });
});
