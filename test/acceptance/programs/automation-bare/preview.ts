// examples/automation/deploy.ts without workspaceOptions(): what a new user writes first. The preview must fail,
// and the failure must name the helper.
import { LocalWorkspace } from '@pulumi/pulumi/automation';
import * as mz from 'pulumi-materialize-connections';

async function main(): Promise<void> {
  const stack = await LocalWorkspace.createOrSelectStack({
    stackName: process.env.STACK ?? 'bare',
    projectName: 'materialize-connections-automation-bare',
    program: async () => {
      new mz.SshTunnelConnection('tunnel', { name: 'automation_bare_tunnel', host: 'bastion.example.com', user: 'mz' });
    },
  });
  await stack.preview({ onOutput: (out) => process.stdout.write(out) });
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
