// @aws-sdk/client-iam is a dependency of the package, but only a role resource at work loads it: every
// other resource (and the SDK entry, and a role resource merely registered) keeps its cold start.
import { execFileSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');

/** Runs `body` in a fresh Node process over the built lib/ and returns what it printed (JSON). */
function inFreshProcess(body: string): Record<string, boolean> {
  const script = `
    const loaded = () => Object.keys(require.cache).some((f) => f.includes('/@aws-sdk/client-iam/'));
    const out = {};
    (async () => { ${body} })().then(() => console.log(JSON.stringify(out)), (e) => { console.error(e); process.exit(1); });
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

test('the SDK entry, the provider entry and every other resource kind load no AWS SDK', () => {
  const out = inFreshProcess(`
    require('./lib/sdk');
    const provider = require('./lib/provider');
    for (const kind of [...provider.connectionKinds, 'secret']) {
      const impl = provider.dynamicProvider(kind);
      await impl.check({}, { name: 'x' });
    }
    out.others = loaded();
    // A role resource checked and diffed (no IAM call yet) still loads nothing.
    const role = provider.dynamicProvider('aws-connection-role');
    await role.check({}, { connection: { name: 'c' }, roleName: 'r' });
    out.roleChecked = loaded();
    require('./lib/provider/aws-role/iam').sdkIam({ region: 'us-east-1' }).close();
    out.roleAtWork = loaded();
  `);
  expect(out).toEqual({ others: false, roleChecked: false, roleAtWork: true });
});
