// What the bastion's fault tests need around the services' sshd (and what the fault campaign can reuse), besides
// the cuttable proxy of cut-proxy.ts: a private sshd that lets root log in (a
// privileged login user) and reads a tunnel user's keys from files the test owns, and a bounded wait.
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { fingerprint, outsideBlocks } from '../../provider/bastion';
import { generateKeyPair } from '../standin/ssh-keys';
import { services } from './env';

/** The services' sshd with its host key fingerprint (services.sh keeps the host key next to the client key). */
export function servicesBastion() {
  const svc = services.ssh();
  const hostKeyPub = fs.readFileSync(path.join(path.dirname(svc.clientKeyFile), 'host_ed25519.pub'), 'utf8');
  return {
    ...svc,
    hostKeySha256: fingerprint(Buffer.from(hostKeyPub.split(' ')[1], 'base64')),
    /** The operator's private key: the services' sshd lets the test user log in with it. */
    operatorKey: fs.readFileSync(svc.clientKeyFile, 'utf8'),
  };
}

/**
 * Invariant I5 of the fault campaign, watched: every `everyMs` the file is read and its lines outside the
 * managed blocks compared with `expected()` (the foreign lines as they should be, byte for byte). stop()
 * returns every difference seen, with when it was seen; a missing file counts as one.
 */
export function watchForeignLines(
  file: string,
  expected: () => readonly string[],
  everyMs = 5,
): { stop(): { at: number; lines: string[] | 'missing' }[] } {
  const seen: { at: number; lines: string[] | 'missing' }[] = [];
  const check = () => {
    let content: string;
    try {
      content = fs.readFileSync(file, 'latin1');
    } catch {
      seen.push({ at: Date.now(), lines: 'missing' });
      return;
    }
    const lines = outsideBlocks(content);
    const want = expected();
    if (lines.length !== want.length || lines.some((l, i) => l !== want[i])) seen.push({ at: Date.now(), lines });
  };
  // A watcher never keeps the test process alive, even when the test fails before stop().
  const timer = setInterval(check, everyMs).unref();
  return {
    stop: () => {
      clearInterval(timer);
      check();
      return seen;
    },
  };
}

/** How a promise settled within `ms`, or 'pending' if it had not by then (a hang). */
export async function settledWithin<T>(
  p: Promise<T>,
  ms: number,
): Promise<{ status: 'fulfilled'; value: T } | { status: 'rejected'; reason: Error } | { status: 'pending' }> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<{ status: 'pending' }>((r) => (timer = setTimeout(() => r({ status: 'pending' }), ms)));
  try {
    return await Promise.race([
      p.then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: Error) => ({ status: 'rejected' as const, reason }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `ok()` or `ms` pass; resolves whether it became true. */
export async function eventually(ok: () => boolean, ms = 20_000): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 50)))
    if (ok()) return true;
  return ok();
}

export interface PrivateSshd {
  port: number;
  hostKeySha256: string;
  /** root's key: root may log in here (a privileged login user). */
  rootKey: string;
  /** The file sshd reads the tunnel user's keys from (created empty, owned by root, 0644). */
  tunnelKeysFile: string;
  /** A home-like directory of the tunnel user; sshd also reads `<home>/.ssh/authorized_keys`. */
  tunnelHome: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A private sshd on a free port (the services' sshd allows only the test user): root logs in with its own
 * key; the tunnel user's keys are read from `tunnelKeysFile` and `<tunnelHome>/.ssh/authorized_keys`. Needs
 * root, as scripts/services.sh does.
 */
export async function startPrivateSshd(tunnelUser: string): Promise<PrivateSshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-sshd-'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'ak'), { mode: 0o755 });
  const tunnelHome = path.join(dir, `home-${tunnelUser}`);
  fs.mkdirSync(tunnelHome, { mode: 0o755 });
  execFileSync('chown', [tunnelUser, tunnelHome]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host')]);
  const root = generateKeyPair();
  fs.writeFileSync(path.join(dir, 'ak/root'), root.publicKey + '\n', { mode: 0o600 });
  const tunnelKeysFile = path.join(dir, `ak/${tunnelUser}`);
  fs.writeFileSync(tunnelKeysFile, '', { mode: 0o644 });
  const port = await new Promise<number>((r) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => r(p));
    });
  });
  fs.writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${dir}/ak/%u ${dir}/home-%u/.ssh/authorized_keys`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'AllowTcpForwarding yes',
      'PermitRootLogin prohibit-password',
      `AllowUsers root ${tunnelUser}`,
      // What the README recommends with restrict: port-forwarding would also allow -R listeners.
      `Match User ${tunnelUser}`,
      '  AllowTcpForwarding local',
      '',
    ].join('\n'),
  );
  const sshd: ChildProcess = spawn(
    '/usr/sbin/sshd',
    ['-D', '-f', path.join(dir, 'sshd_config'), '-E', path.join(dir, 'sshd.log')],
    {
      stdio: 'ignore',
    },
  );
  const listening = () =>
    new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
  for (let i = 0; i < 100 && !(await listening()); i++) await new Promise((r) => setTimeout(r, 100));
  const hostPub = fs.readFileSync(path.join(dir, 'host.pub'), 'utf8').split(' ')[1];
  return {
    port,
    hostKeySha256: fingerprint(Buffer.from(hostPub, 'base64')),
    rootKey: root.privateKey,
    tunnelKeysFile,
    tunnelHome,
    dir,
    stop: async () => {
      sshd.kill();
      await new Promise((r) => (sshd.exitCode === null ? sshd.once('exit', r) : r(undefined)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
