// The managed block in an authorized_keys file: pure functions over the file's bytes. Everything outside
// the block is kept byte for byte: the file is handled as latin1 text (one character per byte, so any byte
// survives a round trip), and the managed lines, which are UTF-8 text, cross that boundary only through
// toFileText / fromFileText. Markers are found with or without a CR before the LF (a file converted to CRLF
// still refreshes and destroys); a block written into such a file keeps its CRLF endings.

export const MARKER = 'pulumi-materialize-connections';

/** Restrictions written in front of every managed key (sshd(8) AUTHORIZED_KEYS FILE FORMAT). */
export interface KeyRestrictions {
  /**
   * OpenSSH `restrict` (every forwarding, the pty, ~/.ssh/rc off) with `port-forwarding` added back, a
   * `command` that runs nothing, and `permitopen`: the key can only forward to the permitOpen destinations.
   * Needs OpenSSH 7.2 or newer on the bastion. `port-forwarding` also allows remote (-R) forwarding: sshd's
   * `AllowTcpForwarding local` for the tunnel user refuses it.
   */
  restrict?: boolean;
  /** `permitopen="host:port"`: the only destinations the key may forward to. */
  permitOpen?: string[];
  /** `no-pty`. */
  noPty?: boolean;
  /** `from="pattern,..."`: the only source addresses the key may log in from. */
  from?: string[];
}

export interface Block {
  /** Index of the BEGIN line and of the END line, in the file's lines. */
  begin: number;
  end: number;
  /** The token of the resource instance that wrote it. */
  token: string;
  /** The lines between the markers, without a line-ending CR. */
  lines: string[];
  /** The BEGIN line ends with CR (a file converted to CRLF). */
  crlf: boolean;
}

const beginPrefix = (name: string) => `# BEGIN ${MARKER} block=${name} id=`;
const endLine = (name: string) => `# END ${MARKER} block=${name}`;

/** A forced command that runs nothing: `restrict` leaves commands allowed; a tunnel needs none (ssh -N). */
export const NO_COMMAND = 'command="false"';

export function renderRestrictions(r: KeyRestrictions | undefined): string {
  const parts: string[] = [];
  if (r?.restrict) parts.push('restrict', 'port-forwarding', NO_COMMAND);
  if (r?.from?.length) parts.push(`from="${r.from.join(',')}"`);
  for (const p of r?.permitOpen ?? []) parts.push(`permitopen="${p}"`);
  if (r?.noPty && !r.restrict) parts.push('no-pty');
  return parts.join(',');
}

/** The managed lines: one per key, with the restrictions in front, in the given order, duplicates dropped. */
export function keyLines(publicKeys: readonly string[], restrictions?: KeyRestrictions): string[] {
  const options = renderRestrictions(restrictions);
  const keys = [...new Set(publicKeys.map((k) => k.trim()))];
  return keys.map((k) => (options ? `${options} ${k}` : k));
}

/** `type base64` of a key line (no options, no comment): what identifies the key. */
export function keyOf(line: string): string | undefined {
  const m = /(?:^|\s)((?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+)\s+([A-Za-z0-9+/]+={0,2})(?:\s|$)/.exec(line);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** A managed line (UTF-8 text) as the file holds it: one latin1 character per UTF-8 byte. */
export const toFileText = (line: string): string => Buffer.from(line, 'utf8').toString('latin1');
/** The inverse of toFileText: the bytes of a line in the file read as UTF-8. */
export const fromFileText = (line: string): string => Buffer.from(line, 'latin1').toString('utf8');

const withoutCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

function splitLines(content: string): { lines: string[]; trailingNewline: boolean } {
  if (content === '') return { lines: [], trailingNewline: true };
  const trailingNewline = content.endsWith('\n');
  const lines = (trailingNewline ? content.slice(0, -1) : content).split('\n');
  return { lines, trailingNewline };
}

/** The block named `name`; an error when its markers are broken (nothing is then touched). */
export function findBlock(content: string, name: string): Block | undefined {
  const lines = splitLines(content).lines.map(withoutCr);
  const begins = lines.flatMap((l, i) => (l.startsWith(beginPrefix(name)) ? [i] : []));
  if (begins.length === 0) {
    if (lines.includes(endLine(name)))
      throw new Error(`the END marker of block ${name} has no BEGIN marker; fix the file by hand`);
    return undefined;
  }
  if (begins.length > 1) throw new Error(`block ${name} appears ${begins.length} times; fix the file by hand`);
  const begin = begins[0];
  const end = lines.indexOf(endLine(name), begin + 1);
  if (end < 0) throw new Error(`block ${name} has a BEGIN marker without its END marker; fix the file by hand`);
  const token = lines[begin].slice(beginPrefix(name).length).split(' ')[0];
  const crlf = splitLines(content).lines[begin].endsWith('\r');
  return { begin, end, token, lines: lines.slice(begin + 1, end), crlf };
}

/** The lines outside every managed block, as they are (for checking that they are kept byte for byte). */
export function outsideBlocks(content: string): string[] {
  const { lines } = splitLines(content);
  const out: string[] = [];
  let inside: string | undefined;
  for (const line of lines) {
    const bare = withoutCr(line);
    const begin = /^# BEGIN pulumi-materialize-connections block=(\S+) id=/.exec(bare);
    if (inside === undefined && begin) inside = begin[1];
    else if (inside !== undefined && bare === endLine(inside)) inside = undefined;
    else if (inside === undefined) out.push(line);
  }
  return out;
}

/**
 * The file with the block `name` holding exactly `lines`, written by `token`: the block is replaced where
 * it is, or appended. Every other line is unchanged; a missing final newline is only added before an
 * appended block.
 */
export function withBlock(content: string, name: string, token: string, lines: readonly string[]): string {
  const found = findBlock(content, name);
  const cr = found?.crlf ? '\r' : '';
  const block = [
    `${beginPrefix(name)}${token} (managed by Pulumi: edit outside this block)`,
    ...lines,
    endLine(name),
  ].map((l) => l + cr);
  const { lines: all, trailingNewline } = splitLines(content);
  if (found) {
    const next = [...all.slice(0, found.begin), ...block, ...all.slice(found.end + 1)];
    return next.join('\n') + (trailingNewline || found.end === all.length - 1 ? '\n' : '');
  }
  return (content === '' || content.endsWith('\n') ? content : content + '\n') + block.join('\n') + '\n';
}

/** The file without the block `name`; unchanged when there is none, or when another instance (token) wrote it. */
export function withoutBlock(content: string, name: string, token?: string): string {
  const found = findBlock(content, name);
  if (!found || (token !== undefined && found.token !== token)) return content;
  const { lines: all, trailingNewline } = splitLines(content);
  const rest = [...all.slice(0, found.begin), ...all.slice(found.end + 1)];
  return rest.length === 0 ? '' : rest.join('\n') + (trailingNewline ? '\n' : '');
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** What POSIX `cksum < file` prints ("CRC LENGTH"): the write refuses when the file changed since it was read. */
export function posixCksum(data: Buffer): string {
  let crc = 0;
  const step = (byte: number) => {
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  };
  for (const b of data) step(b);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return `${(~crc >>> 0).toString()} ${data.length}`;
}
