// The stand-in's cached data directory (store.ts): a stand-in started from it is the same fresh Materialize as
// one started by initdb, each with its own environment id; a cache file that does not load is made again.
import * as fs from 'node:fs';
import { startStandin } from './index';
import { dataDirCache } from './store';
import { session } from './testkit';

const CATALOG = `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
  WHERE table_schema IN ('mz_catalog', 'mz_internal') ORDER BY 1, 2, 3`;
const FRESH = [
  "SELECT current_database() AS db, current_setting('search_path') AS path",
  'SELECT id, name FROM mz_databases',
  'SELECT s.name FROM mz_schemas s JOIN mz_databases d ON d.id = s.database_id',
  "SELECT name, rolsuper FROM mz_roles WHERE id LIKE 'u%'",
  'SELECT count(*)::int AS n FROM mz_connections',
  CATALOG,
];

async function observe(): Promise<{ rows: unknown[][]; environment: string }> {
  const mz = await startStandin({ port: 0 });
  const s = await session(mz.url, 'cache-test');
  try {
    const rows: unknown[][] = [];
    for (const sql of FRESH) rows.push((await s.client.query(sql)).rows);
    const environment = (await s.client.query('SELECT mz_environment_id() AS id')).rows[0].id as string;
    return { rows, environment };
  } finally {
    await s.end();
    await mz.close();
  }
}

test('from a corrupt cache, from initdb and from the cache: the same fresh catalog', async () => {
  const cache = dataDirCache();
  fs.writeFileSync(`${cache}.corrupt-${process.pid}`, 'not a tarball');
  fs.renameSync(`${cache}.corrupt-${process.pid}`, cache);
  const afterCorrupt = await observe();
  expect(fs.statSync(cache).size).toBeGreaterThan(1 << 20); // made again
  const fromCache = await observe();
  expect(fromCache.rows).toEqual(afterCorrupt.rows);
  expect((fromCache.rows[5] as unknown[]).length).toBeGreaterThan(50);
  expect(fromCache.environment).not.toBe(afterCorrupt.environment);
}, 120_000);
