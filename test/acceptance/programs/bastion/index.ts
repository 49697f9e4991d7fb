// `count` SshBastionAuthorizedKeys writing one authorized_keys file in the same `up` (Pulumi runs them in
// parallel), so the acceptance suite can check that parallel writers and stacks of one program sharing the
// file lose nothing, and that a block of another stack is never taken over.
//
// Config: bastionHost, bastionPort, bastionUser, bastionHostKey, authorizedKeysPath, keys (JSON list of
// public keys; resource i gets keys[i] and keys[i+1]), count (default 2), blockName (default: the
// resource's, which includes the project and stack); secret: operatorPrivateKey.
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const keys = config.requireObject<string[]>('keys');
const count = config.getNumber('count') ?? 2;

const resources = Array.from(
  { length: count },
  (_, i) =>
    new mz.SshBastionAuthorizedKeys(`keys-${i}`, {
      host: config.require('bastionHost'),
      port: config.requireNumber('bastionPort'),
      user: config.require('bastionUser'),
      path: config.require('authorizedKeysPath'),
      hostKeySha256: config.require('bastionHostKey'),
      privateKey: config.requireSecret('operatorPrivateKey'),
      publicKeys: [keys[i % keys.length], keys[(i + 1) % keys.length]],
      blockName: config.get('blockName'),
      restrictions: { restrict: true, permitOpen: ['127.0.0.1:5432'] },
    }),
);

export const installed = resources.map((r) => r.installedKeys);
