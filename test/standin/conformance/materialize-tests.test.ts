// Runs the cases taken from Materialize's own tests (materialize-tests.cases.ts): each script on its own fresh
// stand-in, case by case, and reports a failure with the Materialize file and line it came from.
import { startStandin, type Standin } from '../index';
import { session, type Outcome, type Session } from '../testkit';
import { SCRIPTS, type Case, type Script } from './materialize-tests.cases';

/** What went wrong with a case, or undefined when the stand-in answered as the test expects. */
function mismatch(c: Case, o: Outcome): string | undefined {
  const failing = c.contains !== undefined || c.error !== undefined;
  if (failing && o.ok) return 'expected an error';
  if (!failing && !o.ok) return 'unexpected error';
  // testdrive trims the text after `contains:`.
  if (c.contains !== undefined && !(o.message ?? '').includes(c.contains.trim())) return `message lacks ${c.contains}`;
  if (c.error !== undefined && o.message !== c.error) return `message is not ${JSON.stringify(c.error)}`;
  if (c.code !== undefined && o.code !== c.code) return `SQLSTATE is not ${c.code}`;
  if (c.tag !== undefined && o.tag !== c.tag) return `tag is not ${c.tag}`;
  if (c.notice !== undefined && !o.notices.includes(c.notice)) return `no notice ${c.notice}`;
  if (c.rows !== undefined && JSON.stringify(o.rows) !== JSON.stringify(c.rows))
    return `rows are not ${JSON.stringify(c.rows)}`;
  return undefined;
}

async function run(mz: Standin, script: Script): Promise<void> {
  const sessions = new Map<string, Session>();
  const as = async (role: string | undefined): Promise<Session> => {
    const key = role ?? '';
    let s = sessions.get(key);
    if (!s) {
      const url = new URL(mz.url);
      if (role) [url.username, url.password] = [role, role];
      s = await session(url.toString(), 'materialize-tests');
      sessions.set(key, s);
    }
    return s;
  };
  try {
    for (const c of script.cases) {
      const o = await (await as(c.as)).run(c.sql);
      // A role's session ends when the role is dropped or re-created, as it would in Materialize.
      if (c.as === undefined && /^(DROP|CREATE) ROLE /i.test(c.sql))
        for (const [k, s] of sessions) if (k !== '') await s.end().then(() => sessions.delete(k));
      const wrong = mismatch(c, o);
      if (wrong)
        throw new Error(
          `${c.at} (@${script.commit.slice(0, 7)}): ${wrong}\n  statement: ${c.sql}\n  outcome: ${JSON.stringify(o)}`,
        );
    }
  } finally {
    for (const s of sessions.values()) await s.end();
  }
}

describe.each(SCRIPTS.map((s) => [s.title, s] as const))('%s', (_title, script) => {
  let mz: Standin;
  beforeAll(async () => {
    mz = await startStandin({ port: 0 });
  }, 120_000);
  afterAll(() => mz?.close());

  test(`${script.cases.length} cases from ${script.file}, in order`, () => run(mz, script), 120_000);
});

test('every case cites a line of its script file and asserts an outcome', () => {
  for (const script of SCRIPTS)
    for (const c of script.cases) {
      expect(c.at).toMatch(new RegExp(`^${script.file.replace(/\./g, '\\.')}:[1-9][0-9]*$`));
      expect([c.tag, c.rows, c.error, c.contains].some((x) => x !== undefined)).toBe(true);
    }
  expect(SCRIPTS.reduce((n, s) => n + s.cases.length, 0)).toBeGreaterThan(100);
});
