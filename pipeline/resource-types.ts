// The Pulumi type of each resource class of this package, as the engine records it
// (`pulumi.dynamic.Resource` with module "materialize": `pulumi-nodejs:dynamic/materialize:<Class>`), and the
// connection kind behind it. The policy pack and mz-plan read resources by these types.
import type { ConnectionKind } from '../provider/specs/types';

export const TYPE_PREFIX = 'pulumi-nodejs:dynamic/materialize:';

export const connectionClasses: Readonly<Record<string, ConnectionKind>> = {
  AwsConnection: 'aws',
  AwsPrivatelinkConnection: 'aws-privatelink',
  KafkaConnection: 'kafka',
  ConfluentSchemaRegistryConnection: 'confluent-schema-registry',
  MySqlConnection: 'mysql',
  PostgresConnection: 'postgres',
  SqlServerConnection: 'sql-server',
  SshTunnelConnection: 'ssh-tunnel',
  IcebergCatalogConnection: 'iceberg-catalog',
  GcpConnection: 'gcp',
  AwsGlueSchemaRegistryConnection: 'aws-glue-schema-registry',
};

/** The class name of one of this package's resources (`KafkaConnection`, `Secret`, ...), else undefined. */
export function classOf(type: string): string | undefined {
  return type.startsWith(TYPE_PREFIX) ? type.slice(TYPE_PREFIX.length) : undefined;
}

/** The connection kind of a resource type, else undefined (a Secret, an AwsConnectionRole, another package's). */
export function connectionKindOf(type: string): ConnectionKind | undefined {
  const cls = classOf(type);
  return cls === undefined ? undefined : connectionClasses[cls];
}
