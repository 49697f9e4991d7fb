// The canary search finds each encoding it claims to find, wherever the value sits in a longer text, and
// finds nothing where the value is not.
import fc from 'fast-check';
import { embeddedBase64, findLeaks, needlesOf, type Canary } from './search';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const url = (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_');

/** Each encoding the module claims, as a producer puts it into output. */
function encoded(v: string, user: string): Record<string, string> {
  const hex = Buffer.from(v).toString('hex');
  return {
    raw: `error: ${v}.`,
    base64: `token ${b64(v)} end`,
    'base64 unpadded': `token=${b64(v).replace(/=+$/, '')}&x`,
    base64url: url(b64(v)).replace(/=+$/, ''),
    'base64 of user:value': `Authorization: Basic ${b64(`${user}:${v}`)}`,
    'base64 of user:value unpadded': b64(`${user}:${v}`).replace(/=+$/, ''),
    'base64 inside a longer text (alignment 0)': b64(`abc${v}xyz`),
    'base64 inside a longer text (alignment 1)': b64(`a${v}`),
    'base64 inside a longer text (alignment 2)': b64(`ab${v}`),
    'base64url inside a longer text (alignment 0)': url(b64(`${v}`)),
    'base64url inside a longer text (alignment 1)': url(b64(`a${v}`)),
    'base64url inside a longer text (alignment 2)': url(b64(`xy${v}`)),
    'URL-encoded': `https://registry.example/?p=${encodeURIComponent(v)}`,
    'form-encoded': new URLSearchParams({ password: v }).toString(),
    'JSON-escaped': JSON.stringify({ password: v }),
    'JSON-escaped twice': JSON.stringify({ doc: JSON.stringify({ password: v }) }),
    hex: `\\x${hex}`,
    HEX: `0x${hex.toUpperCase()}`,
  };
}

/** A value for which every claimed encoding is a distinct text (base64 with + and /, padding, escapes). */
function distinctCanary(): Canary {
  for (let i = 0; ; i++) {
    const c = {
      label: 'Kafka saslPassword',
      value: `cnry-7f3a "q" / +&=é\\ ${'?>~'.repeat(i % 7)}${i}`,
      user: 'cnry-user',
    };
    if (needlesOf(c).length === Object.keys(encoded(c.value, c.user)).length) return c;
  }
}
const canary = distinctCanary();
const v = canary.value;
const ENCODED = encoded(v, canary.user!);

test.each(Object.entries(ENCODED))('finds the canary encoded as %s', (encoding, text) => {
  const found = findLeaks([canary], [{ source: 'out', text }]);
  expect(found.map((f) => f.encoding)).toContain(encoding);
  expect(found.every((f) => f.canary === canary.label && f.source === 'out')).toBe(true);
});

test('every encoding of needlesOf is exercised above (a new encoding needs its test)', () => {
  const claimed = needlesOf(canary).map((n) => n.encoding);
  for (const encoding of claimed)
    expect(
      Object.keys(ENCODED).concat([
        'base64url inside a longer text (alignment 0)',
        'base64url inside a longer text (alignment 2)',
      ]),
    ).toContain(encoding);
});

test('a Basic Authorization header is found without knowing the user', () => {
  const header = `Basic ${b64(`someone-else:${v}`)}`;
  expect(findLeaks([{ label: 'x', value: v }], [{ source: 'verdict', text: header }])).not.toEqual([]);
});

test('nothing is found where the value is not, nor a value that differs by one character', () => {
  const other = v.replace('7f3a', '7f3b');
  const unrelated = Object.entries(encoded(other, canary.user!)).map(([source, text]) => ({ source, text }));
  expect(findLeaks([canary], unrelated)).toEqual([]);
  expect(findLeaks([canary], [{ source: 'masked', text: "SASL PASSWORD = '********'" }])).toEqual([]);
});

test('property: any value of 4+ characters, anywhere in any text, is found in every encoding', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 4, maxLength: 40, unit: 'grapheme' }),
      fc.string(),
      fc.string(),
      (value, pre, post) => {
        const whole = `${pre}${value}${post}`;
        const outputs = [
          whole,
          b64(whole),
          b64(whole).replace(/\+/g, '-').replace(/\//g, '_'),
          encodeURIComponent(whole),
          JSON.stringify(whole),
          JSON.stringify(JSON.stringify(whole)),
          Buffer.from(whole).toString('hex'),
          Buffer.from(whole).toString('hex').toUpperCase(),
        ];
        for (const text of outputs)
          expect(findLeaks([{ label: 'c', value }], [{ source: 'o', text }]).length).toBeGreaterThan(0);
      },
    ),
    { numRuns: 300 },
  );
});

test('embeddedBase64 is the part of the base64 that the value alone decides', () => {
  for (let offset = 0; offset < 3; offset++)
    for (const pre of ['', 'x', 'xy', 'xyz', 'wxyz']) {
      if (pre.length % 3 !== offset) continue;
      expect(b64(`${pre}${v}!!`)).toContain(embeddedBase64(v, offset));
    }
});
