// POSTGRES (materialize-semantics.md §1.10). SSL MODE is case-sensitive here.
import { clientCertificatePair, databaseServerOptions, oneTunnelOnly, option, required } from './common';
import type { ConnectionSpec } from './types';

export const postgresSpec: ConnectionSpec = {
  kind: 'postgres',
  sqlType: 'POSTGRES',
  validateByDefault: true,
  options: databaseServerOptions({
    defaultPort: 5432,
    database: true,
    sslMode: option(
      'sslMode',
      'SSL MODE',
      {
        type: 'text',
        caseSensitive: true,
        oneOf: ['disable', 'require', 'required', 'verify_ca', 'verify-ca', 'verify_full', 'verify-full'],
        unknownReason: (v) =>
          `unknown SSL MODE "${v}" (expected disable, require, verify_ca or verify_full, in lower case)`,
      },
      'disable (Materialize default), require, verify_ca or verify_full.',
    ),
  }),
  required: [required('database', 'DATABASE'), required('host', 'HOST'), required('user', 'USER')],
  exclusiveGroups: [],
  rules: [clientCertificatePair, oneTunnelOnly],
  catalogType: 'postgres',
  catalogOutputs: [],
  optionsAlterable: true,
};
