// I4: a secret value in any encoding someone might print it in. Base64 is searched at all three alignments
// (a value inside a longer base64 text starts at any byte offset), with and without padding, for the value
// alone and as `user:value` (HTTP basic auth).

export interface Form {
  how: string;
  text: string;
}

function base64Forms(bytes: Buffer, what: string): Form[] {
  const whole = bytes.toString('base64');
  const out: Form[] = [
    { how: `base64 of ${what}`, text: whole },
    { how: `base64 of ${what} without padding`, text: whole.replace(/=+$/, '') },
    { how: `base64url of ${what}`, text: bytes.toString('base64url') },
  ];
  for (const shift of [0, 1, 2]) {
    // The characters that depend only on the value's own bytes, wherever it starts in a longer text.
    const enc = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const core = enc.slice(Math.ceil((shift * 4) / 3), Math.floor(((shift + bytes.length) * 4) / 3));
    out.push({ how: `base64 of ${what} at byte offset ${shift} inside a longer text`, text: core });
  }
  return out;
}

/** Every spelling of a secret value to search for. */
export function encodings(value: string, user?: string): Form[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: Form[] = [
    { how: 'raw', text: value },
    { how: 'URL-encoded', text: encodeURIComponent(value) },
    { how: 'form-encoded', text: encodeURIComponent(value).replace(/%20/g, '+') },
    { how: 'JSON-escaped', text: JSON.stringify(value).slice(1, -1) },
    { how: 'JSON-escaped twice', text: JSON.stringify(JSON.stringify(value)).slice(1, -1) },
    { how: 'hex', text: bytes.toString('hex') },
    { how: 'HEX', text: bytes.toString('hex').toUpperCase() },
    ...base64Forms(bytes, 'the value'),
  ];
  if (user !== undefined) forms.push(...base64Forms(Buffer.from(`${user}:${value}`, 'utf8'), 'user:value'));
  const seen = new Set<string>();
  return forms.filter((f) => f.text.length >= 8 && !seen.has(f.text) && seen.add(f.text));
}

export interface Needle {
  /** What the secret is (for the report; never the value). */
  label: string;
  forms: Form[];
}

/** The first secret found in `text`, described (never quoted); undefined when none. */
export function findLeak(text: string, needles: readonly Needle[]): string | undefined {
  for (const n of needles) for (const f of n.forms) if (text.includes(f.text)) return `${n.label}, ${f.how}`;
  return undefined;
}
