// The native provider's package name and one type token per class of the TypeScript SDK.
import type { ResourceKind } from '../dynamic';

/** Not `materialize`: that is the bridged provider's plugin name, and the two must be installable side by side. */
export const PACKAGE = 'materialize-connections';

/** Class name (as in the TypeScript SDK) to the lifecycle kind behind it. */
export const CLASSES: Readonly<Record<string, ResourceKind>> = {
  Secret: 'secret',
  AwsConnection: 'aws',
  AwsPrivatelinkConnection: 'aws-privatelink',
  KafkaConnection: 'kafka',
  ConfluentSchemaRegistryConnection: 'confluent-schema-registry',
  PostgresConnection: 'postgres',
  MySqlConnection: 'mysql',
  SqlServerConnection: 'sql-server',
  SshTunnelConnection: 'ssh-tunnel',
  IcebergCatalogConnection: 'iceberg-catalog',
  GcpConnection: 'gcp',
  AwsGlueSchemaRegistryConnection: 'aws-glue-schema-registry',
  AwsConnectionRole: 'aws-connection-role',
  SshBastionAuthorizedKeys: 'ssh-bastion-authorized-keys',
};

export function tokenOf(className: string): string {
  return `${PACKAGE}:index:${className}`;
}

/** The kind a type token names; a clear error for any other token. */
export function kindOfToken(token: string): ResourceKind {
  const match = /^([^:]+):([^:]+):([^:]+)$/.exec(token);
  const kind = match && match[1] === PACKAGE ? CLASSES[match[3]] : undefined;
  if (!kind)
    throw new Error(
      `unknown resource type ${token}: ${PACKAGE} serves ${Object.keys(CLASSES).map(tokenOf).join(', ')}`,
    );
  return kind;
}
