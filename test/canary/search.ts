// Where a secret can hide in text: the canary search of the leak harness. Each canary is looked for raw and in
// every encoding a program, a library or a server may put it in: base64 (standard and URL alphabet, padded or
// not, of the value alone, of `user:value`, and embedded in a longer base64 text at any byte alignment),
// URL-encoded, JSON-escaped (once and twice: a JSON document inside a JSON string), hex (lower and upper case).

export interface Canary {
  /** Where the value was given: `KafkaConnection kafka_1 saslUsername`, say. */
  readonly label: string;
  readonly value: string;
  /** A user name sent with the value, for HTTP Basic auth (`base64(user:value)`). */
  readonly user?: string;
}

export interface Haystack {
  /** Which output: `preview --diff stdout`, `stack export`, `provider log`... */
  readonly source: string;
  readonly text: string;
}

export interface Finding {
  readonly canary: string;
  readonly source: string;
  readonly encoding: string;
  /** The text around the first occurrence, the needle replaced by «…». */
  readonly context: string;
}

export interface Needle {
  readonly encoding: string;
  readonly needle: string;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const b64url = (s: string) => b64(s).replace(/\+/g, '-').replace(/\//g, '_');
const unpadded = (s: string) => s.replace(/=+$/, '');

/**
 * The base64 characters that depend on `value` alone when it follows `offset` (0, 1 or 2) other bytes: those
 * appear in the base64 of any text holding the value at that alignment, whatever comes before or after.
 */
export function embeddedBase64(value: string, offset: number): string {
  const bytes = Buffer.from(value);
  const encoded = b64(Buffer.concat([Buffer.alloc(offset), bytes]));
  const first = Math.ceil((offset * 8) / 6);
  // Character j covers bits 6j..6j+5; it is the value's alone while its last bit is inside the value.
  const last = Math.floor(((offset + bytes.length) * 8) / 6) - 1;
  return last >= first ? encoded.slice(first, last + 1) : '';
}

/** Every form of the canary that is searched for, most specific first; forms equal to an earlier one are dropped. */
export function needlesOf(c: Canary): Needle[] {
  const v = c.value;
  const json = JSON.stringify(v).slice(1, -1);
  const forms: Needle[] = [
    { encoding: 'raw', needle: v },
    { encoding: 'base64', needle: b64(v) },
    { encoding: 'base64 unpadded', needle: unpadded(b64(v)) },
    { encoding: 'base64url', needle: unpadded(b64url(v)) },
    ...(c.user !== undefined
      ? [
          { encoding: 'base64 of user:value', needle: b64(`${c.user}:${v}`) },
          { encoding: 'base64 of user:value unpadded', needle: unpadded(b64(`${c.user}:${v}`)) },
        ]
      : []),
    ...[0, 1, 2].map((o) => ({
      encoding: `base64 inside a longer text (alignment ${o})`,
      needle: embeddedBase64(v, o),
    })),
    ...[0, 1, 2].map((o) => ({
      encoding: `base64url inside a longer text (alignment ${o})`,
      needle: embeddedBase64(v, o).replace(/\+/g, '-').replace(/\//g, '_'),
    })),
    { encoding: 'URL-encoded', needle: encodeURIComponent(v) },
    { encoding: 'form-encoded', needle: new URLSearchParams({ x: v }).toString().slice(2) },
    { encoding: 'JSON-escaped', needle: json },
    { encoding: 'JSON-escaped twice', needle: JSON.stringify(json).slice(1, -1) },
    { encoding: 'hex', needle: Buffer.from(v).toString('hex') },
    { encoding: 'HEX', needle: Buffer.from(v).toString('hex').toUpperCase() },
  ];
  const seen = new Set<string>();
  return forms.filter((f) => {
    // Too short to mean anything (an embedded form of a very short value).
    if (f.needle.length < 4 || seen.has(f.needle)) return false;
    seen.add(f.needle);
    return true;
  });
}

function excerpt(text: string, at: number, length: number): string {
  const before = text.slice(Math.max(0, at - 60), at);
  const after = text.slice(at + length, at + length + 60);
  return `${before}«…»${after}`.replace(/\s+/g, ' ');
}

/** Every (canary, output, encoding) where the canary is found; one finding per triple. */
export function findLeaks(canaries: readonly Canary[], haystacks: readonly Haystack[]): Finding[] {
  const findings: Finding[] = [];
  for (const c of canaries)
    for (const n of needlesOf(c))
      for (const h of haystacks) {
        const at = h.text.indexOf(n.needle);
        if (at >= 0)
          findings.push({
            canary: c.label,
            source: h.source,
            encoding: n.encoding,
            context: excerpt(h.text, at, n.needle.length),
          });
      }
  return findings;
}

/** Findings as lines for a failure message: which option, which output, which encoding. */
export function describe(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.canary} | ${f.source} | ${f.encoding} | ${f.context}`).join('\n');
}
