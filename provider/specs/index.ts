import { awsSpec } from './aws';
import { awsGlueSchemaRegistrySpec } from './aws-glue-schema-registry';
import { awsPrivatelinkSpec } from './aws-privatelink';
import { confluentSchemaRegistrySpec } from './confluent-schema-registry';
import { gcpSpec } from './gcp';
import { icebergCatalogSpec } from './iceberg-catalog';
import { kafkaSpec } from './kafka';
import { mysqlSpec } from './mysql';
import { postgresSpec } from './postgres';
import { sqlServerSpec } from './sql-server';
import { sshTunnelSpec } from './ssh-tunnel';
import type { ConnectionKind, ConnectionSpec } from './types';

export const connectionSpecs: Readonly<Record<ConnectionKind, ConnectionSpec>> = {
  aws: awsSpec,
  'aws-privatelink': awsPrivatelinkSpec,
  kafka: kafkaSpec,
  'confluent-schema-registry': confluentSchemaRegistrySpec,
  mysql: mysqlSpec,
  postgres: postgresSpec,
  'sql-server': sqlServerSpec,
  'ssh-tunnel': sshTunnelSpec,
  'iceberg-catalog': icebergCatalogSpec,
  gcp: gcpSpec,
  'aws-glue-schema-registry': awsGlueSchemaRegistrySpec,
};

export const connectionKinds = Object.keys(connectionSpecs) as ConnectionKind[];

export function specFor(kind: ConnectionKind): ConnectionSpec {
  const spec = (connectionSpecs as Record<string, ConnectionSpec | undefined>)[kind];
  if (!spec) throw new Error(`unknown connection kind "${kind}"; expected one of ${connectionKinds.join(', ')}`);
  return spec;
}

export type { ConnectionKind, ConnectionSpec, OptionSpec, TriggerSpec, ValueKind, Failure, Args } from './types';
