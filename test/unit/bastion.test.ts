// SshBastionAuthorizedKeys without a bastion: the managed block (byte-for-byte elsewhere), restrictions,
// the two-step rotation write, POSIX cksum, check failures by property, and diff decisions.
import { execFileSync } from 'child_process';
import { dynamicProvider, UNKNOWN } from '../../provider';
import { findBlock, keyLines, posixCksum, rotationSteps, withBlock, withoutBlock } from '../../provider/bastion';
import { pathExpression, writeScript } from '../../provider/bastion/remote';
import { fromFileText, outsideBlocks, toFileText } from '../../provider/bastion/authorized-keys';
import { publicKeyProblem } from '../../provider/bastion/public-key';
import { mayWrite, ownerTag } from '../../provider/bastion/resource';

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
    expect(pathExpression('keys/ak')).toBe(`"$HOME"/'keys/ak'`);
    expect(writeScript('/a', { expected: '1 2', content: '3 4', nonce: 'n' })).toContain(
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
        reason:
          'publicKeys[0] has the key type "not"; known: ssh-ed25519, ssh-rsa, ssh-dss, ecdsa-sha2-nistp256, ' +
          'ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com ' +
          '(certificates are not supported)',
      },
      { property: 'restrictions.other', reason: 'unknown restriction (known: restrict, permitOpen, noPty, from)' },
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

describe('bytes in, bytes out: key lines are one line of UTF-8 text', () => {
  const body = K1.split(' ').slice(0, 2).join(' ');
  test('any printable comment, in any script, round-trips through the file as its UTF-8 bytes', () => {
    for (const comment of ['ops@上海', 'ĊĠ', 'émile', '🔑 key', 'a "quoted" #comment']) {
      const line = `${body} ${comment}`;
      expect(publicKeyProblem(line)).toBeUndefined();
      const inFile = toFileText(line);
      expect(Buffer.from(inFile, 'latin1')).toEqual(Buffer.from(line, 'utf8'));
      expect(inFile).not.toMatch(/[\r\n]/);
      const file = withBlock('x\n', 'b', 't', [inFile]);
      expect(file.split('\n')).toHaveLength(5);
      expect(findBlock(file, 'b')!.lines.map(fromFileText)).toEqual([line]);
    }
  });

  test('control characters and line separators anywhere are refused, naming the character', () => {
    for (const [c, code] of [
      ['\n', '000A'],
      ['\r', '000D'],
      ['\0', '0000'],
      ['\x1b', '001B'],
      ['\x7f', '007F'],
      ['\x85', '0085'],
      ['\u2028', '2028'],
      ['\u2029', '2029'],
    ]) {
      expect(publicKeyProblem(`${body} a${c}b`)).toBe(
        `holds the control character U+${code}, which would change the lines of authorized_keys; a key is one line of printable text`,
      );
    }
    // The injection of the issue: a second, unrestricted key line.
    expect(publicKeyProblem(`${body} x\n${K2}`)).toMatch(/^holds the control character U\+000A/);
    expect(publicKeyProblem(`${body} \ud800`)).toBe('is not valid UTF-8 text (it holds a lone UTF-16 surrogate)');
  });

  test('the key itself must be what its type says: canonical base64, the same type inside, all fields and no more', () => {
    const blob = Buffer.from(body.split(' ')[1], 'base64');
    const b64 = (b: Buffer) => b.toString('base64');
    expect(publicKeyProblem(`ssh-rsa ${b64(blob)} x`)).toBe('has a key blob that is not a ssh-rsa public key');
    expect(publicKeyProblem(`ssh-ed25519 ${b64(blob.subarray(0, blob.length - 1))}`)).toBe(
      'has a key blob that is not a ssh-ed25519 public key',
    );
    expect(publicKeyProblem(`ssh-ed25519 ${b64(Buffer.concat([blob, Buffer.from([0, 0, 0, 0])]))}`)).toBe(
      'has a key blob that is not a ssh-ed25519 public key',
    );
    expect(publicKeyProblem(`ssh-ed25519 ${body.split(' ')[1]}A`)).toBe('has a key that is not canonical base64');
    expect(publicKeyProblem(`ssh-ed25519-cert-v01@openssh.com ${b64(blob)}`)).toMatch(/^has the key type/);
    expect(publicKeyProblem(`from="x" ${body}`)).toMatch(/^has the key type "from=\\"x\\""/);
    expect(publicKeyProblem(42)).toBe('must be a string, got number');
  });

  test('check names the property and the rule; U+010A (which latin1 turned into a newline) is just a letter', async () => {
    const r = await bastion.check(
      {},
      { ...good, publicKeys: [`${body} ops\u010a`, `${body} ops\n${K2}`, `${body} ops@上海`] },
    );
    expect(r.failures).toEqual([
      {
        property: 'publicKeys[1]',
        reason:
          'publicKeys[1] holds the control character U+000A, which would change the lines of authorized_keys; a key is one line of printable text',
      },
    ]);
    expect((await bastion.check({}, { ...good, path: '/etc/ak\x1b' })).failures).toEqual([
      { property: 'path', reason: 'path must be a non-empty file path without control characters' },
    ]);
  });
});

describe('restrict, CRLF files, block ownership', () => {
  test('restrict: everything off, port forwarding back on and limited to permitOpen, no command', async () => {
    expect(keyLines([K1], { restrict: true, permitOpen: ['db:5432'], noPty: true, from: ['10.0.0.0/8'] })).toEqual([
      `restrict,port-forwarding,command="false",from="10.0.0.0/8",permitopen="db:5432" ${K1}`,
    ]);
    for (const restrictions of [{ restrict: true }, { restrict: true, permitOpen: [] }])
      expect((await bastion.check({}, { ...good, restrictions })).failures).toEqual([
        {
          property: 'restrictions.permitOpen',
          reason:
            'restrictions.restrict needs permitOpen: the destinations the tunnel forwards to (restrict adds port ' +
            'forwarding back, and permitOpen is what limits it)',
        },
      ]);
    expect(
      (await bastion.check({}, { ...good, restrictions: { restrict: 'yes', permitOpen: ['a:1'] } })).failures,
    ).toEqual([{ property: 'restrictions.restrict', reason: 'restrictions.restrict must be true or false' }]);
  });

  test('a file converted to CRLF: the block is found, replaced with CRLF lines, removed; other lines kept', () => {
    const crlf = withBlock('# hand\n', 'b', 't', [K1]).replace(/\n/g, '\r\n');
    expect(findBlock(crlf, 'b')).toEqual({ begin: 1, end: 3, token: 't', lines: [K1], crlf: true });
    expect(withBlock(crlf, 'b', 't', [K2])).toBe(`# hand\r\n${begin('t')}\r\n${K2}\r\n${END}\r\n`);
    expect(withoutBlock(crlf, 'b', 't')).toBe('# hand\r\n');
    expect(outsideBlocks(crlf)).toEqual(['# hand\r']);
  });

  test('outsideBlocks: every line outside every managed block, as it is', () => {
    const file = withBlock(withBlock('a\n', 'b1', 't', [K1]) + 'b \xe9\n', 'b2', 'u', [K2]) + 'c';
    expect(outsideBlocks(file)).toEqual(['a', 'b \xe9', 'c']);
  });

  test("a block is written only by its own token or its owner's (a lost run); never another stack's", () => {
    const mine = `${ownerTag('proj/dev/keys')}-0123456789abcdef`;
    const rerun = `${ownerTag('proj/dev/keys')}-fedcba9876543210`;
    const otherStack = `${ownerTag('proj/prod/keys')}-0123456789abcdef`;
    expect(mayWrite(mine, mine)).toBe(true);
    expect(mayWrite(rerun, mine)).toBe(true);
    expect(mayWrite(otherStack, mine)).toBe(false);
    // A token of 0.2.0 (no owner tag) is only its own instance's.
    expect(mayWrite('0123456789abcdef', '0123456789abcdef')).toBe(true);
    expect(mayWrite('0123456789abcdef', mine)).toBe(false);
    expect(ownerTag('proj/dev/keys')).toMatch(/^[0-9a-f]{12}$/);
  });
});
