// End to end through the real dynamic-provider server (test/engine): an SSH tunnel, its keys installed on
// the real sshd by SshBastionAuthorizedKeys, and a PostgreSQL connection through the tunnel that the
// stand-in validates against the real PostgreSQL, before and after a rotation done in one `up`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../../sdk';
import { fingerprint } from '../../provider/bastion';
import { startE2E, type E2E } from '../e2e/harness';
import { services } from './env';

const schema = 'e2e_bastion';
const svc = services.ssh();
const pg = services.pg();
const HOST_KEY = fingerprint(
  Buffer.from(
    fs.readFileSync(path.join(path.dirname(svc.clientKeyFile), 'host_ed25519.pub'), 'utf8').split(' ')[1],
    'base64',
  ),
);
const operatorKey = fs.readFileSync(svc.clientKeyFile, 'utf8');
const keyBody = operatorKey.split('\n')[1];
const q = (name: string) => `"materialize"."${schema}"."${name}"`;
let e: E2E;
let original: string;
const file = () => fs.readFileSync(svc.authorizedKeysFile, 'utf8');

function program(rotation: number, keysPath = svc.authorizedKeysFile) {
  return () => {
    const tunnel = new mz.SshTunnelConnection('tunnel', {
      name: 'tunnel',
      schemaName: schema,
      host: svc.host,
      port: svc.port,
      user: svc.user,
      keyRotation: rotation,
    });
    const keys = new mz.SshBastionAuthorizedKeys('tunnel-keys', {
      connection: tunnel,
      path: keysPath,
      hostKeySha256: HOST_KEY,
      privateKey: pulumi.secret(operatorKey),
      restrictions: { noPty: true, permitOpen: [`127.0.0.1:${pg.port}`] },
      validateConnection: true,
    });
    const password = new mz.Secret('pgpass', { name: 'pgpass', schemaName: schema, value: pulumi.secret(pg.password) });
    new mz.PostgresConnection(
      'orders',
      {
        name: 'orders',
        schemaName: schema,
        host: '127.0.0.1',
        port: pg.port,
        user: pg.user,
        password,
        database: 'postgres',
        sshTunnel: tunnel,
        validate: true,
      },
      { dependsOn: [keys] },
    );
    return { k1: tunnel.publicKey1, k2: tunnel.publicKey2, installed: keys.installedKeys };
  };
}

beforeAll(async () => {
  original = file();
  e = await startE2E(schema);
}, 60_000);
afterAll(async () => {
  fs.writeFileSync(svc.authorizedKeysFile, original);
  await e?.close();
});

test('keys installed, PostgreSQL validated through the tunnel, rotation in one up, drift restored, destroy', async () => {
  const opts = `permitopen="127.0.0.1:${pg.port}",no-pty`;
  const first = await e.engine.up(program(1));
  expect(Object.fromEntries(first.steps.map((s) => [s.name, s.op]))).toEqual({
    tunnel: 'create',
    'tunnel-keys': 'create',
    pgpass: 'create',
    orders: 'create',
  });
  const { k1, k2 } = first.outputs as { k1: string; k2: string };
  expect(first.outputs.installed).toEqual([`${opts} ${k1}`, `${opts} ${k2}`]);
  expect(file().startsWith(original)).toBe(true);
  expect(file()).toContain(
    `\n${opts} ${k1}\n${opts} ${k2}\n# END pulumi-materialize-connections block=project/dev/tunnel-keys\n`,
  );
  // The stand-in logs in to sshd with its own private keys, and reaches PostgreSQL through the tunnel.
  expect(await e.sql(`VALIDATE CONNECTION ${q('tunnel')}`)).toEqual([]);
  expect(await e.sql(`VALIDATE CONNECTION ${q('orders')}`)).toEqual([]);

  // Preview of a rotation: the statement is shown; the keys to install are not known yet.
  const preview = await e.engine.preview(program(2));
  expect(preview.step('tunnel')!.op).toBe('update');
  expect(preview.step('tunnel')!.inputs!.plannedSql).toEqual([`ALTER CONNECTION ${q('tunnel')} ROTATE KEYS`]);
  expect(preview.step('tunnel-keys')!.op).toBe('update');
  expect(preview.step('orders')!.op).toBe('same');

  // The rotation: ROTATE KEYS, then the new keys installed (old key 1 gone), then VALIDATE, in one up.
  const callsBefore = e.engine.calls.length;
  const second = await e.engine.up(program(2));
  expect(Object.fromEntries(second.steps.map((s) => [s.name, s.op]))).toEqual({
    tunnel: 'update',
    'tunnel-keys': 'update',
    pgpass: 'same',
    orders: 'same',
  });
  expect(
    e.engine.calls
      .slice(callsBefore)
      .filter((c) => c.method === 'update')
      .map((c) => c.urn.split('::').pop()),
  ).toEqual(['tunnel', 'tunnel-keys']);
  const { k1: r1, k2: r2 } = second.outputs as { k1: string; k2: string };
  expect(r1).toBe(k2);
  expect(r2).not.toBe(k1);
  expect(r2).not.toBe(k2);
  expect(second.outputs.installed).toEqual([`${opts} ${r1}`, `${opts} ${r2}`]);
  expect(file()).not.toContain(k1);
  expect(await e.sql(`VALIDATE CONNECTION ${q('orders')}`)).toEqual([]);

  // Drift: key 2 removed by hand; refresh sees it, the next up puts it back.
  fs.writeFileSync(svc.authorizedKeysFile, file().replace(`${opts} ${r2}\n`, ''));
  const refresh = await e.engine.refresh();
  expect(refresh.step('tunnel-keys')!.op).toBe('update');
  expect(refresh.step('tunnel-keys')!.outputsAfter!.installedKeys).toEqual([`${opts} ${r1}`]);
  const third = await e.engine.up(program(2));
  expect(third.step('tunnel-keys')!.op).toBe('update');
  expect(file()).toContain(`\n${opts} ${r1}\n${opts} ${r2}\n`);

  // The operator's private key is a secret: ciphertext in state, never in logs.
  const keys = e.engine.resource('tunnel-keys')!;
  expect(keys.secretInputs).toContain('privateKey');
  expect(keys.secretOutputs).toContain('privateKey');
  expect(JSON.stringify(e.engine.state)).not.toContain(keyBody);
  expect(e.engine.logs.join('\n')).not.toContain(keyBody);

  await e.engine.destroy();
  expect(file()).toBe(original);
  expect(await e.sql(`SELECT name FROM mz_connections WHERE name IN ('tunnel', 'orders')`)).toEqual([]);
}, 120_000);

test('a failed VALIDATE after installing names the bastion, the user and the reason; the keys stay recorded', async () => {
  // Keys written to a file sshd does not read: installed, but Materialize cannot log in.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ak-'));
  fs.chmodSync(dir, 0o777);
  const elsewhere = path.join(dir, 'authorized_keys');
  await e.engine.destroy(); // from a clean stack, whatever the test before left
  try {
    const err = (await e.engine.up(program(1, elsewhere)).catch((x) => x)) as Error;
    expect(err.message).toContain(
      `keys installed on bastion sshtest@127.0.0.1:${svc.port} (${elsewhere}, block project/dev/tunnel-keys) for user sshtest, but ` +
        `VALIDATE CONNECTION ${q('tunnel')} failed: `,
    );
    expect(err.message).toMatch(/failed to connect to the remote host/);
    expect(err.message).not.toContain(keyBody);
    const keys = e.engine.resource('tunnel-keys')!;
    expect(keys.initErrors?.[0]).toContain('VALIDATE CONNECTION');
    expect(keys.outputs.installedKeys).toHaveLength(2);
    expect(fs.readFileSync(elsewhere, 'utf8')).toContain(
      '# BEGIN pulumi-materialize-connections block=project/dev/tunnel-keys',
    );
    await e.engine.destroy();
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
