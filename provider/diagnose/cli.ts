#!/usr/bin/env node
// mz-diagnose: runs the probe for one connection, given as JSON or read from Materialize's catalog by name.
// Materialize never returns secret values: the probe takes them from --secret-file, MZ_DIAGNOSE_SECRETS or
// --secret. Exit status: 0 the probe passed, 1 it found a failing step, 2 bad usage or input, 3 no probe.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { readConnectionRow } from '../lifecycle/catalog';
import { resolveEndpoint } from '../lifecycle/endpoint';
import type { Queryable } from '../lifecycle/pool';
import { parseShowCreateConnection } from '../read/show-create';
import { connectionKinds, connectionSpecs, specFor, type ConnectionKind } from '../specs';
import { resolveLocation } from '../sql/quote';
import { DEFAULT_BUDGET_MS, diagnose, formatVerdict, PROBED_KINDS, tunnelRefOf, type DiagnoseRequest } from './index';
import { MAX_BUDGET_MS } from './wiring';

export const USAGE = `usage: mz-diagnose (--json <json> | --json-file <file> | --name <connection>) [options]

Probes a Materialize connection's upstream from this machine and says which step fails
(DNS, TCP, TLS, auth, privileges, configuration), what was observed and what to change.

The connection:
  --json <json>, --json-file <file>   {"kind": "postgres", "args": {...}}: the provider's arguments
                                      (references to secrets and tunnels as {"name": ...})
  --name <name> [--schema s] [--database d]
                                      read it from Materialize's catalog; connects with MZ_HOST, MZ_PORT,
                                      MZ_USER, MZ_PASSWORD, MZ_DATABASE, MZ_SSLMODE (or --url)
  --url <postgres://...>              Materialize to read the connection and its SSH tunnel from
Secrets (Materialize never returns their values):
  --secret-file <name>=<path>         a secret's value from a file (repeatable)
  MZ_DIAGNOSE_SECRETS='{"name": "value"}'  secret values from the environment
  --secret <name>=<value>             on the command line (visible to other users of this machine)
SSH tunnel:
  --ssh-key-file <path>               a private key the bastion accepts (or MZ_DIAGNOSE_SSH_KEY)
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

async function withCatalog<T>(url: string | undefined, fn: (s: Queryable) => Promise<T>): Promise<T> {
  const e = resolveEndpoint(undefined);
  const client = new Client(
    url
      ? { connectionString: url, application_name: 'mz-diagnose' }
      : {
          host: e.host,
          port: e.port,
          user: e.username,
          password: e.password,
          database: e.database,
          ssl: e.sslmode === 'disable' ? false : { rejectUnauthorized: e.sslmode.startsWith('verify') },
          application_name: 'mz-diagnose',
        },
  );
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn({ query: async (sql, params) => (await client.query(sql, params)).rows });
  } finally {
    await client.end();
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
      ({ kind, args, tunnel } = await withCatalog(values.url, async (s) => {
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
      else if (tunnelRefOf(args) && values.url) tunnel = await withCatalog(values.url, (s) => readTunnel(s, args));
    }
    if (!PROBED_KINDS.includes(kind)) {
      out(`mz-diagnose: there is no probe for ${kind} connections (probes: ${PROBED_KINDS.join(', ')})`);
      return 3;
    }
    const verdict = (await diagnose({ kind, args, secrets, tunnel, sshPrivateKey, budgetMs }))!;
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

if (require.main === module)
  main(process.argv.slice(2), process.env, (s) => process.stdout.write(`${s}\n`)).then((code) => {
    process.exitCode = code;
  });
