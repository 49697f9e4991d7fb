// What the stand-in's catalog holds in the campaign's schemas, read over SQL as any client would (plus the
// stand-in's test-only secret backdoor, to compare a secret's value byte for byte).
import { Client } from 'pg';
import type { Standin } from '../standin';

export interface CatalogObject {
  id: string;
  schema: string;
  name: string;
  /** `secret` or the connection type (`postgres`, `kafka`, ...). */
  type: string;
  owner: string;
  privileges: string;
  createSql?: string;
  comment?: string;
  /** Secrets: the value (test backdoor). */
  value?: string;
}

export const key = (schema: string, name: string) => `${schema}.${name}`;

export class CatalogReader {
  constructor(
    private readonly url: string,
    private readonly standin: Standin,
  ) {}

  async sql(statement: string): Promise<Record<string, unknown>[]> {
    const client = new Client({ connectionString: this.url, application_name: 'campaign' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(statement)).rows as Record<string, unknown>[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Every connection and secret in the given schemas of `materialize`, by `schema.name`. */
  async snapshot(schemas: readonly string[]): Promise<Map<string, CatalogObject>> {
    const list = schemas.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ');
    const rows = await this.sql(
      `SELECT o.id, s.name AS schema, o.name, o.type, o.owner_id, o.privileges::text AS privileges, o.create_sql,
              c.comment
       FROM (SELECT id, schema_id, name, type, owner_id, privileges, create_sql FROM mz_catalog.mz_connections
             UNION ALL SELECT id, schema_id, name, 'secret', owner_id, privileges, NULL FROM mz_catalog.mz_secrets) o
       JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id
       JOIN mz_catalog.mz_databases d ON d.id = s.database_id
       LEFT JOIN mz_internal.mz_comments c ON c.id = o.id
       WHERE d.name = 'materialize' AND s.name IN (${list})`,
    );
    const out = new Map<string, CatalogObject>();
    for (const r of rows) {
      const o: CatalogObject = {
        id: String(r.id),
        schema: String(r.schema),
        name: String(r.name),
        type: String(r.type),
        owner: String(r.owner_id),
        privileges: String(r.privileges),
        createSql: r.create_sql === null ? undefined : String(r.create_sql),
        comment: r.comment === null ? undefined : String(r.comment),
      };
      if (o.type === 'secret') o.value = this.standin.secretValue('materialize', o.schema, o.name);
      out.set(key(o.schema, o.name), o);
    }
    return out;
  }
}
