// AWS GLUE SCHEMA REGISTRY (materialize-newest-features.md §2). Behind `enable_glue_schema_registry`, Public Preview.
// Whether Materialize can ALTER it is unverified (§2.4, §10.1); the options are treated as alterable.
import { isSet, option, required, rule } from './common';
import type { ConnectionSpec } from './types';

export const awsGlueSchemaRegistrySpec: ConnectionSpec = {
  kind: 'aws-glue-schema-registry',
  sqlType: 'AWS GLUE SCHEMA REGISTRY',
  validateByDefault: true,
  options: [
    option(
      'awsConnection',
      'AWS CONNECTION',
      { type: 'connection', of: 'aws' },
      'The AwsConnection Materialize reaches Glue with; its region is the registry region.',
    ),
    option('registry', 'REGISTRY', { type: 'text' }, 'The name of the Glue registry (it must already exist).'),
  ],
  required: [required('awsConnection', 'AWS CONNECTION'), required('registry', 'REGISTRY')],
  exclusiveGroups: [],
  rules: [
    rule(['registry'], (a) =>
      isSet(a, 'registry') && a.registry === '' ? [{ property: 'registry', reason: 'REGISTRY must not be empty' }] : [],
    ),
  ],
  preview:
    'Public Preview; Materialize refuses it unless the `enable_glue_schema_registry` feature flag is on ' +
    '("CREATE CONNECTION ... TO AWS GLUE SCHEMA REGISTRY is not available")',
  catalogType: 'glue-schema-registry',
  catalogOutputs: [],
  optionsAlterable: true,
};
