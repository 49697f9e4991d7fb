// POSTGRES validation: a real connection with `pg`, directly or through the SSH tunnel.
import { Client, type ClientConfig } from 'pg';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { dnsFailure, isInvalidHost, textOrSecret, type ValidateCtx } from './context';
import { asSocket, openTunnel, tunnelOf, type Tunnel } from './tunnel';

export async function validatePostgres(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  const host = o.text('HOST') ?? '';
  const port = Number(o.text('PORT') ?? 5432);
  if (isInvalidHost(host)) throw dnsFailure(host);
  const mode = o.text('SSL MODE') ?? 'disable';
  const cfg: ClientConfig = {
    user: textOrSecret(ctx, o.get('USER')),
    password: textOrSecret(ctx, o.get('PASSWORD')) ?? '',
    database: o.text('DATABASE'),
    connectionTimeoutMillis: ctx.timeoutMs,
    ssl:
      mode === 'disable'
        ? false
        : {
            rejectUnauthorized: mode.startsWith('verify'),
            ca: textOrSecret(ctx, o.get('SSL CERTIFICATE AUTHORITY')),
            cert: textOrSecret(ctx, o.get('SSL CERTIFICATE')),
            key: textOrSecret(ctx, o.get('SSL KEY')),
          },
  };
  const ssh = tunnelOf(ctx, item);
  let tunnel: Tunnel | undefined;
  if (ssh) {
    tunnel = await openTunnel(ctx, ssh);
    try {
      cfg.stream = asSocket(await tunnel.forward(host, port)) as unknown as ClientConfig['stream'];
    } catch (e) {
      tunnel.close();
      throw validationError(`error connecting to server: ${(e as Error).message}`);
    }
  } else {
    cfg.host = host;
    cfg.port = port;
  }
  const client = new Client(cfg);
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    const err = e as Error & { severity?: string; code?: string };
    if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') throw dnsFailure(host);
    // Server errors come back as `db error: FATAL: ...`, network errors as `error connecting to server: ...`.
    throw validationError(
      err.severity ? `db error: ${err.severity}: ${err.message}` : `error connecting to server: ${err.message}`,
    );
  } finally {
    await client.end().catch(() => {});
    tunnel?.close();
  }
}
