// CREATE CONNECTION ... TO ICEBERG CATALOG, for Iceberg sinks. (The CREATE CONNECTION page this
// repository follows has no Iceberg section; this mirrors Materialize's Iceberg sink guide.)
//
//   CREATE SECRET iceberg_credential AS '<client_id>:<client_secret>';
//   CREATE CONNECTION iceberg_rest TO ICEBERG CATALOG (
//       CATALOG TYPE = 'rest', URL = 'https://rest.example.com/catalog',
//       CREDENTIAL = SECRET iceberg_credential, SCOPE = 'PRINCIPAL_ROLE:ALL', WAREHOUSE = 'my_warehouse'
//   );
//   CREATE CONNECTION aws_s3_tables TO AWS (ASSUME ROLE ARN = 'arn:aws:iam::123456789012:role/MaterializeS3Tables');
//   CREATE CONNECTION iceberg_s3_tables TO ICEBERG CATALOG (
//       CATALOG TYPE = 's3tablesrest', URL = 'https://s3tables.us-east-1.amazonaws.com/iceberg',
//       WAREHOUSE = 'arn:aws:s3tables:us-east-1:123456789012:bucket/my-table-bucket', AWS CONNECTION = aws_s3_tables
//   );
//
// Materialize cannot ALTER an Iceberg catalog connection: any change replaces it. Iceberg connections
// are validated on creation by default; the catalogs here are placeholders (and the S3 Tables role does
// not trust this AWS connection's external ID yet), so both set `validate: false`.
//
// Config: icebergCredential (secret, required); restUrl, s3TablesRoleArn, tableBucketArn (optional).
import * as pulumi from '@pulumi/pulumi';
import { AwsConnection, IcebergCatalogConnection, Secret } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

// A REST catalog (e.g. Polaris), OAuth2 client credentials.
const credential = new Secret('iceberg_credential', {
  name: 'iceberg_credential',
  value: pulumi.secret(config.requireSecret('icebergCredential')),
});
const rest = new IcebergCatalogConnection('iceberg_rest', {
  name: 'iceberg_rest',
  catalogType: 'rest',
  url: config.get('restUrl') ?? 'https://rest.example.com/catalog',
  credential,
  scope: 'PRINCIPAL_ROLE:ALL',
  warehouse: 'my_warehouse',
  validate: false, // placeholder catalog (see the top of this file)
});

// AWS S3 Tables, authenticated by an AWS connection.
const aws = new AwsConnection('aws_s3_tables', {
  name: 'aws_s3_tables',
  assumeRoleArn: config.get('s3TablesRoleArn') ?? 'arn:aws:iam::123456789012:role/MaterializeS3Tables',
});
const s3Tables = new IcebergCatalogConnection('iceberg_s3_tables', {
  name: 'iceberg_s3_tables',
  catalogType: 's3tablesrest',
  url: 'https://s3tables.us-east-1.amazonaws.com/iceberg',
  warehouse: config.get('tableBucketArn') ?? 'arn:aws:s3tables:us-east-1:123456789012:bucket/my-table-bucket',
  awsConnection: aws,
  validate: false, // placeholder bucket, and the role does not trust the AWS connection yet
});

export const connections = [rest.qualifiedName, s3Tables.qualifiedName];
/** The S3 Tables role's trust policy must pin this external ID. */
export const externalId = aws.externalId;
export const exampleTrustPolicy = aws.exampleTrustPolicy;
export const plannedSql = { rest: rest.plannedSql, s3Tables: s3Tables.plannedSql };
