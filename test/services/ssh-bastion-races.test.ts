// The bastion's write script run by root in a directory the tunnel user owns (a privileged login user),
// with the tunnel user winning every race: before each external command the script runs, an "attacker"
// step swaps what it can (the temporary file, a freshly made .ssh) for a symbolic link to a file or
// directory the tunnel user must never reach. The script is the one the provider sends; it runs under
// POSIX sh on this machine, as root, as it would on a bastion. Whatever the interleaving, root never
// writes, chowns or chmods anything through a link.
import { execFileSync, spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { posixCksum } from '../../provider/bastion/authorized-keys';
import { EXIT, MISSING, writeScript } from '../../provider/bastion/remote';
import { servicesBastion } from './bastion-rig';

const tunnelUser = servicesBastion().user;
const uid = Number(execFileSync('id', ['-u', tunnelUser]).toString());
const EXTERNAL = [
  'cat',
  'cksum',
  'cp',
  'mv',
  'mkdir',
  'chown',
  'id',
  'dirname',
  'basename',
  'rm',
  'cut',
  'ls',
  'sleep',
];

let root: string;
let home: string;
let victim: string;
let victimDir: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-races-'));
  home = path.join(root, 'home');
  fs.mkdirSync(home, { mode: 0o755 });
  fs.chownSync(home, uid, uid);
  // What root's login must never hand over: a root-only file (say, root's authorized_keys) and directory.
  victim = path.join(root, 'victim');
  fs.writeFileSync(victim, 'root only\n', { mode: 0o600 });
  victimDir = path.join(root, 'victim-dir');
  fs.mkdirSync(victimDir, { mode: 0o700 });
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** A PATH where every external command first runs `attack` (as the tunnel user would, between two steps). */
function racedPath(attack: string, name = 'bin'): string {
  const bin = path.join(root, name);
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(root, `${name}.sh`), `PATH=/usr/bin:/bin\n${attack}\n`);
  for (const cmd of EXTERNAL) {
    const real = execFileSync('sh', ['-c', `command -v ${cmd}`])
      .toString()
      .trim();
    fs.writeFileSync(path.join(bin, cmd), `#!/bin/sh\n/bin/sh ${root}/${name}.sh "$@"\nexec ${real} "$@"\n`, {
      mode: 0o755,
    });
  }
  return `${bin}:${process.env.PATH}`;
}

function runAsRoot(
  file: string,
  before: Buffer | undefined,
  content: Buffer,
  PATH: string,
  owner?: string,
  nonce = 'n' + randomBytes(8).toString('hex'),
) {
  const script = writeScript(file, {
    expected: before === undefined ? MISSING : posixCksum(before),
    content: posixCksum(content),
    owner,
    nonce,
  });
  return spawnSync('/bin/sh', ['-c', script], { input: content, env: { PATH, HOME: '/root' } });
}

const victimUntouched = () => {
  expect(fs.readFileSync(victim, 'utf8')).toBe('root only\n');
  expect(fs.lstatSync(victim).uid).toBe(0);
  expect(fs.lstatSync(victim).mode & 0o777).toBe(0o600);
  expect(fs.lstatSync(victimDir).uid).toBe(0);
  expect(fs.lstatSync(victimDir).mode & 0o777).toBe(0o700);
  expect(fs.readdirSync(victimDir)).toEqual([]);
};

/** The tunnel user's .ssh and authorized_keys (0644), in which root is to write. */
function tunnelFile() {
  const ssh = path.join(home, '.ssh');
  fs.mkdirSync(ssh, { mode: 0o700 });
  fs.chownSync(ssh, uid, uid);
  const file = path.join(ssh, 'authorized_keys');
  const old = Buffer.from('ssh-ed25519 AAAA tunnel-user-line\n');
  fs.writeFileSync(file, old, { mode: 0o644 });
  fs.chownSync(file, uid, uid);
  return { ssh, file, old };
}

test('a temporary file swapped for a link at any step: root writes nothing through it', () => {
  const { ssh, file, old } = tunnelFile();
  const PATH = racedPath(
    `for t in ${ssh}/.authorized_keys.pulumi-new.*; do ` +
      `if [ -f "$t" ] && [ ! -L "$t" ]; then rm -f "$t"; ln -s ${victim} "$t"; fi; done`,
  );
  runAsRoot(file, old, Buffer.from('ssh-ed25519 AAAA tunnel-user-line\nnew\n'), PATH);
  victimUntouched();
});

test('a new .ssh swapped for a link right after root made it: root chowns nothing through it', () => {
  const ssh = path.join(home, '.ssh');
  const PATH = racedPath(
    `if [ -d ${ssh} ] && [ ! -L ${ssh} ] && [ "$(stat -c %u ${ssh})" = 0 ]; then ` +
      `mv ${ssh} ${home}/.ssh-made; ln -s ${victimDir} ${ssh}; fi`,
  );
  const r = runAsRoot(path.join(ssh, 'authorized_keys'), undefined, Buffer.from('new\n'), PATH, tunnelUser);
  expect(r.status).not.toBe(0);
  victimUntouched();
});

test("without a race, root's rewrite keeps the file's owner and mode (0644 stays 0644, 0400 stays 0400)", () => {
  const ssh = path.join(home, '.ssh');
  fs.mkdirSync(ssh, { mode: 0o700 });
  fs.chownSync(ssh, uid, uid);
  const file = path.join(ssh, 'authorized_keys');
  for (const mode of [0o644, 0o400]) {
    const old = Buffer.from(`old ${mode}\n`);
    fs.writeFileSync(file, old);
    fs.chmodSync(file, mode);
    fs.chownSync(file, uid, uid);
    const r = runAsRoot(file, old, Buffer.from(`new ${mode}\n`), process.env.PATH!);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(`new ${mode}\n`);
    expect(fs.lstatSync(file).uid).toBe(uid);
    expect(fs.lstatSync(file).mode & 0o777).toBe(mode);
    expect(fs.readdirSync(ssh)).toEqual(['authorized_keys']);
  }
});

test('a live writer slower than 15 s under the lock is not taken for dead: of two writers from one read, one wins', async () => {
  const dir = path.join(root, 'ssh');
  fs.mkdirSync(dir, { mode: 0o700 });
  const file = path.join(dir, 'authorized_keys');
  const base = Buffer.from('base\n');
  fs.writeFileSync(file, base);
  const lock = path.join(dir, '.authorized_keys.pulumi-lock');
  const start = (line: string, PATH: string) => {
    const content = Buffer.concat([base, Buffer.from(`${line}\n`)]);
    const script = writeScript(file, {
      expected: posixCksum(base),
      content: posixCksum(content),
      nonce: `nonce${line}`,
    });
    const child = spawn('/bin/sh', ['-c', script], { env: { PATH, HOME: '/root' } });
    child.stdin.end(content);
    child.stdout.resume();
    return new Promise<number | null>((resolve) => child.on('close', resolve));
  };
  // A is slow between its comparison under the lock and its install (a loaded bastion, a huge file): 20 s
  // before its mv (once: the heartbeat's own commands are not slowed).
  const a = start('A', racedPath(`[ "$4" = authorized_keys ] && mkdir ${root}/slept 2>/dev/null && sleep 20`));
  while (!fs.existsSync(lock)) await new Promise((r) => setTimeout(r, 100));
  const b = start('B', process.env.PATH!);
  const [statusA, statusB] = await Promise.all([a, b]);
  // Both compared the file with the same read: at most one may install; the other must be told it changed.
  expect([statusA, statusB]).toEqual([0, EXIT.changed]);
  expect(fs.readFileSync(file, 'utf8')).toBe('base\nA\n');
  expect(fs.readdirSync(dir)).toEqual(['authorized_keys']);
}, 90_000);

test('a read-only file system: the write fails saying the file is unchanged, and leaves nothing in /tmp', () => {
  const mnt = path.join(root, 'ro');
  fs.mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
  try {
    const file = path.join(mnt, 'authorized_keys');
    const old = Buffer.from('ssh-ed25519 AAAA hand-added\n');
    fs.writeFileSync(file, old);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const nonce = 'n' + randomBytes(8).toString('hex');
    const r = runAsRoot(
      file,
      old,
      Buffer.from('ssh-ed25519 AAAA hand-added\nnew\n'),
      process.env.PATH!,
      undefined,
      nonce,
    );
    expect(r.status).toBe(EXIT.installFailedRestored);
    expect(r.stderr.toString()).toContain(
      'the new content could not be written in place (read-only file system?); the file is unchanged',
    );
    expect(fs.readFileSync(file).equals(old)).toBe(true);
    expect(fs.readdirSync('/tmp').filter((f) => f.includes(nonce))).toEqual([]);
  } finally {
    execFileSync('umount', [mnt]);
  }
});

test('the lock swapped for a link right after root took it: root writes no holder file through it', () => {
  const { ssh, file, old } = tunnelFile();
  const lock = path.join(ssh, '.authorized_keys.pulumi-lock');
  const PATH = racedPath(
    `if [ -d ${lock} ] && [ ! -L ${lock} ] && mkdir ${root}/swapped 2>/dev/null; then ` +
      `mv ${lock} ${ssh}/.moved; ln -s ${victimDir} ${lock}; fi; ` +
      // and root is slow under the lock (its heartbeat keeps writing the holder file).
      '[ "$4" = authorized_keys ] && sleep 3',
  );
  runAsRoot(file, old, Buffer.from('ssh-ed25519 AAAA tunnel-user-line\nnew\n'), PATH);
  // The heartbeat's last second.
  execFileSync('sleep', ['2']);
  victimUntouched();
});
