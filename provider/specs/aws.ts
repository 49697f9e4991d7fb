// AWS: credentials or role assumption (materialize-semantics.md §1.5).
import { option, rule, isSet } from './common';
import type { ConnectionSpec } from './types';
import { policyJson, trustPolicyFor } from '../aws-role/trust-policy';

const CREDENTIALS = 'must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN';

export const awsSpec: ConnectionSpec = {
  kind: 'aws',
  sqlType: 'AWS',
  validateByDefault: false,
  options: [
    option(
      'endpoint',
      'ENDPOINT',
      { type: 'text' },
      'Override of the AWS endpoint URL (e.g. an S3-compatible service).',
    ),
    option('region', 'REGION', { type: 'text' }, 'The AWS region.'),
    option(
      'accessKeyId',
      'ACCESS KEY ID',
      { type: 'text-or-secret' },
      'Access key ID for credentials-based authentication (deprecated by AWS); text or a Secret.',
    ),
    option('secretAccessKey', 'SECRET ACCESS KEY', { type: 'secret' }, 'The secret access key; a Secret.'),
    {
      ...option(
        'sessionToken',
        'SESSION TOKEN',
        { type: 'text-or-secret' },
        'Session token for the access key; text or a Secret (as text it is masked in planned SQL and outputs).',
      ),
      sensitive: true,
    },
    option('assumeRoleArn', 'ASSUME ROLE ARN', { type: 'text' }, 'ARN of the IAM role Materialize assumes.'),
    option(
      'assumeRoleSessionName',
      'ASSUME ROLE SESSION NAME',
      { type: 'text' },
      'Session name used when assuming the role.',
    ),
  ],
  required: [],
  exclusiveGroups: [],
  rules: [
    rule(['accessKeyId', 'secretAccessKey', 'sessionToken'], (a) => {
      const key = isSet(a, 'accessKeyId');
      const secret = isSet(a, 'secretAccessKey');
      if (key && !secret) return [{ property: 'secretAccessKey', reason: CREDENTIALS }];
      if (secret && !key) return [{ property: 'accessKeyId', reason: CREDENTIALS }];
      if (isSet(a, 'sessionToken') && !key) return [{ property: 'sessionToken', reason: CREDENTIALS }];
      return [];
    }),
    rule(['assumeRoleArn', 'assumeRoleSessionName'], (a) =>
      isSet(a, 'assumeRoleSessionName') && !isSet(a, 'assumeRoleArn')
        ? [
            {
              property: 'assumeRoleSessionName',
              reason: 'must specify ASSUME ROLE ARN with optional ASSUME ROLE SESSION NAME',
            },
          ]
        : [],
    ),
    rule(['accessKeyId', 'secretAccessKey', 'assumeRoleArn', 'assumeRoleSessionName', 'sessionToken'], (a) => {
      const credentials = isSet(a, 'accessKeyId') || isSet(a, 'secretAccessKey') || isSet(a, 'sessionToken');
      const role = isSet(a, 'assumeRoleArn') || isSet(a, 'assumeRoleSessionName');
      if (credentials && role)
        return [{ property: 'assumeRoleArn', reason: 'cannot specify both ACCESS KEY ID and ASSUME ROLE ARN' }];
      if (!credentials && !role)
        return [
          {
            property: 'assumeRoleArn',
            reason: 'must specify either ASSUME ROLE ARN or ACCESS KEY ID and SECRET ACCESS KEY',
          },
        ];
      return [];
    }),
  ],
  catalogType: 'aws',
  catalogOutputs: [
    {
      output: 'externalId',
      relation: 'mz_internal.mz_aws_connections',
      column: 'external_id',
      doc: 'The external ID Materialize passes when assuming the role; the role trust policy must require it.',
    },
    {
      output: 'principal',
      relation: 'mz_internal.mz_aws_connections',
      column: 'principal',
      doc: "Materialize's IAM principal that assumes the role.",
    },
    {
      output: 'exampleTrustPolicy',
      relation: 'mz_internal.mz_aws_connections',
      column: 'example_trust_policy',
      json: true,
      doc: 'A trust policy that lets only this connection assume the role.',
    },
  ],
  derivedOutputs: [
    {
      output: 'trustPolicy',
      doc: 'The trust policy (JSON text) for a role that only this connection may assume: `principal` with `sts:ExternalId` = `externalId`. Give it to an IAM role made elsewhere (e.g. `@pulumi/aws`), or use AwsConnectionRole.',
      from: (o) =>
        typeof o.principal === 'string' && typeof o.externalId === 'string'
          ? policyJson(trustPolicyFor(o.principal, o.externalId))
          : undefined,
    },
  ],
  optionsAlterable: true,
};
