// The in-memory catalog: databases, schemas, roles, items (connections and secrets), comments and the
// dependency graph (§8.2). The SQL engine's mz_catalog tables are projections of this (see store.ts).
import type { ConnOption, ConnectionType, Name, Value } from './ast';
import { planError } from './errors';
import { DEFAULT_FEATURES, type StandinFeatures } from './features';
import type { AclEntry } from './privileges';

export interface Database {
  id: string;
  oid: number;
  name: string;
  ownerId: string;
}
export interface Schema {
  id: string;
  oid: number;
  databaseId: string | null;
  name: string;
  ownerId: string;
}
export interface Role {
  id: string;
  oid: number;
  name: string;
  inherit: boolean;
  canLogin: boolean;
  superuser: boolean;
  /** Set by CREATE ROLE ... PASSWORD; such a role may log in with it (self-managed password auth). */
  password?: string;
}
export interface SshKeyPair {
  publicKey: string; // OpenSSH: ssh-ed25519 <b64> materialize
  privateKey: string; // OpenSSH private key (never leaves the server)
}
export interface Item {
  id: string;
  oid: number;
  schemaId: string;
  name: string;
  kind: 'connection' | 'secret';
  ownerId: string;
  // connections
  connType?: ConnectionType;
  options?: ConnOption[]; // in the user's order, references resolved (Value.id set)
  sshKeys?: [SshKeyPair, SshKeyPair];
  /** mz_aclitem[]; unset until first needed, meaning the owner's own USAGE (privileges.ts). */
  acl?: AclEntry[];
}

export const SYSTEM_SCHEMAS = [
  'mz_catalog',
  'pg_catalog',
  'mz_internal',
  'information_schema',
  'mz_introspection',
  'mz_unsafe',
];

export interface Session {
  database: string;
  searchPath: string[];
  user: string;
}

/** The resolved name of an item, as the catalog prints it. */
export interface FullName {
  database: string;
  schema: string;
  item: string;
}

export class Catalog {
  /** Feature flags and open-point choices (features.ts); planning reads them. */
  features: StandinFeatures = { ...DEFAULT_FEATURES };
  databases = new Map<string, Database>();
  schemas = new Map<string, Schema>();
  roles = new Map<string, Role>();
  items = new Map<string, Item>();
  comments = new Map<string, { id: string; objectType: string; comment: string }>(); // key: <objectType>:<id>
  private nextItem = 1; // §5.1: one shared u<N> counter for all user items
  private nextDb = 1;
  private nextSchema = 1;
  private nextRole = 1;
  private nextOid = 20000; // §5.1 [unverified]: user OIDs from ~20000
  /** `<map>:<id>` / `comment:<id>` keys touched since the last flush; the store re-projects them. */
  dirty = new Set<string>();

  constructor(loginUser: string) {
    let sysOid = 16384;
    let s = 1;
    for (const name of SYSTEM_SCHEMAS)
      this.put('schemas', { id: `s${s++}`, oid: sysOid++, databaseId: null, name, ownerId: 's1' });
    this.put('roles', { id: 's1', oid: sysOid++, name: 'mz_system', inherit: true, canLogin: true, superuser: true });
    this.put('roles', { id: 's2', oid: sysOid++, name: 'mz_support', inherit: true, canLogin: true, superuser: false });
    this.put('roles', {
      id: 'g1',
      oid: sysOid++,
      name: 'mz_monitor',
      inherit: true,
      canLogin: false,
      superuser: false,
    });
    this.put('roles', { id: 'p', oid: sysOid++, name: 'PUBLIC', inherit: true, canLogin: false, superuser: false });
    const owner = this.createRole(loginUser, true);
    const db = this.createDatabase('materialize', owner.id);
    this.createSchema(db.id, 'public', owner.id);
  }

  private put<K extends 'schemas' | 'roles' | 'databases' | 'items'>(
    map: K,
    v: K extends 'schemas' ? Schema : K extends 'roles' ? Role : K extends 'databases' ? Database : Item,
  ): void {
    (this[map] as Map<string, typeof v>).set(v.id, v);
    this.dirty.add(`${map}:${v.id}`);
  }

  oid(): number {
    return ++this.nextOid;
  }
  /** Allocates (and possibly burns, §8.2) an item id. */
  allocItemId(): string {
    return `u${this.nextItem++}`;
  }

  createRole(name: string, superuser = false): Role {
    const r: Role = { id: `u${this.nextRole++}`, oid: this.oid(), name, inherit: true, canLogin: true, superuser };
    this.put('roles', r);
    return r;
  }
  createDatabase(name: string, ownerId: string): Database {
    const d: Database = { id: `u${this.nextDb++}`, oid: this.oid(), name, ownerId };
    this.put('databases', d);
    return d;
  }
  createSchema(databaseId: string, name: string, ownerId: string): Schema {
    // Schema ids start so that materialize.public is u3 (secret.slt shows schema 3) [unverified for newer versions].
    if (this.nextSchema < 3) this.nextSchema = 3;
    const s: Schema = { id: `u${this.nextSchema++}`, oid: this.oid(), databaseId, name, ownerId };
    this.put('schemas', s);
    return s;
  }
  addItem(item: Item): void {
    this.put('items', item);
  }
  /** Marks an item for re-projection into the SQL engine's catalog tables. */
  touch(id: string): void {
    this.dirty.add(`items:${id}`);
  }
  removeItem(id: string): void {
    const item = this.items.get(id);
    this.items.delete(id);
    if (item) this.dropComment(item.kind, id);
    this.dirty.add(`items:${id}`);
  }
  removeSchema(id: string): void {
    this.schemas.delete(id);
    this.dropComment('schema', id);
    this.dirty.add(`schemas:${id}`);
  }
  removeDatabase(id: string): void {
    this.databases.delete(id);
    this.dropComment('database', id);
    this.dirty.add(`databases:${id}`);
  }
  setComment(id: string, objectType: string, comment: string | null): void {
    const key = `${objectType}:${id}`;
    if (comment === null) this.comments.delete(key);
    else this.comments.set(key, { id, objectType, comment });
    this.dirty.add(`comment:${key}`);
  }
  private dropComment(objectType: string, id: string): void {
    if (this.comments.delete(`${objectType}:${id}`)) this.dirty.add(`comment:${objectType}:${id}`);
  }

  // ---- lookups ------------------------------------------------------------------------------------
  databaseByName(name: string): Database | undefined {
    for (const d of this.databases.values()) if (d.name === name) return d;
    return undefined;
  }
  schemaByName(databaseId: string | null, name: string): Schema | undefined {
    for (const s of this.schemas.values()) {
      if (s.name !== name) continue;
      if (s.databaseId === databaseId || s.databaseId === null) return s;
    }
    return undefined;
  }
  roleByName(name: string): Role | undefined {
    for (const r of this.roles.values()) if (r.name === name) return r;
    return undefined;
  }
  itemIn(schemaId: string, name: string): Item | undefined {
    for (const i of this.items.values()) if (i.schemaId === schemaId && i.name === name) return i;
    return undefined;
  }
  itemsIn(schemaId: string): Item[] {
    return [...this.items.values()].filter((i) => i.schemaId === schemaId);
  }
  fullName(item: Item): FullName {
    const s = this.schemas.get(item.schemaId)!;
    const d = s.databaseId ? this.databases.get(s.databaseId)! : undefined;
    return { database: d?.name ?? '', schema: s.name, item: item.name };
  }
  fullNameParts(item: Item): string[] {
    const f = this.fullName(item);
    return [f.database, f.schema, f.item];
  }
  /** `db.schema.name` as error messages print it. */
  fullNameString(item: Item): string {
    return this.fullNameParts(item).join('.');
  }

  // ---- name resolution (§7) -----------------------------------------------------------------------
  private resolveDb(session: Session, name?: string): Database {
    const dbName = name ?? session.database;
    const db = this.databaseByName(dbName);
    if (!db) throw planError(`unknown database '${dbName}'`);
    return db;
  }

  resolveSchema(session: Session, parts: Name): Schema {
    if (parts.length > 2) throw planError(`qualified name did not have between 1 and 2 components: ${parts.join('.')}`);
    if (parts.length === 1 && SYSTEM_SCHEMAS.includes(parts[0])) return this.schemaByName(null, parts[0])!;
    const db = this.resolveDb(session, parts.length === 2 ? parts[0] : undefined);
    const name = parts[parts.length - 1];
    const s = this.schemaByName(db.id, name);
    if (!s) throw planError(`unknown schema '${name}'`);
    return s;
  }

  /** Where a CREATE puts a new item: returns the schema. */
  resolveCreateSchema(session: Session, name: Name): Schema {
    if (name.length > 3 || name.length < 1)
      throw planError(`qualified name did not have between 1 and 3 components: ${name.join('.')}`);
    let schema: Schema | undefined;
    if (name.length === 1) {
      const db = this.databaseByName(session.database);
      if (db) for (const sp of session.searchPath) if ((schema = this.schemaByName(db.id, sp))) break;
      if (!schema) throw planError('no valid schema selected');
    } else {
      schema = this.resolveSchema(session, name.slice(0, -1));
    }
    if (schema.databaseId === null) throw planError(`system schema '${schema.name}' cannot be modified`);
    return schema;
  }

  /** Resolves an item reference; throws `unknown catalog item` (§7). */
  resolveItem(session: Session, name: Name): Item {
    const item = this.tryResolveItem(session, name);
    if (!item) throw planError(`unknown catalog item '${name.join('.')}'`);
    return item;
  }

  tryResolveItem(session: Session, name: Name): Item | undefined {
    if (name.length > 3 || name.length < 1)
      throw planError(`qualified name did not have between 1 and 3 components: ${name.join('.')}`);
    const itemName = name[name.length - 1];
    if (name.length === 1) {
      const db = this.databaseByName(session.database);
      if (!db) return undefined;
      for (const sp of session.searchPath) {
        const s = this.schemaByName(db.id, sp);
        const it = s && this.itemIn(s.id, itemName);
        if (it) return it;
      }
      return undefined;
    }
    const schema = this.resolveSchema(session, name.slice(0, -1));
    return this.itemIn(schema.id, itemName);
  }

  /** §4.3: bare if it resolves through the session's database/search_path, else schema.name, else db.schema.name. */
  minimalName(session: Session, item: Item): string {
    const f = this.fullName(item);
    if (this.tryResolveQuiet(session, [f.item])?.id === item.id) return f.item;
    if (f.database === session.database && this.tryResolveQuiet(session, [f.schema, f.item])?.id === item.id)
      return `${f.schema}.${f.item}`;
    return `${f.database}.${f.schema}.${f.item}`;
  }
  private tryResolveQuiet(session: Session, name: Name): Item | undefined {
    try {
      return this.tryResolveItem(session, name);
    } catch {
      return undefined;
    }
  }

  // ---- dependencies (§4.3) ------------------------------------------------------------------------
  /** Ids an item's options refer to. */
  uses(item: Item): string[] {
    const out = new Set<string>();
    const visit = (v: Value | undefined) => {
      if (!v) return;
      if ((v.t === 'secret' || v.t === 'object' || v.t === 'privatelink') && v.id) out.add(v.id);
      if (v.t === 'seq') v.items.forEach(visit);
      if (v.t === 'broker') {
        visit(v.address);
        if (v.tunnel?.id) out.add(v.tunnel.id);
      }
      if (v.t === 'rule' && v.tunnel.id) out.add(v.tunnel.id);
    };
    for (const o of item.options ?? []) visit(o.value);
    return [...out];
  }
  usedBy(id: string): Item[] {
    return [...this.items.values()].filter((i) => this.uses(i).includes(id));
  }
}
