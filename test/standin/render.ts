// create_sql renderings (§5.6, §5.8, §10).
//  - stable: what mz_connections.create_sql holds: every identifier quoted, references as [id AS "db"."s"."n"].
//  - show: SHOW CREATE CONNECTION's humanized form (no ids, fully qualified names). Style 'minimal' (newest
//    testdrive output: minimally quoted, trailing ';') or 'quoted' (alter_connection.py: all quoted, no ';').
//  - redacted: mz_connections.redacted_create_sql (simple mode; connection options are never redacted).
import type { ConnOption, Value } from './ast';
import type { Catalog, Item } from './catalog';
import { quoteIdent, quoteLiteral, simpleIdent, simpleName, stableName } from './names';
import { EXTRACTION_ORDER } from './options';

export type RenderMode = 'stable' | 'minimal' | 'quoted' | 'redacted';

function ref(cat: Catalog, id: string | undefined, fallback: string[], mode: RenderMode): string {
  const item = id ? cat.items.get(id) : undefined;
  const parts = item ? cat.fullNameParts(item) : fallback;
  if (mode === 'stable') return `[${id} AS ${stableName(parts)}]`;
  return mode === 'quoted' ? stableName(parts) : simpleName(parts);
}

export function renderValue(cat: Catalog, v: Value, mode: RenderMode): string {
  switch (v.t) {
    case 'string':
      return quoteLiteral(v.v);
    case 'number':
      return v.v;
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'ident':
      // §5.6.2 [inferred]: stable mode quotes bare-identifier values; §10: SHOW CREATE prints them bare.
      return mode === 'stable' ? quoteIdent(v.v) : mode === 'quoted' ? v.v : simpleIdent(v.v);
    case 'secret':
      return `SECRET ${ref(cat, v.id, v.name, mode)}`;
    case 'object':
      return ref(cat, v.id, v.name, mode);
    case 'seq':
      // §1.1: a sequence always renders as (...), whatever brackets were used.
      return `(${v.items.map((i) => renderValue(cat, i, mode)).join(', ')})`;
    case 'broker': {
      let s = renderValue(cat, v.address, mode);
      if (v.tunnel?.kind === 'ssh') s += ` USING SSH TUNNEL ${ref(cat, v.tunnel.id, v.tunnel.name, mode)}`;
      if (v.tunnel?.kind === 'privatelink') {
        s += ` USING AWS PRIVATELINK ${ref(cat, v.tunnel.id, v.tunnel.name, mode)}`;
        // [unverified] §5.6.5: per-broker PrivateLink options rendered as (NAME = value, ...).
        if (v.tunnel.options.length)
          s += ` (${v.tunnel.options.map((o) => `${o.name} = ${renderValue(cat, o.value, mode)}`).join(', ')})`;
      }
      return s;
    }
    case 'rule': {
      // newest-features §3.4: `MATCHING {pattern} {tunnel}`; sub-options as for per-broker PrivateLink (§10.6).
      let s = `MATCHING ${quoteLiteral(v.pattern)} USING AWS PRIVATELINK ${ref(cat, v.tunnel.id, v.tunnel.name, mode)}`;
      if (v.tunnel.options.length)
        s += ` (${v.tunnel.options.map((o) => `${o.name} = ${renderValue(cat, o.value, mode)}`).join(', ')})`;
      return s;
    }
    case 'privatelink':
      // [unverified] §9.2: top-level AWS PRIVATELINK x (PORT = n).
      return ref(cat, v.id, v.name, mode) + (v.port !== undefined ? ` (PORT = ${v.port})` : '');
  }
}

export function renderOptions(cat: Catalog, options: ConnOption[], mode: RenderMode): string {
  return options.map((o) => `${o.name} = ${renderValue(cat, o.value!, mode)}`).join(', ');
}

function itemName(cat: Catalog, item: Item, mode: RenderMode): string {
  const parts = cat.fullNameParts(item);
  return mode === 'stable' || mode === 'quoted' ? stableName(parts) : simpleName(parts);
}

/** create_sql for a connection or secret in the given mode. */
export function createSql(cat: Catalog, item: Item, mode: RenderMode): string {
  const name = itemName(cat, item, mode);
  if (item.kind === 'secret') {
    // §4.1: the value is replaced by a fixed mask.
    const sql = `CREATE SECRET ${name} AS '********'`;
    return mode === 'minimal' ? sql + ';' : sql;
  }
  const ordered = orderOptions(cat, item.options ?? []);
  // §1.9/§5.6.4: PUBLIC KEY 1/2 are appended to the stored create_sql. §10: SHOW CREATE omits them
  // (the only SSH SHOW CREATE output seen, alter_connection.py, has none).
  const rendered = ordered.map((o) => `${o.name} = ${renderValue(cat, o.value!, mode)}`);
  if (item.sshKeys && (mode === 'stable' || mode === 'redacted'))
    rendered.push(
      `PUBLIC KEY 1 = ${quoteLiteral(item.sshKeys[0].publicKey)}`,
      `PUBLIC KEY 2 = ${quoteLiteral(item.sshKeys[1].publicKey)}`,
    );
  // §10: the newest SHOW CREATE is pretty-printed and ends with ';' (connection-create-drop.td); the quoted style
  // (alter_connection.py) is one line without it.
  if (mode === 'minimal') return pretty(`CREATE CONNECTION ${name}`, `TO ${item.connType}`, rendered);
  return `CREATE CONNECTION ${name} TO ${item.connType} (${rendered.join(', ')})`;
}

/** The options in the order of `features.optionOrder` (see features.ts). */
function orderOptions(cat: Catalog, options: ConnOption[]): ConnOption[] {
  const order = cat.features.optionOrder;
  if (order === 'written') return options;
  const rank = (n: string) => (order === 'extraction' ? EXTRACTION_ORDER.indexOf(n) : 0);
  return [...options].sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** mz_sql_pretty's DEFAULT_WIDTH (src/sql-pretty/src/lib.rs). */
const PRETTY_WIDTH = 100;

/**
 * SHOW CREATE's pretty-printed layout at width 100 (mz_sql_pretty, since v26.7): nested groups, each on one line
 * when it fits, else broken. Verified forms: one line (`CREATE CONNECTION n TO KAFKA (BROKER = 'b', ...);`);
 * `TO <TYPE> (...)` on the second line (glue_schema_registry.slt, a second line of exactly 100 characters);
 * `TO MYSQL\n    (AWS CONNECTION = ..., USER = root);` (create-alter-iam-connection.td `[version>=2600700]`); one
 * option per line (storage-provider.td @c71c8e6f): `TO ICEBERG CATALOG\n    (\n        CREDENTIAL = ...,\n ... \n    );`.
 * The trailing `;` is added after the layout (`to_pretty`), so it does not count against the width.
 */
function pretty(head: string, to: string, options: string[]): string {
  const list = `(${options.join(', ')})`;
  const fits = (line: string) => line.length <= PRETTY_WIDTH;
  if (fits(`${head} ${to} ${list}`)) return `${head} ${to} ${list};`;
  if (fits(`${to} ${list}`)) return `${head}\n${to} ${list};`;
  if (fits(`    ${list}`)) return `${head}\n${to}\n    ${list};`;
  return `${head}\n${to}\n    (\n${options.map((o) => `        ${o}`).join(',\n')}\n    );`;
}

/** The `name` column of SHOW CREATE (§5.6: the fully qualified name, minimally quoted). */
export function showName(cat: Catalog, item: Item, mode: RenderMode): string {
  return itemName(cat, item, mode === 'quoted' ? 'minimal' : mode);
}
