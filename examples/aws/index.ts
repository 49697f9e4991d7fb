// CREATE CONNECTION ... TO AWS (docs: "AWS" > Examples, both tabs).
//
//   CREATE CONNECTION aws_role_assumption TO AWS (
//       ASSUME ROLE ARN = 'arn:aws:iam::400121260767:role/WarehouseExport'
//   );
//
//   CREATE SECRET aws_secret_access_key = '...';
//   CREATE CONNECTION aws_credentials TO AWS (
//       ACCESS KEY ID = 'ASIAV2KIV5LPTG6HGXG6',
//       SECRET ACCESS KEY = SECRET aws_secret_access_key
//   );
//
// AWS connections are not validated on creation (Materialize's default for the type), so nothing here
// needs AWS to exist yet. Role assumption is a two-step setup: create the connection, then put the
// exported `exampleTrustPolicy` (which pins the connection's `externalId`) on the role, then validate.
//
// Config: roleArn (optional), accessKeyId (optional), awsSecretAccessKey (secret, required).
import * as pulumi from '@pulumi/pulumi';
import { AwsConnection, Secret } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

// Role assumption (recommended).
const roleAssumption = new AwsConnection('aws_role_assumption', {
  name: 'aws_role_assumption',
  assumeRoleArn: config.get('roleArn') ?? 'arn:aws:iam::400121260767:role/WarehouseExport',
});

// Static credentials (deprecated by AWS; shown because the docs show it).
const secretAccessKey = new Secret('aws_secret_access_key', {
  name: 'aws_secret_access_key',
  value: pulumi.secret(config.requireSecret('awsSecretAccessKey')),
});
const credentials = new AwsConnection('aws_credentials', {
  name: 'aws_credentials',
  accessKeyId: config.get('accessKeyId') ?? 'ASIAV2KIV5LPTG6HGXG6',
  secretAccessKey,
});

/** Put this in the role's trust policy: only this connection may assume the role. */
export const externalId = roleAssumption.externalId;
export const principal = roleAssumption.principal;
export const exampleTrustPolicy = roleAssumption.exampleTrustPolicy;
export const connections = [roleAssumption.qualifiedName, credentials.qualifiedName];
export const plannedSql = { roleAssumption: roleAssumption.plannedSql, credentials: credentials.plannedSql };
