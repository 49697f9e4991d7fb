// The SQL engine: PGlite holding the catalog tables of §5 with their exact column names and types, so clients
// can query them with ordinary SELECTs and joins. The in-memory Catalog is the source of truth; flush()
// re-projects whatever it marked dirty.
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Catalog, Item } from './catalog';
import { Mutex } from './mutex';
import { quoteLiteral } from './names';
import { kafkaBrokers } from './rules/kafka';
import { Opts } from './rules/opts';
import { createSql } from './render';
import { CATALOG_TYPE } from './options';
import { aclText, ownerAclText } from './privileges';
import { findError, queryMessage } from './wire';

export interface AwsSettings {
  accountId: string;
  externalIdPrefix: string;
  connectionRoleArn: string;
  environmentId: string;
}

const DDL = `
CREATE SCHEMA mz_catalog;
CREATE SCHEMA mz_internal;
CREATE DOMAIN mz_catalog.mz_aclitem AS text;
CREATE TABLE mz_catalog.mz_databases (id text NOT NULL, oid oid NOT NULL, name text NOT NULL, owner_id text NOT NULL, privileges mz_catalog.mz_aclitem[] NOT NULL);
CREATE TABLE mz_catalog.mz_schemas (id text NOT NULL, oid oid NOT NULL, database_id text, name text NOT NULL, owner_id text NOT NULL, privileges mz_catalog.mz_aclitem[] NOT NULL);
CREATE TABLE mz_catalog.mz_roles (id text NOT NULL, oid oid NOT NULL, name text NOT NULL, inherit bool NOT NULL, rolcanlogin bool, rolsuper bool);
CREATE TABLE mz_catalog.mz_connections (id text NOT NULL, oid oid NOT NULL, schema_id text NOT NULL, name text NOT NULL, type text NOT NULL, owner_id text NOT NULL, privileges mz_catalog.mz_aclitem[] NOT NULL, create_sql text NOT NULL, redacted_create_sql text NOT NULL);
CREATE TABLE mz_catalog.mz_secrets (id text NOT NULL, oid oid NOT NULL, schema_id text NOT NULL, name text NOT NULL, owner_id text NOT NULL, privileges mz_catalog.mz_aclitem[] NOT NULL);
CREATE TABLE mz_catalog.mz_ssh_tunnel_connections (id text NOT NULL, public_key_1 text NOT NULL, public_key_2 text NOT NULL);
CREATE TABLE mz_catalog.mz_aws_privatelink_connections (id text NOT NULL, principal text NOT NULL);
CREATE TABLE mz_catalog.mz_kafka_connections (id text NOT NULL, brokers text[] NOT NULL, sink_progress_topic text NOT NULL);
CREATE TABLE mz_catalog.mz_objects (id text NOT NULL, oid oid NOT NULL, schema_id text NOT NULL, name text NOT NULL, type text NOT NULL, owner_id text NOT NULL, cluster_id text, privileges mz_catalog.mz_aclitem[] NOT NULL);
CREATE TABLE mz_internal.mz_aws_connections (id text NOT NULL, endpoint text, region text, access_key_id text, access_key_id_secret_id text, secret_access_key_secret_id text, session_token text, session_token_secret_id text, assume_role_arn text, assume_role_session_name text, principal text, external_id text, example_trust_policy json); -- json keeps Materialize's compact sorted-key text (§5.5); see README
CREATE TABLE mz_internal.mz_comments (id text NOT NULL, object_type text NOT NULL, object_sub_id int4, comment text NOT NULL);
CREATE TABLE mz_internal.mz_object_fully_qualified_names (id text NOT NULL, name text NOT NULL, object_type text NOT NULL, schema_id text, schema_name text, database_id text, database_name text, cluster_id text);
-- §6.2: one row per privilege of each mz_aclitem. The text form names roles (privilege_grants.slt:
-- 'joe=U/materialize', an empty grantee is PUBLIC); mz_aclexplode gives their ids (PUBLIC is p).
CREATE FUNCTION mz_internal.mz_acl_role_id(role_text text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN $1 = '' THEN 'p' ELSE coalesce((SELECT r.id FROM mz_catalog.mz_roles r WHERE r.name =
    CASE WHEN $1 LIKE '"%' THEN replace(substr($1, 2, length($1) - 2), '""', '"') ELSE $1 END), $1) END $$;
CREATE FUNCTION mz_internal.mz_aclexplode(acl mz_catalog.mz_aclitem[]) RETURNS TABLE (grantor text, grantee text, privilege_type text, is_grantable bool) LANGUAGE sql STABLE AS $$
  SELECT mz_internal.mz_acl_role_id(m[3]), mz_internal.mz_acl_role_id(m[1]), p.name, false
  FROM unnest(acl::text[]) AS i, regexp_match(i, '^("(?:[^"]|"")*"|[^=]*)=([A-Za-z]*)/(.*)$') AS m,
    (VALUES ('r', 'SELECT'), ('a', 'INSERT'), ('w', 'UPDATE'), ('d', 'DELETE'), ('U', 'USAGE'), ('C', 'CREATE')) AS p(letter, name)
  WHERE strpos(m[2], p.letter) > 0 $$;
CREATE FUNCTION mz_catalog.current_database() RETURNS name LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('mz.database', true), 'materialize')::name $$;
CREATE FUNCTION mz_catalog.mz_version() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'v26.41.0 (stand-in)'::text $$;
CREATE FUNCTION mz_catalog.mz_environment_id() RETURNS text LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('mz.environment_id', true), '')::text $$;
`;

const ITEM_TABLES = [
  'mz_catalog.mz_connections',
  'mz_catalog.mz_secrets',
  'mz_catalog.mz_ssh_tunnel_connections',
  'mz_catalog.mz_aws_privatelink_connections',
  'mz_catalog.mz_kafka_connections',
  'mz_catalog.mz_objects',
  'mz_internal.mz_aws_connections',
  'mz_internal.mz_object_fully_qualified_names',
];

/** Removes an item's rows from every item table in one statement (data-modifying CTEs), not one per table. */
const DELETE_ITEM = `WITH ${ITEM_TABLES.map((t, i) => `d${i} AS (DELETE FROM ${t} WHERE id = $1)`).join(', ')} SELECT 1`;

/** A SQL literal for a projected value (standard_conforming_strings is on: only quotes are doubled). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return quoteLiteral(value);
  throw new Error(`no SQL literal for ${typeof value}`);
}

/** The statement with its $n placeholders replaced by the values' literals (the projection's fixed texts). */
function bindLiterals(sql: string, params: unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_m, n: string) => literal(params[Number(n) - 1]));
}

/** §5.5: external id and example trust policy. Keys sorted, no whitespace (jsonb output). */
export function awsExternalId(s: AwsSettings, id: string): string {
  return `mz_${s.externalIdPrefix}_${id}`;
}
export function exampleTrustPolicy(s: AwsSettings, id: string): string {
  return JSON.stringify({
    Statement: [
      {
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': awsExternalId(s, id) } },
        Effect: 'Allow',
        Principal: { AWS: s.connectionRoleArn },
      },
    ],
    Version: '2012-10-17',
  });
}

/**
 * A PGlite with the catalog tables. initdb plus the DDL cost about 3.5 s of CPU per stand-in, and the test suites
 * start dozens: the data directory they produce is kept in the temp dir (keyed by PGlite's version, its start
 * parameters and the DDL) and later stand-ins load it instead, in about 0.5 s. Written to a temporary name and
 * renamed, so a concurrent reader sees a whole file or none; one that does not load is made again.
 */
const START_PARAMS = [...PGlite.defaultStartParams];

/** Where the initialized data directory is kept: one file per PGlite version, start parameters and DDL. */
export function dataDirCache(): string {
  // Its package.json is not exported: read next to the entry point (dist/).
  const manifest = path.resolve(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  const key = createHash('sha256')
    .update(JSON.stringify([version, START_PARAMS, DDL]))
    .digest('hex')
    .slice(0, 16);
  return path.join(os.tmpdir(), `mz-standin-pgdata-${key}.tar`);
}

async function catalogEngine(): Promise<PGlite> {
  const startParams = [...START_PARAMS];
  const cache = dataDirCache();
  if (fs.existsSync(cache)) {
    try {
      const db = await PGlite.create({ startParams, loadDataDir: new Blob([fs.readFileSync(cache)]) });
      await db.query('SELECT 1 FROM mz_catalog.mz_connections LIMIT 0');
      return db;
    } catch {
      // Unreadable or from an older layout: made again below.
    }
  }
  const db = await PGlite.create({ startParams });
  await db.exec(DDL);
  try {
    const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    const tmp = `${cache}.${process.pid}.${Date.now()}`;
    fs.writeFileSync(tmp, dump);
    fs.renameSync(tmp, cache);
  } catch {
    // A read-only temp dir: every stand-in runs initdb, as before.
  }
  return db;
}

export class Store {
  readonly lock = new Mutex();
  private constructor(
    readonly db: PGlite,
    private aws: AwsSettings,
  ) {}

  static async create(aws: AwsSettings): Promise<Store> {
    const db = await catalogEngine();
    // mz_catalog is on the implicit search path, like pg_catalog (§8.8). Listing it first lets
    // mz_catalog.current_database() shadow pg_catalog's.
    // The clients' reads are prepared once (server.ts) and bound to ids: one generic plan serves them all, where
    // Postgres would plan each execution again for a while (0.65 against 0.32 ms for the catalog read).
    await db.exec(
      `SET search_path = mz_catalog, pg_catalog; SET plan_cache_mode = force_generic_plan; SELECT set_config('mz.environment_id', ${quoteLiteral(aws.environmentId)}, false)`,
    );
    return new Store(db, aws);
  }

  /**
   * Re-projects every dirty catalog entry, in one transaction sent as one simple query: each PGlite call costs
   * about 0.5 ms besides the statement, and an item's projection is six statements. Caller must hold `lock`.
   */
  async flush(cat: Catalog): Promise<void> {
    if (cat.dirty.size === 0) return;
    const keys = [...cat.dirty];
    cat.dirty.clear();
    const statements = keys.flatMap((key) => this.project(cat, key));
    const reply = await this.db.execProtocolRaw(queryMessage(['BEGIN', ...statements, 'COMMIT'].join(';\n')));
    const err = findError(reply);
    if (err) {
      // The failed statement left the transaction block open and aborted.
      await this.db.execProtocolRaw(queryMessage('ROLLBACK'));
      throw new Error(`catalog projection failed: ${err.message}`);
    }
  }

  private project(cat: Catalog, key: string): string[] {
    const [kind, ...rest] = key.split(':');
    const id = rest.join(':');
    const out: string[] = [];
    const q = (sql: string, params: unknown[]) => out.push(bindLiterals(sql, params));
    if (kind === 'comment') {
      const [objectType, objId] = [rest[0], rest.slice(1).join(':')];
      q('DELETE FROM mz_internal.mz_comments WHERE id = $1 AND object_type = $2', [objId, objectType]);
      const c = cat.comments.get(id);
      if (c) q('INSERT INTO mz_internal.mz_comments VALUES ($1, $2, NULL, $3)', [c.id, c.objectType, c.comment]);
      return out;
    }
    if (kind === 'databases') {
      q('DELETE FROM mz_catalog.mz_databases WHERE id = $1', [id]);
      const d = cat.databases.get(id);
      if (d)
        q('INSERT INTO mz_catalog.mz_databases VALUES ($1, $2, $3, $4, $5)', [
          d.id,
          d.oid,
          d.name,
          d.ownerId,
          ownerAclText(cat, d.ownerId, 'UC'),
        ]);
      return out;
    }
    if (kind === 'schemas') {
      q('DELETE FROM mz_catalog.mz_schemas WHERE id = $1', [id]);
      const s = cat.schemas.get(id);
      if (s)
        q('INSERT INTO mz_catalog.mz_schemas VALUES ($1, $2, $3, $4, $5, $6)', [
          s.id,
          s.oid,
          s.databaseId,
          s.name,
          s.ownerId,
          ownerAclText(cat, s.ownerId, 'UC'),
        ]);
      return out;
    }
    if (kind === 'roles') {
      q('DELETE FROM mz_catalog.mz_roles WHERE id = $1', [id]);
      const r = cat.roles.get(id);
      if (r)
        q('INSERT INTO mz_catalog.mz_roles VALUES ($1, $2, $3, $4, $5, $6)', [
          r.id,
          r.oid,
          r.name,
          r.inherit,
          r.canLogin,
          r.superuser,
        ]);
      return out;
    }
    q(DELETE_ITEM, [id]);
    const item = cat.items.get(id);
    if (item) this.insertItem(cat, item, q);
    return out;
  }

  private insertItem(cat: Catalog, item: Item, q: (sql: string, params: unknown[]) => void): void {
    const privileges = aclText(cat, item);
    const schema = cat.schemas.get(item.schemaId)!;
    const db = schema.databaseId ? cat.databases.get(schema.databaseId) : undefined;
    q('INSERT INTO mz_catalog.mz_objects VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)', [
      item.id,
      item.oid,
      item.schemaId,
      item.name,
      item.kind,
      item.ownerId,
      privileges,
    ]);
    q('INSERT INTO mz_internal.mz_object_fully_qualified_names VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)', [
      item.id,
      item.name,
      item.kind,
      schema.id,
      schema.name,
      db?.id ?? null,
      db?.name ?? null,
    ]);
    if (item.kind === 'secret') {
      q('INSERT INTO mz_catalog.mz_secrets VALUES ($1, $2, $3, $4, $5, $6)', [
        item.id,
        item.oid,
        item.schemaId,
        item.name,
        item.ownerId,
        privileges,
      ]);
      return;
    }
    const type = item.connType!;
    q('INSERT INTO mz_catalog.mz_connections VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      item.id,
      item.oid,
      item.schemaId,
      item.name,
      CATALOG_TYPE[type],
      item.ownerId,
      privileges,
      createSql(cat, item, 'stable'),
      createSql(cat, item, 'redacted'),
    ]);
    const o = new Opts(item.options ?? []);
    if (type === 'SSH TUNNEL' && item.sshKeys)
      q('INSERT INTO mz_catalog.mz_ssh_tunnel_connections VALUES ($1, $2, $3)', [
        item.id,
        item.sshKeys[0].publicKey,
        item.sshKeys[1].publicKey,
      ]);
    if (type === 'AWS PRIVATELINK')
      // §5.4: arn:aws:iam::<aws_account_id>:role/mz_<external_id_prefix>_<connection id>
      q('INSERT INTO mz_catalog.mz_aws_privatelink_connections VALUES ($1, $2)', [
        item.id,
        `arn:aws:iam::${this.aws.accountId}:role/mz_${this.aws.externalIdPrefix}_${item.id}`,
      ]);
    if (type === 'KAFKA') {
      const brokers = kafkaBrokers(o).map((b) => (b.address.t === 'string' ? b.address.v : ''));
      const topic = o.text('PROGRESS TOPIC') ?? `_materialize-progress-${this.aws.environmentId}-${item.id}`;
      q(
        'INSERT INTO mz_catalog.mz_kafka_connections VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)), $3)',
        [item.id, JSON.stringify(brokers), topic],
      );
    }
    if (type === 'AWS') {
      const textOrSecret = (name: string): [string | null, string | null] => {
        const v = o.get(name);
        if (!v) return [null, null];
        if (v.t === 'secret') return [null, v.id ?? null];
        return [o.text(name) ?? null, null];
      };
      const [akText, akSecret] = textOrSecret('ACCESS KEY ID');
      const [stText, stSecret] = textOrSecret('SESSION TOKEN');
      const arn = o.text('ASSUME ROLE ARN') ?? null;
      const endpoint = o.text('ENDPOINT') || null; // §1.5: ENDPOINT = '' is treated as absent
      q('INSERT INTO mz_internal.mz_aws_connections VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)', [
        item.id,
        endpoint,
        o.text('REGION') ?? null,
        akText,
        akSecret,
        o.refId('SECRET ACCESS KEY') ?? null,
        stText,
        stSecret,
        arn,
        o.text('ASSUME ROLE SESSION NAME') ?? null,
        arn ? this.aws.connectionRoleArn : null,
        arn ? awsExternalId(this.aws, item.id) : null,
        arn ? exampleTrustPolicy(this.aws, item.id) : null,
      ]);
    }
  }
}
