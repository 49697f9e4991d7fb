// SshBastionAuthorizedKeys against the real OpenSSH sshd of scripts/services.sh, through the provider:
// install, idempotence, rotation, drift restored, foreign lines kept byte for byte, delete, a wrong host
// key refused, the wait for a booting bastion, a jump host and the agent. sshd itself judges the keys.
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'ssh2';
import { dynamicProvider } from '../../provider';
import { fingerprint } from '../../provider/bastion';
import { generateKeyPair } from '../standin/ssh-keys';
import { servicesBastion } from './bastion-rig';
import { services } from './env';

const svc = servicesBastion();
const { hostKeySha256: HOST_KEY, operatorKey } = svc;
const pgPort = services.pg().port;
const bastion = dynamicProvider('ssh-bastion-authorized-keys');
// Not ssh2's generator: it drops leading zero bytes of a public key, which check now refuses (as sshd does).
const pair = () => {
  const k = generateKeyPair();
  return { pub: k.publicKey, priv: k.privateKey };
};
const [k1, k2, k3] = [pair(), pair(), pair()];
let original: string;

const base = (over: Record<string, unknown> = {}) => ({
  host: svc.host,
  port: svc.port,
  user: svc.user,
  path: svc.authorizedKeysFile,
  blockName: 'mz-bastion',
  publicKeys: [k1.pub, k2.pub],
  hostKeySha256: HOST_KEY,
  privateKey: operatorKey,
  ...over,
});
const checked = async (news: Record<string, unknown>) => {
  const r = await bastion.check({}, news);
  expect(r.failures).toBeUndefined();
  return r.inputs!;
};
const file = () => fs.readFileSync(svc.authorizedKeysFile, 'latin1');
const block = (token: string, lines: string[]) =>
  [
    `# BEGIN pulumi-materialize-connections block=mz-bastion id=${token} (managed by Pulumi: edit outside this block)`,
    ...lines,
    '# END pulumi-materialize-connections block=mz-bastion',
  ].join('\n') + '\n';

/** Logs in as the tunnel user with a Materialize key, optionally forwarding to a port; resolves what happened. */
function loginWith(privateKey: string, forwardPort?: number): Promise<string> {
  return new Promise((resolve) => {
    const c = new Client();
    c.on('error', (e) => resolve(`error: ${e.message}`));
    c.on('ready', () => {
      if (forwardPort === undefined) {
        c.end();
        return resolve('ok');
      }
      c.forwardOut('127.0.0.1', 0, '127.0.0.1', forwardPort, (err, ch) => {
        c.end();
        ch?.close();
        resolve(err ? `forward refused: ${err.message}` : 'forwarded');
      });
    });
    c.connect({ host: svc.host, port: svc.port, username: svc.user, privateKey, hostVerifier: () => true });
  });
}

beforeAll(() => {
  original = file();
});
afterEach(() => fs.writeFileSync(svc.authorizedKeysFile, original, 'latin1'));

test('install, idempotent update, rotation, drift restored, foreign lines kept, delete', async () => {
  const inputs = await checked(base({ restrictions: { noPty: true, permitOpen: [`127.0.0.1:${pgPort}`] } }));
  expect(inputs).toMatchObject({ loginUser: 'sshtest', port: svc.port, path: svc.authorizedKeysFile });
  const opts = `permitopen="127.0.0.1:${pgPort}",no-pty`;

  // Install: the block is appended, the operator's own line is untouched, sshd accepts both keys.
  const created = await bastion.create(inputs);
  const token = created.outs.blockToken as string;
  expect(token).toMatch(/^[0-9a-f]{12}-[0-9a-f]{16}$/);
  expect(created.id).toBe(`sshtest@127.0.0.1:${svc.port}:${svc.authorizedKeysFile}#mz-bastion`);
  expect(file()).toBe(original + block(token, [`${opts} ${k1.pub}`, `${opts} ${k2.pub}`]));
  expect(created.outs.installedKeys).toEqual([`${opts} ${k1.pub}`, `${opts} ${k2.pub}`]);
  expect(created.outs.fingerprints).toEqual(
    [k1, k2].map((k) => execFileSync('ssh-keygen', ['-lf', '-'], { input: k.pub }).toString().split(' ')[1]),
  );
  expect(await loginWith(k1.priv, pgPort)).toBe('forwarded');
  expect(await loginWith(k2.priv)).toBe('ok');
  // permitopen is sshd's to enforce: any other destination is refused.
  expect(await loginWith(k1.priv, svc.port)).toMatch(/^forward refused/);

  // Foreign lines added by hand around the block.
  const before = `# added by hand\r\n${original}`;
  fs.writeFileSync(
    svc.authorizedKeysFile,
    before + file().slice(original.length) + 'ssh-rsa AAAAB3Nza foreign\xe9',
    'latin1',
  );
  const withForeign = file();

  // Same inputs: nothing to do, not a byte changed.
  expect(await bastion.diff(created.id, created.outs, inputs)).toEqual({
    changes: false,
    replaces: [],
    deleteBeforeReplace: false,
  });
  await bastion.update(created.id, created.outs, inputs);
  expect(file()).toBe(withForeign);

  // Rotation (key 2 promoted, new key 2): the block is rewritten in place, foreign lines unchanged.
  const rotated = await checked(base({ publicKeys: [k2.pub, k3.pub], restrictions: inputs.restrictions }));
  expect((await bastion.diff(created.id, created.outs, rotated)).changes).toBe(true);
  const updated = await bastion.update(created.id, created.outs, rotated);
  expect(file()).toBe(
    before + block(token, [`${opts} ${k2.pub}`, `${opts} ${k3.pub}`]) + 'ssh-rsa AAAAB3Nza foreign\xe9',
  );
  expect(await loginWith(k1.priv)).toMatch(/^error: All configured authentication methods failed/);
  expect(await loginWith(k3.priv, pgPort)).toBe('forwarded');

  // Drift: a key removed by hand shows in refresh and the next update puts it back.
  fs.writeFileSync(svc.authorizedKeysFile, file().replace(`${opts} ${k3.pub}\n`, ''), 'latin1');
  const refreshed = await bastion.read(created.id, updated.outs);
  expect(refreshed.props!.installedKeys).toEqual([`${opts} ${k2.pub}`]);
  expect(refreshed.inputs).not.toHaveProperty('installedKeys');
  expect(await bastion.diff(created.id, refreshed.props!, rotated)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  await bastion.update(created.id, refreshed.props!, rotated);
  expect(file()).toBe(
    before + block(token, [`${opts} ${k2.pub}`, `${opts} ${k3.pub}`]) + 'ssh-rsa AAAAB3Nza foreign\xe9',
  );

  // Delete removes the block only.
  await bastion.delete(created.id, updated.outs);
  expect(file()).toBe(before + 'ssh-rsa AAAAB3Nza foreign\xe9');
  expect(await loginWith(k2.priv)).toMatch(/^error: All configured authentication methods failed/);
  // Deleting again finds nothing to remove.
  await bastion.delete(created.id, updated.outs);
  expect(file()).toBe(before + 'ssh-rsa AAAAB3Nza foreign\xe9');
}, 60_000);

test('a block another instance took over (same-file replacement) is not removed by the old one', async () => {
  const inputs = await checked(base());
  const old = await bastion.create(inputs);
  const replacement = await bastion.create(inputs);
  expect(file()).toBe(original + block(replacement.outs.blockToken as string, [k1.pub, k2.pub]));
  await bastion.delete(old.id, old.outs);
  expect(file()).toBe(original + block(replacement.outs.blockToken as string, [k1.pub, k2.pub]));
  await bastion.delete(replacement.id, replacement.outs);
  expect(file()).toBe(original);
}, 30_000);

test('a wrong host key is refused before logging in, naming both fingerprints; nothing is written', async () => {
  const wrong = fingerprint(Buffer.from('not the host key'));
  const err = await bastion.create(await checked(base({ hostKeySha256: wrong }))).catch((e: Error) => e);
  expect((err as Error).message).toBe(
    `installing keys: bastion sshtest@127.0.0.1:${svc.port}: host key ${HOST_KEY} does not match hostKeySha256 ${wrong}; ` +
      'refusing to log in. If the host key really changed, check the new fingerprint out of band and set hostKeySha256 to it',
  );
  expect(file()).toBe(original);
  // No host key at all is refused at check: there is no trust on first use.
  const { hostKeySha256: _, ...noPin } = base();
  expect((await bastion.check({}, noPin)).failures).toEqual([
    {
      property: 'hostKeySha256',
      reason:
        'hostKeySha256 is required: host keys are never trusted on first use. Get it out of band, e.g. on the bastion ' +
        '`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`, and give it as SHA256:...',
    },
  ]);
}, 30_000);

test('a refused operator key fails with the bastion and user, and never shows the key', async () => {
  const stranger = pair();
  const err = (await bastion.create(await checked(base({ privateKey: stranger.priv }))).catch((e) => e)) as Error;
  expect(err.message).toBe(
    `installing keys: bastion sshtest@127.0.0.1:${svc.port}: authentication failed: the bastion refused the key or agent`,
  );
  expect(err.message).not.toContain(stranger.priv.split('\n')[1]);
}, 30_000);

test('a bastion that is still booting is waited for (bounded)', async () => {
  // A port that accepts connections only after 1.5 s, then forwards to sshd.
  const proxy = net.createServer((s) => {
    const up = net.connect(svc.port, svc.host);
    s.pipe(up).pipe(s);
    s.on('error', () => up.destroy());
    up.on('error', () => s.destroy());
  });
  const port = await new Promise<number>((r) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => r(p));
    });
  });
  setTimeout(() => proxy.listen(port, '127.0.0.1'), 1500);
  try {
    const t = Date.now();
    const r = await bastion.create(await checked(base({ port, bootTimeoutSeconds: 20 })));
    expect(Date.now() - t).toBeGreaterThanOrEqual(1400);
    expect(r.outs.installedKeys).toEqual([k1.pub, k2.pub]);
  } finally {
    proxy.close();
  }
  // Nothing ever listens: gives up after the bound.
  const t = Date.now();
  const err = (await bastion.create(await checked(base({ port: 1, bootTimeoutSeconds: 2 }))).catch((e) => e)) as Error;
  expect(err.message).toMatch(
    /^installing keys: bastion sshtest@127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1 \(gave up after 2s\)$/,
  );
  expect(Date.now() - t).toBeGreaterThanOrEqual(1500);
  expect(Date.now() - t).toBeLessThan(6000);
}, 40_000);

test('through a jump host, and with the SSH agent', async () => {
  const jumpHost = { host: svc.host, port: svc.port, user: svc.user, hostKeySha256: HOST_KEY, privateKey: operatorKey };
  // The bastion as the jump host sees it (the same sshd here), with the operator's key in an agent.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-'));
  const sock = path.join(dir, 'agent.sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(path.join(dir, 'key'), operatorKey, { mode: 0o600 });
    execFileSync('ssh-add', [path.join(dir, 'key')], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    const { privateKey: _, ...noKey } = base();
    const inputs = await checked({ ...noKey, agent: sock, jumpHost });
    const r = await bastion.create(inputs);
    expect(file()).toBe(original + block(r.outs.blockToken as string, [k1.pub, k2.pub]));
    await bastion.delete(r.id, r.outs);
    expect(file()).toBe(original);
  } finally {
    agent.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
