// MYSQL validation: a real connection with `mysql2`, directly or through the SSH tunnel.
import mysql from 'mysql2/promise';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { dnsFailure, isInvalidHost, textOrSecret, type ValidateCtx } from './context';
import { openTunnel, tunnelOf, type Tunnel } from './tunnel';

export async function validateMysql(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  const host = o.text('HOST') ?? '';
  const port = Number(o.text('PORT') ?? 3306);
  if (isInvalidHost(host)) throw dnsFailure(host);
  const mode = (o.text('SSL MODE') ?? 'disabled').toUpperCase();
  const ssh = tunnelOf(ctx, item);
  let tunnel: Tunnel | undefined;
  const cfg: mysql.ConnectionOptions = {
    user: textOrSecret(ctx, o.get('USER')),
    password: textOrSecret(ctx, o.get('PASSWORD')),
    connectTimeout: ctx.timeoutMs,
    ssl:
      mode === 'DISABLED'
        ? undefined
        : {
            rejectUnauthorized: mode.startsWith('VERIFY'),
            ca: textOrSecret(ctx, o.get('SSL CERTIFICATE AUTHORITY')),
            cert: textOrSecret(ctx, o.get('SSL CERTIFICATE')),
            key: textOrSecret(ctx, o.get('SSL KEY')),
          },
  };
  if (ssh) {
    tunnel = await openTunnel(ctx, ssh);
    try {
      cfg.stream = (await tunnel.forward(host, port)) as unknown as mysql.ConnectionOptions['stream'];
    } catch (e) {
      tunnel.close();
      throw validationError(`error connecting to server: ${(e as Error).message}`);
    }
  } else {
    cfg.host = host;
    cfg.port = port;
  }
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection(cfg);
    await conn.query('SELECT 1');
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') throw dnsFailure(host);
    throw validationError(err.message);
  } finally {
    await conn?.end().catch(() => {});
    tunnel?.close();
  }
}
