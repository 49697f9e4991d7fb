// The PostgreSQL probe (pg): login with the connection's SSL mode, then what Materialize's PostgreSQL
// source needs: wal_level = logical, the REPLICATION attribute, a publication.
import tls from 'node:tls';
import { Client, type ClientConfig } from 'pg';
import { missingSecret, tlsCheckOf, tlsFiles, TLS_NAMES, type ProbeContext } from './context';
import { isTlsError, messageOf, networkFailure, reach, tlsFailure } from './net';
import { ProbeFailure } from './verdict';

function sslConfig(ctx: ProbeContext, mode: string, host: string): ClientConfig['ssl'] {
  const files = tlsFiles(ctx);
  switch (tlsCheckOf('postgres', mode)) {
    case 'none':
      return false;
    case 'encrypt':
      return { ...files, rejectUnauthorized: false };
    case 'chain':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'full':
      return {
        ...files,
        rejectUnauthorized: true,
        checkServerIdentity: (_h, cert) => tls.checkServerIdentity(host, cert),
      };
  }
}

export function postgresFailure(
  err: unknown,
  ctx: ProbeContext,
  user: string,
  host: string,
  port: number,
): ProbeFailure {
  const e = err as { code?: string; message?: string };
  const msg = messageOf(err);
  const who = `${ctx.describe('user', 'USER')} and ${ctx.describe('password', 'PASSWORD')}`;
  if (e.code === '28P01')
    return new ProbeFailure('auth', msg, `check ${who}: the server rejected the password of "${user}"`);
  if (e.code === '28000' && /no encryption|SSL off/i.test(msg))
    return new ProbeFailure(
      'TLS',
      msg,
      'the server accepts this user only over TLS (pg_hba.conf hostssl): set SSL MODE to require, verify_ca or verify_full',
    );
  if (e.code === '28000')
    return new ProbeFailure(
      'auth',
      msg,
      "allow this user from Materialize's egress addresses in pg_hba.conf (and from this machine to probe it)",
    );
  if (/does not support SSL/i.test(msg))
    return new ProbeFailure('TLS', msg, 'enable ssl on the server, or set SSL MODE to disable');
  if (e.code === '3D000') return new ProbeFailure('configuration', msg, 'set DATABASE to a database that exists');
  if (e.code === '53300')
    return new ProbeFailure('configuration', msg, 'raise max_connections or free connections on the server');
  if (isTlsError(err)) return tlsFailure(err, TLS_NAMES.ca, TLS_NAMES.cert);
  if (e.code && /^[0-9A-Z]{5}$/.test(e.code)) return new ProbeFailure('configuration', msg, 'see the server message');
  return networkFailure(err, host, port);
}

export async function probePostgres(ctx: ProbeContext): Promise<void> {
  const { rec } = ctx;
  const host = String(ctx.args.host);
  const port = Number(ctx.args.port ?? 5432);
  await reach(rec, host, port, ctx.tunnel);
  if (missingSecret(ctx, 'user', 'USER') || missingSecret(ctx, 'password', 'PASSWORD')) return;
  const user = ctx.text('user') ?? '';
  const mode = String(ctx.args.sslMode ?? 'disable');
  const target = ctx.tunnel ? { host: '127.0.0.1', port: await ctx.tunnel.localPort(host, port) } : { host, port };
  const client = new Client({
    ...target,
    user,
    password: ctx.text('password'),
    database: String(ctx.args.database ?? 'postgres'),
    ssl: sslConfig(ctx, mode, host),
    connectionTimeoutMillis: ctx.budgetMs,
    application_name: 'mz-diagnose',
  });
  client.on('error', () => undefined);
  ctx.onCleanup(() => client.end());
  rec.attempt('auth', `login as ${user} (SSL MODE ${mode})`);
  try {
    await client.connect();
  } catch (err) {
    throw postgresFailure(err, ctx, user, host, port);
  }
  rec.ok(`login as ${user} (SSL MODE ${mode})`);

  rec.attempt('configuration', 'wal_level');
  const wal = (await client.query<{ wal_level: string }>('SHOW wal_level')).rows[0].wal_level;
  if (wal !== 'logical')
    throw new ProbeFailure(
      'configuration',
      `wal_level is ${wal}`,
      'set wal_level = logical (postgresql.conf, or rds.logical_replication = 1 on RDS) and restart the server',
    );
  rec.ok('wal_level', 'logical');

  rec.attempt('privileges', 'REPLICATION attribute');
  const role = (
    await client.query<{ rolreplication: boolean; rolsuper: boolean }>(
      'SELECT rolreplication, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user',
    )
  ).rows[0];
  if (!role?.rolreplication && !role?.rolsuper)
    throw new ProbeFailure(
      'privileges',
      `role "${user}" has no REPLICATION attribute`,
      `ALTER ROLE "${user}" WITH REPLICATION (on RDS/Aurora: GRANT rds_replication TO "${user}")`,
    );
  rec.ok('REPLICATION attribute', role.rolsuper ? 'superuser' : 'yes');

  rec.attempt('configuration', 'publications');
  const pubs = (
    await client.query<{ pubname: string }>('SELECT pubname FROM pg_catalog.pg_publication ORDER BY pubname')
  ).rows;
  if (pubs.length === 0)
    rec.warn(
      'publications',
      'none: a CREATE SOURCE needs one (CREATE PUBLICATION mz_source FOR ALL TABLES, or FOR TABLE ...)',
    );
  else rec.ok('publications', pubs.map((p) => p.pubname).join(', '));
  await client.end();
}
