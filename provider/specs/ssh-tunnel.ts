// SSH TUNNEL (materialize-semantics.md §1.9). The key pairs are Materialize's; PUBLIC KEY 1/2 are outputs, not options.
import { option, required } from './common';
import type { ConnectionSpec } from './types';

export const sshTunnelSpec: ConnectionSpec = {
  kind: 'ssh-tunnel',
  sqlType: 'SSH TUNNEL',
  validateByDefault: false,
  options: [
    option('host', 'HOST', { type: 'text' }, 'Hostname of the SSH bastion.'),
    option('port', 'PORT', { type: 'port' }, 'SSH port (Materialize defaults to 22).'),
    option('user', 'USER', { type: 'text' }, 'User to log in as on the bastion (text only).'),
  ],
  required: [required('host', 'HOST'), required('user', 'USER')],
  exclusiveGroups: [],
  rules: [],
  catalogType: 'ssh-tunnel',
  catalogOutputs: [
    {
      output: 'publicKey1',
      relation: 'mz_catalog.mz_ssh_tunnel_connections',
      column: 'public_key_1',
      doc: "Materialize's first public key; install it in the bastion's authorized_keys.",
    },
    {
      output: 'publicKey2',
      relation: 'mz_catalog.mz_ssh_tunnel_connections',
      column: 'public_key_2',
      doc: "Materialize's second public key; install it too, so keys can rotate without downtime.",
    },
  ],
  optionsAlterable: true,
  triggers: [
    {
      arg: 'keyRotation',
      action: 'ROTATE KEYS',
      doc: 'Any string or number; changing it from one value to another runs ALTER CONNECTION ... ROTATE KEYS in place (key 2 becomes key 1, a new key 2 is generated).',
    },
  ],
};
