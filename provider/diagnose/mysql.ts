// The MySQL probe (mysql2): login with the connection's SSL mode, the replication grants, and the binlog
// and GTID settings Materialize's MySQL source needs (log_bin, binlog_format = ROW, binlog_row_image = FULL,
// gtid_mode = ON, enforce_gtid_consistency = ON). MariaDB has other GTIDs and none of these two variables.
import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
import { missingSecret, tlsCheckOf, tlsFiles, TLS_NAMES, type ProbeContext } from './context';
import { isTlsError, messageOf, networkFailure, reach, tlsFailure } from './net';
import { ProbeFailure } from './verdict';

export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
  change?: string;
}

/** The binlog and GTID findings for a server's version and global variables (names lower-case). */
export function binlogFindings(version: string, vars: Readonly<Record<string, string>>): Finding[] {
  const v = (name: string) => vars[name]?.toUpperCase();
  const findings: Finding[] = [
    v('log_bin') === 'ON'
      ? { check: 'log_bin', ok: true, detail: 'ON' }
      : {
          check: 'log_bin',
          ok: false,
          detail: `log_bin is ${v('log_bin') ?? 'not set'}`,
          change: 'turn the binary log on (log_bin, and a server_id) and restart the server',
        },
    v('binlog_format') === 'ROW'
      ? { check: 'binlog_format', ok: true, detail: 'ROW' }
      : {
          check: 'binlog_format',
          ok: false,
          detail: `binlog_format is ${v('binlog_format') ?? 'not set'}`,
          change: 'SET PERSIST binlog_format = ROW (or binlog_format=ROW in my.cnf / the RDS parameter group)',
        },
    v('binlog_row_image') === 'FULL'
      ? { check: 'binlog_row_image', ok: true, detail: 'FULL' }
      : {
          check: 'binlog_row_image',
          ok: false,
          detail: `binlog_row_image is ${v('binlog_row_image') ?? 'not set'}`,
          change: 'SET PERSIST binlog_row_image = FULL (or in my.cnf / the RDS parameter group)',
        },
  ];
  if (/mariadb/i.test(version)) {
    findings.push({
      check: 'GTIDs',
      ok: false,
      detail:
        `the server is MariaDB ${version}: it has no gtid_mode or enforce_gtid_consistency (MariaDB's GTIDs are ` +
        `another scheme; gtid_strict_mode is ${v('gtid_strict_mode') ?? 'not set'})`,
      change:
        "Materialize's MySQL source needs MySQL 5.7+ (or RDS/Aurora MySQL) with gtid_mode = ON and enforce_gtid_consistency = ON; MariaDB is not a supported upstream",
    });
    return findings;
  }
  for (const name of ['gtid_mode', 'enforce_gtid_consistency'])
    findings.push(
      v(name) === 'ON'
        ? { check: name, ok: true, detail: 'ON' }
        : {
            check: name,
            ok: false,
            detail: `${name} is ${v(name) ?? 'not set'}`,
            change: `set ${name} = ON (MySQL steps it up one value at a time: OFF_PERMISSIVE, ON_PERMISSIVE, ON for gtid_mode)`,
          },
    );
  return findings;
}

/** Whether SHOW GRANTS lines give what replication needs: REPLICATION SLAVE and REPLICATION CLIENT. */
export function replicationGrants(grants: readonly string[]): { ok: boolean; missing: string[] } {
  const global = grants
    .filter((g) => / ON \*\.\* /i.test(g))
    .join(' ')
    .toUpperCase();
  if (/GRANT ALL PRIVILEGES ON \*\.\*/.test(global)) return { ok: true, missing: [] };
  const missing: string[] = [];
  if (!/REPLICATION (SLAVE|REPLICA)/.test(global)) missing.push('REPLICATION SLAVE');
  // MariaDB 10.5+ names REPLICATION CLIENT "BINLOG MONITOR".
  if (!/REPLICATION CLIENT|BINLOG MONITOR/.test(global)) missing.push('REPLICATION CLIENT');
  return { ok: missing.length === 0, missing };
}

function sslOptions(ctx: ProbeContext, mode: string): ConnectionOptions['ssl'] {
  const files = tlsFiles(ctx);
  switch (tlsCheckOf('mysql', mode)) {
    case 'none':
      return undefined;
    case 'encrypt':
      return { ...files, rejectUnauthorized: false };
    case 'chain':
      return { ...files, rejectUnauthorized: true, verifyIdentity: false };
    case 'full':
      return { ...files, rejectUnauthorized: true, verifyIdentity: true };
  }
}

async function connect(
  ctx: ProbeContext,
  host: string,
  port: number,
  ssl: ConnectionOptions['ssl'],
): Promise<Connection> {
  const stream = ctx.tunnel ? await ctx.tunnel.forward(host, port) : undefined;
  const conn = await createConnection({
    host,
    port,
    user: ctx.text('user'),
    password: ctx.text('password'),
    ssl,
    connectTimeout: ctx.budgetMs,
    ...(stream ? { stream: stream as never } : {}),
  });
  conn.on('error', () => undefined);
  ctx.onCleanup(() => conn.destroy());
  return conn;
}

async function loginFailure(
  err: unknown,
  ctx: ProbeContext,
  host: string,
  port: number,
  mode: string,
): Promise<ProbeFailure> {
  const e = err as { code?: string; errno?: number };
  const msg = messageOf(err);
  const who = `${ctx.describe('user', 'USER')} and ${ctx.describe('password', 'PASSWORD')}`;
  if (e.code === 'ER_ACCESS_DENIED_ERROR' && mode === 'disabled') {
    // A user that must use TLS (REQUIRE SSL) is refused like a wrong password: try once more over TLS to tell.
    const overTls = await connect(ctx, host, port, { rejectUnauthorized: false }).then(
      (c) => (c.end().catch(() => undefined), true),
      () => false,
    );
    if (overTls)
      return new ProbeFailure(
        'TLS',
        `${msg} (without TLS; the same login over TLS succeeds)`,
        'this user must connect over TLS (REQUIRE SSL): set SSL MODE to required, verify_ca or verify_identity',
      );
  }
  if (e.code === 'ER_ACCESS_DENIED_ERROR') return new ProbeFailure('auth', msg, `check ${who}`);
  if (e.code === 'ER_DBACCESS_DENIED_ERROR') return new ProbeFailure('privileges', msg, 'grant the user access');
  if (e.code === 'HANDSHAKE_NO_SSL_SUPPORT')
    return new ProbeFailure('TLS', msg, 'enable TLS on the server (ssl_cert/ssl_key), or set SSL MODE to disabled');
  if (e.errno === 3159)
    return new ProbeFailure(
      'TLS',
      msg,
      'the server requires TLS: set SSL MODE to required, verify_ca or verify_identity',
    );
  if (isTlsError(err)) return tlsFailure(err, TLS_NAMES.ca, TLS_NAMES.cert);
  return networkFailure(err, host, port);
}

export async function probeMysql(ctx: ProbeContext): Promise<void> {
  const { rec } = ctx;
  const host = String(ctx.args.host);
  const port = Number(ctx.args.port ?? 3306);
  await reach(rec, host, port, ctx.tunnel);
  if (missingSecret(ctx, 'user', 'USER') || missingSecret(ctx, 'password', 'PASSWORD')) return;
  const user = ctx.text('user') ?? '';
  const mode = String(ctx.args.sslMode ?? 'disabled').toLowerCase();
  const login = `login as ${user} (SSL MODE ${mode})`;
  const ssl = sslOptions(ctx, mode);
  rec.attempt('auth', login);
  let conn: Connection;
  try {
    conn = await connect(ctx, host, port, ssl);
  } catch (err) {
    throw await loginFailure(err, ctx, host, port, mode);
  }
  rec.ok(login);

  rec.attempt('privileges', 'replication grants');
  const [grantRows] = await conn.query('SHOW GRANTS FOR CURRENT_USER()');
  const grants = (grantRows as Record<string, string>[]).map((r) => Object.values(r)[0]);
  const g = replicationGrants(grants);
  if (!g.ok)
    throw new ProbeFailure(
      'privileges',
      `"${user}" lacks ${g.missing.join(' and ')}`,
      `GRANT ${g.missing.join(', ')} ON *.* TO '${user}'@'%' (and SELECT, LOCK TABLES on the replicated tables)`,
    );
  rec.ok('replication grants');

  const [[{ version }]] = (await conn.query('SELECT VERSION() AS version')) as unknown as [{ version: string }[]];
  const [varRows] = await conn.query(
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', 'gtid_mode', 'enforce_gtid_consistency', 'gtid_strict_mode')",
  );
  const vars = Object.fromEntries(
    (varRows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name.toLowerCase(), r.Value]),
  );
  for (const f of binlogFindings(version, vars)) {
    rec.attempt('configuration', f.check);
    if (!f.ok) throw new ProbeFailure('configuration', f.detail, f.change ?? '');
    rec.ok(f.check, f.detail);
  }
  await conn.end();
}
