// SshBastionAuthorizedKeys: installs an SshTunnelConnection's public keys on the bastion, so creating,
// rotating (keyRotation) and installing happen in one `pulumi up`: this resource depends on the key outputs.
import * as pulumi from '@pulumi/pulumi';
import type { MaterializeEndpoint } from '../provider/lifecycle/endpoint';
import type { SshTunnelConnection } from './connections';
import { ShimResource } from './shim';

type In<T> = pulumi.Input<T>;

/** How the operator logs in: the host key pinned, and a private key or the agent. */
export interface SshLoginInput {
  /** Address the operator reaches the bastion at. */
  host: In<string>;
  /** Default 22. */
  port?: In<number>;
  /** The user to log in as. */
  user: In<string>;
  /** The host key's fingerprint, `SHA256:...` as `ssh-keygen -lf` prints it. Required: never trusted on first use. */
  hostKeySha256: In<string>;
  /** The operator's private key (OpenSSH or PEM text); stored as a secret. Exclusive with `agent`. */
  privateKey?: In<string>;
  /** Passphrase of the private key; stored as a secret. */
  privateKeyPassphrase?: In<string>;
  /** Use the SSH agent: true for SSH_AUTH_SOCK, or the agent socket's path. */
  agent?: In<boolean | string>;
}

export interface SshBastionAuthorizedKeysArgs {
  /** The tunnel whose keys to install: its `publicKey1`/`publicKey2`, and its HOST, PORT and USER as defaults. */
  connection?: SshTunnelConnection;
  /** The keys to install; default the connection's two public keys. */
  publicKeys?: In<In<string>[]>;
  /** The bastion's address as the operator reaches it; default the connection's HOST. */
  host?: In<string>;
  /** Default the connection's PORT, else 22. */
  port?: In<number>;
  /** The tunnel user whose authorized_keys is managed; default the connection's USER. */
  user?: In<string>;
  /** The user the operator logs in as (it must be able to write `path`); default `user`. */
  loginUser?: In<string>;
  /** The authorized_keys file; default `~/.ssh/authorized_keys` of `user`. `~/` is the login user's home. */
  path?: In<string>;
  /**
   * Names the managed block in the file; default `<project>/<stack>/<resource name>`, so stacks of one program
   * sharing a bastion user never share a block. A block written by another stack or resource is never taken over.
   */
  blockName?: In<string>;
  /**
   * Restrictions written in front of each key: `restrict` (OpenSSH `restrict` with port forwarding added back
   * and limited to `permitOpen`, no command; OpenSSH 7.2 or newer), `permitOpen`
   * (`host:port`), `noPty`, `from` (address patterns).
   */
  restrictions?: In<{ restrict?: boolean; permitOpen?: In<string>[]; noPty?: boolean; from?: In<string>[] }>;
  /** Host key fingerprint of the bastion (`SHA256:...`). Required. */
  hostKeySha256: In<string>;
  /** The operator's private key; stored as a secret. Exclusive with `agent`. */
  privateKey?: In<string>;
  privateKeyPassphrase?: In<string>;
  /** Use the SSH agent: true for SSH_AUTH_SOCK, or the agent socket's path. */
  agent?: In<boolean | string>;
  /** Reach the bastion through this host first (its credentials are stored as a secret). */
  jumpHost?: In<SshLoginInput>;
  /** How long to keep retrying while the bastion refuses or drops connections (booting); default 60 seconds. */
  bootTimeoutSeconds?: In<number>;
  /** The deadline of each command on the bastion (a read, a write) and of a jump host's channel; default 120 seconds. */
  commandTimeoutSeconds?: In<number>;
  /** After installing, run VALIDATE CONNECTION on the connection; a failure names the bastion, user and reason. */
  validateConnection?: In<boolean>;
  /** Which Materialize VALIDATE CONNECTION runs in; default the stack config (as for the connection). */
  materialize?: In<MaterializeEndpoint>;
}

/** `<project>/<stack>/<name>`, in the characters a block name may hold (others become `_`), at most 200. */
export function defaultBlockName(name: string): string {
  return `${pulumi.getProject()}/${pulumi.getStack()}/${name}`.replace(/[^A-Za-z0-9._:@/-]/g, '_').slice(0, 200);
}

const SECRET_INPUTS = ['privateKey', 'privateKeyPassphrase', 'jumpHost', 'materialize'] as const;
const OUTPUTS = ['installedKeys', 'fingerprints', 'blockToken', 'loginUser', 'path', 'port'];

/** Keeps exactly an SSH tunnel connection's public keys in a managed block of the bastion's authorized_keys. */
export class SshBastionAuthorizedKeys extends ShimResource {
  /** The key lines in the managed block after the last update or refresh (restrictions included). */
  declare readonly installedKeys: pulumi.Output<string[]>;
  /** SHA256 fingerprints of the installed keys, as `ssh-keygen -lf` and sshd's log show them. */
  declare readonly fingerprints: pulumi.Output<string[]>;
  declare readonly host: pulumi.Output<string>;
  declare readonly user: pulumi.Output<string>;
  declare readonly loginUser: pulumi.Output<string>;
  /** The managed authorized_keys file. */
  declare readonly path: pulumi.Output<string>;

  constructor(name: string, args: SshBastionAuthorizedKeysArgs, opts?: pulumi.CustomResourceOptions) {
    const c = args.connection;
    const conn = c as unknown as Record<string, pulumi.Output<unknown> | undefined>;
    const props: Record<string, unknown> = {
      ...args,
      connection:
        c &&
        pulumi
          .all([c.name, c.schemaName, c.databaseName])
          .apply(([n, s, d]) => ({ name: n, schemaName: s, databaseName: d })),
      publicKeys: args.publicKeys ?? (c ? pulumi.all([c.publicKey1, c.publicKey2]) : undefined),
      host: args.host ?? conn?.host,
      port: args.port ?? conn?.port,
      user: args.user ?? conn?.user,
      blockName: args.blockName ?? defaultBlockName(name),
      blockOwner: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
    };
    for (const k of SECRET_INPUTS) if (props[k] !== undefined) props[k] = pulumi.secret(props[k]);
    for (const o of OUTPUTS) if (!(o in props)) props[o] = undefined;
    super('ssh-bastion-authorized-keys', 'SshBastionAuthorizedKeys', name, props as pulumi.Inputs, {
      ...opts,
      additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...SECRET_INPUTS])],
    });
  }
}
