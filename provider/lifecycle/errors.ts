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

/** Replaces every secret value (and the forms it travels in) with ********. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of [s, Buffer.from(s, 'utf8').toString('base64')]) out = out.split(form).join('********');
  }
  return out;
}

/** Wraps a `pg` error (or any error) as a MaterializeError that says what was being done. */
export function materializeError(err: unknown, doing: string, secrets: readonly string[] = []): MaterializeError {
  const e = (err ?? {}) as PgErrorLike;
  const parts = [`${doing}: ${e.message ?? String(err)}`];
  if (e.detail) parts.push(`DETAIL: ${e.detail}`);
  // Materialize's hint first; for privilege errors, what to do about it in this package's terms.
  const hint = [e.hint, e.message && privilegeHint(e.message, e.code)].filter(Boolean).join('; ') || undefined;
  if (hint) parts.push(`HINT: ${hint}`);
  if (e.code) parts.push(`(SQLSTATE ${e.code})`);
  return new MaterializeError(
    scrub(parts.join('\n'), secrets),
    e.code,
    e.detail && scrub(e.detail, secrets),
    hint && scrub(hint, secrets),
  );
}
