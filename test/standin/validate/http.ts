// CONFLUENT SCHEMA REGISTRY and ICEBERG CATALOG validation: an HTTP request to the URL (CSR: GET /subjects
// with USERNAME/PASSWORD as basic auth and the TLS options), directly or through the SSH tunnel.
// SQL SERVER: a TCP connection to HOST:PORT (no SQL Server exists on these machines).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { dnsFailure, isInvalidHost, textOrSecret, withTimeout, type ValidateCtx } from './context';
import { openTunnel, tunnelOf } from './tunnel';

export async function validateHttp(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  const url = new URL(o.text('URL') ?? '');
  if (isInvalidHost(url.hostname)) throw dnsFailure(url.hostname);
  const target = item.connType === 'CONFLUENT SCHEMA REGISTRY' ? new URL('/subjects', url) : url;
  const user = textOrSecret(ctx, o.get('USERNAME'));
  const headers: Record<string, string> =
    user !== undefined
      ? {
          Authorization: `Basic ${Buffer.from(`${user}:${textOrSecret(ctx, o.get('PASSWORD')) ?? ''}`).toString('base64')}`,
        }
      : {};
  const secure = target.protocol === 'https:';
  const host = target.hostname;
  const port = Number(target.port || (secure ? 443 : 80));
  const ssh = tunnelOf(ctx, item);
  const tunnel = ssh ? await openTunnel(ctx, ssh) : undefined;
  try {
    const channel = tunnel ? await tunnel.forward(host, port) : undefined;
    const tlsOptions = {
      ca: textOrSecret(ctx, o.get('SSL CERTIFICATE AUTHORITY')),
      cert: textOrSecret(ctx, o.get('SSL CERTIFICATE')),
      key: textOrSecret(ctx, o.get('SSL KEY')),
    };
    // Through a tunnel the request rides the SSH channel (TLS on top of it for https).
    const viaChannel = channel && {
      createConnection: () =>
        secure
          ? tls.connect({ ...tlsOptions, socket: channel, servername: net.isIP(host) ? undefined : host })
          : (channel as unknown as net.Socket),
    };
    const status = await withTimeout(
      new Promise<number>((resolve, reject) => {
        const req = (secure ? https : http).request(
          { host, port, path: target.pathname + target.search, headers, ...(secure ? tlsOptions : {}), ...viaChannel },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      }),
      ctx.timeoutMs,
      'request',
    );
    if (status < 200 || status >= 300) throw new Error(`server returned HTTP ${status}`);
  } catch (e) {
    throw validationError(`error sending request for url (${target.href}): ${(e as Error).message}`);
  } finally {
    tunnel?.close();
  }
}

export async function validateTcp(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  const host = o.text('HOST') ?? '';
  const port = Number(o.text('PORT') ?? 1433);
  if (isInvalidHost(host)) throw dnsFailure(host);
  await new Promise<void>((resolve, reject) => {
    const s = net.connect({ host, port, timeout: ctx.timeoutMs });
    s.on('connect', () => {
      s.destroy();
      resolve();
    });
    s.on('timeout', () => {
      s.destroy();
      reject(validationError(`error connecting to server: timed out`));
    });
    s.on('error', (e) => reject(validationError(`error connecting to server: ${e.message}`)));
  });
}
