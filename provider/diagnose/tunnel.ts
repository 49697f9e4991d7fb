// The SSH tunnel of a connection, opened from the deploying machine with a private key the user gives
// (Materialize keeps the tunnel's own keys to itself). Probes connect through it like Materialize does:
// the bastion resolves and connects to the target.
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Client, utils as sshUtils } from 'ssh2';
import { fingerprint } from '../bastion/ssh';
import { messageOf, networkFailure, reach, type Forwarder } from './net';
import { ProbeFailure, type Recorder } from './verdict';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** An OpenSSH or PEM private key authorized on the bastion; without it the tunnel cannot be opened. */
  privateKey?: string;
  passphrase?: string;
  /** The bastion's host key (`SHA256:...`, as `ssh-keygen -lf` prints it); without it the tunnel is unverified. */
  hostKeySha256?: string;
}

export interface Tunnel extends Forwarder {
  readonly label: string;
  /**
   * Whether the bastion proved to be the host whose key was given. Through an unverified tunnel an impostor
   * would see every credential a probe sends, so the probes send none.
   */
  readonly verified: boolean;
  /**
   * A loopback port that forwards to host:port (one listener per target), for clients that take only a
   * host and port. With `tls`, the forwarder speaks TLS to the target itself and plaintext to the client.
   */
  localPort(host: string, port: number, tls?: tls.ConnectionOptions): Promise<number>;
  close(): void;
}

export function sshLabel(t: SshTarget): string {
  return `${t.user}@${t.host}:${t.port}`;
}

function forwardFailure(err: unknown, host: string, port: number): ProbeFailure {
  const msg = messageOf(err);
  if (/prohibited/i.test(msg))
    return new ProbeFailure(
      'configuration',
      `the bastion refused to forward to ${host}:${port}: ${msg}`,
      'allow TCP forwarding for this user on the bastion (sshd_config: AllowTcpForwarding yes, PermitOpen)',
    );
  return new ProbeFailure(
    'TCP',
    `the bastion cannot reach ${host}:${port}: ${msg}`,
    `check the host and port as the bastion sees them, and the bastion's network access to ${host}:${port}`,
  );
}

/** Logs in to the bastion (DNS, TCP, SSH auth) and returns the tunnel. */
export async function openTunnel(rec: Recorder, ssh: SshTarget, budgetMs: number): Promise<Tunnel> {
  await reach(rec, ssh.host, ssh.port);
  const label = sshLabel(ssh);
  rec.attempt('auth', `SSH login ${label}`);
  if (ssh.privateKey !== undefined) {
    const parsed = sshUtils.parseKey(ssh.privateKey, ssh.passphrase);
    if (parsed instanceof Error)
      throw new ProbeFailure(
        'configuration',
        `the private key given for ${label} cannot be read: ${parsed.message}`,
        'give an unencrypted OpenSSH or PEM private key (or its passphrase)',
      );
  }
  const client = new Client();
  let presented: string | undefined;
  await new Promise<void>((resolve, reject) => {
    client
      .once('ready', () => resolve())
      .once('error', (err: Error & { level?: string }) => {
        client.end();
        if (ssh.hostKeySha256 !== undefined && presented !== undefined && presented !== ssh.hostKeySha256)
          reject(
            new ProbeFailure(
              'auth',
              `${label} presented the host key ${presented}, not ${ssh.hostKeySha256}: it may be an impostor; the ` +
                'probe logged in to nothing and sent nothing through it',
              "check the bastion's host key out of band (ssh-keyscan -p <port> <host> | ssh-keygen -lf -); if it really " +
                'changed, give the new fingerprint (diagnose.sshHostKeySha256, mz-diagnose --ssh-host-key)',
            ),
          );
        else if (err.level === 'client-authentication')
          reject(
            new ProbeFailure(
              'auth',
              `the bastion refused the login of ${ssh.user} with the given key: ${messageOf(err)}`,
              `add the connection's public keys (publicKey1/publicKey2) to ~${ssh.user}/.ssh/authorized_keys on the bastion, and check the user name`,
            ),
          );
        else if (err.level === 'client-timeout')
          reject(
            new ProbeFailure(
              'TCP',
              `no SSH handshake from ${ssh.host}:${ssh.port}`,
              'check that this port is an SSH server',
            ),
          );
        else reject(networkFailure(err, ssh.host, ssh.port));
      })
      .connect({
        host: ssh.host,
        port: ssh.port,
        username: ssh.user,
        privateKey: ssh.privateKey,
        passphrase: ssh.passphrase,
        readyTimeout: budgetMs,
        hostVerifier: (key: Buffer) => {
          presented = fingerprint(key);
          return ssh.hostKeySha256 === undefined || presented === ssh.hostKeySha256;
        },
      });
  });
  const verified = ssh.hostKeySha256 !== undefined;
  rec.ok(`SSH login ${label}`, verified ? `host key ${presented} as given` : undefined);
  if (!verified)
    rec.warn(
      `SSH host key of ${label}`,
      `${presented} was not checked (no sshHostKeySha256 given): the probe sends no credentials through this tunnel`,
    );

  const servers: net.Server[] = [];
  const listeners = new Map<string, Promise<number>>();
  const forward = (host: string, port: number) =>
    new Promise<Duplex>((resolve, reject) =>
      client.forwardOut('127.0.0.1', 0, host, port, (err, ch) =>
        err ? reject(forwardFailure(err, host, port)) : resolve(ch),
      ),
    );
  return {
    label,
    verified,
    forward,
    async check(host, port) {
      const ch = await forward(host, port);
      ch.destroy();
    },
    localPort(host, port, tlsOptions) {
      const key = `${host}:${port}:${tlsOptions ? 'tls' : 'plain'}`;
      let bound = listeners.get(key);
      if (!bound) {
        const server = net.createServer((sock) => {
          sock.on('error', () => sock.destroy());
          forward(host, port).then(
            (ch) => {
              const upstream = tlsOptions ? tls.connect({ ...tlsOptions, socket: ch }) : ch;
              upstream.on('error', () => sock.destroy());
              sock.pipe(upstream).pipe(sock);
            },
            () => sock.destroy(),
          );
        });
        servers.push(server);
        bound = new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
        });
        listeners.set(key, bound);
      }
      return bound;
    },
    close() {
      for (const s of servers) s.close();
      client.end();
    },
  };
}
