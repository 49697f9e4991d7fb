// For `npm run typecheck` only. The repository's tsconfig.json includes examples/, which import this
// package by name; a name that tsconfig cannot resolve (no `paths`, and its "node" resolution ignores
// package.json self-references), so this declares it as the SDK source. `npm run typecheck:examples`
// (tsconfig.examples.json) excludes this file and maps the name to sdk/index.ts directly; `pulumi up`
// resolves it through node_modules. Keep the list in step with sdk/index.ts.
declare module 'pulumi-materialize-connections' {
  type Sdk = typeof import('../sdk/index');

  export const Secret: Sdk['Secret'];
  export type Secret = import('../sdk/index').Secret;
  export const Connection: Sdk['Connection'];
  export type Connection = import('../sdk/index').Connection;
  export const MaterializeObject: Sdk['MaterializeObject'];
  export type MaterializeObject = import('../sdk/index').MaterializeObject;
  export const AwsConnection: Sdk['AwsConnection'];
  export type AwsConnection = import('../sdk/index').AwsConnection;
  export const AwsPrivatelinkConnection: Sdk['AwsPrivatelinkConnection'];
  export type AwsPrivatelinkConnection = import('../sdk/index').AwsPrivatelinkConnection;
  export const KafkaConnection: Sdk['KafkaConnection'];
  export type KafkaConnection = import('../sdk/index').KafkaConnection;
  export const ConfluentSchemaRegistryConnection: Sdk['ConfluentSchemaRegistryConnection'];
  export type ConfluentSchemaRegistryConnection = import('../sdk/index').ConfluentSchemaRegistryConnection;
  export const PostgresConnection: Sdk['PostgresConnection'];
  export type PostgresConnection = import('../sdk/index').PostgresConnection;
  export const MySqlConnection: Sdk['MySqlConnection'];
  export type MySqlConnection = import('../sdk/index').MySqlConnection;
  export const SqlServerConnection: Sdk['SqlServerConnection'];
  export type SqlServerConnection = import('../sdk/index').SqlServerConnection;
  export const SshTunnelConnection: Sdk['SshTunnelConnection'];
  export type SshTunnelConnection = import('../sdk/index').SshTunnelConnection;
  export const IcebergCatalogConnection: Sdk['IcebergCatalogConnection'];
  export type IcebergCatalogConnection = import('../sdk/index').IcebergCatalogConnection;

  export type SecretArgs = import('../sdk/index').SecretArgs;
  export type ConnectionArgs = import('../sdk/index').ConnectionArgs;
  export type ObjectArgs = import('../sdk/index').ObjectArgs;
  export type ObjectRefInput = import('../sdk/index').ObjectRefInput;
  export type MaterializeEndpoint = import('../sdk/index').MaterializeEndpoint;
  export type TextOrSecretInput = import('../sdk/index').TextOrSecretInput;
  export type PrivatelinkInput = import('../sdk/index').PrivatelinkInput;
  export type BrokerInput = import('../sdk/index').BrokerInput;
  export type TlsInputs = import('../sdk/index').TlsInputs;
  export type DatabaseConnectionArgs = import('../sdk/index').DatabaseConnectionArgs;
  export type AwsConnectionArgs = import('../sdk/index').AwsConnectionArgs;
  export type AwsPrivatelinkConnectionArgs = import('../sdk/index').AwsPrivatelinkConnectionArgs;
  export type KafkaConnectionArgs = import('../sdk/index').KafkaConnectionArgs;
  export type ConfluentSchemaRegistryConnectionArgs = import('../sdk/index').ConfluentSchemaRegistryConnectionArgs;
  export type PostgresConnectionArgs = import('../sdk/index').PostgresConnectionArgs;
  export type MySqlConnectionArgs = import('../sdk/index').MySqlConnectionArgs;
  export type SqlServerConnectionArgs = import('../sdk/index').SqlServerConnectionArgs;
  export type SshTunnelConnectionArgs = import('../sdk/index').SshTunnelConnectionArgs;
  export type IcebergCatalogConnectionArgs = import('../sdk/index').IcebergCatalogConnectionArgs;
}
