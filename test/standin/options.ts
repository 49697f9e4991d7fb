// One declarative table of connection options: value kind (§1.2, §1.4) and the types that permit them (§1.3).
import type { ConnectionType } from './ast';

export type ValueKind =
  'text' | 'secret' | 'text-or-secret' | 'object' | 'u16' | 'i32' | 'list' | 'broker' | 'brokers' | 'privatelink';

export interface OptionSpec {
  kind: ValueKind;
  types: ConnectionType[];
}

const PG_LIKE: ConnectionType[] = ['POSTGRES', 'MYSQL', 'SQL SERVER'];

// §1.3 + §1.4. MYSQL = the POSTGRES list without DATABASE plus AWS CONNECTION; SQL SERVER = the POSTGRES list.
export const OPTIONS: Record<string, OptionSpec> = {
  'ACCESS KEY ID': { kind: 'text-or-secret', types: ['AWS'] },
  'SECRET ACCESS KEY': { kind: 'secret', types: ['AWS'] },
  'SESSION TOKEN': { kind: 'text-or-secret', types: ['AWS'] },
  ENDPOINT: { kind: 'text', types: ['AWS'] },
  REGION: { kind: 'text', types: ['AWS'] },
  'ASSUME ROLE ARN': { kind: 'text', types: ['AWS'] },
  'ASSUME ROLE SESSION NAME': { kind: 'text', types: ['AWS'] },
  'SERVICE NAME': { kind: 'text', types: ['AWS PRIVATELINK'] },
  'AVAILABILITY ZONES': { kind: 'list', types: ['AWS PRIVATELINK'] },
  // PORT is "accepted and ignored" for AWS PRIVATELINK and CSR (§1.3).
  PORT: { kind: 'u16', types: ['AWS PRIVATELINK', 'CONFLUENT SCHEMA REGISTRY', ...PG_LIKE, 'SSH TUNNEL'] },
  URL: { kind: 'text', types: ['CONFLUENT SCHEMA REGISTRY', 'ICEBERG CATALOG'] },
  USER: { kind: 'text-or-secret', types: ['CONFLUENT SCHEMA REGISTRY', ...PG_LIKE, 'SSH TUNNEL'] },
  PASSWORD: { kind: 'secret', types: ['CONFLUENT SCHEMA REGISTRY', ...PG_LIKE] },
  'SSL CERTIFICATE': { kind: 'text-or-secret', types: ['KAFKA', 'CONFLUENT SCHEMA REGISTRY', ...PG_LIKE] },
  'SSL CERTIFICATE AUTHORITY': { kind: 'text-or-secret', types: ['KAFKA', 'CONFLUENT SCHEMA REGISTRY', ...PG_LIKE] },
  'SSL KEY': { kind: 'secret', types: ['KAFKA', 'CONFLUENT SCHEMA REGISTRY', ...PG_LIKE] },
  'SSL MODE': { kind: 'text', types: PG_LIKE },
  'SSH TUNNEL': { kind: 'object', types: ['KAFKA', 'CONFLUENT SCHEMA REGISTRY', ...PG_LIKE] },
  'AWS PRIVATELINK': { kind: 'privatelink', types: ['KAFKA', 'CONFLUENT SCHEMA REGISTRY', ...PG_LIKE] },
  'AWS CONNECTION': { kind: 'object', types: ['KAFKA', 'MYSQL', 'ICEBERG CATALOG', 'AWS GLUE SCHEMA REGISTRY'] },
  HOST: { kind: 'text', types: [...PG_LIKE, 'SSH TUNNEL'] },
  DATABASE: { kind: 'text', types: ['POSTGRES', 'SQL SERVER'] },
  BROKER: { kind: 'broker', types: ['KAFKA'] },
  BROKERS: { kind: 'brokers', types: ['KAFKA'] },
  'PROGRESS TOPIC': { kind: 'text', types: ['KAFKA'] },
  'PROGRESS TOPIC REPLICATION FACTOR': { kind: 'i32', types: ['KAFKA'] },
  'SECURITY PROTOCOL': { kind: 'text', types: ['KAFKA'] },
  'SASL MECHANISMS': { kind: 'text', types: ['KAFKA'] },
  'SASL USERNAME': { kind: 'text-or-secret', types: ['KAFKA'] },
  'SASL PASSWORD': { kind: 'secret', types: ['KAFKA'] },
  'PUBLIC KEY 1': { kind: 'text', types: ['SSH TUNNEL'] },
  'PUBLIC KEY 2': { kind: 'text', types: ['SSH TUNNEL'] },
  'CATALOG TYPE': { kind: 'text', types: ['ICEBERG CATALOG'] },
  CREDENTIAL: { kind: 'text-or-secret', types: ['ICEBERG CATALOG'] },
  SCOPE: { kind: 'text', types: ['ICEBERG CATALOG'] },
  WAREHOUSE: { kind: 'text', types: ['ICEBERG CATALOG'] },
  // materialize-newest-features.md §1, §2, §4.1
  'SERVICE ACCOUNT KEY': { kind: 'secret', types: ['GCP'] },
  REGISTRY: { kind: 'text', types: ['AWS GLUE SCHEMA REGISTRY'] },
  'GCP CONNECTION': { kind: 'object', types: ['ICEBERG CATALOG'] },
  'OAUTH2 SERVER URL': { kind: 'text', types: ['ICEBERG CATALOG'] },
  'ACCESS DELEGATION': { kind: 'text', types: ['ICEBERG CATALOG'] },
  'STORAGE PROVIDER': { kind: 'text', types: ['ICEBERG CATALOG'] },
};

/**
 * The field order of connection.rs's `generate_extracted_config!(ConnectionOption, ...)` @290c21e (the rebuilt
 * statement lists options in it); options newer than that version follow, by name [unverified].
 */
export const EXTRACTION_ORDER: string[] = [
  'ACCESS KEY ID',
  'ASSUME ROLE ARN',
  'ASSUME ROLE SESSION NAME',
  'AVAILABILITY ZONES',
  'AWS CONNECTION',
  'AWS PRIVATELINK',
  'BROKER',
  'BROKERS',
  'CREDENTIAL',
  'DATABASE',
  'ENDPOINT',
  'HOST',
  'PASSWORD',
  'PORT',
  'PROGRESS TOPIC',
  'PROGRESS TOPIC REPLICATION FACTOR',
  'PUBLIC KEY 1',
  'PUBLIC KEY 2',
  'REGION',
  'SASL MECHANISMS',
  'SASL PASSWORD',
  'SASL USERNAME',
  'SCOPE',
  'SECRET ACCESS KEY',
  'SECURITY PROTOCOL',
  'SERVICE NAME',
  'SSH TUNNEL',
  'SSL CERTIFICATE',
  'SSL CERTIFICATE AUTHORITY',
  'SSL KEY',
  'SSL MODE',
  'SESSION TOKEN',
  'CATALOG TYPE',
  'URL',
  'USER',
  'WAREHOUSE',
  'ACCESS DELEGATION',
  'GCP CONNECTION',
  'OAUTH2 SERVER URL',
  'REGISTRY',
  'SERVICE ACCOUNT KEY',
  'STORAGE PROVIDER',
];

/** Option names as keyword sequences, longest first so the parser matches greedily (§1.1). */
export const OPTION_WORDS: string[][] = [...Object.keys(OPTIONS), 'USERNAME']
  .map((n) => n.split(' '))
  .sort((a, b) => b.length - a.length);

/** Canonical display name (§1.1: USERNAME is an alias of USER). */
export const canonicalOption = (name: string) => (name === 'USERNAME' ? 'USER' : name);

export const CONNECTION_TYPES: { words: string[]; type: ConnectionType }[] = [
  { words: ['AWS', 'PRIVATELINK'], type: 'AWS PRIVATELINK' },
  { words: ['AWS', 'GLUE', 'SCHEMA', 'REGISTRY'], type: 'AWS GLUE SCHEMA REGISTRY' },
  { words: ['GCP'], type: 'GCP' },
  { words: ['AWS'], type: 'AWS' },
  { words: ['KAFKA'], type: 'KAFKA' },
  { words: ['CONFLUENT', 'SCHEMA', 'REGISTRY'], type: 'CONFLUENT SCHEMA REGISTRY' },
  { words: ['POSTGRES'], type: 'POSTGRES' },
  { words: ['MYSQL'], type: 'MYSQL' },
  { words: ['SSH', 'TUNNEL'], type: 'SSH TUNNEL' },
  { words: ['SQL', 'SERVER'], type: 'SQL SERVER' },
  { words: ['ICEBERG', 'CATALOG'], type: 'ICEBERG CATALOG' },
];

/** The catalog `type` string (§5.2). */
export const CATALOG_TYPE: Record<ConnectionType, string> = {
  AWS: 'aws',
  'AWS PRIVATELINK': 'aws-privatelink',
  KAFKA: 'kafka',
  'CONFLUENT SCHEMA REGISTRY': 'confluent-schema-registry',
  POSTGRES: 'postgres',
  MYSQL: 'mysql',
  'SSH TUNNEL': 'ssh-tunnel',
  'SQL SERVER': 'sql-server',
  'ICEBERG CATALOG': 'iceberg-catalog',
  GCP: 'gcp',
  'AWS GLUE SCHEMA REGISTRY': 'glue-schema-registry',
};

/** §1.13: validate-by-default per type (AND enable_default_connection_validation, which is on). */
export const VALIDATE_BY_DEFAULT: Record<ConnectionType, boolean> = {
  AWS: false,
  'AWS PRIVATELINK': false,
  'SSH TUNNEL': false,
  KAFKA: true,
  'CONFLUENT SCHEMA REGISTRY': true,
  POSTGRES: true,
  MYSQL: true,
  'SQL SERVER': true,
  'ICEBERG CATALOG': true,
  GCP: false,
  'AWS GLUE SCHEMA REGISTRY': true,
};
