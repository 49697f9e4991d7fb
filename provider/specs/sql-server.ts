// SQL SERVER (materialize-semantics.md §1.10). Materialize refuses ALTERs of it (§3.2 step 4): changes replace.
import {
  isSet,
  oneTunnelOnly,
  option,
  privatelinkOption,
  required,
  rule,
  sshTunnelOption,
  tlsOptions,
  together,
} from './common';
import type { ConnectionSpec } from './types';

export const sqlServerSpec: ConnectionSpec = {
  kind: 'sql-server',
  sqlType: 'SQL SERVER',
  validateByDefault: true,
  options: [
    option('host', 'HOST', { type: 'text' }, 'Server hostname.'),
    option('port', 'PORT', { type: 'port' }, 'Port (Materialize defaults to 1433).'),
    option('database', 'DATABASE', { type: 'text' }, 'Target database.'),
    option('user', 'USER', { type: 'text-or-secret' }, 'Login; text or a Secret.'),
    option('password', 'PASSWORD', { type: 'secret' }, 'Password; a Secret.'),
    option(
      'sslMode',
      'SSL MODE',
      { type: 'text', oneOf: ['disabled', 'required', 'verify', 'verify_ca'] },
      'disabled (Materialize default), required, verify or verify_ca.',
    ),
    tlsOptions.sslCertificateAuthority,
    tlsOptions.sslCertificate,
    tlsOptions.sslKey,
    sshTunnelOption(false),
    privatelinkOption(false, false),
  ].map((o) => ({ ...o, alterable: false })),
  required: [
    required('host', 'HOST'),
    required('database', 'DATABASE'),
    required('user', 'USER'),
    required('password', 'PASSWORD'),
  ],
  exclusiveGroups: [],
  rules: [
    together('sslKey', 'sslCertificate', 'both SSL KEY and SSL CERTIFICATE are required'),
    oneTunnelOnly,
    rule(['sslMode', 'sslCertificateAuthority'], (a) =>
      String(a.sslMode ?? '').toLowerCase() === 'verify_ca' && !isSet(a, 'sslCertificateAuthority')
        ? [{ property: 'sslCertificateAuthority', reason: "SSL MODE 'verify_ca' requires SSL CERTIFICATE AUTHORITY" }]
        : [],
    ),
  ],
  catalogType: 'sql-server',
  catalogOutputs: [],
  optionsAlterable: false,
};
