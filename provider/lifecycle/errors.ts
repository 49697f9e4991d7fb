// Errors a Pulumi user reads: Materialize's message with its DETAIL, HINT and SQLSTATE, what the
// provider was doing, and never a secret value.
import { privilegeHint } from '../privileges';

export class MaterializeError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'MaterializeError';
  }
}

interface PgErrorLike {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
}

/** Below this length a value is only masked where it appears as a quoted SQL literal (see scrub). */
export const MIN_RAW_SCRUB_LENGTH = 16;

const QUOTED = (s: string) => `'${s.replace(/'/g, "''")}'`;
const DECODED = /decode\('[A-Za-z0-9+/=]*', 'base64'\)/g;

/**
 * Masks secret values in a message. Every `decode('...', 'base64')` (the form secret values travel in) and
 * every quoted literal of a secret is masked. A bare occurrence is masked only for values of at least
 * MIN_RAW_SCRUB_LENGTH characters: masking every "v" or "pub" in a message would itself reveal the value.
 */
export function scrub(text: string, secrets: readonly unknown[]): string {
  let out = text.replace(DECODED, "decode('********', 'base64')");
  const values = secrets.filter((s): s is string => typeof s === 'string' && s !== '');
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...values].sort((a, b) => b.length - a.length)) {
    const forms = [QUOTED(s), QUOTED(s.toWellFormed())];
    if (s.length >= MIN_RAW_SCRUB_LENGTH) forms.push(s, s.toWellFormed(), Buffer.from(s, 'utf8').toString('base64'));
    for (const form of new Set(forms)) out = out.split(form).join(form.startsWith("'") ? "'********'" : '********');
  }
  return out;
}

/** Wraps a `pg` error (or any error) as a MaterializeError that says what was being done. */
export function materializeError(err: unknown, doing: string, secrets: readonly unknown[] = []): MaterializeError {
  const e = (err ?? {}) as PgErrorLike & { outcomeUnknown?: boolean };
  const parts = [`${doing}: ${e.message ?? String(err)}`];
  if (e.detail) parts.push(`DETAIL: ${e.detail}`);
  // Materialize's hint first; for privilege errors, what to do about it in this package's terms.
  const hint = [e.hint, e.message && privilegeHint(e.message, e.code)].filter(Boolean).join('; ') || undefined;
  if (hint) parts.push(`HINT: ${hint}`);
  if (e.code) parts.push(`(SQLSTATE ${e.code})`);
  const wrapped = new MaterializeError(
    scrub(parts.join('\n'), secrets),
    e.code,
    e.detail && scrub(e.detail, secrets),
    hint && scrub(hint, secrets),
  );
  // A statement whose outcome is unknown stays marked as such, so the lifecycle reads the object back.
  if (e.outcomeUnknown === true) Object.assign(wrapped, { outcomeUnknown: true });
  return wrapped;
}
