// Shared set-up for the end-to-end suites: the real dynamic-provider server driven by test/engine,
// against the Materialize of test/support/materialize.ts, each suite in a schema of its own.
import { Client } from 'pg';
import { makeProgramDir, removeProgramDir, secret, startEngine, type Engine } from '../engine';
import { materializeUrl } from '../support/materialize';

export interface E2E {
  engine: Engine;
  schema: string;
  /** An out-of-band SQL session, as another user of Materialize would have. */
  sql(statement: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export function materializeConfig(url = materializeUrl()) {
  const u = new URL(url);
  return {
    'materialize:host': u.hostname,
    'materialize:port': u.port || '6875',
    'materialize:username': decodeURIComponent(u.username),
    'materialize:password': secret(decodeURIComponent(u.password)),
    'materialize:database': u.pathname.replace(/^\//, '') || 'materialize',
    'materialize:sslmode': 'disable',
  };
}

export async function startE2E(schema: string): Promise<E2E> {
  const dir = makeProgramDir();
  const client = new Client({ connectionString: materializeUrl() });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.query(`CREATE SCHEMA "${schema}"`);
  const engine = await startEngine({ projectDir: dir, config: materializeConfig() });
  return {
    engine,
    schema,
    sql: async (statement, params) => (await client.query(statement, params)).rows,
    close: async () => {
      await engine.stop();
      await client.end();
      removeProgramDir(dir);
    },
  };
}
