// A deploy script for CI with the Pulumi Automation API and an inline program: `pulumi preview` (with this
// package's policy pack) on a pull request, `pulumi up` on the main branch. Run it with ts-node or compiled:
//
//   DEPLOY_MODE=preview node deploy.js    # what a pull request runs; GITHUB_EVENT_NAME=pull_request does the same
//   DEPLOY_MODE=up node deploy.js         # what the main branch runs; GITHUB_REF=refs/heads/main does the same
//   DEPLOY_MODE=destroy node deploy.js
//
// Environment: where the state lives and its passphrase (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, as for
// any Pulumi CLI run), the stack (STACK, default "ci"), Materialize (MZ_HOST, MZ_PORT, MZ_USER, MZ_PASSWORD,
// MZ_DATABASE, MZ_SSLMODE: the provider reads them in the process the CLI starts) and the PostgreSQL password
// PG_PASSWORD (kept a secret: it reaches Materialize only as a SECRET).
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { LocalWorkspace } from '@pulumi/pulumi/automation';
import * as mz from 'pulumi-materialize-connections';
import { workspaceOptions } from 'pulumi-materialize-connections/automation';

/** The inline program: what would be index.ts of a Pulumi project. */
async function program() {
  const password = new mz.Secret('pg-password', {
    name: 'automation_pg_password',
    value: pulumi.secret(process.env.PG_PASSWORD ?? ''),
  });
  const pg = new mz.PostgresConnection('pg', {
    name: 'automation_pg',
    host: 'pg.example.com',
    database: 'app',
    user: 'materialize',
    password,
    sslMode: 'require',
    validate: false, // pg.example.com is the docs' placeholder; a real host is validated on create
  });
  return { qualifiedName: pg.qualifiedName };
}

type Mode = 'preview' | 'up' | 'destroy';

function mode(): Mode {
  const m = process.env.DEPLOY_MODE;
  if (m === 'preview' || m === 'up' || m === 'destroy') return m;
  if (m) throw new Error(`DEPLOY_MODE must be preview, up or destroy (got "${m}")`);
  return process.env.GITHUB_REF === 'refs/heads/main' && process.env.GITHUB_EVENT_NAME !== 'pull_request'
    ? 'up'
    : 'preview';
}

async function main(): Promise<void> {
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: process.env.STACK ?? 'ci', projectName: 'materialize-connections-automation', program },
    // Without this, the CLI cannot start the dynamic-provider plugin from the workspace's temporary work dir.
    workspaceOptions({ envVars: { PULUMI_SKIP_UPDATE_CHECK: 'true' } }),
  );
  const onOutput = (out: string) => process.stdout.write(out);
  switch (mode()) {
    case 'preview': {
      // The pack ships in the package: mandatory policies fail the preview, advisory ones are printed.
      const policyPack = path.join(
        path.dirname(require.resolve('pulumi-materialize-connections/package.json')),
        'policy',
      );
      const r = await stack.preview({ diff: true, policyPacks: [policyPack], onOutput });
      console.log(`\npreview: ${JSON.stringify(r.changeSummary)}`);
      break;
    }
    case 'up': {
      const r = await stack.up({ onOutput });
      console.log(`\nup: ${r.summary.result}, ${JSON.stringify(r.summary.resourceChanges)}`);
      console.log(`qualifiedName: ${r.outputs.qualifiedName.value}`);
      break;
    }
    case 'destroy':
      await stack.destroy({ onOutput });
      break;
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
