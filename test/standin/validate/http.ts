// CONFLUENT SCHEMA REGISTRY and ICEBERG CATALOG validation: an HTTP request to the URL.
// SQL SERVER: a TCP connection to HOST:PORT (no SQL Server exists on these machines).
import net from 'node:net';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { dnsFailure, isInvalidHost, withTimeout, type ValidateCtx } from './context';

export async function validateHttp(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  const url = new URL(o.text('URL') ?? '');
  if (isInvalidHost(url.hostname)) throw dnsFailure(url.hostname);
  const target = item.connType === 'CONFLUENT SCHEMA REGISTRY' ? new URL('/subjects', url) : url;
  try {
    const r = await withTimeout(
      fetch(target, { signal: AbortSignal.timeout(ctx.timeoutMs) }),
      ctx.timeoutMs,
      'request',
    );
    if (!r.ok) throw new Error(`server returned HTTP ${r.status}`);
  } catch (e) {
    throw validationError(`error sending request for url (${target.href}): ${(e as Error).message}`);
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
