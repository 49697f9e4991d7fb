// POSTGRES (materialize-semantics.md §1.10). SSL MODE is case-sensitive here.
import { oneTunnelOnly, option, privatelinkOption, required, sshTunnelOption, tlsOptions, together } from './common';
import type { ConnectionSpec } from './types';

export const postgresSpec: ConnectionSpec = {
  kind: 'postgres',
  sqlType: 'POSTGRES',
  validateByDefault: true,
  options: [
    option('host', 'HOST', { type: 'text' }, 'Database hostname.'),
    option('port', 'PORT', { type: 'port' }, 'Port (Materialize defaults to 5432).'),
    option('database', 'DATABASE', { type: 'text' }, 'Target database.'),
    option('user', 'USER', { type: 'text-or-secret' }, 'Database user; text or a Secret.'),
    option('password', 'PASSWORD', { type: 'secret' }, 'Password; a Secret.'),
    option(
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
    tlsOptions.sslCertificateAuthority,
    tlsOptions.sslCertificate,
    tlsOptions.sslKey,
    sshTunnelOption(false),
    privatelinkOption(false, false),
  ],
  required: [required('database', 'DATABASE'), required('host', 'HOST'), required('user', 'USER')],
  exclusiveGroups: [],
  rules: [together('sslKey', 'sslCertificate', 'both SSL KEY and SSL CERTIFICATE are required'), oneTunnelOnly],
  catalogType: 'postgres',
  catalogOutputs: [],
  optionsAlterable: true,
};
