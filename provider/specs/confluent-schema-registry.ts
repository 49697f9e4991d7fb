// CONFLUENT SCHEMA REGISTRY (materialize-semantics.md §1.8). A tunnel can't be swapped in place (§3.2 step 4).
import {
  oneTunnelOnly,
  option,
  privatelinkOption,
  requires,
  sshTunnelOption,
  tlsOptions,
  together,
  urlShape,
} from './common';
import type { ConnectionSpec } from './types';

export const confluentSchemaRegistrySpec: ConnectionSpec = {
  kind: 'confluent-schema-registry',
  sqlType: 'CONFLUENT SCHEMA REGISTRY',
  validateByDefault: true,
  options: [
    option('url', 'URL', { type: 'text' }, 'The schema registry URL, e.g. https://registry:8081 (no path).'),
    option('username', 'USER', { type: 'text-or-secret' }, 'Username for HTTP basic authentication; text or a Secret.'),
    option('password', 'PASSWORD', { type: 'secret' }, 'Password for HTTP basic authentication; a Secret.'),
    tlsOptions.sslCertificateAuthority,
    tlsOptions.sslCertificate,
    tlsOptions.sslKey,
    sshTunnelOption(false),
    privatelinkOption(false, false),
  ],
  required: [{ arg: 'url', reason: 'must specify URL' }],
  exclusiveGroups: [],
  rules: [
    urlShape('url', 'schema registry', { host: true, emptyPath: true }),
    together(
      'sslKey',
      'sslCertificate',
      'reading from SSL-auth Confluent Schema Registry requires both SSL KEY and SSL CERTIFICATE',
    ),
    // Materialize silently ignores PASSWORD without USER; a silently ignored credential is a mistake worth naming.
    requires('password', ['username'], 'PASSWORD is only used together with USER: set username, or remove password'),
    oneTunnelOnly,
  ],
  catalogType: 'confluent-schema-registry',
  catalogOutputs: [],
  optionsAlterable: true,
};
