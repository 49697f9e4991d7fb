// GCP (materialize-newest-features.md §1): a service-account key for Iceberg catalogs on BigLake. Fully alterable (§1.3).
import { option, required } from './common';
import type { ConnectionSpec } from './types';

export const gcpSpec: ConnectionSpec = {
  kind: 'gcp',
  sqlType: 'GCP',
  validateByDefault: false,
  options: [
    option(
      'serviceAccountKey',
      'SERVICE ACCOUNT KEY',
      { type: 'secret' },
      'A Secret holding the service-account key JSON (the output of `gcloud iam service-accounts keys create`).',
    ),
  ],
  required: [required('serviceAccountKey', 'SERVICE ACCOUNT KEY')],
  exclusiveGroups: [],
  rules: [],
  catalogType: 'gcp',
  catalogOutputs: [],
  optionsAlterable: true,
};
