// MYSQL (materialize-semantics.md §1.10). SSL MODE is case-insensitive; AWS CONNECTION means RDS IAM auth.
import {
  clientCertificatePair,
  conflicts,
  databaseServerOptions,
  isSet,
  oneTunnelOnly,
  option,
  required,
  rule,
} from './common';
import type { ConnectionSpec } from './types';

export const mysqlSpec: ConnectionSpec = {
  kind: 'mysql',
  sqlType: 'MYSQL',
  validateByDefault: true,
  options: [
    ...databaseServerOptions({
      defaultPort: 3306,
      database: false,
      sslMode: option(
        'sslMode',
        'SSL MODE',
        {
          type: 'text',
          oneOf: ['disabled', 'required', 'require', 'verify_ca', 'verify-ca', 'verify_identity', 'verify-identity'],
          unknownReason: (v) => `unknown SSL MODE "${v}" (expected disabled, required, verify_ca or verify_identity)`,
        },
        'disabled (Materialize default), required, verify_ca or verify_identity.',
      ),
    }),
    option(
      'awsConnection',
      'AWS CONNECTION',
      { type: 'connection', of: 'aws' },
      'An AwsConnection for RDS IAM authentication.',
    ),
  ],
  required: [required('host', 'HOST'), required('user', 'USER')],
  exclusiveGroups: [],
  rules: [
    clientCertificatePair,
    oneTunnelOnly,
    conflicts('awsConnection', 'password', 'AWS IAM authentication is not supported with password'),
    rule(['awsConnection', 'sslMode'], (a) =>
      isSet(a, 'awsConnection') && String(a.sslMode ?? 'disabled').toLowerCase() === 'disabled'
        ? [
            {
              property: 'sslMode',
              reason: 'AWS IAM authentication requires SSL to be enabled: set sslMode to required or stricter',
            },
          ]
        : [],
    ),
  ],
  catalogType: 'mysql',
  catalogOutputs: [],
  optionsAlterable: true,
};
