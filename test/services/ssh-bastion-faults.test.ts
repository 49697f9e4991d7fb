// SshBastionAuthorizedKeys under faults, against the real sshd of scripts/services.sh (and a private sshd
// where root must log in): the connection cut at many bytes of a write, a silent connection, parallel
// writers, two stacks, any script in a key comment and control characters, symbolic links, a privileged
// login user, a full disk, a FIFO, a misspelled user, a CRLF file, and `restrict` as sshd enforces it.
// Every test works in a directory of its own (never the shared authorized_keys files).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'ssh2';
import { dynamicProvider } from '../../provider';
import { outsideBlocks } from '../../provider/bastion/authorized-keys';
import { generateKeyPair } from '../standin/ssh-keys';
import {
  eventually,
  servicesBastion,
  settledWithin,
  startPrivateSshd,
  watchForeignLines,
  type PrivateSshd,
} from './bastion-rig';
import { CutProxy, type ByteCut as Cut } from './cut-proxy';
import { services } from './env';

const svc = servicesBastion();
const { hostKeySha256: HOST_KEY, operatorKey } = svc;
const pgPort = services.pg().port;
const bastion = dynamicProvider('ssh-bastion-authorized-keys');
const [k1, k2, k3] = [generateKeyPair(), generateKeyPair(), generateKeyPair()].map((k) => ({
  pub: k.publicKey,
  priv: k.privateKey,
}));
const uid = Number(execFileSync('id', ['-u', svc.user]).toString());

let dir: string;
let file: string;
const read = () => fs.readFileSync(file);
const leftovers = () => fs.readdirSync(dir).filter((f) => f !== 'authorized_keys');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-faults-'));
  fs.chmodSync(dir, 0o755);
  fs.chownSync(dir, uid, uid);
  file = path.join(dir, 'authorized_keys');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const base = (over: Record<string, unknown> = {}) => ({
  host: svc.host,
  port: svc.port,
  user: svc.user,
  path: file,
  blockName: 'keys',
  blockOwner: 'proj/dev/keys',
  publicKeys: [k1.pub],
  hostKeySha256: HOST_KEY,
  privateKey: operatorKey,
  bootTimeoutSeconds: 5,
  ...over,
});
const checked = async (over: Record<string, unknown> = {}) => {
  const r = await bastion.check({}, base(over));
  expect(r.failures).toBeUndefined();
  return r.inputs!;
};
/** A file of the tunnel user with `lines` foreign lines around which the block goes. */
function foreignFile(lines: number): Buffer {
  const text = Array.from({ length: lines }, (_, i) => `ssh-ed25519 AAAAC3Nza${i} hand-added-${i} \xe9`).join('\r\n');
  const bytes = Buffer.from(text + '\n', 'latin1');
  fs.writeFileSync(file, bytes);
  fs.chownSync(file, uid, uid);
  return bytes;
}

describe('a connection cut during a write', () => {
  test('at any of many bytes, in either direction: the old file or the new one, never a third state, never a hang', async () => {
    foreignFile(2500); // about 110 KB: the write spans many SSH packets
    const created = await bastion.create(await checked());
    const old = read();
    const next = await checked({ publicKeys: [k1.pub, k2.pub] }); // keys only added: one write
    const measure = await new CutProxy('127.0.0.1', svc.port).start();
    await bastion.update(created.id, created.outs, { ...next, port: measure.port });
    await measure.close();
    const fresh = read();
    expect(fresh.equals(old)).toBe(false);
    const cuts: Cut[] = [
      ...Array.from({ length: 28 }, (_, i) => ({
        direction: 'up' as const,
        after: Math.floor((measure.up * i) / 28),
        how: 'reset' as const,
      })),
      ...[measure.up - 2000, measure.up - 200, measure.up - 20].map((after) => ({
        direction: 'up' as const,
        after,
        how: 'reset' as const,
      })),
      // Server to client: during the read, and at the end, after the install (the exit status lost).
      ...[0.2, 0.5, 0.8, 0.95]
        .map((f) => Math.floor(measure.down * f))
        .concat([measure.down - 150, measure.down - 40])
        .map((after) => ({ direction: 'down' as const, after, how: 'reset' as const })),
      { direction: 'up', after: Math.floor(measure.up * 0.6), how: 'stall' },
    ];
    const outcomes: string[] = [];
    for (const cut of cuts) {
      fs.writeFileSync(file, old);
      const proxy = await new CutProxy('127.0.0.1', svc.port, cut).start();
      // Whoever reads the file meanwhile (sshd logging a user in) sees the old file or the new one.
      const thirdStates: number[] = [];
      const watcher = setInterval(() => {
        const now = read();
        if (!now.equals(old) && !now.equals(fresh)) thirdStates.push(now.length);
      }, 2);
      const r = await settledWithin(bastion.update(created.id, created.outs, { ...next, port: proxy.port }), 90_000);
      clearInterval(watcher);
      await proxy.close();
      const now = read();
      const state = now.equals(fresh) ? 'new' : now.equals(old) ? 'old' : `a third state (${now.length} bytes)`;
      outcomes.push(`${cut.how} ${cut.direction}@${cut.after}: ${r.status}, ${state}`);
      expect({ cut, status: r.status }).not.toEqual({ cut, status: 'pending' });
      expect({ cut, state }).toEqual({
        cut,
        state: r.status === 'fulfilled' ? 'new' : expect.stringMatching(/^(new|old)$/),
      });
      expect({ cut, thirdStates }).toEqual({ cut, thirdStates: [] });
      // Nothing left behind: the remote shell removes its temporary file and lock when sshd ends it.
      expect({ cut, left: (await eventually(() => leftovers().length === 0)) || leftovers() }).toEqual({
        cut,
        left: true,
      });
    }
    // The offsets spanned the write: some cuts kept the old file, some came after the new one was in.
    expect(outcomes.filter((o) => o.endsWith('rejected, old')).length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => o.endsWith(', new')).length).toBeGreaterThan(0);
    expect(outcomes.at(-1)).toMatch(/^stall up@\d+: rejected, old$/);
  }, 900_000);
});

describe('writers of one file', () => {
  test('parallel resources writing one file in the same run lose nothing, round after round', async () => {
    const original = foreignFile(50);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const inputsOf = (n: string, keys: string[]) =>
      checked({ blockName: n, blockOwner: `proj/dev/${n}`, publicKeys: keys });
    const foreign = outsideBlocks(original.toString('latin1'));
    const i5 = watchForeignLines(file, () => foreign);
    let changedOutsideBlocks: ReturnType<typeof i5.stop> = [];
    try {
      for (let round = 0; round < 3; round++) {
        const created = await Promise.all(names.map(async (n) => bastion.create(await inputsOf(n, [k1.pub]))));
        const afterCreate = read().toString('latin1');
        for (const n of names) expect(afterCreate).toContain(`block=${n} id=`);
        expect(outsideBlocks(afterCreate)).toEqual(outsideBlocks(original.toString('latin1')));
        // Rotations in parallel (two writes each: new key in, then old key out).
        const updated = await Promise.all(
          created.map(async (c, i) => bastion.update(c.id, c.outs, await inputsOf(names[i], [k2.pub, k3.pub]))),
        );
        for (const u of updated) {
          const refreshed = await bastion.read('id', u.outs);
          expect(refreshed.props!.installedKeys).toEqual([k2.pub, k3.pub]);
        }
        await Promise.all(updated.map((u, i) => bastion.delete(created[i].id, u.outs)));
        expect(read().equals(original)).toBe(true);
        expect(leftovers()).toEqual([]);
      }
    } finally {
      changedOutsideBlocks = i5.stop();
    }
    // I5: the lines outside the blocks were the same, byte for byte, at every moment the watcher looked.
    expect(changedOutsideBlocks).toEqual([]);
  }, 300_000);

  test("a dead writer's lock is recovered (its holder unchanged for 15 s)", async () => {
    const original = foreignFile(3);
    // A lock left by a writer whose session died between taking it and its exit trap.
    fs.mkdirSync(path.join(dir, '.authorized_keys.pulumi-lock'));
    fs.writeFileSync(path.join(dir, '.authorized_keys.pulumi-lock/holder'), 'dead-writer');
    for (const p of ['.authorized_keys.pulumi-lock', '.authorized_keys.pulumi-lock/holder'])
      fs.chownSync(path.join(dir, p), uid, uid); // as the login user's dead session would have left it
    const r = await bastion.create(await checked());
    expect(read().subarray(0, original.length).equals(original)).toBe(true);
    expect(r.outs.installedKeys).toEqual([k1.pub]);
    expect(leftovers()).toEqual([]);
  }, 120_000);
});

describe('bounded time', () => {
  test('a live lock holder is waited for; past commandTimeoutSeconds the write gives up, and nothing is half-done', async () => {
    const original = foreignFile(3);
    const lock = path.join(dir, '.authorized_keys.pulumi-lock');
    // A live writer holds the lock: its holder file changes, so it is never taken for dead.
    fs.mkdirSync(lock);
    fs.chownSync(lock, uid, uid);
    let beat = 0;
    const holder = setInterval(() => fs.writeFileSync(path.join(lock, 'holder'), `live-${beat++}`), 300);
    try {
      const r = await settledWithin(bastion.create(await checked({ commandTimeoutSeconds: 5 })), 60_000);
      expect(r).toEqual({
        status: 'rejected',
        reason: expect.objectContaining({
          message: `installing keys: bastion sshtest@127.0.0.1:${svc.port}: a command on the bastion: no answer within 5s; gave up`,
        }),
      });
      expect(read().equals(original)).toBe(true);
      // The writer that gave up ends on the bastion while the lock is still held (its next byte to the
      // client fails): its temporary file goes, and it can never install later, onto whatever is there then.
      expect(await eventually(() => leftovers().every((f) => f === '.authorized_keys.pulumi-lock'), 15_000)).toBe(true);
      // The holder finishes after a while: a writer waits for it and goes on.
      setTimeout(() => {
        clearInterval(holder);
        fs.rmSync(lock, { recursive: true, force: true });
      }, 2000);
      const created = await bastion.create(await checked());
      expect(created.outs.installedKeys).toEqual([k1.pub]);
      expect(read().subarray(0, original.length).equals(original)).toBe(true);
      expect(leftovers()).toEqual([]);
      await bastion.delete(created.id, created.outs);
      expect(read().equals(original)).toBe(true);
    } finally {
      clearInterval(holder);
    }
  }, 120_000);
});

describe('blocks belong to one stack', () => {
  test("another stack's block of the same name is never taken over, updated or removed; a lost run of the owner's is", async () => {
    const original = foreignFile(2);
    const dev = await bastion.create(await checked({ blockName: 'shared', blockOwner: 'proj/dev/keys' }));
    const withDev = read();
    const prod = await checked({ blockName: 'shared', blockOwner: 'proj/prod/keys', publicKeys: [k2.pub] });
    const err = (await bastion.create(prod).catch((e) => e)) as Error;
    expect(err.message).toBe(
      `installing keys: bastion sshtest@127.0.0.1:${svc.port} (${file}, block shared): block shared in ${file} ` +
        `belongs to another owner (id ${dev.outs.blockToken}), e.g. the same program's other stack: it is never ` +
        'taken over. Give this resource another blockName, or remove that block by hand if nothing owns it any ' +
        'more (README: Block ownership)',
    );
    expect(read().equals(withDev)).toBe(true);
    // Neither with a state of its own: refresh finds nothing of its own, update and delete touch nothing.
    const prodState = { ...prod, blockToken: 'ffffffffffff-0123456789abcdef', installedKeys: [k2.pub] };
    expect((await bastion.read('id', prodState)).props!.installedKeys).toEqual([]);
    await expect(bastion.update('id', prodState, prod)).rejects.toThrow('belongs to another owner');
    await bastion.delete('id', prodState);
    expect(read().equals(withDev)).toBe(true);
    // The same resource of the same stack, whose earlier create was lost (state not saved): it takes the block over.
    const again = await bastion.create(await checked({ blockName: 'shared', blockOwner: 'proj/dev/keys' }));
    expect(again.outs.blockToken).not.toBe(dev.outs.blockToken);
    await bastion.delete(again.id, again.outs);
    expect(read().equals(original)).toBe(true);
  }, 120_000);
});

describe('migration from 0.2.0 (blockName was the resource name)', () => {
  test('the replacement writes the new block before the old one goes; the keys are never missing', async () => {
    const original = foreignFile(2);
    // What 0.2.0 left: a block named after the resource, with a token without an owner tag.
    const legacy = '0123456789abcdef';
    const oldBlock = [
      `# BEGIN pulumi-materialize-connections block=keys id=${legacy} (managed by Pulumi: edit outside this block)`,
      k1.pub,
      '# END pulumi-materialize-connections block=keys',
    ];
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from(oldBlock.join('\n') + '\n')]));
    const olds = { ...(await checked()), blockOwner: undefined, blockToken: legacy, installedKeys: [k1.pub] };
    const news = await checked({ blockName: 'proj/dev/keys' });
    expect(await bastion.diff('id', olds, news)).toEqual({
      changes: true,
      replaces: ['blockName'],
      deleteBeforeReplace: false,
    });
    // Pulumi's create-before-delete: the new block, then the old one removed by its own token.
    const created = await bastion.create(news);
    expect(read().toString('latin1')).toContain(oldBlock.join('\n'));
    expect(read().toString('latin1')).toContain(`block=proj/dev/keys id=${created.outs.blockToken} `);
    await bastion.delete('id', olds);
    expect(read().toString('latin1')).not.toContain('block=keys ');
    expect((await bastion.read(created.id, created.outs)).props!.installedKeys).toEqual([k1.pub]);
    await bastion.delete(created.id, created.outs);
    expect(read().equals(original)).toBe(true);
  }, 60_000);
});

describe('bytes in, bytes out', () => {
  test('a comment in any script is written as its UTF-8 bytes, read back the same: no drift, no extra line', async () => {
    const original = foreignFile(2);
    const body = (k: string) => k.split(' ').slice(0, 2).join(' ');
    const keys = [`${body(k1.pub)} ops@上海`, `${body(k2.pub)} Ċ-é-🔑`];
    const inputs = await checked({ publicKeys: keys });
    const created = await bastion.create(inputs);
    const bytes = read();
    expect(bytes.subarray(original.length).toString('utf8').split('\n').slice(1, 3)).toEqual(keys);
    expect(bytes.subarray(original.length).toString('utf8').split('\n')).toHaveLength(5);
    const refreshed = await bastion.read(created.id, created.outs);
    expect(refreshed.props!.installedKeys).toEqual(keys);
    expect(await bastion.diff(created.id, refreshed.props!, inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    // A control character is refused at check, before any SSH.
    expect((await bastion.check({}, base({ publicKeys: [`${body(k1.pub)} a\u0085b`] }))).failures).toEqual([
      {
        property: 'publicKeys[0]',
        reason:
          'publicKeys[0] holds the control character U+0085, which would change the lines of authorized_keys; a key is one line of printable text',
      },
    ]);
  }, 60_000);

  test('a file converted to CRLF still refreshes and destroys; its other lines are kept', async () => {
    foreignFile(2);
    const created = await bastion.create(await checked());
    const crlf = Buffer.from(read().toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    fs.writeFileSync(file, crlf);
    expect((await bastion.read(created.id, created.outs)).props!.installedKeys).toEqual([k1.pub]);
    await bastion.delete(created.id, created.outs);
    expect(read().toString('latin1')).toBe(outsideBlocks(crlf.toString('latin1')).join('\n') + '\n');
  }, 60_000);
});

describe('what is never followed or written', () => {
  test('a symbolic link as the file or its directory is refused; its target is untouched', async () => {
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'untouched\n');
    fs.symlinkSync(victim, file);
    const err = (await bastion.create(await checked()).catch((e) => e)) as Error;
    expect(err.message).toContain(`${file} is a symbolic link: refusing to follow it`);
    await expect(bastion.read('id', { ...(await checked()), blockToken: 'x' })).rejects.toThrow(
      `${file} is a symbolic link: refusing to follow it`,
    );
    fs.mkdirSync(path.join(dir, 'real'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'linked'));
    const viaDir = path.join(dir, 'linked/authorized_keys');
    const err2 = (await bastion.create(await checked({ path: viaDir })).catch((e) => e)) as Error;
    expect(err2.message).toContain(`${path.join(dir, 'linked')} is a symbolic link: refusing to follow it`);
    expect(fs.readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(fs.readdirSync(path.join(dir, 'real'))).toEqual([]);
  }, 60_000);

  test('a FIFO or a device as path is refused at once, for a read and a write', async () => {
    execFileSync('mkfifo', [file]);
    const r = await settledWithin(bastion.create(await checked()), 60_000);
    expect(r).toEqual({
      status: 'rejected',
      reason: expect.objectContaining({ message: expect.stringContaining(`${file} is not a regular file`) }),
    });
    const r2 = await settledWithin(bastion.read('id', { ...(await checked()), blockToken: 'x' }), 60_000);
    expect(r2.status).toBe('rejected');
    const r3 = await settledWithin(bastion.create(await checked({ path: '/dev/zero' })), 60_000);
    expect(r3).toEqual({
      status: 'rejected',
      reason: expect.objectContaining({ message: expect.stringContaining('/dev/zero is not a regular file') }),
    });
  }, 120_000);

  test("a misspelled user's ~user is refused, never written under the login user's home", async () => {
    const err = (await bastion
      .create(await checked({ path: '~nosuchuser17/.ssh/authorized_keys' }))
      .catch((e) => e)) as Error;
    expect(err.message).toContain(
      'no such user: ~nosuchuser17/.ssh/authorized_keys does not expand to a home directory',
    );
    const home = execFileSync('sh', ['-c', `echo ~${svc.user}`])
      .toString()
      .trim();
    expect(fs.existsSync(path.join(home, '~nosuchuser17'))).toBe(false);
  }, 60_000);
});

describe('a full disk', () => {
  let mnt: string;
  beforeEach(() => {
    mnt = path.join(dir, 'small');
    fs.mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k,mode=0755', 'tmpfs', mnt]);
  });
  afterEach(() => execFileSync('umount', [mnt]));

  const fill = () => {
    const filler = path.join(mnt, 'filler');
    try {
      fs.writeFileSync(filler, Buffer.alloc(1 << 20));
    } catch {
      // ENOSPC: the disk is full now.
    }
  };

  test('never truncates the file: atomic (writable directory) and in place (read-only directory, backup put back)', async () => {
    // Atomic: the temporary file does not fit; the old file stays.
    const atomicDir = path.join(mnt, 'atomic');
    fs.mkdirSync(atomicDir);
    fs.chownSync(atomicDir, uid, uid);
    const atomicFile = path.join(atomicDir, 'authorized_keys');
    const old = Buffer.from(Array.from({ length: 300 }, (_, i) => `# old line ${i}`).join('\n') + '\n');
    fs.writeFileSync(atomicFile, old);
    fs.chownSync(atomicFile, uid, uid);
    fill();
    const err = (await bastion.create(await checked({ path: atomicFile })).catch((e) => e)) as Error;
    expect(err.message).toMatch(/No space left on device/);
    expect(fs.readFileSync(atomicFile).equals(old)).toBe(true);
    expect(fs.readdirSync(atomicDir)).toEqual(['authorized_keys']);

    // In place: the directory is not writable, the file is (the services' layout): the copy runs out of
    // space after truncating, and the verified backup is put back.
    fs.rmSync(path.join(mnt, 'filler'));
    fs.rmSync(atomicDir, { recursive: true });
    const roDir = path.join(mnt, 'ro');
    fs.mkdirSync(roDir, { mode: 0o755 });
    const roFile = path.join(roDir, 'authorized_keys');
    const oldRo = Buffer.from(Array.from({ length: 1500 }, (_, i) => `# old line ${i}`).join('\n') + '\n');
    fs.writeFileSync(roFile, oldRo, { mode: 0o666 });
    fs.chmodSync(roFile, 0o666);
    fill();
    const big = Array.from({ length: 4 }, () => generateKeyPair().publicKey);
    const err2 = (await bastion
      .create(await checked({ path: roFile, publicKeys: big.map((k) => `${k} ${'c'.repeat(9000)}`) }))
      .catch((e) => e)) as Error;
    expect(err2.message).toContain('the new content could not be written in place (disk full?); the old file is back');
    expect(fs.readFileSync(roFile).equals(oldRo)).toBe(true);
  }, 120_000);
});

/** Logs in as `user` with `key`, then does `what`; resolves what happened. */
function tryKey(
  port: number,
  user: string,
  key: string,
  what: 'login' | { forward: number } | { exec: string } | 'listen',
): Promise<string> {
  return new Promise((resolve) => {
    const c = new Client();
    c.on('error', (e) => resolve(`error: ${e.message}`));
    c.on('ready', () => {
      const done = (s: string) => {
        c.end();
        resolve(s);
      };
      if (what === 'login') return done('ok');
      if (what === 'listen') return c.forwardIn('127.0.0.1', 0, (err) => done(err ? 'listen refused' : 'listening'));
      if ('forward' in what)
        return c.forwardOut('127.0.0.1', 0, '127.0.0.1', what.forward, (err, ch) => {
          ch?.close();
          done(err ? 'forward refused' : 'forwarded');
        });
      c.exec(what.exec, (err, stream) => {
        if (err) return done('exec refused');
        let out = '';
        stream.on('data', (d: Buffer) => (out += d.toString()));
        stream.stderr.on('data', () => undefined);
        stream.on('close', (code: number) => done(`exit ${code}${out ? `: ${out.trim()}` : ''}`));
      });
    });
    c.connect({ host: '127.0.0.1', port, username: user, privateKey: key, hostVerifier: () => true });
  });
}

describe('a privileged login user (root) on a private sshd', () => {
  let sshd: PrivateSshd;
  beforeAll(async () => {
    sshd = await startPrivateSshd(svc.user);
  }, 60_000);
  afterAll(() => sshd?.stop());
  const asRoot = (over: Record<string, unknown>) =>
    checked({
      port: sshd.port,
      hostKeySha256: sshd.hostKeySha256,
      privateKey: sshd.rootKey,
      loginUser: 'root',
      ...over,
    });

  test('a new file and .ssh go to the tunnel user (sshd reads them as that user); a symlinked .ssh is refused', async () => {
    const home = sshd.tunnelHome;
    // The tunnel user points .ssh at a directory only root may write: root must not follow it.
    const rootOnly = path.join(sshd.dir, 'root-only');
    fs.mkdirSync(rootOnly, { mode: 0o700 });
    fs.symlinkSync(rootOnly, path.join(home, '.ssh'));
    const sshPath = path.join(home, '.ssh/authorized_keys');
    const err = (await bastion.create(await asRoot({ path: sshPath })).catch((e) => e)) as Error;
    expect(err.message).toContain(`${path.join(home, '.ssh')} is a symbolic link: refusing to follow it`);
    expect(fs.readdirSync(rootOnly)).toEqual([]);
    fs.unlinkSync(path.join(home, '.ssh'));
    // A symlinked file is refused too.
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.chownSync(path.join(home, '.ssh'), uid, uid);
    fs.symlinkSync(path.join(rootOnly, 'x'), sshPath);
    await expect(bastion.create(await asRoot({ path: sshPath }))).rejects.toThrow('is a symbolic link');
    expect(fs.readdirSync(rootOnly)).toEqual([]);
    fs.unlinkSync(sshPath);
    fs.rmdirSync(path.join(home, '.ssh'));

    // No .ssh yet: root creates it and the file, for the tunnel user, who can then log in with the key.
    const r = await bastion.create(await asRoot({ path: sshPath, publicKeys: [k1.pub] }));
    for (const p of [path.join(home, '.ssh'), sshPath]) expect(fs.statSync(p).uid).toBe(uid);
    expect(fs.statSync(path.join(home, '.ssh')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(sshPath).mode & 0o777).toBe(0o600);
    expect(await tryKey(sshd.port, svc.user, k1.priv, 'login')).toBe('ok');
    // Rewritten by root (atomic rename): still the tunnel user's, same mode.
    await bastion.update(r.id, r.outs, await asRoot({ path: sshPath, publicKeys: [k1.pub, k2.pub] }));
    expect(fs.statSync(sshPath).uid).toBe(uid);
    expect(fs.statSync(sshPath).mode & 0o777).toBe(0o600);
    expect(await tryKey(sshd.port, svc.user, k2.priv, 'login')).toBe('ok');
  }, 120_000);

  test('restrict: the key forwards only to permitOpen; no other port, no listener, no command', async () => {
    const restrictions = { restrict: true, permitOpen: [`127.0.0.1:${pgPort}`] };
    const r = await bastion.create(await asRoot({ path: sshd.tunnelKeysFile, publicKeys: [k3.pub], restrictions }));
    expect(r.outs.installedKeys).toEqual([
      `restrict,port-forwarding,command="false",permitopen="127.0.0.1:${pgPort}" ${k3.pub}`,
    ]);
    expect(await tryKey(sshd.port, svc.user, k3.priv, { forward: pgPort })).toBe('forwarded');
    expect(await tryKey(sshd.port, svc.user, k3.priv, { forward: sshd.port })).toBe('forward refused');
    expect(await tryKey(sshd.port, svc.user, k3.priv, 'listen')).toBe('listen refused');
    expect(await tryKey(sshd.port, svc.user, k3.priv, { exec: 'echo ran' })).toBe('exit 1');
    // Without restrict, the same key could run a command: what restrict takes away.
    await bastion.update(r.id, r.outs, await asRoot({ path: sshd.tunnelKeysFile, publicKeys: [k3.pub] }));
    expect(await tryKey(sshd.port, svc.user, k3.priv, { exec: 'echo ran' })).toBe('exit 0: ran');
  }, 120_000);
});
