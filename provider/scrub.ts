// The one scrubber every text a user can see goes through (errors, verdicts, logs, plannedSql): a secret value
// never appears in it, raw or in any encoding a server, a library or this package may have put it in.

/** What stands where a secret was: the same token whatever the value's length. */
export const MASK = '********';

/**
 * Values shorter than this are not masked where they stand: in "invalid value" a masked "v" would show where
 * every "v" was, and so the value. A text in which such a value (or an encoding of it) occurs outside a quoted
 * literal is withheld whole instead, and says so.
 */
export const MIN_MASKABLE_LENGTH = 8;

export const WITHHELD =
  `(message withheld: it contains a secret value shorter than ${MIN_MASKABLE_LENGTH} characters, or an encoding ` +
  `of one, which could not be masked without revealing it; use secrets of at least ${MIN_MASKABLE_LENGTH} characters)`;

/** The form secret values travel in through SQL (sql/secret-value.ts): masked whatever they decode to. */
const DECODED = /decode\('[A-Za-z0-9+/=]*', 'base64'\)/g;
const BASE64_RUN = /[A-Za-z0-9+/_-]{4,}={0,2}/g;
const HEX_RUN = /[0-9A-Fa-f]{4,}/g;
/** A word with at least one %XX in it (URL- or form-encoded text). */
const PERCENT_RUN = /[^\s'"<>]*%[0-9A-Fa-f]{2}[^\s'"<>]*/g;

const sqlQuoted = (s: string) => `'${s.replace(/'/g, "''")}'`;
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);
const asciiJsonInner = (s: string) =>
  jsonInner(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const lowerPercent = (s: string) => s.replace(/%[0-9A-F]{2}/g, (p) => p.toLowerCase());
const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Go's html.EscapeString and text/template: numeric references for both quotes. */
const HTML_NUMERIC: Record<string, string> = { ...HTML, '"': '&#34;' };
const htmlEscaped = (s: string, chars = /[&<>"']/g, table = HTML) => s.replace(chars, (c) => table[c]);

/** The value as it may be written into a text, quoted forms apart. */
function encodings(v: string): string[] {
  const bytes = Buffer.from(v, 'utf8');
  const base64 = bytes.toString('base64');
  const uri = encodeURIComponent(v);
  const form = new URLSearchParams({ v }).toString().slice(2);
  const hex = bytes.toString('hex');
  return [
    v,
    v.replace(/'/g, "''"),
    jsonInner(v),
    jsonInner(jsonInner(v)),
    htmlEscaped(v),
    htmlEscaped(v, /[&<>]/g),
    htmlEscaped(v, /[&<>"]/g), // double quotes only, as most template engines escape attribute values
    htmlEscaped(v, /[&<>"']/g, HTML_NUMERIC),
    asciiJsonInner(v),
    uri,
    lowerPercent(uri),
    form,
    lowerPercent(form),
    hex,
    hex.toUpperCase(),
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
  ];
}

/** Quoted forms: a fixed token in place of a whole literal tells nothing about its value, however short. */
function quotedForms(v: string): string[] {
  return [sqlQuoted(v), `"${v.replace(/"/g, '""')}"`, `"${jsonInner(v)}"`];
}

const replaceAll = (text: string, form: string, by: string) => (form === '' ? text : text.split(form).join(by));

/** Whether some decoding of `run` (tried at each alignment) holds one of the values' bytes. */
function decodedHolds(run: string, values: readonly Buffer[], decode: (s: string) => Buffer, alignments: number) {
  for (let at = 0; at < alignments && at < run.length; at++) {
    const bytes = decode(run.slice(at));
    if (values.some((v) => bytes.includes(v))) return true;
  }
  return false;
}

function percentDecode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(s[i] === '+' ? ' ' : s[i], 'utf8'));
  }
  return Buffer.from(out);
}

/** Runs of the text that decode (base64, hex, percent-encoding) to something holding a value, masked whole. */
function maskDecodable(text: string, values: readonly Buffer[]): string {
  if (values.length === 0) return text;
  return text
    .replace(BASE64_RUN, (run) => (decodedHolds(run, values, (s) => Buffer.from(s, 'base64'), 4) ? MASK : run))
    .replace(HEX_RUN, (run) => (decodedHolds(run, values, (s) => Buffer.from(s, 'hex'), 2) ? MASK : run))
    .replace(PERCENT_RUN, (run) => (decodedHolds(run, values, percentDecode, 1) ? MASK : run));
}

/** The distinct non-empty string values, each also as Materialize would store it with a lone surrogate. */
export function secretStrings(secrets: readonly unknown[]): string[] {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s !== '');
  return [...new Set(values.flatMap((v) => [v, v.toWellFormed()]))].sort((a, b) => b.length - a.length);
}

/** Quoted forms of every value, `decode(...)`, and every encoding of the values long enough to mask in place. */
function maskInPlace(text: string, values: readonly string[]): string {
  let out = text.replace(DECODED, `decode('${MASK}', 'base64')`);
  for (const v of values) for (const form of quotedForms(v)) out = replaceAll(out, form, form[0] + MASK + form[0]);
  const long = values.filter((v) => v.length >= MIN_MASKABLE_LENGTH);
  for (const v of long) for (const form of encodings(v)) out = replaceAll(out, form, MASK);
  return maskDecodable(
    out,
    long.map((v) => Buffer.from(v, 'utf8')),
  );
}

/**
 * `text` with every secret value masked: quoted literals of any value, every `decode('...', 'base64')`, and every
 * occurrence of a value of at least MIN_MASKABLE_LENGTH characters raw, JSON-escaped, URL- or form-encoded, in
 * HTML-escaped, hex, and in base64 (padded or not, standard or URL-safe, alone or inside a longer encoded text such as
 * `Basic base64(user:value)`). A shorter value that still occurs in any of these forms withholds the whole text.
 * Non-string "secrets" are ignored, not stringified.
 */
export function scrub(text: string, secrets: readonly unknown[]): string {
  const values = secretStrings(secrets);
  const out = maskInPlace(text, values);
  const short = values.filter((v) => v.length < MIN_MASKABLE_LENGTH);
  if (short.some((v) => encodings(v).some((form) => out.includes(form)))) return WITHHELD;
  if (
    maskDecodable(
      out,
      short.map((v) => Buffer.from(v, 'utf8')),
    ) !== out
  )
    return WITHHELD;
  return out;
}

/**
 * A text this package rendered itself (a statement, "creating secret ..."), where every value stands quoted: a
 * literal, an identifier or `decode(...)`. Those forms are masked whatever the length, so a short value that
 * occurs elsewhere only by chance (the "c" in CONNECTION) leaves the text whole. Never for what a server said.
 */
export function scrubRendered(text: string, secrets: readonly unknown[]): string {
  return maskInPlace(text, secretStrings(secrets));
}

/** Every string inside a JSON-like value scrubbed (keys kept). */
export function scrubDeep<T>(value: T, secrets: readonly unknown[], keep: readonly string[] = []): T {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    typeof v === 'string' && !keep.includes(key) ? scrub(v, secrets) : v,
  ) as T;
}
