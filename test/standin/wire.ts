// Postgres wire-protocol messages the stand-in writes itself, and helpers to read/patch PGlite's output.
import type { Notice } from './errors';

const enc = new TextEncoder();
const dec = new TextDecoder();

function message(code: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = code.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}
const cstr = (s: string) => {
  const b = enc.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
};
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const commandComplete = (tag: string) => message('C', cstr(tag));
export const emptyQuery = () => message('I', new Uint8Array());
export const parseComplete = () => message('1', new Uint8Array());
export const bindComplete = () => message('2', new Uint8Array());
export const closeComplete = () => message('3', new Uint8Array());
export const noData = () => message('n', new Uint8Array());
export const readyForQuery = (status: 'I' | 'T' | 'E') => message('Z', enc.encode(status));
export const queryMessage = (sql: string) => message('Q', cstr(sql));

function fields(severity: string, code: string, n: { message: string; detail?: string; hint?: string }): Uint8Array {
  const parts = [
    enc.encode('S'),
    cstr(severity),
    enc.encode('V'),
    cstr(severity),
    enc.encode('C'),
    cstr(code),
    enc.encode('M'),
    cstr(n.message),
  ];
  if (n.detail !== undefined) parts.push(enc.encode('D'), cstr(n.detail));
  if (n.hint !== undefined) parts.push(enc.encode('H'), cstr(n.hint));
  parts.push(new Uint8Array([0]));
  return concat(parts);
}
export const errorResponse = (e: { code: string; message: string; detail?: string; hint?: string }) =>
  message('E', fields('ERROR', e.code, e));
export const noticeResponse = (n: Notice) => message('N', fields('NOTICE', '00000', n));
export const parameterStatus = (k: string, v: string) => message('S', concat([cstr(k), cstr(v)]));

/** Splits a buffer of backend messages. */
export function* messages(buf: Uint8Array): Generator<Uint8Array> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = 0;
  while (i + 5 <= buf.length) {
    const len = dv.getInt32(i + 1);
    yield buf.subarray(i, i + 1 + len);
    i += 1 + len;
  }
}

/** Drops ReadyForQuery messages (the stand-in sends its own, with its own transaction status). */
export function withoutReady(buf: Uint8Array): Uint8Array {
  return concat([...messages(buf)].filter((m) => m[0] !== 0x5a));
}

/** The first ErrorResponse in a PGlite reply, if any. */
export function findError(buf: Uint8Array): { code: string; message: string } | undefined {
  for (const m of messages(buf)) {
    if (m[0] !== 0x45) continue;
    let code = '';
    let msg = '';
    let i = 5;
    while (i < m.length && m[i] !== 0) {
      const f = String.fromCharCode(m[i]);
      const end = m.indexOf(0, i + 1);
      const v = dec.decode(m.subarray(i + 1, end));
      if (f === 'C') code = v;
      if (f === 'M') msg = v;
      i = end + 1;
    }
    return { code, message: msg };
  }
  return undefined;
}

/** Frontend message readers. */
export function readCStrings(data: Uint8Array, offset: number, count: number): { values: string[]; next: number } {
  const values: string[] = [];
  let i = offset;
  for (let k = 0; k < count; k++) {
    const end = data.indexOf(0, i);
    values.push(dec.decode(data.subarray(i, end)));
    i = end + 1;
  }
  return { values, next: i };
}
export const readQuery = (data: Uint8Array) => readCStrings(data, 5, 1).values[0];
export const latin1 = (data: Uint8Array) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');

/** A frontend message with the C string at `offset` (a statement's name) replaced by `value`. */
export function withCString(data: Uint8Array, offset: number, value: string): Uint8Array {
  const rest = data.subarray(data.indexOf(0, offset) + 1);
  return message(String.fromCharCode(data[0]), concat([data.subarray(5, offset), cstr(value), rest]));
}

/** Parse of statement `name`, whose text and parameter types are `rest` (a Parse message's tail, as latin1). */
export const parseMessage = (name: string, rest: string) =>
  message('P', concat([cstr(name), Buffer.from(rest, 'latin1')]));
export const closeStatementMessage = (name: string) => message('C', concat([enc.encode('S'), cstr(name)]));
