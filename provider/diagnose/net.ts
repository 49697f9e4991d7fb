// The network steps every probe shares: DNS, then TCP (directly, or through the SSH tunnel), and the
// reading of a socket or TLS error as the step it belongs to.
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ProbeFailure, type Recorder } from './verdict';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
const TLS_PATTERN =
  /certificate|SSL routines|alert|wrong version number|self[- ]signed|TLS|handshake|ERR_SSL|EPROTO|Hostname\/IP does not match/i;

/** Splits `host:port` (IPv6 in brackets allowed). */
export function hostPort(address: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  if (!m) return { host: address, port: defaultPort };
  return { host: m[1], port: m[2] ? Number(m[2]) : defaultPort };
}

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return undefined;
}

export function messageOf(err: unknown): string {
  const e = err as { message?: unknown };
  const text = typeof e?.message === 'string' && e.message ? e.message : String(err);
  return text.trim().replace(/\s+/g, ' ');
}

export function isTlsError(err: unknown): boolean {
  const code = codeOf(err) ?? '';
  return (
    /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|EPROTO)/.test(code) || TLS_PATTERN.test(messageOf(err))
  );
}

/** A TLS failure with what to change, told apart by the kind of certificate problem. */
export function tlsFailure(err: unknown, caOption: string, certOption: string): ProbeFailure {
  const msg = messageOf(err);
  if (/unable to (verify|get local issuer)|self[- ]signed|UNABLE_TO|SELF_SIGNED|DEPTH_ZERO/i.test(msg + codeOf(err)))
    return new ProbeFailure(
      'TLS',
      `the server's certificate is not trusted: ${msg}`,
      `set ${caOption} to the PEM of the CA that signed the server's certificate (a secret or text)`,
    );
  if (/altname|does not match|ERR_TLS_CERT_ALTNAME/i.test(msg + codeOf(err)))
    return new ProbeFailure(
      'TLS',
      `the server's certificate does not name this host: ${msg}`,
      'connect by a host name the certificate lists (its subjectAltName), or use a mode that does not check the name',
    );
  if (/bad certificate|certificate required|alert number 4[26]|alert number 116/i.test(msg))
    return new ProbeFailure(
      'TLS',
      `the server refused the client certificate (or its absence): ${msg}`,
      `set ${certOption} and its key to a client certificate signed by a CA the server trusts`,
    );
  if (/wrong version number|packet length too long|unexpected eof|ECONNRESET/i.test(msg))
    return new ProbeFailure(
      'TLS',
      `the server did not answer TLS: ${msg}`,
      'this port does not speak TLS: use the plaintext mode for it, or the port of the TLS listener',
    );
  return new ProbeFailure(
    'TLS',
    `TLS failed: ${msg}`,
    `check ${caOption}, ${certOption} and the server's TLS settings`,
  );
}

/** A socket-level failure read as DNS, TCP or TLS. */
export function networkFailure(err: unknown, host: string, port: number): ProbeFailure {
  const code = codeOf(err) ?? '';
  const msg = messageOf(err);
  if (DNS_CODES.has(code))
    return new ProbeFailure(
      'DNS',
      `${host} does not resolve (${code})`,
      `check the host name ${host}; if it is a private name, it may resolve only inside Materialize's network`,
      true,
    );
  if (code === 'ECONNREFUSED')
    return new ProbeFailure(
      'TCP',
      `nothing accepts connections on ${host}:${port} (ECONNREFUSED)`,
      `check the port (${port}) and that the server listens on ${host}`,
      true,
    );
  if (UNREACHABLE_CODES.has(code) || /timed? ?out/i.test(msg))
    return new ProbeFailure(
      'TCP',
      `${host}:${port} did not answer (${code || msg})`,
      `check that a firewall or security group lets this machine (and Materialize's egress addresses) reach ${host}:${port}`,
      true,
    );
  return new ProbeFailure('TCP', `connecting to ${host}:${port} failed: ${msg}`, `check ${host}:${port}`, true);
}

/** What the network steps need of an SSH tunnel (diagnose/tunnel.ts). */
export interface Forwarder {
  /** Opens a forwarded channel to host:port and closes it again. */
  check(host: string, port: number): Promise<void>;
  forward(host: string, port: number): Promise<Duplex>;
}

/** DNS then TCP, directly; through a tunnel the bastion resolves and connects instead. */
export async function reach(rec: Recorder, host: string, port: number, tunnel?: Forwarder): Promise<void> {
  if (tunnel) {
    rec.attempt('TCP', `TCP ${host}:${port} from the bastion`);
    await tunnel.check(host, port);
    rec.ok(`TCP ${host}:${port} from the bastion`);
    return;
  }
  rec.attempt('DNS', `DNS ${host}`);
  let address: string;
  try {
    address = net.isIP(host) ? host : (await lookup(host)).address;
  } catch (err) {
    throw networkFailure(err, host, port);
  }
  if (!net.isIP(host)) rec.ok(`DNS ${host}`, address);
  rec.attempt('TCP', `TCP ${host}:${port}`);
  await new Promise<void>((resolve, reject) => {
    const s = net.connect({ host: address, port });
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', (err) => {
      s.destroy();
      reject(networkFailure(err, host, port));
    });
  });
  rec.ok(`TCP ${host}:${port}`);
}

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  /** Check the certificate's chain (and name, unless checkName is false). */
  verify: boolean;
  checkName?: boolean;
}

/** A TLS handshake with host:port (through the tunnel when there is one); its failure is a TLS step. */
export async function tlsHandshake(
  rec: Recorder,
  host: string,
  port: number,
  opts: TlsOptions,
  names: { ca: string; cert: string },
  tunnel?: Forwarder,
): Promise<string> {
  rec.attempt('TLS', `TLS handshake ${host}:${port}`);
  const socket = tunnel ? await tunnel.forward(host, port) : undefined;
  const protocol = await new Promise<string>((resolve, reject) => {
    const s = tls.connect(
      {
        ...(socket ? { socket } : { host, port }),
        ...(net.isIP(host) ? {} : { servername: host }),
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: opts.verify,
        checkServerIdentity: (_h, cert) => (opts.checkName === false ? undefined : tls.checkServerIdentity(host, cert)),
      },
      () => {
        // TLS 1.3 sends the server's verdict on the client certificate after the handshake: wait for it.
        s.once('data', () => undefined);
        setTimeout(() => {
          const p = s.getProtocol() ?? 'TLS';
          s.destroy();
          resolve(p);
        }, 150);
      },
    );
    s.once('error', (err) => {
      s.destroy();
      reject(tlsFailure(err, names.ca, names.cert));
    });
  });
  rec.ok(`TLS handshake ${host}:${port}`, protocol);
  return protocol;
}
