// SQL SERVER (materialize-semantics.md §1.10). Materialize refuses ALTERs of it (§3.2 step 4): changes replace.
import { clientCertificatePair, databaseServerOptions, isSet, oneTunnelOnly, option, required, rule } from './common';
import type { ConnectionSpec } from './types';

export const sqlServerSpec: ConnectionSpec = {
  kind: 'sql-server',
  sqlType: 'SQL SERVER',
  validateByDefault: true,
  options: databaseServerOptions({
    defaultPort: 1433,
    database: true,
    sslMode: option(
      'sslMode',
      'SSL MODE',
      { type: 'text', oneOf: ['disabled', 'required', 'verify', 'verify_ca'] },
      'disabled (Materialize default), required, verify or verify_ca.',
    ),
  }).map((o) => ({ ...o, alterable: false })),
  required: [
    required('host', 'HOST'),
    required('database', 'DATABASE'),
    required('user', 'USER'),
    required('password', 'PASSWORD'),
  ],
  exclusiveGroups: [],
  rules: [
    clientCertificatePair,
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
