// `npm run standin -- --port N`: starts the Materialize stand-in and prints how to connect.
import { startStandin, type StandinOptions } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const opts: StandinOptions = {
    port: Number(arg('port') ?? 6875),
    awsIamEndpoint: arg('aws-iam-endpoint') ?? process.env.MZ_STANDIN_AWS_IAM_ENDPOINT,
    showCreateStyle: (arg('show-create-style') as StandinOptions['showCreateStyle']) ?? 'minimal',
  };
  const s = await startStandin(opts);
  const pw = process.env.MZ_STANDIN_PASSWORD ?? 'materialize';
  console.log(`Materialize stand-in (a test double, not Materialize) listening on 127.0.0.1:${s.port}`);
  console.log(`  psql:     PGPASSWORD=${pw} psql -h 127.0.0.1 -p ${s.port} -U materialize materialize`);
  console.log(`  url:      ${s.url}`);
  console.log(`  control:  ${s.controlUrl}  (GET /log, POST /log/clear, POST /faults, GET /secret, GET /stats)`);
  const stop = async () => {
    await s.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
