// The statements the stand-in interprets itself. Everything else goes to the SQL engine (PGlite).

/** An item name as written: 1 to 3 parts (more parts parse but fail to plan, §7). */
export type Name = string[];

export type Value =
  | { t: 'string'; v: string }
  | { t: 'ident'; v: string; quoted: boolean } // a bare identifier value, e.g. SECURITY PROTOCOL = plaintext
  | { t: 'number'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'secret'; name: Name; id?: string } // id is set once resolved against the catalog
  | { t: 'object'; name: Name; id?: string }
  | { t: 'seq'; items: Value[] }
  | { t: 'broker'; address: Value; tunnel?: BrokerTunnel }
  // `MATCHING '<pattern>' USING AWS PRIVATELINK x (...)` inside BROKERS (materialize-newest-features.md §3.1)
  | { t: 'rule'; pattern: string; tunnel: Extract<BrokerTunnel, { kind: 'privatelink' }> }
  | { t: 'privatelink'; name: Name; port?: string; id?: string }; // top-level AWS PRIVATELINK x (PORT n)

export type BrokerTunnel =
  | { kind: 'ssh'; name: Name; id?: string }
  | { kind: 'privatelink'; name: Name; id?: string; options: { name: 'AVAILABILITY ZONE' | 'PORT'; value: Value }[] };

export interface ConnOption {
  name: string; // canonical upper-case name, e.g. 'SSL CERTIFICATE AUTHORITY' (USERNAME is stored as USER, §1.1)
  value?: Value; // undefined only for RESET/DROP
}

export type ConnectionType =
  | 'AWS'
  | 'AWS PRIVATELINK'
  | 'KAFKA'
  | 'CONFLUENT SCHEMA REGISTRY'
  | 'POSTGRES'
  | 'MYSQL'
  | 'SSH TUNNEL'
  | 'SQL SERVER'
  | 'ICEBERG CATALOG'
  | 'GCP'
  | 'AWS GLUE SCHEMA REGISTRY';

export interface WithOption {
  name: string;
  value?: Value;
  raw: string;
}

export type AlterAction = { kind: 'set'; option: ConnOption } | { kind: 'drop'; name: string } | { kind: 'rotate' };

export type ObjectKind =
  'connection' | 'secret' | 'schema' | 'database' | 'role' | 'table' | 'view' | 'source' | 'sink';

export type Statement =
  | {
      kind: 'create_connection';
      ifNotExists: boolean;
      name: Name;
      type: ConnectionType;
      options: ConnOption[];
      with: WithOption[];
    }
  | { kind: 'create_secret'; ifNotExists: boolean; name: Name; expr: string }
  | {
      kind: 'alter_connection';
      ifExists: boolean;
      name: Name;
      actions: AlterAction[];
      with: WithOption[];
      withRaw?: string;
    }
  | { kind: 'alter_secret'; ifExists: boolean; name: Name; expr: string }
  | { kind: 'rename'; objectType: 'connection' | 'secret'; ifExists: boolean; name: Name; to: string }
  | { kind: 'owner'; objectType: ObjectKind; ifExists: boolean; name: Name; role: string }
  | { kind: 'drop'; objectType: ObjectKind; ifExists: boolean; names: Name[]; cascade: boolean }
  | { kind: 'comment'; objectType: ObjectKind; name: Name; comment: string | null }
  | { kind: 'validate_connection'; name: Name }
  | { kind: 'show_create'; objectType: 'connection'; redacted: boolean; name: Name }
  | {
      kind: 'show_objects';
      what: 'connections' | 'secrets' | 'schemas' | 'databases' | 'roles';
      from?: Name;
      like?: string;
      where?: string;
    }
  | { kind: 'create_schema'; ifNotExists: boolean; name: Name }
  | { kind: 'create_database'; ifNotExists: boolean; name: string }
  | { kind: 'create_role'; name: string; login?: boolean; superuser: boolean; password?: string }
  | {
      kind: 'grant' | 'revoke';
      objectType: 'connection' | 'secret';
      /** Privilege types as written (upper case); ALL [PRIVILEGES] as ['ALL']. */
      privileges: string[];
      names: Name[];
      /** Role names as written; PUBLIC (the unquoted keyword) as null. */
      roles: (string | null)[];
    }
  | { kind: 'begin' }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'set'; variable: string; value: string | null; local: boolean } // null = DEFAULT / RESET
  | { kind: 'show_variable'; variable: string };
