// The resources of the cross-check, shared by the Pulumi program here (real CLI) and the test's program
// (test/engine): a secret, an SSH tunnel, and a PostgreSQL connection through it that references both.
import type * as pulumiModule from '@pulumi/pulumi';
import type * as sdk from '../../../../sdk';

export type Phase = 'create' | 'update';

export function crosscheckResources(pulumi: typeof pulumiModule, mz: typeof sdk, phase: Phase) {
  const password = new mz.Secret('pgpass', { name: 'xc_pgpass', value: pulumi.secret('xc-password-value') });
  const tunnel = new mz.SshTunnelConnection('tunnel', {
    name: 'xc_tunnel',
    host: phase === 'create' ? 'bastion-1.example.com' : 'bastion-2.example.com',
    user: 'materialize',
  });
  const pg = new mz.PostgresConnection('pg', {
    name: 'xc_pg',
    host: 'db.example.com',
    database: 'app',
    user: 'materialize',
    password,
    sshTunnel: tunnel,
    comment: phase === 'update' ? 'updated' : undefined,
    validate: false,
  });
  return { pg: pg.qualifiedName, tunnel: tunnel.qualifiedName };
}
