// SshBastionAuthorizedKeys without a bastion: the managed block (byte-for-byte elsewhere), restrictions,
// the two-step rotation write, POSIX cksum, check failures by property, and diff decisions.
import { execFileSync } from 'child_process';
import { dynamicProvider, UNKNOWN } from '../../provider';
import { findBlock, keyLines, posixCksum, rotationSteps, withBlock, withoutBlock } from '../../provider/bastion';
import { pathExpression, writeScript } from '../../provider/bastion/remote';

const bastion = dynamicProvider('ssh-bastion-authorized-keys');
const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb2nPR6weuxZxZNSkFKNCFsEIBbSwxYEgcSbDCQFo8r materialize';
const K2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF8Y1yGTrGkAvTInK1W0Eyn6j3vYy5tqS9cp1xXo9y0b materialize';
const K3 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN1rA1lq8mGz4Yp3mQw0r9nVQ4JYg0tA8dN6b3o9zQ2a materialize';
const PIN = 'SHA256:' + 'A'.repeat(43);
const begin = (token: string) =>
  `# BEGIN pulumi-materialize-connections block=b id=${token} (managed by Pulumi: edit outside this block)`;
const END = '# END pulumi-materialize-connections block=b';

describe('managed block', () => {
  const foreign = '# hand\r\nssh-rsa AAAAB3 ops\xe9\n\n';
  test('appended after foreign lines, replaced in place, removed, every other byte kept', () => {
    const added = withBlock(foreign, 'b', 't1', [K1, K2]);
    expect(added).toBe(`${foreign}${begin('t1')}\n${K1}\n${K2}\n${END}\n`);
    const edited = added + 'ssh-ed25519 AAAAlater later';
    const replaced = withBlock(edited, 'b', 't1', [K2, K3]);
    expect(replaced).toBe(`${foreign}${begin('t1')}\n${K2}\n${K3}\n${END}\nssh-ed25519 AAAAlater later`);
    expect(withoutBlock(replaced, 'b', 't1')).toBe(`${foreign}ssh-ed25519 AAAAlater later`);
    expect(withoutBlock(replaced, 'b', 'someone-else')).toBe(replaced);
    expect(withoutBlock(withBlock('', 'b', 't', [K1]), 'b', 't')).toBe('');
  });

  test('a file without a final newline gets one only before an appended block', () => {
    expect(withBlock('ssh-rsa AAAA x', 'b', 't', [K1])).toBe(`ssh-rsa AAAA x\n${begin('t')}\n${K1}\n${END}\n`);
  });

  test('other blocks are not this one; broken markers are refused, never guessed', () => {
    const other = withBlock('', 'b2', 't', [K1]);
    expect(findBlock(other, 'b')).toBeUndefined();
    expect(() => findBlock(`${begin('t')}\n${K1}\n`, 'b')).toThrow(
      'block b has a BEGIN marker without its END marker; fix the file by hand',
    );
    expect(() => findBlock(`${K1}\n${END}\n`, 'b')).toThrow('the END marker of block b has no BEGIN marker');
    expect(() => findBlock(`${begin('t')}\n${END}\n${begin('u')}\n${END}\n`, 'b')).toThrow('block b appears 2 times');
  });

  test('restrictions in front of each key; duplicates dropped', () => {
    expect(
      keyLines([K1, ` ${K1} `, K2], {
        from: ['10.0.0.0/8', '!10.0.0.1'],
        permitOpen: ['db:5432', 'db2:*'],
        noPty: true,
      }),
    ).toEqual([
      `from="10.0.0.0/8,!10.0.0.1",permitopen="db:5432",permitopen="db2:*",no-pty ${K1}`,
      `from="10.0.0.0/8,!10.0.0.1",permitopen="db:5432",permitopen="db2:*",no-pty ${K2}`,
    ]);
  });

  test('rotation writes the new key in before the old one goes', () => {
    const start = withBlock('x\n', 'b', 't', [K1, K2]);
    expect(rotationSteps(start, 'b', 't', [K2, K3])).toEqual([
      withBlock('x\n', 'b', 't', [K1, K2, K3]),
      withBlock('x\n', 'b', 't', [K2, K3]),
    ]);
    // Only added, only removed, or a first install: one write.
    expect(rotationSteps(start, 'b', 't', [K1, K2, K3])).toEqual([withBlock('x\n', 'b', 't', [K1, K2, K3])]);
    expect(rotationSteps(start, 'b', 't', [K2])).toEqual([withBlock('x\n', 'b', 't', [K2])]);
    expect(rotationSteps('x\n', 'b', 't', [K1])).toEqual([withBlock('x\n', 'b', 't', [K1])]);
  });

  test('POSIX cksum as the bastion computes it', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('a'), Buffer.from([0, 255, 10]), Buffer.alloc(70000, 7)])
      expect(posixCksum(data)).toBe(execFileSync('cksum', { input: data }).toString().trim());
  });

  test('paths as shell words: the home of the login user or another user, quotes escaped', () => {
    expect(pathExpression('~/.ssh/authorized_keys')).toBe(`"$HOME"/'.ssh/authorized_keys'`);
    expect(pathExpression('~materialize/.ssh/authorized_keys')).toBe(`~materialize/'.ssh/authorized_keys'`);
    expect(pathExpression("/etc/ssh/keys/it's")).toBe(`'/etc/ssh/keys/it'\\''s'`);
    expect(writeScript('/a', '1 2')).toContain(
      `[ "$c" = '1 2' ] || { echo 'changed while being updated' >&2; exit 75; }`,
    );
  });
});

const good = {
  host: 'bastion.example.com',
  user: 'materialize',
  blockName: 'tunnel',
  publicKeys: [K1, K2],
  hostKeySha256: PIN,
  privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----\n',
};

describe('check', () => {
  test("defaults made explicit: port, login user, the tunnel user's file", async () => {
    expect((await bastion.check({}, good)).inputs).toEqual({
      ...good,
      port: 22,
      loginUser: 'materialize',
      path: '~/.ssh/authorized_keys',
    });
    expect((await bastion.check({}, { ...good, loginUser: 'admin' })).inputs).toMatchObject({
      loginUser: 'admin',
      path: '~materialize/.ssh/authorized_keys',
    });
  });

  test('every problem names its property, before any SSH', async () => {
    const r = await bastion.check(
      {},
      {
        host: 'h',
        user: 'bad user',
        blockName: 'has space',
        publicKeys: ['not a key', K1],
        hostKeySha256: 'abc',
        agent: true,
        privateKey: 'PRIVATE-KEY-TEXT',
        restrictions: { permitOpen: ['db'], noPty: 'yes', from: ['a"b'], other: 1 },
        jumpHost: { host: 'j', user: 'u', hostKeySha256: PIN },
        bootTimeoutSeconds: -1,
        validateConnection: true,
      },
    );
    expect(r.failures).toEqual([
      {
        property: 'hostKeySha256',
        reason:
          'hostKeySha256 must be a SHA256 fingerprint as ssh-keygen -lf prints it (SHA256: and 43 base64 characters)',
      },
      {
        property: 'privateKey',
        reason: 'exactly one of privateKey (a secret) and agent is required to log in to the bastion',
      },
      { property: 'user', reason: 'user must be a Unix user name (letters, digits, ., _, -)' },
      {
        property: 'blockName',
        reason: 'blockName must be 1 to 200 letters, digits or . _ : @ / - (it marks the managed block)',
      },
      {
        property: 'publicKeys[0]',
        reason: 'each public key must be one line "type base64 [comment]", e.g. ssh-ed25519 AAAA... materialize',
      },
      { property: 'restrictions.other', reason: 'unknown restriction (known: permitOpen, noPty, from)' },
      {
        property: 'restrictions.permitOpen',
        reason: 'restrictions.permitOpen must be a list of "host:port" (port may be *)',
      },
      {
        property: 'restrictions.from',
        reason: 'restrictions.from must be a list of address patterns (e.g. 10.0.0.0/8, *.example.com, !1.2.3.4)',
      },
      { property: 'restrictions.noPty', reason: 'restrictions.noPty must be true or false' },
      {
        property: 'jumpHost.privateKey',
        reason: 'exactly one of jumpHost.privateKey (a secret) and jumpHost.agent is required to log in to the bastion',
      },
      { property: 'bootTimeoutSeconds', reason: 'bootTimeoutSeconds must be a number from 0 to 3600' },
      { property: 'connection', reason: 'validateConnection needs the SshTunnelConnection (connection)' },
    ]);
    expect(JSON.stringify(r.failures)).not.toContain('PRIVATE-KEY-TEXT');
  });

  test('unknown keys during preview are not failures', async () => {
    expect((await bastion.check({}, { ...good, publicKeys: UNKNOWN })).failures).toBeUndefined();
    expect((await bastion.check({}, { ...good, publicKeys: [UNKNOWN, UNKNOWN] })).failures).toBeUndefined();
  });
});

describe('diff', () => {
  const olds = { ...good, port: 22, loginUser: 'materialize', path: '~/.ssh/authorized_keys', installedKeys: [K1, K2] };
  const same = { ...olds };
  delete (same as Record<string, unknown>).installedKeys;
  test.each([
    ['nothing', {}, { changes: false, replaces: [] }],
    ['rotated keys: in place', { publicKeys: [K2, K3] }, { changes: true, replaces: [] }],
    ['keys not known yet (preview of a rotation)', { publicKeys: UNKNOWN }, { changes: true, replaces: [] }],
    ['new credentials only: in place', { privateKey: 'other' }, { changes: true, replaces: [] }],
    [
      'another file: replaced, new block first',
      { path: '/etc/ssh/ak/materialize' },
      { changes: true, replaces: ['path'] },
    ],
    ['another bastion', { host: 'b2', port: 2222 }, { changes: true, replaces: ['host', 'port'] }],
  ])('%s', async (_t, change, expected) => {
    expect(await bastion.diff('id', olds, { ...same, ...change })).toEqual({ ...expected, deleteBeforeReplace: false });
  });

  test('drift: the keys found by refresh differ from the wanted ones', async () => {
    expect((await bastion.diff('id', { ...olds, installedKeys: [K2] }, same)).changes).toBe(true);
  });
});
