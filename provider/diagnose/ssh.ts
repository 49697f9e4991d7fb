// The SSH TUNNEL probe (ssh2): the bastion's DNS and TCP, then a login with a key the user gives.
import { reach } from './net';
import { openTunnel, sshLabel, type SshTarget } from './tunnel';
import type { ProbeContext } from './context';

export async function probeSsh(ctx: ProbeContext, ssh: SshTarget): Promise<void> {
  if (ssh.privateKey === undefined) {
    await reach(ctx.rec, ssh.host, ssh.port);
    ctx.rec.skip(
      `SSH login ${sshLabel(ssh)}`,
      'no private key was given to the probe (Materialize keeps the tunnel keys): pass one authorized on the bastion to check the login',
    );
    return;
  }
  const tunnel = await openTunnel(ctx.rec, ssh, ctx.budgetMs);
  tunnel.close();
}
