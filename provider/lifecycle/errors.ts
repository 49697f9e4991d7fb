// Errors a Pulumi user reads: Materialize's message with its DETAIL, HINT and SQLSTATE, what the
// provider was doing, and never a secret value.
import { privilegeHint } from '../privileges';
import { scrub, scrubRendered } from '../scrub';

export { scrub } from '../scrub';

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

/** Wraps a `pg` error (or any error) as a MaterializeError that says what was being done. */
export function materializeError(err: unknown, doing: string, secrets: readonly unknown[] = []): MaterializeError {
  const e = (err ?? {}) as PgErrorLike & { outcomeUnknown?: boolean };
  const parts = [`${scrubRendered(doing, secrets)}: ${scrub(e.message ?? String(err), secrets)}`];
  if (e.detail) parts.push(`DETAIL: ${e.detail}`);
  // Materialize's hint first; for privilege errors, what to do about it in this package's terms.
  const hint = [e.hint, e.message && privilegeHint(e.message, e.code)].filter(Boolean).join('; ') || undefined;
  if (hint) parts.push(`HINT: ${hint}`);
  if (e.code) parts.push(`(SQLSTATE ${e.code})`);
  const wrapped = new MaterializeError(
    parts.map((part, i) => (i === 0 ? part : scrub(part, secrets))).join('\n'),
    e.code,
    e.detail && scrub(e.detail, secrets),
    hint && scrub(hint, secrets),
  );
  // A statement whose outcome is unknown stays marked as such, so the lifecycle reads the object back.
  if (e.outcomeUnknown === true) Object.assign(wrapped, { outcomeUnknown: true });
  return wrapped;
}
