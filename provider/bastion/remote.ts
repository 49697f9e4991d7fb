// Reading and writing the authorized_keys file over an SSH exec channel with POSIX sh only (no SFTP,
// which many bastions disable). A write is refused when the file changed since it was read; it is atomic
// (a temporary file renamed over it) when the login user may write the directory and owns the file, else
// in place, which keeps the file's owner and mode.
import { posixCksum } from './authorized-keys';
import type { SshSession } from './ssh';

/** A single-quoted shell word. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The path as a shell expression: `~/x` is the login user's home, `~user/x` another user's. */
export function pathExpression(path: string): string {
  if (path.startsWith('~/')) return `"$HOME"/${shellQuote(path.slice(2))}`;
  const m = /^~([a-z_][a-z0-9._-]*)\/(.*)$/i.exec(path);
  if (m) return `~${m[1]}/${shellQuote(m[2])}`;
  return shellQuote(path);
}

export const MISSING = 'missing';

/** The file's bytes, or undefined when it does not exist. */
export async function readRemote(ssh: SshSession, path: string): Promise<Buffer | undefined> {
  const r = await ssh.exec(`f=${pathExpression(path)}; if [ -e "$f" ]; then cat -- "$f"; else exit 3; fi`);
  if (r.code === 3) return undefined;
  if (r.code !== 0) throw new Error(`cannot read ${path}: ${r.stderr || `exit status ${r.code}`}`);
  return r.stdout;
}

export class ConcurrentChangeError extends Error {}

export function writeScript(path: string, expected: string): string {
  return [
    `f=${pathExpression(path)}`,
    `if [ -e "$f" ]; then c=$(cksum < "$f") || exit 1; else c=${MISSING}; fi`,
    `[ "$c" = ${shellQuote(expected)} ] || { echo 'changed while being updated' >&2; exit 75; }`,
    'd=$(dirname -- "$f")',
    '[ -d "$d" ] || (umask 077 && mkdir -p -- "$d") || exit 1',
    'if [ -w "$d" ] && { [ ! -e "$f" ] || [ -O "$f" ]; }; then',
    '  t="$d/.authorized_keys.pulumi.$$"',
    '  if [ -e "$f" ]; then cp -p -- "$f" "$t" || exit 1; else (umask 077 && : > "$t") || exit 1; fi',
    '  { cat > "$t" && mv -f -- "$t" "$f"; } || { rm -f -- "$t"; exit 1; }',
    'else',
    '  cat > "$f"',
    'fi',
  ].join('\n');
}

/** Writes `content` if the file is still `before` (undefined: missing). */
export async function writeRemote(ssh: SshSession, path: string, before: Buffer | undefined, content: Buffer) {
  const r = await ssh.exec(writeScript(path, before === undefined ? MISSING : posixCksum(before)), content);
  if (r.code === 75) throw new ConcurrentChangeError(`${path} changed while being updated`);
  if (r.code !== 0) throw new Error(`cannot write ${path}: ${r.stderr || `exit status ${r.code}`}`);
}
