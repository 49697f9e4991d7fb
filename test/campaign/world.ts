// What one campaign shares across its schedules: the stand-in, the proxies in front of moto and sshd, the
// Pulumi CLI, the bastion's login, and the AWS credentials (canaries too).
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IAMClient } from '@aws-sdk/client-iam';
import { fingerprint } from '../../provider/bastion';
import { services } from '../services/env';
import { startStandin, type Standin } from '../standin';
import { CatalogReader } from './catalog';
import { ROOT } from './cli';
import { ROLES } from './model';
import { CutProxy } from '../services/cut-proxy';

export interface World {
  cliDir: string;
  standin: Standin;
  catalog: CatalogReader;
  password: string;
  port: string;
  moto: CutProxy;
  sshd: CutProxy;
  /** IAM straight at moto (not through the proxy): what the checks read. */
  iam: IAMClient;
  ssh: { host: string; port: number; user: string; hostKey: string; privateKey: string };
  aws: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const cliDir = execFileSync('bash', [path.join(ROOT, 'scripts/pulumi-cli.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop()!;
  const motoUrl = new URL(services.motoUrl());
  const moto = await new CutProxy(motoUrl.hostname, Number(motoUrl.port)).start();
  const svc = services.ssh();
  const sshd = await new CutProxy(svc.host, svc.port).start();
  const password = `mzpw${randomBytes(10).toString('hex')}`;
  // Materialize's own AWS validation goes through the proxy too, so a cut reaches VALIDATE CONNECTION.
  const standin = await startStandin({ port: 0, password, awsIamEndpoint: `http://127.0.0.1:${moto.port}` });
  const catalog = new CatalogReader(standin.url, standin);
  for (const role of ROLES) await catalog.sql(`CREATE ROLE "${role}"`);
  const hostKeyLine = fs.readFileSync(path.join(path.dirname(svc.clientKeyFile), 'host_ed25519.pub'), 'utf8');
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: motoUrl.toString(),
    credentials: { accessKeyId: 'campaign', secretAccessKey: 'campaign' },
  });
  return {
    cliDir,
    standin,
    catalog,
    password,
    port: new URL(standin.url).port,
    moto,
    sshd,
    iam,
    ssh: {
      host: svc.host,
      port: svc.port,
      user: svc.user,
      hostKey: fingerprint(Buffer.from(hostKeyLine.split(' ')[1], 'base64')),
      privateKey: fs.readFileSync(svc.clientKeyFile, 'utf8'),
    },
    aws: {
      accessKeyId: `AKIACAMP${randomBytes(6).toString('hex').toUpperCase()}`,
      secretAccessKey: `awssk${randomBytes(12).toString('hex')}`,
    },
    async close() {
      iam.destroy();
      await Promise.all([moto.close(), sshd.close(), standin.close()]);
    },
  };
}
