#!/usr/bin/env node
// mz-diagnose: runs the probe for one connection, given as JSON or read from Materialize's catalog by name.
// Materialize never returns secret values: the probe takes them from --secret-file, MZ_DIAGNOSE_SECRETS or
// --secret. Exit status: 0 the probe passed, 1 it found a failing step, 2 bad usage or input, 3 no probe.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { readConnectionRow } from '../lifecycle/catalog';
import { resolveEndpoint, type MaterializeEndpoint } from '../lifecycle/endpoint';
import { closeAllPools, withSession, type Queryable, type Session } from '../lifecycle/pool';
import { parseShowCreateConnection } from '../read/show-create';
import { connectionKinds, connectionSpecs, specFor, type ConnectionKind } from '../specs';
import { resolveLocation } from '../sql/quote';
import { DEFAULT_BUDGET_MS, diagnose, formatVerdict, PROBED_KINDS, tunnelRefOf, type DiagnoseRequest } from './index';
import { MAX_BUDGET_MS, SSH_FINGERPRINT } from './wiring';

export const USAGE = `usage: mz-diagnose (--json <json> | --json-file <file> | --name <connection>) [options]

Probes a Materialize connection's upstream from this machine and says which step fails
(DNS, TCP, TLS, auth, privileges, configuration), what was observed and what to change.

The connection:
  --json <json>, --json-file <file>   {"kind": "postgres", "args": {...}}: the provider's arguments
                                      (references to secrets and tunnels as {"name": ...})
  --name <name> [--schema s] [--database d]
                                      read it from Materialize's catalog with the provider's settings:
                                      MZ_HOST, MZ_PORT, MZ_USER, MZ_PASSWORD, MZ_DATABASE, MZ_SSLMODE,
                                      MZ_SSLROOTCERT, MZ_CONNECT_TIMEOUT, MZ_STATEMENT_TIMEOUT (or --url);
                                      never PG* variables or ~/.pgpass; timeouts at most --timeout
  --url <postgres://...>              Materialize to read the connection and its SSH tunnel from
                                      (?sslmode=...&sslrootcert=... as in the materialize input)
Secrets (Materialize never returns their values):
  --secret-file <name>=<path>         a secret's value from a file (repeatable)
  MZ_DIAGNOSE_SECRETS='{"name": "value"}'  secret values from the environment
  --secret <name>=<value>             on the command line (visible to other users of this machine)
SSH tunnel:
  --ssh-key-file <path>               a private key the bastion accepts (or MZ_DIAGNOSE_SSH_KEY)
  --ssh-host-key <SHA256:...>         the bastion's host key (ssh-keygen -lf); without it no credential
                                      is sent through the tunnel
  --tunnel <user@host:port>           the tunnel's settings when the JSON references one and no --url/--name
Output:
  --timeout <ms>                      the probe's budget (default ${DEFAULT_BUDGET_MS}, at most ${MAX_BUDGET_MS})
  --format text|json                  default text
Exit status: 0 passed, 1 a step failed, 2 bad usage or input, 3 no probe for this kind.`;

class UsageError extends Error {}

function pairs(values: string[] | undefined, what: string): [string, string][] {
  return (values ?? []).map((v) => {
    const i = v.indexOf('=');
    if (i <= 0) throw new UsageError(`${what} takes <name>=<value>, got "${v.slice(0, 40)}"`);
    return [v.slice(0, i), v.slice(i + 1)];
  });
}

function parseTunnel(text: string): { host: string; port: number; user: string } {
  const m = /^([^@]+)@(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`--tunnel takes user@host[:port], got "${text}"`);
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
}

/** `--url` as the provider's endpoint settings: validated like the `materialize` input, nothing taken from PG*. */
function endpointFromUrl(url: string): MaterializeEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError('--url must be a postgres://user:password@host:port/database?sslmode=... URL');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new UsageError('--url must be a postgres:// or postgresql:// URL');
  const given: Record<string, string | number | undefined> = {
    host: u.hostname.replace(/^\[|\]$/g, '') || undefined,
    port: u.port ? Number(u.port) : undefined,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
    sslmode: u.searchParams.get('sslmode') ?? undefined,
    sslrootcert: u.searchParams.get('sslrootcert') ?? undefined,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as MaterializeEndpoint;
}

/**
 * Reads Materialize's catalog through the provider's own sessions: the same validated sslmode and sslrootcert,
 * no PG* fallbacks, no cleartext password across a network, and the connect and statement timeouts, here at most
 * the probe's budget. The sessions are closed before the probe runs.
 */
async function withCatalog<T>(
  url: string | undefined,
  env: NodeJS.ProcessEnv,
  budgetMs: number,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  const e = resolveEndpoint(url === undefined ? undefined : endpointFromUrl(url), env);
  const seconds = Math.max(1, Math.ceil(budgetMs / 1000));
  const bounded = {
    ...e,
    connectTimeout: Math.min(e.connectTimeout, seconds),
    statementTimeout: Math.min(e.statementTimeout, seconds),
  };
  try {
    return await withSession(bounded, fn);
  } finally {
    await closeAllPools();
  }
}

async function readConnection(s: Queryable, location: { name: string; schemaName?: string; databaseName?: string }) {
  const where = resolveLocation(location);
  const [row] = await s.query<{ type: string }>(
    `SELECT c.type FROM mz_catalog.mz_connections c
JOIN mz_catalog.mz_schemas s ON s.id = c.schema_id
JOIN mz_catalog.mz_databases d ON d.id = s.database_id
WHERE d.name = $1 AND s.name = $2 AND c.name = $3`,
    [where.databaseName, where.schemaName, where.name],
  );
  if (!row)
    throw new UsageError(`no connection ${where.databaseName}.${where.schemaName}.${where.name} in the catalog`);
  const kind = connectionKinds.find((k) => connectionSpecs[k].catalogType === row.type);
  if (!kind) throw new UsageError(`connection type ${row.type} is not one this package knows`);
  const full = await readConnectionRow(s, specFor(kind), { location: where });
  const parsed = parseShowCreateConnection(full!.createSql ?? '', full!);
  const args: Record<string, unknown> = {
    ...parsed.options,
    schemaName: where.schemaName,
    databaseName: where.databaseName,
  };
  return { kind, args };
}

async function readTunnel(s: Queryable, args: Record<string, unknown>) {
  const ref = tunnelRefOf(args);
  if (!ref) return undefined;
  const t = await readConnection(s, {
    name: ref.name,
    schemaName: ref.schemaName ?? (args.schemaName as string | undefined),
    databaseName: ref.databaseName ?? (args.databaseName as string | undefined),
  });
  return { host: String(t.args.host), port: Number(t.args.port ?? 22), user: String(t.args.user) };
}

/** Runs the command; returns the exit status and writes to the given streams. */
export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  let format = 'text';
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'string' },
        'json-file': { type: 'string' },
        name: { type: 'string' },
        schema: { type: 'string' },
        database: { type: 'string' },
        url: { type: 'string' },
        secret: { type: 'string', multiple: true },
        'secret-file': { type: 'string', multiple: true },
        'ssh-key-file': { type: 'string' },
        'ssh-host-key': { type: 'string' },
        tunnel: { type: 'string' },
        timeout: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) {
      out(USAGE);
      return 0;
    }
    format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError('--format is text or json');
    const sources = [values.json, values['json-file'], values.name].filter((v) => v !== undefined);
    if (sources.length !== 1) throw new UsageError('give exactly one of --json, --json-file, --name');
    const budgetMs = values.timeout === undefined ? DEFAULT_BUDGET_MS : Number(values.timeout);
    if (!Number.isInteger(budgetMs) || budgetMs < 100 || budgetMs > MAX_BUDGET_MS)
      throw new UsageError(`--timeout must be an integer from 100 to ${MAX_BUDGET_MS} (milliseconds)`);

    const secrets: Record<string, string> = {};
    if (env.MZ_DIAGNOSE_SECRETS) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(env.MZ_DIAGNOSE_SECRETS);
      } catch {
        throw new UsageError('MZ_DIAGNOSE_SECRETS must be a JSON object of secret names to values');
      }
      if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string'))
        throw new UsageError('MZ_DIAGNOSE_SECRETS must be a JSON object of secret names to values');
      Object.assign(secrets, parsed);
    }
    for (const [name, path] of pairs(values['secret-file'], '--secret-file'))
      secrets[name] = fs.readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    for (const [name, value] of pairs(values.secret, '--secret')) secrets[name] = value;
    const keyFile = values['ssh-key-file'];
    const sshPrivateKey = keyFile ? fs.readFileSync(keyFile, 'utf8') : env.MZ_DIAGNOSE_SSH_KEY || undefined;

    let kind: ConnectionKind;
    let args: Record<string, unknown>;
    let tunnel: DiagnoseRequest['tunnel'];
    if (values.name !== undefined) {
      ({ kind, args, tunnel } = await withCatalog(values.url, env, budgetMs, async (s) => {
        const c = await readConnection(s, {
          name: values.name!,
          schemaName: values.schema,
          databaseName: values.database,
        });
        return { ...c, tunnel: await readTunnel(s, c.args) };
      }));
    } else {
      const text = values.json ?? fs.readFileSync(values['json-file']!, 'utf8');
      let parsed: { kind?: unknown; args?: unknown };
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`the connection JSON does not parse: ${(err as Error).message}`);
      }
      if (!connectionKinds.includes(parsed.kind as ConnectionKind))
        throw new UsageError(`"kind" must be one of ${connectionKinds.join(', ')}`);
      if (typeof parsed.args !== 'object' || parsed.args === null) throw new UsageError('"args" must be an object');
      kind = parsed.kind as ConnectionKind;
      args = parsed.args as Record<string, unknown>;
      if (values.tunnel) tunnel = parseTunnel(values.tunnel);
      else if (tunnelRefOf(args) && values.url)
        tunnel = await withCatalog(values.url, env, budgetMs, (s) => readTunnel(s, args));
    }
    if (!PROBED_KINDS.includes(kind)) {
      out(`mz-diagnose: there is no probe for ${kind} connections (probes: ${PROBED_KINDS.join(', ')})`);
      return 3;
    }
    const sshHostKeySha256 = values['ssh-host-key'];
    if (sshHostKeySha256 !== undefined && !SSH_FINGERPRINT.test(sshHostKeySha256))
      throw new UsageError('--ssh-host-key takes a SHA256 fingerprint as ssh-keygen -lf prints it (SHA256:...)');
    const verdict = (await diagnose({ kind, args, secrets, tunnel, sshPrivateKey, sshHostKeySha256, budgetMs }))!;
    out(format === 'json' ? JSON.stringify(verdict, null, 2) : formatVerdict(verdict));
    return verdict.ok ? 0 : 1;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    out(
      `mz-diagnose: ${message}${err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `\n\n${USAGE}` : ''}`,
    );
    return 2;
  }
}

// Exits once the verdict is written: a probe's client library may keep a socket or timer alive after its answer.
if (require.main === module)
  main(process.argv.slice(2), process.env, (s) => process.stdout.write(`${s}\n`)).then((code) =>
    process.stdout.write('', () => process.exit(code)),
  );
