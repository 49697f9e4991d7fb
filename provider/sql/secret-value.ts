// Secret values are bytea in Materialize, and a plain string literal goes through bytea input parsing
// (backslash escapes, materialize-semantics.md §4.1). Sending the UTF-8 bytes as base64 through
// decode() makes every string arrive byte-exact, and keeps the raw value out of the statement text.
export function secretValueExpression(value: string): string {
  return `decode('${Buffer.from(value, 'utf8').toString('base64')}', 'base64')`;
}

/** Materialize refuses secrets larger than 512 KiB (§4.1). */
export const MAX_SECRET_BYTES = 512 * 1024;
