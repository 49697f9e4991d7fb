// A failing `pulumi up` (the real dynamic-provider server through test/engine) against the real PostgreSQL and
// sshd: Materialize's (the stand-in's) validation error comes back with the probe's verdict.
import * as fs from 'fs';
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../../sdk';
import { EngineError } from '../engine';
import { startE2E, type E2E } from '../e2e/harness';
import { services } from './env';

jest.setTimeout(60_000);
const schema = 'svc_diagnose_e2e';
const pg = services.pg();
const ssh = services.ssh();
const WRONG = 'wrong-pw-e2e-93';
let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E(schema);
});
afterAll(async () => {
  await e2e?.engine.destroy().catch(() => undefined);
  await e2e?.close();
});

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(
    () => new Error('expected the run to fail'),
    (err) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  return e as EngineError;
}

test('a wrong password: Materialize says 58000, the verdict says auth and names the secret', async () => {
  const err = await failure(
    e2e.engine.up(() => {
      const pw = new mz.Secret('pw', { name: 'pgpw', schemaName: schema, value: pulumi.secret(WRONG) });
      new mz.PostgresConnection('pg', {
        name: 'pg',
        schemaName: schema,
        host: pg.host,
        port: pg.port,
        user: pg.user,
        password: pw,
        database: 'postgres',
        diagnose: { secrets: { pgpw: WRONG } },
      });
    }),
  );
  expect(err.message).toContain(`creating POSTGRES connection "materialize"."${schema}"."pg": db error: FATAL:`);
  expect(err.message).toContain(`Diagnosis: from this machine, postgres at ${pg.host}:${pg.port} fails at step auth.`);
  expect(err.message).toContain(`  observed: password authentication failed for user "${pg.user}"`);
  expect(err.message).toContain('  change:   check USER and PASSWORD (secret "pgpw")');
  expect(err.message).not.toContain(WRONG);
  expect(JSON.stringify(e2e.engine.state)).not.toContain(WRONG);
});

test("through the real sshd: the probe passes with the user key, so the verdict points at Materialize's own path", async () => {
  const err = await failure(
    e2e.engine.up(() => {
      const pw = new mz.Secret('pw', { name: 'pgpw', schemaName: schema, value: pulumi.secret(pg.password) });
      const bastion = new mz.SshTunnelConnection('bastion', {
        name: 'bastion',
        schemaName: schema,
        host: ssh.host,
        port: ssh.port,
        user: ssh.user,
      });
      new mz.PostgresConnection('pg', {
        name: 'pg',
        schemaName: schema,
        host: pg.host,
        port: pg.port,
        user: pg.user,
        password: pw,
        database: 'postgres',
        sshTunnel: bastion,
        diagnose: {
          secrets: { pgpw: pg.password },
          sshPrivateKey: fs.readFileSync(ssh.clientKeyFile, 'utf8'),
          sshHostKeySha256: ssh.hostKeySha256,
        },
      });
    }),
  );
  // The tunnel's own keys are not on the bastion: Materialize cannot connect; this machine's key can.
  expect(err.message).toContain('failed to connect to the remote host');
  expect(err.message).toContain(
    // The services' PostgreSQL password is "postgres": every text equal to a secret is masked, the kind too.
    `Diagnosis: from this machine, ${pg.password === 'postgres' ? '********' : 'postgres'} at ${pg.host}:${pg.port} through the SSH tunnel ${ssh.user}@${ssh.host}:${ssh.port} passed every check the probe makes.`,
  );
  expect(err.message).toContain("Materialize fails where this machine passes: look at Materialize's own path");
  expect(err.message).not.toContain('PRIVATE KEY');
});
