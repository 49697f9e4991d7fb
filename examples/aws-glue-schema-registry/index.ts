// CREATE CONNECTION ... TO AWS GLUE SCHEMA REGISTRY (create-connection#aws-glue-schema-registry;
// glue_schema_registry.slt), for Avro in Kafka sources and sinks:
//
//   CREATE CONNECTION aws_glue_role TO AWS (ASSUME ROLE ARN = 'arn:aws:iam::123456789012:role/MaterializeGlue');
//   CREATE CONNECTION glue_registry TO AWS GLUE SCHEMA REGISTRY (AWS CONNECTION = aws_glue_role, REGISTRY = 'my-registry');
//
// Public Preview: Materialize refuses it unless the `enable_glue_schema_registry` feature flag is on, with
// "CREATE CONNECTION ... TO AWS GLUE SCHEMA REGISTRY is not available" (passed through unchanged). The
// registry must already exist, in the AWS connection's region. Materialize validates Glue connections on
// creation by default with a GetRegistry call; the role here does not trust this AWS connection's external
// ID yet, so the example sets `validate: false`. The role needs glue:GetSchemaVersion (and glue:GetRegistry
// for validation; sinks also glue:GetSchemaByDefinition, glue:RegisterSchemaVersion, glue:CreateSchema).
//
// Config: glueRoleArn, registry, region (optional).
import * as pulumi from '@pulumi/pulumi';
import { AwsConnection, AwsGlueSchemaRegistryConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

const aws = new AwsConnection('aws_glue_role', {
  name: 'aws_glue_role',
  assumeRoleArn: config.get('glueRoleArn') ?? 'arn:aws:iam::123456789012:role/MaterializeGlue',
  region: config.get('region') ?? 'us-east-1',
});
const glue = new AwsGlueSchemaRegistryConnection('glue_registry', {
  name: 'glue_registry',
  awsConnection: aws,
  registry: config.get('registry') ?? 'my-registry',
  validate: false, // the role does not trust the AWS connection yet (see the top of this file)
});

export const connection = glue.qualifiedName;
/** The Glue role's trust policy must pin this external ID. */
export const externalId = aws.externalId;
export const exampleTrustPolicy = aws.exampleTrustPolicy;
export const plannedSql = glue.plannedSql;
