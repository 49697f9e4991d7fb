// Jest globalSetup of the acceptance project: the Pulumi CLI (built from source once per machine, then
// reused: `npm run pulumi-cli`) and one Materialize stand-in with a random password (the CLI masks every
// occurrence of a secret config value in what it prints, and the default password "materialize" is also the
// database's name). Each stack links this checkout as the package its program imports (pulumi.ts). AWS validation
// goes to the services' moto, so the real servers of scripts/services.sh must be running.
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as path from 'path';
import { startStandin, type Standin } from '../standin/index';
import { services } from '../services/env';

const g = globalThis as unknown as { __mzStandin?: Standin };
const ROOT = path.resolve(__dirname, '../..');

export default async function globalSetup(): Promise<void> {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/pulumi-cli.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.env.PULUMI_CLI_DIR = out.trim().split('\n').pop();
  if (process.env.MZ_TEST_URL) {
    process.env.MZ_STANDIN_URL = process.env.MZ_TEST_URL;
    return;
  }
  const s = await startStandin({
    port: 0,
    password: randomBytes(12).toString('hex'),
    awsIamEndpoint: services.motoUrl(),
    // examples/aws-glue-schema-registry: Materialize ships Glue behind this flag.
    features: { glueSchemaRegistry: true },
  });
  g.__mzStandin = s;
  process.env.MZ_STANDIN_URL = s.url;
  process.env.MZ_STANDIN_CONTROL_URL = s.controlUrl;
}
