// A small lexer for the Materialize SQL that SHOW CREATE CONNECTION / SECRET and mz_connections.create_sql
// return (materialize-semantics.md §5.6, §7). It knows only what those statements contain: identifiers,
// string literals (with E'...' escapes, dollar quoting and the newline continuation PostgreSQL has),
// numbers, a few punctuation characters, and comments.

export type TokenType = 'word' | 'ident' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /**
   * word: the identifier folded to lower case (ASCII only, as PostgreSQL does);
   * ident: a quoted identifier, exactly as written inside the quotes;
   * string: the literal's value; number: the digits as written; punct: the character.
   */
  value: string;
  /** Offset of the token's first character in the source text. */
  pos: number;
}

export class SqlReadError extends Error {
  constructor(
    message: string,
    readonly sql: string,
    readonly pos?: number,
  ) {
    super(pos === undefined ? message : `${message} (at offset ${pos}: ${context(sql, pos)})`);
    this.name = 'SqlReadError';
  }
}

function context(sql: string, pos: number): string {
  if (pos >= sql.length) return 'end of statement';
  // String literals may be credentials given as text: they are shown as '...' however they are spelled.
  const text = sql
    .slice(pos, pos + 30)
    .replace(/(?:[Ee]?'(?:[^']|'')*(?:'|$))|\$[A-Za-z_0-9]*\$[^]*$/g, "'...'")
    .replace(/\s+/g, ' ');
  return `near ${JSON.stringify(text + (pos + 30 < sql.length ? '...' : ''))}`;
}

const PUNCT = new Set(['(', ')', '[', ']', ',', '.', '=', ';', '-', '+']);

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_]/.test(ch) || ch.charCodeAt(0) > 127;
}

function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch) || ch.charCodeAt(0) > 127;
}

/** Unquoted identifiers and keywords are folded to lower case; only ASCII letters fold (§7). */
export function foldIdent(word: string): string {
  return word.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  const fail = (message: string, at: number): never => {
    throw new SqlReadError(message, sql, at);
  };

  const skipSpace = (): void => {
    for (;;) {
      while (i < n && /\s/.test(sql[i])) i++;
      if (sql.startsWith('--', i)) {
        while (i < n && sql[i] !== '\n') i++;
      } else if (sql.startsWith('/*', i)) {
        const start = i;
        let depth = 0;
        do {
          if (i >= n) fail('unterminated /* comment', start);
          if (sql.startsWith('/*', i)) {
            depth++;
            i += 2;
          } else if (sql.startsWith('*/', i)) {
            depth--;
            i += 2;
          } else i++;
        } while (depth > 0);
      } else return;
    }
  };

  /** After a string literal: whitespace holding a newline, then another `'...'`, continues the literal. */
  const continuation = (): boolean => {
    let j = i;
    let newline = false;
    while (j < n && /\s/.test(sql[j])) newline = sql[j++] === '\n' || newline;
    if (newline && sql[j] === "'") {
      i = j;
      return true;
    }
    return false;
  };

  /** A '...' literal ('' is a quote); with `escapes` (E'...'), backslash escapes as PostgreSQL reads them. */
  const stringLiteral = (escapes: boolean): string => {
    const start = i;
    let out = '';
    i++; // opening quote
    for (;;) {
      if (i >= n) fail('unterminated string literal', start);
      const ch = sql[i++];
      if (ch === "'") {
        if (sql[i] === "'") {
          out += "'";
          i++;
          continue;
        }
        return out;
      }
      if (!escapes || ch !== '\\') {
        out += ch;
        continue;
      }
      if (i >= n) fail('unterminated string literal', start);
      const e = sql[i++];
      const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) out += simple[e];
      else if (/[0-7]/.test(e)) {
        let digits = e;
        while (digits.length < 3 && /[0-7]/.test(sql[i] ?? '')) digits += sql[i++];
        out += String.fromCharCode(parseInt(digits, 8));
      } else if (e === 'x' && /[0-9A-Fa-f]/.test(sql[i] ?? '')) {
        let digits = sql[i++];
        if (/[0-9A-Fa-f]/.test(sql[i] ?? '')) digits += sql[i++];
        out += String.fromCharCode(parseInt(digits, 16));
      } else if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const digits = sql.slice(i, i + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(digits)) fail(`invalid Unicode escape \\${e}`, i - 2);
        i += len;
        const code = parseInt(digits, 16);
        if (code > 0x10ffff) fail(`invalid Unicode escape \\${e}${digits}`, i - len - 2);
        out += String.fromCodePoint(code);
      } else out += e;
    }
  };

  while (true) {
    skipSpace();
    if (i >= n) break;
    const pos = i;
    const ch = sql[i];
    if (ch === "'") {
      let value = stringLiteral(false);
      while (continuation()) value += stringLiteral(false);
      tokens.push({ type: 'string', value, pos });
    } else if ((ch === 'E' || ch === 'e') && sql[i + 1] === "'") {
      i++;
      let value = stringLiteral(true);
      while (continuation()) value += stringLiteral(true);
      tokens.push({ type: 'string', value, pos });
    } else if (ch === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (!m) fail('unexpected character "$"', pos);
      const tag = m![0];
      const end = sql.indexOf(tag, i + tag.length);
      if (end < 0) fail('unterminated dollar-quoted string', pos);
      tokens.push({ type: 'string', value: sql.slice(i + tag.length, end), pos });
      i = end + tag.length;
    } else if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) fail('unterminated quoted identifier', pos);
        const c = sql[i++];
        if (c === '"') {
          if (sql[i] === '"') {
            value += '"';
            i++;
          } else break;
        } else value += c;
      }
      if (value.includes('\0')) fail('null character in quoted identifier', pos);
      tokens.push({ type: 'ident', value, pos });
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(sql.slice(i))!;
      i += m[0].length;
      tokens.push({ type: 'number', value: m[0], pos });
    } else if (isIdentStart(ch)) {
      while (i < n && isIdentPart(sql[i])) i++;
      tokens.push({ type: 'word', value: foldIdent(sql.slice(pos, i)), pos });
    } else if (PUNCT.has(ch)) {
      i++;
      tokens.push({ type: 'punct', value: ch, pos });
    } else {
      fail(`unexpected character ${JSON.stringify(ch)}`, pos);
    }
  }
  tokens.push({ type: 'eof', value: '', pos: n });
  return tokens;
}
