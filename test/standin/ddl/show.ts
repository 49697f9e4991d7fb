// SHOW CREATE CONNECTION (§5.6, §5.8, §10) and SHOW CONNECTIONS|SECRETS|SCHEMAS|DATABASES|ROLES: answered
// by queries against the catalog tables, so result encoding is the SQL engine's.
import type { Statement } from '../ast';
import { done, type ExecContext, type ExecResult } from '../context';
import { planError } from '../errors';
import { quoteLiteral } from '../names';
import { createSql, showName } from '../render';

export function showCreate(ctx: ExecContext, st: Extract<Statement, { kind: 'show_create' }>): ExecResult {
  const { cat, session } = ctx;
  const item = cat.resolveItem(session, st.name);
  if (item.kind !== 'connection') throw planError(`${cat.fullNameString(item)} is a ${item.kind} not a connection`);
  const mode = st.redacted ? 'redacted' : ctx.settings.showCreateStyle;
  const name = showName(cat, item, mode);
  const sql = createSql(cat, item, mode === 'redacted' ? 'minimal' : mode);
  return {
    ...done('SELECT 1'),
    query: `SELECT ${quoteLiteral(name)}::text AS name, ${quoteLiteral(sql)}::text AS create_sql`,
  };
}

// connection-create-drop.td (`testconn  kafka  ""`): SHOW gives an object without a comment an empty comment, not NULL.
export function showObjects(ctx: ExecContext, st: Extract<Statement, { kind: 'show_objects' }>): ExecResult {
  const { cat, session } = ctx;
  let base: string;
  if (st.what === 'connections' || st.what === 'secrets') {
    const schema = st.from ? cat.resolveSchema(session, st.from) : cat.resolveCreateSchema(session, ['x']);
    base =
      st.what === 'connections'
        ? `SELECT c.name, c.type, coalesce(cm.comment, '') AS comment FROM mz_catalog.mz_connections c LEFT JOIN mz_internal.mz_comments cm ON cm.id = c.id AND cm.object_type = 'connection' WHERE c.schema_id = ${quoteLiteral(schema.id)}`
        : `SELECT c.name, coalesce(cm.comment, '') AS comment FROM mz_catalog.mz_secrets c LEFT JOIN mz_internal.mz_comments cm ON cm.id = c.id AND cm.object_type = 'secret' WHERE c.schema_id = ${quoteLiteral(schema.id)}`;
  } else if (st.what === 'schemas') {
    const db = cat.databaseByName(st.from ? st.from[0] : session.database);
    if (!db) throw planError(`unknown database '${st.from ? st.from[0] : session.database}'`);
    base = `SELECT s.name, coalesce(cm.comment, '') AS comment FROM mz_catalog.mz_schemas s LEFT JOIN mz_internal.mz_comments cm ON cm.id = s.id AND cm.object_type = 'schema' WHERE s.database_id = ${quoteLiteral(db.id)} OR s.database_id IS NULL`;
  } else if (st.what === 'databases') {
    base = `SELECT d.name, coalesce(cm.comment, '') AS comment FROM mz_catalog.mz_databases d LEFT JOIN mz_internal.mz_comments cm ON cm.id = d.id AND cm.object_type = 'database'`;
  } else {
    base = `SELECT r.name, ''::text AS comment FROM mz_catalog.mz_roles r WHERE r.id LIKE 'u%'`;
  }
  let filter = '';
  if (st.like !== undefined) filter = ` WHERE name LIKE ${quoteLiteral(st.like)}`;
  else if (st.where !== undefined) filter = ` WHERE ${st.where}`;
  return { ...done('SELECT'), query: `SELECT * FROM (${base}) AS t${filter} ORDER BY name` };
}
