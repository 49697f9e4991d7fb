// `npm run schema:gen` writes the native provider's schema (built from provider/specs) to schema/schema.json;
// `npm run schema:check` fails when that file is not what the specs give now (CI runs it).
import * as fs from 'fs';
import * as path from 'path';
import { buildSchema } from '../provider/native/schema';

const FILE = path.resolve(__dirname, '../schema/schema.json');

/** Formatted as prettier formats JSON, so `npm run lint` and the staleness check agree. */
async function render(): Promise<string> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(FILE)) ?? {};
  return prettier.format(JSON.stringify(buildSchema()), { ...config, parser: 'json' });
}

async function main(): Promise<void> {
  const wanted = await render();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(FILE) ? fs.readFileSync(FILE, 'utf8') : '';
    if (current !== wanted) {
      process.stderr.write('schema/schema.json is stale: run `npm run schema:gen` and commit it\n');
      process.exit(1);
    }
    process.stdout.write('schema/schema.json is up to date\n');
    return;
  }
  fs.mkdirSync(path.dirname(FILE), { recursive: true });
  fs.writeFileSync(FILE, wanted);
  process.stdout.write(`wrote ${path.relative(process.cwd(), FILE)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
