// AWS PRIVATELINK (materialize-semantics.md §1.6). PORT is accepted and ignored by Materialize, so it is not offered.
import { isSet, option, required, rule } from './common';
import type { ConnectionSpec } from './types';

export const awsPrivatelinkSpec: ConnectionSpec = {
  kind: 'aws-privatelink',
  sqlType: 'AWS PRIVATELINK',
  validateByDefault: false,
  options: [
    option(
      'serviceName',
      'SERVICE NAME',
      { type: 'text' },
      'The VPC endpoint service name, e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123.',
    ),
    option(
      'availabilityZones',
      'AVAILABILITY ZONES',
      { type: 'text-list' },
      'Availability zone IDs (e.g. use1-az1) of the endpoint service.',
    ),
  ],
  required: [required('serviceName', 'SERVICE NAME'), required('availabilityZones', 'AVAILABILITY ZONES')],
  exclusiveGroups: [],
  rules: [
    rule(['availabilityZones'], (a) => {
      if (!isSet(a, 'availabilityZones')) return [];
      const zones = a.availabilityZones as string[];
      const dups = zones.filter((z, i) => zones.indexOf(z) !== i);
      return dups.length
        ? [
            {
              property: 'availabilityZones',
              reason: `connection cannot contain duplicate availability zones: ${[...new Set(dups)].join(', ')}`,
            },
          ]
        : [];
    }),
  ],
  catalogType: 'aws-privatelink',
  catalogOutputs: [
    {
      output: 'principal',
      relation: 'mz_catalog.mz_aws_privatelink_connections',
      column: 'principal',
      doc: "The role ARN (arn:aws:iam::<Materialize's account>:role/mz_<prefix>_<id>, one per connection) to add to the VPC endpoint service's allowed principals; never allow Materialize's account root (arn:aws:iam::<account>:root), which would admit every Materialize customer's endpoints.",
    },
  ],
  optionsAlterable: true,
};
