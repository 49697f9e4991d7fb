// Identifier quoting (§5.6, §7): stable mode quotes everything, simple mode only when needed.

// Keywords that force quoting in simple mode (Ident::can_be_printed_bare: "sometimes reserved" keywords).
// The always-reserved set is from §7; the rest are keywords reserved in some position. Approximation.
const RESERVED = new Set(
  (
    'with select from where group having qualify window order limit offset fetch options returning union except ' +
    'intersect as and or not on in is null true false case when then else end cast array all any some distinct ' +
    'between like ilike join inner left right full outer cross natural using lateral to for into table values ' +
    'default create drop alter insert update delete set show by asc desc exists'
  ).split(' '),
);

export function quoteIdent(s: string): string {
  return '"' + s.replace(/"/g, '""') + '"';
}

/** Simple-mode identifier: bare when it matches [a-z_][a-z0-9_]* and is not reserved. */
export function simpleIdent(s: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(s) && !RESERVED.has(s) ? s : quoteIdent(s);
}

export const stableName = (parts: string[]) => parts.map(quoteIdent).join('.');
export const simpleName = (parts: string[]) => parts.map(simpleIdent).join('.');
export const quoteLiteral = (s: string) => "'" + s.replace(/'/g, "''") + "'";
