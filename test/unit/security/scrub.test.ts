// The one scrubber (provider/scrub.ts), by property: whatever the value, whatever text surrounds it and whichever
// encoding a server or library wrote it in, the scrubbed text holds none of its forms; and what stands in its place
// does not depend on the value (not on its length either).
import fc from 'fast-check';
import { MASK, MIN_MASKABLE_LENGTH, scrub, scrubRendered, WITHHELD } from '../../../provider/scrub';
import { scrubVerdict } from '../../../provider/diagnose/verdict';

/** How a value may be written into a message, computed here independently of the scrubber. */
const ENCODINGS: Record<string, (v: string) => string> = {
  raw: (v) => v,
  base64: (v) => Buffer.from(v).toString('base64'),
  base64Unpadded: (v) => Buffer.from(v).toString('base64').replace(/=+$/, ''),
  base64url: (v) => Buffer.from(v).toString('base64url'),
  basicAuth: (v) => `Basic ${Buffer.from(`some-user:${v}`).toString('base64')}`,
  basicAuthUnpadded: (v) => Buffer.from(`u:${v}`).toString('base64').replace(/=+$/, ''),
  valueThenUser: (v) => Buffer.from(`${v}:tail`).toString('base64'),
  hex: (v) => Buffer.from(v).toString('hex'),
  hexUpper: (v) => Buffer.from(v).toString('hex').toUpperCase(),
  uri: (v) => encodeURIComponent(v),
  uriLower: (v) => encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (p) => p.toLowerCase()),
  form: (v) => new URLSearchParams({ v }).toString().slice(2),
  json: (v) => JSON.stringify(v),
  jsonTwice: (v) => JSON.stringify(JSON.stringify(v)),
  sqlLiteral: (v) => `'${v.replace(/'/g, "''")}'`,
  html: (v) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  htmlNumeric: (v) =>
    v.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': '#34', "'": '#39' }[c]};`),
};

/** The forms a reader could recover the value from. */
const visible = (v: string) => [
  v,
  Buffer.from(v).toString('base64').replace(/=+$/, ''),
  Buffer.from(v).toString('hex'),
  encodeURIComponent(v),
  JSON.stringify(v).slice(1, -1),
  ENCODINGS.html(v),
];

const longValue = fc.string({ unit: 'binary', minLength: MIN_MASKABLE_LENGTH, maxLength: 40 });
const shortValue = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: MIN_MASKABLE_LENGTH - 1 });
const text = fc.string({ unit: 'grapheme-ascii', maxLength: 30 });
const encoding = fc.constantFrom(...Object.keys(ENCODINGS));
const glue = fc.constantFrom(' ', '', ': ', '"', "'", '=', '\n');

test('a long value is gone from the text in every encoding, glued to any text', () => {
  fc.assert(
    fc.property(longValue, text, text, encoding, glue, (v, before, after, enc, g) => {
      fc.pre(v.trim().length >= MIN_MASKABLE_LENGTH && v === v.toWellFormed());
      const out = scrub(`${before}${g}${ENCODINGS[enc](v)}${g}${after}`, [v]);
      for (const form of visible(v)) expect(out).not.toContain(form);
    }),
    { numRuns: 400 },
  );
});

test('a short value is never shown: the text is withheld whole when any form of it is there', () => {
  fc.assert(
    fc.property(shortValue, text, text, encoding, glue, (v, before, after, enc, g) => {
      const out = scrub(`${before}${g}${ENCODINGS[enc](v)}${g}${after}`, [v]);
      if (out !== WITHHELD) for (const form of visible(v)) expect(out).not.toContain(form);
    }),
    { numRuns: 400 },
  );
});

test('what stands in place of a value says nothing about it, its length included', () => {
  const word = fc.stringMatching(/^[A-Za-z0-9_!@#$^&*()-]{8,40}$/);
  fc.assert(
    fc.property(word, word, text, text, (v, w, before, after) => {
      const around = (x: string) => `${before} ${x} and again ${x} ${after}`;
      fc.pre(![v, w].some((x) => before.includes(x) || after.includes(x) || x.includes(MASK)));
      expect(scrub(around(v), [v])).toBe(scrub(around(w), [w]));
    }),
    { numRuns: 300 },
  );
});

test('a quoted value of any length is masked in rendered SQL, and nothing else is touched', () => {
  expect(scrubRendered(`CREATE CONNECTION "c" TO X (USER = 'u', PASSWORD = SECRET "p")`, ['u'])).toBe(
    `CREATE CONNECTION "c" TO X (USER = '${MASK}', PASSWORD = SECRET "p")`,
  );
  expect(scrubRendered(`X (USER = 'it''s')`, ["it's"])).toBe(`X (USER = '${MASK}')`);
});

test('a registry that echoes the Authorization header in its 401 body: the verdict holds no form of it', () => {
  const password = 'registry-pw-Hq3';
  const header = `Basic ${Buffer.from(`ci-user:${password}`).toString('base64')}`;
  const verdict = scrubVerdict(
    {
      kind: 'confluent-schema-registry',
      target: 'https://registry:8081/',
      ok: false,
      step: 'auth',
      observed: `HTTP 401: {"error":"bad credentials","authorization":"${header}"}`,
      change: 'check username and password',
      checks: [],
    },
    [password],
  );
  expect(verdict.observed).toBe(`HTTP 401: {"error":"bad credentials","authorization":"Basic ${MASK}"}`);
});
