// The plain-data shape of what users pass: camelCase of Materialize's option names (the SDK takes the
// same shape with Pulumi Inputs). Option values are validated against the specs in ./specs.
import type { ObjectLocation } from './sql/quote';

/**
 * A reference to another object (a Secret or a connection). `schemaName` and `databaseName` default
 * to the referencing object's own schema and database.
 */
export interface ObjectRef {
  name: string;
  schemaName?: string;
  databaseName?: string;
}

/** Text, or a reference to a Secret holding it. */
export type TextOrSecret = string | ObjectRef;

export interface PrivatelinkRef {
  connection: ObjectRef;
  port?: number;
}

export interface BrokerPrivatelink {
  connection: ObjectRef;
  port?: number;
  availabilityZone?: string;
}

export interface BrokerSpec {
  address: string;
  sshTunnel?: ObjectRef;
  awsPrivatelink?: BrokerPrivatelink;
}

/**
 * `MATCHING '<pattern>' USING AWS PRIVATELINK ...` inside BROKERS: advertised brokers whose `host:port` matches
 * the pattern (`*` as a leading and/or trailing wildcard) are reached through the PrivateLink; the first matching
 * rule wins, unmatched brokers are reached directly (materialize-newest-features.md §3).
 */
export interface BrokerRule {
  matching: string;
  awsPrivatelink: BrokerPrivatelink;
}

export type Broker = string | BrokerSpec | BrokerRule;

export function isBrokerRule(broker: unknown): broker is BrokerRule {
  return typeof broker === 'object' && broker !== null && 'matching' in broker;
}

export interface ObjectCommonArgs extends ObjectLocation {
  /** COMMENT ON the object. */
  comment?: string;
  /** ALTER ... OWNER TO this role. */
  ownerRole?: string;
  /** The roles that hold USAGE besides the owner (GRANT/REVOKE USAGE); unset leaves privileges unmanaged. */
  usage?: string[];
}

export interface ConnectionCommonArgs extends ObjectCommonArgs {
  /** Rendered as `WITH (VALIDATE = ...)` only when given; Materialize's per-type default applies otherwise. */
  validate?: boolean;
}

export interface AwsConnectionArgs extends ConnectionCommonArgs {
  endpoint?: string;
  region?: string;
  accessKeyId?: TextOrSecret;
  secretAccessKey?: ObjectRef;
  sessionToken?: TextOrSecret;
  assumeRoleArn?: string;
  assumeRoleSessionName?: string;
}

export interface AwsPrivatelinkConnectionArgs extends ConnectionCommonArgs {
  serviceName: string;
  availabilityZones: string[];
}

export interface TlsArgs {
  sslCertificateAuthority?: TextOrSecret;
  sslCertificate?: TextOrSecret;
  sslKey?: ObjectRef;
}

export interface KafkaConnectionArgs extends ConnectionCommonArgs, TlsArgs {
  brokers?: Broker[];
  awsPrivatelink?: PrivatelinkRef;
  sshTunnel?: ObjectRef;
  awsConnection?: ObjectRef;
  securityProtocol?: string;
  saslMechanisms?: string;
  saslUsername?: TextOrSecret;
  saslPassword?: ObjectRef;
  progressTopic?: string;
  progressTopicReplicationFactor?: number;
}

export interface ConfluentSchemaRegistryConnectionArgs extends ConnectionCommonArgs, TlsArgs {
  url: string;
  username?: TextOrSecret;
  password?: ObjectRef;
  sshTunnel?: ObjectRef;
  awsPrivatelink?: PrivatelinkRef;
}

export interface DatabaseConnectionArgs extends ConnectionCommonArgs, TlsArgs {
  host: string;
  port?: number;
  user: TextOrSecret;
  password?: ObjectRef;
  sslMode?: string;
  sshTunnel?: ObjectRef;
  awsPrivatelink?: PrivatelinkRef;
}

export interface PostgresConnectionArgs extends DatabaseConnectionArgs {
  database: string;
}

export interface MySqlConnectionArgs extends DatabaseConnectionArgs {
  awsConnection?: ObjectRef;
}

export interface SqlServerConnectionArgs extends DatabaseConnectionArgs {
  database: string;
  password: ObjectRef;
}

export interface SshTunnelConnectionArgs extends ConnectionCommonArgs {
  host: string;
  port?: number;
  user: string;
  /** Changing it from one value to another runs ROTATE KEYS. */
  keyRotation?: string | number;
}

export interface IcebergCatalogConnectionArgs extends ConnectionCommonArgs {
  catalogType: string;
  url: string;
  warehouse?: string;
  credential?: TextOrSecret;
  scope?: string;
  oauth2ServerUrl?: string;
  accessDelegation?: string;
  awsConnection?: ObjectRef;
  gcpConnection?: ObjectRef;
  storageProvider?: string;
}

export interface GcpConnectionArgs extends ConnectionCommonArgs {
  serviceAccountKey: ObjectRef;
}

export interface AwsGlueSchemaRegistryConnectionArgs extends ConnectionCommonArgs {
  awsConnection: ObjectRef;
  registry: string;
}

export interface SecretArgs extends ObjectCommonArgs {
  value: string;
}

/** Arguments every connection and secret takes besides its options. */
export const COMMON_ARGS = ['name', 'schemaName', 'databaseName', 'comment', 'ownerRole', 'usage', 'validate'] as const;

/**
 * Arguments the resource lifecycle consumes (which Materialize, how to delete, adoption, diagnostics of a
 * rejected connection); no SQL option.
 * Where Materialize is goes in `materialize`, because `endpoint` is the AWS connection's ENDPOINT option.
 */
/**
 * The input holding the names of the inputs the program gave as secrets (the SDK sends it; the engine gives a
 * dynamic provider its inputs without their secret marks). Their values are masked in every message.
 */
export const SECRET_INPUTS = 'secretInputs';

export const LIFECYCLE_ARGS = ['materialize', 'dropCascade', 'adoptExisting', 'keyRotation', 'diagnose'] as const;

/**
 * Inputs that fire an ALTER CONNECTION action when they change (a spec's `triggers`). They are lifecycle
 * arguments too, so that setting one the first time is a change that gets recorded (without firing), and
 * refresh keeps them (the catalog cannot tell them).
 */
export const TRIGGER_ARGS: readonly string[] = ['keyRotation'];
