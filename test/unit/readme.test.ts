// The README's option reference is generated from the specs; it must match them.
import * as fs from 'fs';
import * as path from 'path';
import { withOptionsDoc } from '../../scripts/options-doc';

test('README.md option reference is up to date (node scripts/run-ts.js scripts/options-doc.ts --write)', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  expect(withOptionsDoc(readme)).toBe(readme);
});
