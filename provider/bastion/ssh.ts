// Logging in to the bastion with ssh2: the host key pinned by its SHA256 fingerprint (never trusted on
// first use), a private key or the agent, an optional jump host, and a bounded wait for a bastion that is
// still booting. Bounded time everywhere: the handshake, a keepalive that ends a connection whose peer went
// silent, a deadline per remote command and per forwarded channel. `ssh2` is loaded only when a bastion
// resource runs.
import { createHash } from 'crypto';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';

export interface SshLogin {
  host: string;
  port?: number;
  user: string;
  /** `SHA256:<base64>`, as `ssh-keygen -lf` prints it. */
  hostKeySha256: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
  /** true: the agent at SSH_AUTH_SOCK; a string: the agent socket's path. */
  agent?: boolean | string;
}

export interface SshTarget extends SshLogin {
  jumpHost?: SshLogin;
  /** How long to keep retrying a bastion that refuses or drops connections (booting); default 60. */
  bootTimeoutSeconds?: number;
  /** The deadline of each remote command and of opening a forwarded channel; default 120. */
  commandTimeoutSeconds?: number;
}

/** A silent peer is given up after KEEPALIVE_INTERVAL_MS * KEEPALIVE_COUNT_MAX (15 s). */
export const KEEPALIVE_INTERVAL_MS = 5_000;
export const KEEPALIVE_COUNT_MAX = 3;
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 120;

export interface ExecResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export interface SshSession {
  exec(command: string, stdin?: Buffer): Promise<ExecResult>;
  close(): void;
}

/** An SSH failure, with the bastion, the user and the reason; never a credential. */
export class BastionError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
    readonly retriable = false,
  ) {
    super(`bastion ${where}: ${reason}`);
    this.name = 'BastionError';
  }
}

export const fingerprint = (key: Buffer): string =>
  `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** The SHA256 fingerprint of an OpenSSH public key line (`type base64 [comment]`). */
export function publicKeyFingerprint(line: string): string | undefined {
  const b64 = line.trim().split(/\s+/)[1];
  return b64 ? fingerprint(Buffer.from(b64, 'base64')) : undefined;
}

const where = (l: SshLogin) => `${l.user}@${l.host}:${l.port ?? 22}`;
const RETRIABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

function authConfig(l: SshLogin): Partial<ConnectConfig> {
  if (l.privateKey) return { privateKey: l.privateKey, passphrase: l.privateKeyPassphrase };
  const agent = l.agent === true ? process.env.SSH_AUTH_SOCK : l.agent || undefined;
  if (!agent)
    throw new BastionError(where(l), 'agent: true, but SSH_AUTH_SOCK is not set in the environment of the Pulumi run');
  return { agent };
}

function connectOnce(l: SshLogin, sock?: ClientChannel): Promise<Client> {
  const { Client: SshClient } = require('ssh2') as typeof import('ssh2');
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    let presented: string | undefined;
    // Every error is listened to, not only the first: a connection cut during the handshake emits two
    // (the socket's, then "Connection lost before handshake"), and an unheard one would crash the provider.
    // After 'ready', errors (a keepalive timeout, a reset) end the connection: a pending command sees 'close'.
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      if (presented !== undefined && presented !== l.hostKeySha256)
        return reject(
          new BastionError(
            where(l),
            `host key ${presented} does not match hostKeySha256 ${l.hostKeySha256}; refusing to log in. If the ` +
              'host key really changed, check the new fingerprint out of band and set hostKeySha256 to it',
          ),
        );
      if (err.level === 'client-authentication')
        return reject(new BastionError(where(l), 'authentication failed: the bastion refused the key or agent'));
      const retriable =
        RETRIABLE_CODES.has(err.code ?? '') ||
        err.level === 'client-timeout' ||
        (err.level === 'client-socket' && presented === undefined);
      reject(new BastionError(where(l), err.message, retriable));
    });
    try {
      client.connect({
        host: l.host,
        port: l.port ?? 22,
        username: l.user,
        sock,
        readyTimeout: 15_000,
        keepaliveInterval: KEEPALIVE_INTERVAL_MS,
        keepaliveCountMax: KEEPALIVE_COUNT_MAX,
        hostVerifier: (key: Buffer) => {
          presented = fingerprint(key);
          return presented === l.hostKeySha256;
        },
        ...authConfig(l),
      });
    } catch (err) {
      client.end();
      // ssh2 throws synchronously on an unparsable key; its message names the format, never the key.
      reject(
        err instanceof BastionError
          ? err
          : new BastionError(where(l), `cannot use the credentials: ${(err as Error).message}`),
      );
    }
  });
}

/** Settles with `run`, or rejects once `seconds` pass or the connection ends; `abandon` releases what started. */
function bounded<T>(
  client: Client,
  seconds: number,
  what: string,
  run: (resolve: (v: T) => void, reject: (e: Error) => void) => void,
  abandon: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeListener('close', onClose);
      settle();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`${what}: no answer within ${seconds}s; gave up`)));
      abandon();
    }, seconds * 1000);
    const onClose = () => finish(() => reject(new Error(`${what}: the connection to the bastion was lost`)));
    client.once('close', onClose);
    run(
      (v) => finish(() => resolve(v)),
      (e) => finish(() => reject(e)),
    );
  });
}

function forward(jump: Client, host: string, port: number, seconds: number): Promise<ClientChannel> {
  let opened: ClientChannel | undefined;
  return bounded<ClientChannel>(
    jump,
    seconds,
    `opening a channel to ${host}:${port}`,
    (resolve, reject) =>
      jump.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
        opened = channel;
        if (err) reject(err);
        else resolve(channel);
      }),
    () => {
      opened?.destroy();
      jump.end();
    },
  );
}

async function connectThrough(t: SshTarget): Promise<{ client: Client; jump?: Client }> {
  if (!t.jumpHost) return { client: await connectOnce(t) };
  const jump = await connectOnce(t.jumpHost);
  try {
    const seconds = t.commandTimeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS;
    const channel = await forward(jump, t.host, t.port ?? 22, seconds).catch((err: Error) => {
      throw new BastionError(where(t), `the jump host ${where(t.jumpHost!)} cannot reach it: ${err.message}`, true);
    });
    return { client: await connectOnce(t, channel), jump };
  } catch (err) {
    jump.end();
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Logs in, retrying (with backoff, within bootTimeoutSeconds) only while the bastion refuses or drops connections. */
export async function openSsh(t: SshTarget): Promise<SshSession> {
  const deadline = Date.now() + (t.bootTimeoutSeconds ?? 60) * 1000;
  let delay = 500;
  for (;;) {
    try {
      const { client, jump } = await connectThrough(t);
      const seconds = t.commandTimeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS;
      return {
        exec: (command, stdin) =>
          exec(client, command, stdin, seconds).catch((err: Error) => {
            throw err instanceof BastionError ? err : new BastionError(where(t), err.message);
          }),
        close: () => {
          client.end();
          jump?.end();
        },
      };
    } catch (err) {
      if (!(err instanceof BastionError) || !err.retriable || Date.now() + delay > deadline) {
        if (err instanceof BastionError && err.retriable)
          throw new BastionError(err.where, `${err.reason} (gave up after ${t.bootTimeoutSeconds ?? 60}s)`);
        throw err;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/**
 * Runs a command; stdin is sent whole, then closed. Rejects (and ends the connection, which makes sshd end
 * the command) when it does not finish within `seconds` or the connection is lost.
 */
function exec(client: Client, command: string, stdin: Buffer | undefined, seconds: number): Promise<ExecResult> {
  return bounded<ExecResult>(
    client,
    seconds,
    'a command on the bastion',
    (resolve, reject) =>
      client.exec(command, (err, stream) => {
        if (err) return reject(err);
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => errs.push(d));
        stream.on('close', (code: number | null) =>
          resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(errs).toString('utf8').trim() }),
        );
        stream.end(stdin ?? Buffer.alloc(0));
      }),
    () => client.end(),
  );
}
