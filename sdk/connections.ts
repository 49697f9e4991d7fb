// One class per connection type of Materialize's CREATE CONNECTION. Options are the camelCase of the
// SQL option names; a reference option takes the resource itself (which also orders the deployment)
// or `{ name, schemaName?, databaseName? }`, defaulting to this connection's own schema and database.
import type * as pulumi from '@pulumi/pulumi';
import type { CustomResourceOptions } from '@pulumi/pulumi';
import { Connection, type ConnectionArgs } from './connection';
import type { ObjectRefInput } from './base';

type In<T> = pulumi.Input<T>;
type Out<T> = pulumi.Output<T>;
/** Text, or a Secret holding it. */
export type TextOrSecretInput = In<string> | ObjectRefInput;

/** `AWS PRIVATELINK <connection>`, with a port where the type takes one. */
export interface PrivatelinkInput {
  /** The AwsPrivatelinkConnection. */
  connection: ObjectRefInput;
  /** The port on the endpoint service (Kafka only). */
  port?: In<number>;
}

/** A Kafka broker with a route of its own. */
export interface BrokerInput {
  /** `host:port` of the broker. */
  address: In<string>;
  /** Reach this broker through this SshTunnelConnection. */
  sshTunnel?: ObjectRefInput;
  /** Reach this broker through this AwsPrivatelinkConnection. */
  awsPrivatelink?: BrokerPrivatelinkInput;
}

/** `USING AWS PRIVATELINK <connection> (AVAILABILITY ZONE ..., PORT ...)` of a broker or a broker rule. */
export interface BrokerPrivatelinkInput {
  /** The AwsPrivatelinkConnection. */
  connection: ObjectRefInput;
  /** The availability zone ID (e.g. `use1-az1`); one of the PrivateLink connection's zones. */
  availabilityZone?: In<string>;
  /** The port on the endpoint service. */
  port?: In<number>;
}

/**
 * A Kafka broker rule, `MATCHING '<pattern>' USING AWS PRIVATELINK ...`: advertised brokers whose `host:port`
 * matches the pattern (`*` as a leading and/or trailing wildcard) are reached through the PrivateLink. Rules
 * apply in order, the first match wins, unmatched brokers are reached directly, and the `brokers` list must
 * still hold at least one static broker to bootstrap from.
 *
 * Preview: Materialize accepts rules only with the `enable_kafka_broker_matching_rules` feature in your region.
 */
export interface BrokerRuleInput {
  /** The pattern, e.g. `'*.use1-az1.*'`. */
  matching: In<string>;
  /** The PrivateLink the matching brokers are reached through. */
  awsPrivatelink: BrokerPrivatelinkInput;
}

/** TLS settings shared by Kafka, CSR, Postgres, MySQL and SQL Server. */
export interface TlsInputs {
  /** CA certificate (PEM) to verify the server; text or a Secret. */
  sslCertificateAuthority?: TextOrSecretInput;
  /** Client certificate (PEM); text or a Secret. Needs `sslKey`. */
  sslCertificate?: TextOrSecretInput;
  /** The client certificate's private key (PEM); a Secret. Needs `sslCertificate`. */
  sslKey?: ObjectRefInput;
}

export interface AwsConnectionArgs extends ConnectionArgs {
  /** `ENDPOINT`: override of the AWS endpoint URL, e.g. an S3-compatible service. */
  endpoint?: In<string>;
  /** The AWS region. */
  region?: In<string>;
  /** Access key ID (credentials auth, deprecated by AWS); text or a Secret. Needs `secretAccessKey`. */
  accessKeyId?: TextOrSecretInput;
  /** The secret access key; a Secret. */
  secretAccessKey?: ObjectRefInput;
  /** Session token for the access key; text or a Secret. */
  sessionToken?: TextOrSecretInput;
  /** ARN of the IAM role Materialize assumes (recommended); its trust policy must require `externalId`. */
  assumeRoleArn?: In<string>;
  /** Session name used when assuming the role. */
  assumeRoleSessionName?: In<string>;
}

/** An AWS connection: an IAM role Materialize assumes (or static credentials), for S3 and MSK IAM. */
export class AwsConnection extends Connection {
  /** The external ID Materialize uses when assuming the role; the role's trust policy must require it. */
  declare readonly externalId: Out<string>;
  /** Materialize's IAM principal that assumes the role. */
  declare readonly principal: Out<string>;
  /** A trust policy (JSON text) that lets only this connection assume the role. */
  declare readonly exampleTrustPolicy: Out<string>;
  /**
   * Ready-to-use trust policy JSON for a role made elsewhere (e.g. `new aws.iam.Role(..., { assumeRolePolicy:
   * conn.trustPolicy })`): `principal` may assume the role only with `externalId`. Or use AwsConnectionRole.
   */
  declare readonly trustPolicy: Out<string>;
  constructor(name: string, args: AwsConnectionArgs, opts?: CustomResourceOptions) {
    super('aws', 'AwsConnection', name, args, opts);
  }
}

export interface AwsPrivatelinkConnectionArgs extends ConnectionArgs {
  /** The VPC endpoint service name. */
  serviceName: In<string>;
  /** Availability zone IDs (e.g. `use1-az1`) of the service. */
  availabilityZones: In<In<string>[]>;
}

/** An AWS PrivateLink connection to a VPC endpoint service. */
export class AwsPrivatelinkConnection extends Connection {
  /**
   * The role ARN to add to the VPC endpoint service's allowed principals (`arn:aws:iam::<Materialize's
   * account>:role/mz_<prefix>_<id>`, one per connection). Allow exactly this ARN, never Materialize's account
   * root (`arn:aws:iam::<account>:root`): that would let every Materialize customer's endpoints connect.
   * With `@pulumi/aws`: `new aws.ec2.VpcEndpointServiceAllowedPrinciple(..., { principalArn: pl.principal })`.
   */
  declare readonly principal: Out<string>;
  constructor(name: string, args: AwsPrivatelinkConnectionArgs, opts?: CustomResourceOptions) {
    super('aws-privatelink', 'AwsPrivatelinkConnection', name, args, opts);
  }
}

export interface KafkaConnectionArgs extends ConnectionArgs, TlsInputs {
  /**
   * Bootstrap brokers: `'host:port'`, or a BrokerInput with its own SSH tunnel or PrivateLink, and
   * BrokerRuleInput `MATCHING` rules (preview: the `enable_kafka_broker_matching_rules` feature).
   */
  brokers?: In<(In<string> | BrokerInput | BrokerRuleInput)[]>;
  /** Reach the cluster through PrivateLink instead of listing brokers. */
  awsPrivatelink?: PrivatelinkInput;
  /** Default SSH tunnel for every broker. */
  sshTunnel?: ObjectRefInput;
  /** An AwsConnection for Amazon MSK IAM authentication. */
  awsConnection?: ObjectRefInput;
  /** PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
  securityProtocol?: In<string>;
  /** PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
  saslMechanisms?: In<string>;
  /** SASL username; text or a Secret. */
  saslUsername?: TextOrSecretInput;
  /** SASL password; a Secret. */
  saslPassword?: ObjectRefInput;
  /** Progress topic for sinks (changing it replaces the connection). */
  progressTopic?: In<string>;
  /** Replication factor of the progress topic (changing it replaces the connection). */
  progressTopicReplicationFactor?: In<number>;
}

/** A Kafka connection. */
export class KafkaConnection extends Connection {
  /** The progress topic sinks use: `progressTopic`, or the default Materialize derives. */
  declare readonly effectiveProgressTopic: Out<string>;
  constructor(name: string, args: KafkaConnectionArgs, opts?: CustomResourceOptions) {
    super('kafka', 'KafkaConnection', name, args, opts);
  }
}

export interface ConfluentSchemaRegistryConnectionArgs extends ConnectionArgs, TlsInputs {
  /** The registry URL, e.g. `https://registry:8081` (no path). */
  url: In<string>;
  /** HTTP basic auth user (`USER`); text or a Secret. */
  username?: TextOrSecretInput;
  /** HTTP basic auth password; a Secret. */
  password?: ObjectRefInput;
  /** Route through this SshTunnelConnection (changing it replaces the connection). */
  sshTunnel?: ObjectRefInput;
  /** Route through this AwsPrivatelinkConnection (changing it replaces the connection). */
  awsPrivatelink?: PrivatelinkInput;
}

/** A Confluent Schema Registry connection. */
export class ConfluentSchemaRegistryConnection extends Connection {
  constructor(name: string, args: ConfluentSchemaRegistryConnectionArgs, opts?: CustomResourceOptions) {
    super('confluent-schema-registry', 'ConfluentSchemaRegistryConnection', name, args, opts);
  }
}

/** Options shared by Postgres, MySQL and SQL Server. */
export interface DatabaseConnectionArgs extends ConnectionArgs, TlsInputs {
  /** Server hostname. */
  host: In<string>;
  /** Port; Materialize's default per type when unset. */
  port?: In<number>;
  /** Database user; text or a Secret. */
  user: TextOrSecretInput;
  /** Password; a Secret. */
  password?: ObjectRefInput;
  /** SSL MODE; the accepted values differ per type. */
  sslMode?: In<string>;
  /** Route through this SshTunnelConnection (changing it replaces the connection). */
  sshTunnel?: ObjectRefInput;
  /** Route through this AwsPrivatelinkConnection (changing it replaces the connection). */
  awsPrivatelink?: { connection: ObjectRefInput };
}

export interface PostgresConnectionArgs extends DatabaseConnectionArgs {
  /** The database to replicate from. */
  database: In<string>;
}

/** A PostgreSQL connection (SSL MODE: disable, require, verify_ca, verify_full; case-sensitive). */
export class PostgresConnection extends Connection {
  constructor(name: string, args: PostgresConnectionArgs, opts?: CustomResourceOptions) {
    super('postgres', 'PostgresConnection', name, args, opts);
  }
}

export interface MySqlConnectionArgs extends DatabaseConnectionArgs {
  /** An AwsConnection for RDS IAM authentication (needs SSL, no password). */
  awsConnection?: ObjectRefInput;
}

/** A MySQL connection (SSL MODE: disabled, required, verify_ca, verify_identity). */
export class MySqlConnection extends Connection {
  constructor(name: string, args: MySqlConnectionArgs, opts?: CustomResourceOptions) {
    super('mysql', 'MySqlConnection', name, args, opts);
  }
}

export interface SqlServerConnectionArgs extends DatabaseConnectionArgs {
  /** The database. */
  database: In<string>;
  /** Password; a Secret (required). */
  password: ObjectRefInput;
}

/** A SQL Server connection. Materialize cannot ALTER these: any option change replaces it. */
export class SqlServerConnection extends Connection {
  constructor(name: string, args: SqlServerConnectionArgs, opts?: CustomResourceOptions) {
    super('sql-server', 'SqlServerConnection', name, args, opts);
  }
}

export interface SshTunnelConnectionArgs extends ConnectionArgs {
  /** The bastion's hostname. */
  host: In<string>;
  /** SSH port (default 22). */
  port?: In<number>;
  /** The user to log in as. */
  user: In<string>;
  /**
   * Any string or number. Changing it from one value to another runs `ALTER CONNECTION ... ROTATE KEYS` in
   * place: key 2 becomes key 1 and a new key 2 is generated (`publicKey1`/`publicKey2` follow). Setting it
   * the first time only records it. Install the keys with SshBastionAuthorizedKeys to rotate in one `up`.
   */
  keyRotation?: In<string | number>;
}

/** An SSH tunnel through a bastion; install `publicKey1` and `publicKey2` in its authorized_keys. */
export class SshTunnelConnection extends Connection {
  /** Materialize's first public key (`ssh-ed25519 ... materialize`). */
  declare readonly publicKey1: Out<string>;
  /** Materialize's second public key; install both so keys can rotate without downtime. */
  declare readonly publicKey2: Out<string>;
  constructor(name: string, args: SshTunnelConnectionArgs, opts?: CustomResourceOptions) {
    super('ssh-tunnel', 'SshTunnelConnection', name, args, opts);
  }
}

export interface IcebergCatalogConnectionArgs extends ConnectionArgs {
  /** `rest` or `s3tablesrest`. */
  catalogType: In<string>;
  /** The catalog endpoint URL; with `gcpConnection` it must be `https://biglake.googleapis.com/iceberg/v1/restcatalog`. */
  url: In<string>;
  /** The warehouse (required for s3tablesrest: the table bucket ARN; for BigLake `gs://<bucket>`). */
  warehouse?: In<string>;
  /** OAuth2 credential (`client_id:client_secret`) for rest catalogs; text or a Secret. Not with `gcpConnection`. */
  credential?: TextOrSecretInput;
  /** OAuth2 scope for rest catalogs (Materialize's default: `catalog`). */
  scope?: In<string>;
  /**
   * `OAUTH2 SERVER URL`: the OAuth2 token endpoint of a rest catalog with a `credential` (Materialize's default:
   * `<url>/v1/oauth/tokens`). Preview: Public Preview.
   */
  oauth2ServerUrl?: In<string>;
  /**
   * `ACCESS DELEGATION`: `vended-credentials` makes Materialize reach storage with the credentials the catalog
   * vends (rest catalogs only). Preview: Public Preview.
   */
  accessDelegation?: In<string>;
  /** An AwsConnection (required for s3tablesrest, refused for rest). */
  awsConnection?: ObjectRefInput;
  /**
   * A GcpConnection that authenticates a rest catalog on Google BigLake, instead of `credential`; `url` must
   * be the BigLake endpoint. Preview: BigLake is in private preview.
   */
  gcpConnection?: ObjectRefInput;
  /**
   * `STORAGE PROVIDER`: `s3` (Materialize's default), `gcs` or `adls` (Azure), rest catalogs only; only `gcs`
   * with `gcpConnection`. Preview: Public Preview since Materialize v26.43.
   */
  storageProvider?: In<string>;
}

/**
 * An Iceberg catalog connection. Materialize cannot ALTER these: any option change replaces it.
 * Preview: Iceberg catalog connections are in Public Preview (BigLake in private preview).
 */
export class IcebergCatalogConnection extends Connection {
  constructor(name: string, args: IcebergCatalogConnectionArgs, opts?: CustomResourceOptions) {
    super('iceberg-catalog', 'IcebergCatalogConnection', name, args, opts);
  }
}

export interface GcpConnectionArgs extends ConnectionArgs {
  /** A Secret holding the service-account key JSON (the output of `gcloud iam service-accounts keys create`). */
  serviceAccountKey: ObjectRefInput;
}

/**
 * A Google Cloud connection: a service-account key, used by Iceberg catalogs on BigLake (`gcpConnection`).
 * Materialize does not validate it on create unless `validate: true`; every option can change in place.
 */
export class GcpConnection extends Connection {
  constructor(name: string, args: GcpConnectionArgs, opts?: CustomResourceOptions) {
    super('gcp', 'GcpConnection', name, args, opts);
  }
}

export interface AwsGlueSchemaRegistryConnectionArgs extends ConnectionArgs {
  /** The AwsConnection Materialize reaches Glue with; its region is the registry's region. */
  awsConnection: ObjectRefInput;
  /** The name of the Glue registry; it must already exist. */
  registry: In<string>;
}

/**
 * An AWS Glue Schema Registry connection, for Avro in Kafka sources and sinks.
 *
 * Preview: Public Preview. Materialize refuses it unless the `enable_glue_schema_registry` feature flag is on,
 * with the error `CREATE CONNECTION ... TO AWS GLUE SCHEMA REGISTRY is not available`, passed through unchanged.
 */
export class AwsGlueSchemaRegistryConnection extends Connection {
  constructor(name: string, args: AwsGlueSchemaRegistryConnectionArgs, opts?: CustomResourceOptions) {
    super('aws-glue-schema-registry', 'AwsGlueSchemaRegistryConnection', name, args, opts);
  }
}
