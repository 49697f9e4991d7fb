// PostgreSQL through an SSH tunnel, with Materialize's tunnel keys installed on the bastion and rotated,
// all in one program (docs: CREATE CONNECTION "SSH tunnel" > Key pairs; ALTER CONNECTION ... ROTATE KEYS).
//
//   pulumi up                                   # tunnel, keys installed on the bastion, PostgreSQL validated
//   pulumi config set keyRotation 2026-06 && pulumi up
//       # ALTER CONNECTION ... ROTATE KEYS, then the bastion's managed block follows (the new key is added
//       # before the old one goes), then VALIDATE CONNECTION; the PostgreSQL connection keeps working.
//
// Config: bastionHost, bastionPort (22), bastionUser (materialize), bastionHostKey (SHA256:..., from
// `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the bastion), operatorUser (who may write the
// tunnel user's authorized_keys; default bastionUser), authorizedKeysPath (where sshd's AuthorizedKeysFile
// points; default ~/.ssh/authorized_keys), keyRotation (any text; change it to rotate),
// pgHost, pgPort (5432), pgDatabase, pgUser; secrets: operatorPrivateKey (omit to use the SSH agent), pgPassword.
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const pgHost = config.get('pgHost') ?? 'orders.internal.example.com';
const pgPort = config.getNumber('pgPort') ?? 5432;
const operatorPrivateKey = config.getSecret('operatorPrivateKey');

const tunnel = new mz.SshTunnelConnection('bastion', {
  name: 'bastion',
  host: config.get('bastionHost') ?? 'bastion.example.com',
  port: config.getNumber('bastionPort') ?? 22,
  user: config.get('bastionUser') ?? 'materialize',
  keyRotation: config.get('keyRotation') ?? 'initial',
});

// Depends on publicKey1/publicKey2: a rotation of the tunnel is followed by the bastion in the same `up`.
const keys = new mz.SshBastionAuthorizedKeys('bastion-keys', {
  connection: tunnel,
  loginUser: config.get('operatorUser'),
  path: config.get('authorizedKeysPath'),
  hostKeySha256: config.require('bastionHostKey'),
  ...(operatorPrivateKey ? { privateKey: operatorPrivateKey } : { agent: true }),
  // OpenSSH `restrict` (7.2+): the keys may only forward to PostgreSQL; no terminal, no command, no agent or
  // X11 forwarding. (Remote -R forwarding is refused by `AllowTcpForwarding local` in sshd_config, if set.)
  restrictions: { restrict: true, permitOpen: [`${pgHost}:${pgPort}`] },
  validateConnection: true,
});

const pgPassword = new mz.Secret('pg-password', { name: 'pg_password', value: config.requireSecret('pgPassword') });

const orders = new mz.PostgresConnection(
  'orders',
  {
    name: 'orders',
    host: pgHost,
    port: pgPort,
    database: config.get('pgDatabase') ?? 'orders',
    user: config.get('pgUser') ?? 'materialize',
    password: pgPassword,
    sshTunnel: tunnel,
    // Validated through the tunnel on create: the keys must be on the bastion first.
    validate: true,
  },
  { dependsOn: [keys] },
);

export const installedKeys = keys.installedKeys;
export const fingerprints = keys.fingerprints;
export const tunnelSql = tunnel.plannedSql;
export const ordersConnection = orders.qualifiedName;
