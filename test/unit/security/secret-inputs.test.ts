// A value the program gave as a secret, to any option (not only the spec's sensitive ones), never appears in
// plannedSql or in the error of a refused statement, in any encoding: the SDK names those inputs in
// `secretInputs` because the engine hands a dynamic provider its inputs without their secret marks.
import { dynamicProvider } from '../../../provider';
import { closeAllPools } from '../../../provider/lifecycle/pool';
import { startStandin, type Standin } from '../../standin';

jest.setTimeout(30_000);

let mz: Standin;
beforeAll(async () => {
  mz = await startStandin({ port: 0, password: 'secret-inputs-test-password' });
}, 60_000);
afterAll(async () => {
  await closeAllPools();
  await mz.close();
});
afterEach(() => mz.faults.reset());

const csr = dynamicProvider('confluent-schema-registry');
const materialize = () => ({ host: '127.0.0.1', port: mz.port, password: 'secret-inputs-test-password' });
const OLD_USER = 'registry-user-Kq7';
const NEW_USER = 'registry-user-Zr9';

/** Every form of `value` a reader could decode. */
function forms(value: string): string[] {
  const b64 = Buffer.from(value).toString('base64');
  return [value, b64, b64.replace(/=+$/, ''), Buffer.from(value).toString('hex'), encodeURIComponent(value)];
}

const args = (user: string, secretInputs: string[]) => ({
  name: 'csr_secret_user',
  url: 'http://registry.invalid:8081',
  username: user,
  validate: false,
  materialize: materialize(),
  secretInputs,
});

test.each([
  ['ALTER CONNECTION', (user: string) => `invalid USER '${user}'`],
  ['ALTER CONNECTION', (user: string) => `registry said: Basic ${Buffer.from(`${user}:pw`).toString('base64')}`],
])('a refused %s does not print a secret-marked text option (Materialize echoing: %#)', async (match, echo) => {
  const created = await csr.create((await csr.check({}, args(OLD_USER, ['username']))).inputs!);
  try {
    const checked = await csr.check(created.outs, args(NEW_USER, ['username']));
    const planned = JSON.stringify(checked.inputs!.plannedSql);
    expect(planned).toContain(`USER = '********'`);
    for (const f of [...forms(OLD_USER), ...forms(NEW_USER)]) expect(planned).not.toContain(f);

    mz.faults.failNext(1, { code: 'XX000', message: echo(NEW_USER) }, match);
    const err = await csr.update(created.id, created.outs, checked.inputs!).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /^ALTER CONNECTION "materialize"\."public"\."csr_secret_user" SET \(USER = '\*\*\*\*\*\*\*\*'\)/,
    );
    for (const f of forms(NEW_USER)) expect(err!.message).not.toContain(f);
  } finally {
    await csr.delete(created.id, created.outs);
  }
});

test('without the mark, a text option is shown: the scrub follows the program, not a guess', async () => {
  const checked = await csr.check({}, args(OLD_USER, []));
  expect(JSON.stringify(checked.inputs!.plannedSql)).toContain(`USER = '${OLD_USER}'`);
});

test('the mark survives refresh, so delete and later errors still know it', async () => {
  const created = await csr.create((await csr.check({}, args(OLD_USER, ['username']))).inputs!);
  try {
    const read = await csr.read(created.id, created.outs);
    expect(read.props!.secretInputs).toEqual(['username']);
    expect(read.inputs!.secretInputs).toEqual(['username']);
    expect(JSON.stringify(read.props!.createSql)).not.toContain(OLD_USER);
  } finally {
    await csr.delete(created.id, created.outs);
  }
});
