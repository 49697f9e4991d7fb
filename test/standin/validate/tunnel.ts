// SSH tunnels (§1.9): connects to the bastion with the connection's own private keys, key 1 then key 2, and
// forwards TCP streams. Used by SSH TUNNEL validation and by connections that go through a tunnel.
import { Client, type ClientChannel } from 'ssh2';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { isInvalidHost, type ValidateCtx } from './context';

export interface Tunnel {
  forward(host: string, port: number): Promise<ClientChannel>;
  close(): void;
}

function connectWith(host: string, port: number, user: string, privateKey: string, timeoutMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () => resolve(c))
      .on('error', (e) => {
        c.end();
        reject(e);
      })
      .connect({ host, port, username: user, privateKey, readyTimeout: timeoutMs, hostVerifier: () => true });
  });
}

/** Opens a tunnel through SSH TUNNEL connection `ssh`. Failure is a validation error (58000). */
export async function openTunnel(ctx: ValidateCtx, ssh: Item): Promise<Tunnel> {
  const o = new Opts(ssh.options ?? []);
  const host = o.text('HOST') ?? '';
  const port = Number(o.text('PORT') ?? 22);
  const user = o.text('USER') ?? '';
  if (isInvalidHost(host))
    throw validationError(
      `failed to connect to the remote host: failed to lookup address information: Name or service not known (host: ${host})`,
    );
  let last: Error | undefined;
  for (const key of ssh.sshKeys ?? []) {
    try {
      const client = await connectWith(host, port, user, key.privateKey, ctx.timeoutMs);
      return {
        forward: (dstHost, dstPort) =>
          new Promise((resolve, reject) =>
            client.forwardOut('127.0.0.1', 0, dstHost, dstPort, (err, ch) => (err ? reject(err) : resolve(ch))),
          ),
        close: () => client.end(),
      };
    } catch (e) {
      last = e as Error;
    }
  }
  const code = (last as { code?: string } | undefined)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    throw validationError(
      `failed to connect to the remote host: failed to lookup address information: Name or service not known (host: ${host})`,
    );
  throw validationError(`failed to connect to the remote host: ${last?.message ?? 'no keys'}`);
}

/** The SSH TUNNEL connection an item routes through, if any. */
export function tunnelOf(ctx: ValidateCtx, item: Item): Item | undefined {
  const id = new Opts(item.options ?? []).refId('SSH TUNNEL');
  return id ? ctx.cat.items.get(id) : undefined;
}

/** Makes an SSH channel look enough like a net.Socket for `pg` (test-infrastructure.md §3). */
export function asSocket(ch: ClientChannel): ClientChannel {
  return Object.assign(ch, {
    setNoDelay() {},
    setKeepAlive() {},
    connect() {
      process.nextTick(() => ch.emit('connect'));
    },
  });
}
