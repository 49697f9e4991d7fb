// Tokenizer for the subset of Materialize SQL the stand-in interprets (§7 identifier rules).
// Materialize's own parser has already accepted the statement (grammar gate), so this lexer can be forgiving
// about things the gate rejects, but it must get identifiers, strings and numbers exactly right.
import { planError } from './errors';

export type Token =
  | { kind: 'word'; value: string; quoted: false; raw: string; pos: number } // lower-cased (§7)
  | { kind: 'ident'; value: string; quoted: true; pos: number } // "quoted": case kept
  | { kind: 'string'; value: string; pos: number; escape?: boolean }
  | { kind: 'number'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'eof'; pos: number };

const MAX_IDENT_BYTES = 255; // §7: identifier length exceeds 255 bytes

function checkIdent(s: string): string {
  if (Buffer.byteLength(s, 'utf8') > MAX_IDENT_BYTES) throw planError('identifier length exceeds 255 bytes');
  return s;
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    const pos = i;
    // E'...' escape strings
    if ((c === 'e' || c === 'E') && sql[i + 1] === "'") {
      i++;
      const { value, next } = readString(sql, i, true);
      out.push({ kind: 'string', value, pos, escape: true });
      i = next;
      continue;
    }
    if (c === "'") {
      const { value, next } = readString(sql, i, false);
      out.push({ kind: 'string', value, pos });
      i = next;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let v = '';
      for (;;) {
        if (j >= n) throw planError('unterminated quoted identifier');
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') {
            v += '"';
            j += 2;
            continue;
          }
          break;
        }
        if (sql[j] === '\0') throw planError('null character in quoted identifier');
        v += sql[j++];
      }
      out.push({ kind: 'ident', value: checkIdent(v), quoted: true, pos });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j])) j++;
      const raw = sql.slice(i, j);
      // §7: unquoted identifiers are lower-cased (ASCII only, as PostgreSQL does; non-ASCII folding is unverified).
      const value = raw.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
      out.push({ kind: 'word', value: checkIdent(value), quoted: false, raw, pos });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      let j = i;
      while (j < n && /[0-9.]/.test(sql[j])) j++;
      if (j < n && /[eE]/.test(sql[j]) && /[-+0-9]/.test(sql[j + 1] ?? '')) {
        j += 2;
        while (j < n && /[0-9]/.test(sql[j])) j++;
      }
      out.push({ kind: 'number', value: sql.slice(i, j), pos });
      i = j;
      continue;
    }
    if (c === ':' && sql[i + 1] === ':') {
      out.push({ kind: 'op', value: '::', pos });
      i += 2;
      continue;
    }
    if (c === '|' && sql[i + 1] === '|') {
      out.push({ kind: 'op', value: '||', pos });
      i += 2;
      continue;
    }
    out.push({ kind: 'op', value: c, pos });
    i++;
  }
  out.push({ kind: 'eof', pos: n });
  return out;
}

function readString(sql: string, start: number, escape: boolean): { value: string; next: number } {
  // start points at the opening quote
  let j = start + 1;
  let v = '';
  for (;;) {
    if (j >= sql.length) throw planError('unterminated quoted string');
    const ch = sql[j];
    if (ch === "'") {
      if (sql[j + 1] === "'") {
        v += "'";
        j += 2;
        continue;
      }
      break;
    }
    if (escape && ch === '\\' && j + 1 < sql.length) {
      const e = sql[j + 1];
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', "'": "'" };
      if (map[e] !== undefined) {
        v += map[e];
        j += 2;
        continue;
      }
      v += e;
      j += 2;
      continue;
    }
    v += ch;
    j++;
  }
  return { value: v, next: j + 1 };
}
