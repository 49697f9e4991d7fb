// Reading and writing the authorized_keys file over an SSH exec channel with POSIX sh only (no SFTP, which
// many bastions disable). The file is whole at every instant:
// - the new content goes to a temporary file first, and is installed only when its length and checksum
//   (sent in the command, before the data) match: a connection cut mid-write leaves the old file;
// - writers of one file exclude each other with an atomic `mkdir` lock, and the file is compared with what
//   was read (its checksum) under the lock: a writer that lost a race is refused and re-reads;
// - installed by rename(2) in the file's directory when the login user may (it owns the file, or is root);
//   else copied over the file in place (keeping its owner and mode) from the verified temporary file, with a
//   verified backup put back if the copy fails (a full disk), never a truncation before both are safe;
// - a symbolic link as the file or its directory, a FIFO or other special file, and `~user` of a user
//   that does not exist are refused, never followed.
import { randomBytes } from 'crypto';
import { posixCksum } from './authorized-keys';
import type { SshSession } from './ssh';

/** A single-quoted shell word. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The path as a shell expression: `~/x` (and a relative path) is the login user's home, `~user/x` another
 * user's; a user that does not exist leaves `~user` unexpanded, which the scripts refuse.
 */
export function pathExpression(path: string): string {
  if (path.startsWith('~/')) return `"$HOME"/${shellQuote(path.slice(2))}`;
  const m = /^~([a-z_][a-z0-9._-]*\$?)\/(.*)$/i.exec(path);
  if (m) return `~${m[1]}/${shellQuote(m[2])}`;
  if (!path.startsWith('/')) return `"$HOME"/${shellQuote(path)}`;
  return shellQuote(path);
}

export const MISSING = 'missing';

/** Exit statuses of the scripts, each with what it means. */
export const EXIT = {
  noSuchUser: 64,
  symlink: 65,
  notRegular: 66,
  shortWrite: 67,
  locked: 68,
  installFailedRestored: 69,
  installFailed: 70,
  changed: 75,
} as const;

/** How long a writer waits for the lock, and after how long an unchanged holder counts as dead (seconds). */
export const LOCK_WAIT_SECONDS = 30;
export const LOCK_STALE_SECONDS = 15;

/**
 * The checks both scripts start with, leaving the shell in the file's directory (entered without following a
 * link, and checked to be the named directory) with `$b` the file's name in it.
 */
function enterDirectory(path: string): string[] {
  return [
    `f=${pathExpression(path)}`,
    `case $f in "~"*) echo "no such user: ${path.replace(/[^A-Za-z0-9._~/-]/g, '?')} does not expand to a home directory" >&2; exit ${EXIT.noSuchUser};; esac`,
    'd=$(dirname -- "$f"); b=$(basename -- "$f")',
    `[ -L "$d" ] && { echo "$d is a symbolic link: refusing to follow it" >&2; exit ${EXIT.symlink}; }`,
  ];
}

function checkFile(): string[] {
  return [
    `[ -L "$b" ] && { echo "$f is a symbolic link: refusing to follow it" >&2; exit ${EXIT.symlink}; }`,
    `if [ -e "$b" ] && [ ! -f "$b" ]; then echo "$f is not a regular file" >&2; exit ${EXIT.notRegular}; fi`,
  ];
}

/** cd into $d without following a link, and make sure it is the directory the path names (no swap in between). */
const CD_PHYSICAL = [
  'p=$(cd -P -- "$(dirname -- "$d")" && pwd -P) || exit 1',
  'cd -P -- "$d" || exit 1',
  `case $(pwd -P) in "\${p%/}/$(basename -- "$d")") ;; *) echo "$d changed while being entered (a link?)" >&2; exit ${EXIT.symlink};; esac`,
];

export function readScript(path: string): string {
  return [
    ...enterDirectory(path),
    '[ -d "$d" ] || exit 3',
    ...CD_PHYSICAL,
    ...checkFile(),
    '[ -e "$b" ] || exit 3',
    'exec cat -- "$b"',
  ].join('\n');
}

/** The file's bytes, or undefined when it (or its directory) does not exist. */
export async function readRemote(ssh: SshSession, path: string): Promise<Buffer | undefined> {
  const r = await ssh.exec(readScript(path));
  if (r.code === 3) return undefined;
  if (r.code !== 0) throw new RemoteFileError(path, 'read', r.code, r.stderr);
  return r.stdout;
}

export class RemoteFileError extends Error {
  constructor(
    readonly path: string,
    readonly doing: 'read' | 'write',
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(
      code === EXIT.shortWrite
        ? `the new ${path} did not arrive whole (the connection broke?): nothing was installed, the file is unchanged (${stderr})`
        : `cannot ${doing} ${path}: ${stderr || (code === null ? 'the connection was lost' : `exit status ${code}`)}`,
    );
  }
}

export class ConcurrentChangeError extends Error {}

export interface WriteOptions {
  /** The file's checksum when it was read (`cksum` output), or MISSING. */
  expected: string;
  /** What the new content's `cksum` must print: its CRC and length, checked before anything is installed. */
  content: string;
  /** A user to give a newly created file (and .ssh directory) to, when the login user is another (root). */
  owner?: string;
  /** Makes the temporary and backup names unpredictable (no planted link can catch them). */
  nonce: string;
}

export function writeScript(path: string, o: WriteOptions): string {
  const owner = o.owner ? shellQuote(o.owner) : "''";
  return [
    ...enterDirectory(path),
    `o=${owner}; n=${shellQuote(o.nonce)}`,
    'umask 077',
    // The .ssh directory (only the last component: a missing home is an error, never created).
    'if [ ! -d "$d" ]; then',
    '  mkdir -- "$d" || exit 1',
    '  if [ -n "$o" ]; then chown "$o:$(id -g "$o")" "$d" || exit 1; fi',
    'fi',
    ...CD_PHYSICAL,
    ...checkFile(),
    // Temporary file (and lock) next to the file when the directory is writable, else in /tmp.
    'if [ -w . ]; then s=.; else s=/tmp; fi',
    't="$s/.$b.pulumi-new.$n"; k="$s/.$b.pulumi-old.$n"',
    'if [ "$s" = . ]; then l=".$b.pulumi-lock"; else l="/tmp/.pulumi-authorized-keys-lock-$(printf %s "$(pwd -P)/$b" | cksum | cut -d" " -f1)"; fi',
    'held=',
    'cleanup() { rm -f -- "$t" "$k"; if [ -n "$held" ]; then rm -rf -- "$l"; fi; }',
    'trap cleanup EXIT',
    "trap 'exit 129' HUP INT TERM PIPE",
    // Exclusive creation (noclobber) of the temporary file, then the owner and mode of the current file.
    '(set -C; : > "$t") || exit 1',
    'if [ -f "$b" ]; then cp -p -- "$b" "$t" || exit 1; fi',
    // The new content: installed only if it all arrived (its length and CRC were sent before it).
    'cat > "$t" || exit 1',
    'got=$(cksum < "$t") || exit 1',
    `[ "$got" = ${shellQuote(o.content)} ] || { echo "received: $got, expected: "${shellQuote(o.content)} >&2; exit ${EXIT.shortWrite}; }`,
    // The lock: an atomic mkdir; a holder that stays the same for LOCK_STALE_SECONDS is dead (its session
    // was cut between mkdir and its EXIT trap), and the lock is moved aside atomically before it is removed.
    'w=0; seen=; same=0',
    'until mkdir -- "$l" 2>/dev/null; do',
    '  h=$(cat -- "$l/holder" 2>/dev/null || echo none)',
    '  if [ "$h" = "$seen" ]; then same=$((same + 1)); else seen=$h; same=0; fi',
    `  if [ "$same" -ge ${LOCK_STALE_SECONDS} ]; then mv -- "$l" "$l.stale.$n" 2>/dev/null && rm -rf -- "$l.stale.$n"; same=0; continue; fi`,
    `  w=$((w + 1)); [ "$w" -lt ${LOCK_WAIT_SECONDS} ] || { echo "$l is held by $h: another writer is still running, or remove it by hand" >&2; exit ${EXIT.locked}; }`,
    // A byte to the client each second: when it has given up (its deadline), the write fails and the
    // PIPE trap ends this script, so a write nobody waits for any more is never installed later.
    '  printf . || exit 1',
    '  sleep 1',
    'done',
    'held=1; printf %s "$n" > "$l/holder"',
    'printf . || exit 1',
    // Under the lock: the file is still what was read, and still a plain file.
    ...checkFile(),
    'if [ -e "$b" ]; then c=$(cksum < "$b") || exit 1; else c=' + MISSING + '; fi',
    `[ "$c" = ${shellQuote(o.expected)} ] || { echo 'changed while being updated' >&2; exit ${EXIT.changed}; }`,
    'if [ "$s" = . ] && { [ ! -e "$b" ] || [ -O "$b" ] || [ "$(id -u)" = 0 ]; }; then',
    '  if [ ! -e "$b" ] && [ -n "$o" ]; then chown "$o:$(id -g "$o")" "$t" || exit 1; fi',
    '  mv -f -- "$t" "$b" || exit 1',
    'elif [ ! -e "$b" ]; then',
    '  cp -- "$t" "$b" || { rm -f -- "$b"; exit 1; }',
    'else',
    // In place: the old content kept aside (verified) before the file is overwritten, and put back on failure.
    '  cp -- "$b" "$k" && [ "$(cksum < "$k")" = "$c" ] || { echo "cannot keep a copy of the old file in $s" >&2; exit 1; }',
    '  if ! { cat -- "$t" > "$b" && [ "$(cksum < "$b")" = "$got" ]; }; then',
    '    if cat -- "$k" > "$b" && [ "$(cksum < "$b")" = "$c" ]; then',
    `      echo "the new content could not be written in place (disk full?); the old file is back" >&2; exit ${EXIT.installFailedRestored}`,
    '    fi',
    '    trap - EXIT; rm -f -- "$t"; rm -rf -- "$l"',
    `    echo "the new content could not be written in place and the old could not be put back: it is in $k" >&2; exit ${EXIT.installFailed}`,
    '  fi',
    'fi',
    `[ "$(cksum < "$b")" = "$got" ] || { echo "$f is not what was written (changed by hand meanwhile?)" >&2; exit ${EXIT.installFailed}; }`,
  ].join('\n');
}

/** Writes `content` if the file is still `before` (undefined: missing); `owner` gets a newly created file. */
export async function writeRemote(
  ssh: SshSession,
  path: string,
  before: Buffer | undefined,
  content: Buffer,
  owner?: string,
): Promise<void> {
  const script = writeScript(path, {
    expected: before === undefined ? MISSING : posixCksum(before),
    content: posixCksum(content),
    owner,
    nonce: randomBytes(8).toString('hex'),
  });
  const r = await ssh.exec(script, content);
  if (r.code === EXIT.changed) throw new ConcurrentChangeError(`${path} changed while being updated`);
  if (r.code !== 0) throw new RemoteFileError(path, 'write', r.code, r.stderr);
}
