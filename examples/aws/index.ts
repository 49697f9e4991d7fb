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
// Role assumption in ONE `pulumi up`, replacing Materialize's five manual steps (role with a PENDING
// external ID, connection, read external_id, edit the trust policy, VALIDATE): the role's ARN is known
// from the account and the role's name before the role exists, and AWS connections are not validated on
// creation, so the order is connection -> AwsConnectionRole (trust policy = the connection's principal
// with sts:ExternalId = its external ID) -> VALIDATE CONNECTION (retried while IAM propagates).
// The role is made with the AWS SDK's default credentials (environment, AWS_PROFILE, SSO, instance role).
//
// Two roles: an S3 export role, and an MSK role for a Kafka connection with AWS IAM authentication.
//
// Config: accountId (the AWS account of the roles), bucket, mskClusterArn, mskBroker (optional),
//         accessKeyId (optional), awsSecretAccessKey (secret, required).
import * as pulumi from '@pulumi/pulumi';
import { AwsConnection, AwsConnectionRole, KafkaConnection, Secret, roleArnFor } from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const accountId = config.get('accountId') ?? '400121260767';
const bucket = config.get('bucket') ?? 'warehouse-exports';

// S3 export: the connection first (its role ARN is computed), then the role that trusts only it.
const exportRoleName = 'WarehouseExport';
const roleAssumption = new AwsConnection('aws_role_assumption', {
  name: 'aws_role_assumption',
  assumeRoleArn: roleArnFor(accountId, exportRoleName),
  region: 'us-east-1',
});
const exportRole = new AwsConnectionRole('warehouse_export_role', {
  connection: roleAssumption,
  roleName: exportRoleName,
  inlinePolicies: {
    's3-export': {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `arn:aws:s3:::${bucket}/*` },
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: `arn:aws:s3:::${bucket}` },
      ],
    },
  },
  tags: { 'managed-by': 'pulumi', purpose: 'materialize-s3-export' },
});

// MSK with AWS IAM authentication: the role may connect to the cluster and use its topics.
const mskRoleName = 'MaterializeMSK';
const mskCluster = config.get('mskClusterArn') ?? `arn:aws:kafka:us-east-1:${accountId}:cluster/orders/*`;
const awsMsk = new AwsConnection('aws_msk', {
  name: 'aws_msk',
  assumeRoleArn: roleArnFor(accountId, mskRoleName),
  region: 'us-east-1',
});
const mskRole = new AwsConnectionRole('msk_role', {
  connection: awsMsk,
  roleName: mskRoleName,
  inlinePolicies: {
    'msk-iam': {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
          Resource: mskCluster,
        },
        {
          Effect: 'Allow',
          Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:WriteData'],
          Resource: mskCluster.replace(':cluster/', ':topic/'),
        },
        {
          Effect: 'Allow',
          Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
          Resource: mskCluster.replace(':cluster/', ':group/'),
        },
      ],
    },
  },
});
// MSK IAM through that role. With a real cluster (config mskBroker), validate: the Kafka connection is
// validated on create, after the role exists and trusts aws_msk's external ID.
const kafkaMsk = new KafkaConnection(
  'kafka_msk',
  {
    name: 'kafka_msk',
    brokers: [config.get('mskBroker') ?? 'msk.mycorp.com:9098'],
    securityProtocol: 'SASL_SSL',
    awsConnection: awsMsk,
    validate: config.get('mskBroker') !== undefined, // the placeholder broker does not exist
  },
  { dependsOn: [mskRole] },
);

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

/** What the role trusts: Materialize's principal, only with this connection's external ID. */
export const externalId = roleAssumption.externalId;
export const principal = roleAssumption.principal;
export const exportRoleArn = exportRole.arn;
export const exportRoleTrustPolicy = exportRole.trustPolicy;
export const mskRoleArn = mskRole.arn;
/** The same document, for a role made with @pulumi/aws instead: `assumeRolePolicy: trustPolicy`. */
export const trustPolicy = roleAssumption.trustPolicy;
export const connections = [roleAssumption.qualifiedName, credentials.qualifiedName, kafkaMsk.qualifiedName];
export const plannedSql = { roleAssumption: roleAssumption.plannedSql, credentials: credentials.plannedSql };
