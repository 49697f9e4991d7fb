// SshBastionAuthorizedKeys through the real Pulumi CLI and the services' sshd: four resources writing one
// authorized_keys file in the same `up` (the engine runs them in parallel) lose nothing, on create, rotation
// and destroy; two stacks of one program share the file with a block each; a block of the other stack is
// never taken over. The file is the test's own (never the shared one sshd reads).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { outsideBlocks } from '../../provider/bastion/authorized-keys';
import { generateKeyPair } from '../standin/ssh-keys';
import { servicesBastion } from '../services/bastion-rig';
import { ROOT, Stack } from './pulumi';

const ssh = servicesBastion();
const uid = Number(execFileSync('id', ['-u', ssh.user]).toString());
const keys = Array.from({ length: 5 }, () => generateKeyPair().publicKey);
const program = path.join(ROOT, 'test/acceptance/programs/bastion');
const RESTRICT = 'restrict,port-forwarding,command="false",permitopen="127.0.0.1:5432"';

let dir: string;
let file: string;
let original: Buffer;
const stacks: Stack[] = [];
const read = () => fs.readFileSync(file);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-acceptance-'));
  fs.chownSync(dir, uid, uid);
  file = path.join(dir, 'authorized_keys');
  original = Buffer.from('# by hand\r\nssh-ed25519 AAAAC3Nza hand-added \xe9\n', 'latin1');
  fs.writeFileSync(file, original);
  fs.chownSync(file, uid, uid);
});
afterEach(async () => {
  for (const s of stacks.splice(0)) {
    await s.run(['destroy', '--yes', '--skip-preview']);
    s.remove();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

async function stack(name: string, config: Record<string, string>): Promise<Stack> {
  const s = new Stack({ programDir: program, stack: name });
  stacks.push(s);
  await s.init(
    {
      bastionHost: ssh.host,
      bastionPort: String(ssh.port),
      bastionUser: ssh.user,
      bastionHostKey: ssh.hostKeySha256,
      authorizedKeysPath: file,
      keys: JSON.stringify(keys.slice(0, 4)),
      ...config,
    },
    { operatorPrivateKey: ssh.operatorKey },
  );
  return s;
}
const blockOf = (name: string) => {
  const text = read().toString('utf8');
  const m = new RegExp(`# BEGIN pulumi-materialize-connections block=${name} id=\\S+ .*\\n([^]*?)# END`).exec(text);
  return m ? m[1].split('\n').filter(Boolean) : undefined;
};

test('four resources writing one file in the same up: every block there, rotated, removed; nothing else touched', async () => {
  const s = await stack('parallel', { count: '4' });
  await s.ok(['up', '--yes', '--skip-preview']);
  for (let i = 0; i < 4; i++)
    expect(blockOf(`acceptance-bastion/parallel/keys-${i}`)).toEqual([
      `${RESTRICT} ${keys[i]}`,
      `${RESTRICT} ${keys[(i + 1) % 4]}`,
    ]);
  expect(outsideBlocks(read().toString('latin1'))).toEqual(outsideBlocks(original.toString('latin1')));

  // Every resource rotates (a new key in, an old one out: two writes each), all in one up.
  await s.setConfig('keys', JSON.stringify(keys.slice(1, 5)));
  await s.ok(['up', '--yes', '--skip-preview']);
  for (let i = 0; i < 4; i++)
    expect(blockOf(`acceptance-bastion/parallel/keys-${i}`)).toEqual([
      `${RESTRICT} ${keys[1 + i]}`,
      `${RESTRICT} ${keys[1 + ((i + 1) % 4)]}`,
    ]);
  await s.ok(['refresh', '--yes', '--skip-preview']);
  expect((await s.run(['preview', '--expect-no-changes'])).code).toBe(0);

  await s.ok(['destroy', '--yes', '--skip-preview']);
  expect(read().equals(original)).toBe(true);
}, 600_000);

test("two stacks of one program: a block each by default; with one blockName, the second stack is refused, the first's block kept", async () => {
  const dev = await stack('dev', { count: '1' });
  const prod = await stack('prod', { count: '1' });
  await dev.ok(['up', '--yes', '--skip-preview']);
  await prod.ok(['up', '--yes', '--skip-preview']);
  expect(blockOf('acceptance-bastion/dev/keys-0')).toHaveLength(2);
  expect(blockOf('acceptance-bastion/prod/keys-0')).toHaveLength(2);
  await prod.ok(['destroy', '--yes', '--skip-preview']);
  expect(blockOf('acceptance-bastion/prod/keys-0')).toBeUndefined();
  expect(blockOf('acceptance-bastion/dev/keys-0')).toHaveLength(2);
  await dev.ok(['destroy', '--yes', '--skip-preview']);
  expect(read().equals(original)).toBe(true);

  // The same explicit blockName in both stacks: the block is the first stack's; the second is refused.
  await dev.setConfig('blockName', 'shared');
  await prod.setConfig('blockName', 'shared');
  await dev.ok(['up', '--yes', '--skip-preview']);
  const withDev = read();
  const refused = await prod.run(['up', '--yes', '--skip-preview']);
  expect(refused.code).not.toBe(0);
  expect(refused.output).toMatch(
    /block shared in \S+ belongs to another owner \(id [0-9a-f]{12}-[0-9a-f]{16}\), e\.g\. the same program's other stack: it is never taken over/,
  );
  expect(read().equals(withDev)).toBe(true);
  await prod.ok(['destroy', '--yes', '--skip-preview']);
  expect(read().equals(withDev)).toBe(true);
  await dev.ok(['destroy', '--yes', '--skip-preview']);
  expect(read().equals(original)).toBe(true);
}, 600_000);
