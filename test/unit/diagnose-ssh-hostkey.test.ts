// A probe through an SSH tunnel checks the bastion's host key (issue 18, item 5). The bastion here is ssh2's
// Server in this process, accepting any key and forwarding every channel: exactly what an impostor would do. Behind
// it a hostile PostgreSQL that records the passwords it is sent.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Server } from 'ssh2';
import { diagnose, formatVerdict, UNVERIFIED_TUNNEL } from '../../provider/diagnose';
import { startHostile, type HostileServer } from '../hostile/server';
import { generateKeyPair } from '../standin/ssh-keys';

jest.setTimeout(60_000);

const PASSWORD = 'pg-password-through-tunnel';

interface Bastion {
  port: number;
  fingerprint: string;
  logins: string[];
  forwards: string[];
  close(): void;
}

function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(' ')[1], 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

async function startBastion(): Promise<Bastion> {
  const hostKey = generateKeyPair();
  const logins: string[] = [];
  const forwards: string[] = [];
  const server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      logins.push(`${ctx.method}:${ctx.username}`);
      if (ctx.method === 'publickey') ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () =>
      client.on('tcpip', (accept, _reject, info) => {
        forwards.push(`${info.destIP}:${info.destPort}`);
        const channel = accept();
        const upstream = net.connect(info.destPort, info.destIP);
        upstream.on('error', () => channel.close());
        channel.on('error', () => upstream.destroy());
        channel.pipe(upstream).pipe(channel);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    fingerprint: fingerprintOf(hostKey.publicKey),
    logins,
    forwards,
    close: () => server.close(),
  };
}

let bastion: Bastion;
let pg: HostileServer;
const clientKey = generateKeyPair();

beforeEach(async () => {
  bastion = await startBastion();
  pg = await startHostile({ answer: () => ({ rows: [{ wal_level: 'logical' }] }) });
});
afterEach(async () => {
  bastion.close();
  await pg.close();
});

const probe = (sshHostKeySha256?: string) =>
  diagnose({
    kind: 'postgres',
    args: {
      host: pg.host,
      port: pg.port,
      user: 'repl',
      database: 'db',
      password: { name: 'pgpw' },
      sshTunnel: { name: 't' },
    },
    secrets: { pgpw: PASSWORD },
    tunnel: { host: '127.0.0.1', port: bastion.port, user: 'mz' },
    sshPrivateKey: clientKey.privateKey,
    sshHostKeySha256,
    budgetMs: 20_000,
  });

test('no host key given: the tunnel is used to check TCP only, no credential goes through it, and the verdict says so', async () => {
  const verdict = (await probe())!;
  expect(pg.passwords).toEqual([]);
  expect(bastion.forwards).toEqual([`${pg.host}:${pg.port}`]);
  expect(verdict.checks).toContainEqual({
    check: `credentials through mz@127.0.0.1:${bastion.port}`,
    status: 'not checked',
    detail: UNVERIFIED_TUNNEL,
  });
  expect(formatVerdict(verdict)).toContain(`${bastion.fingerprint} was not checked`);
});

test('another host key than the one given: refused before logging in; nothing is sent', async () => {
  const other = fingerprintOf(generateKeyPair().publicKey);
  const verdict = (await probe(other))!;
  expect(verdict.ok).toBe(false);
  expect(verdict.step).toBe('auth');
  expect(verdict.observed).toBe(
    `mz@127.0.0.1:${bastion.port} presented the host key ${bastion.fingerprint}, not ${other}: it may be an ` +
      'impostor; the probe logged in to nothing and sent nothing through it',
  );
  expect(bastion.logins).toEqual([]);
  expect(bastion.forwards).toEqual([]);
  expect(pg.passwords).toEqual([]);
});

test('the host key given: the probe logs in through the tunnel as Materialize would', async () => {
  const verdict = (await probe(bastion.fingerprint))!;
  expect(pg.passwords).toEqual([PASSWORD]);
  expect(verdict.checks).toContainEqual({
    check: `SSH login mz@127.0.0.1:${bastion.port}`,
    status: 'ok',
    detail: `host key ${bastion.fingerprint} as given`,
  });
});
