// Out-of-band SQL against the acceptance run's Materialize, and what its catalog holds.
import { Client } from 'pg';
import { startStandin, type Standin } from '../standin/index';

/** A second Materialize (another environment) with the run's password, for moves between environments. */
export function anotherStandin(): Promise<Standin> {
  return startStandin({ port: 0, password: decodeURIComponent(new URL(process.env.MZ_STANDIN_URL!).password) });
}

export async function sql(
  statement: string,
  url = process.env.MZ_STANDIN_URL ?? '',
): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url, application_name: 'acceptance-test' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(statement)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** Names of the connections and secrets in materialize.public, sorted. */
export async function objects(url?: string): Promise<string[]> {
  const rows = await sql(
    `SELECT o.name FROM (SELECT name, schema_id FROM mz_catalog.mz_connections
       UNION ALL SELECT name, schema_id FROM mz_catalog.mz_secrets) o
     JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id
     JOIN mz_catalog.mz_databases d ON d.id = s.database_id
     WHERE s.name = 'public' AND d.name = 'materialize' ORDER BY 1`,
    url,
  );
  return rows.map((r) => String(r.name));
}

const q = (name: string) => `"materialize"."public"."${name.replace(/"/g, '""')}"`;

/** Leaves materialize.public empty for the next program, whatever a failed one left behind. */
export async function clear(url?: string): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    const connections = await sql(
      `SELECT c.name FROM mz_catalog.mz_connections c JOIN mz_catalog.mz_schemas s ON s.id = c.schema_id
       WHERE s.name = 'public'`,
      url,
    );
    for (const r of connections)
      await sql(`DROP CONNECTION IF EXISTS ${q(String(r.name))} CASCADE`, url).catch(() => undefined);
  }
  for (const r of await sql(
    `SELECT x.name FROM mz_catalog.mz_secrets x JOIN mz_catalog.mz_schemas s ON s.id = x.schema_id WHERE s.name = 'public'`,
    url,
  ))
    await sql(`DROP SECRET IF EXISTS ${q(String(r.name))} CASCADE`, url);
}

/** SHOW CREATE CONNECTION's text. */
export async function showCreate(name: string, url?: string): Promise<string> {
  const rows = await sql(`SHOW CREATE CONNECTION ${q(name)}`, url);
  return String(rows[0].create_sql);
}
