// An OpenSSH public key line ("type base64 [comment]", as ssh-keygen writes *.pub) checked the way sshd
// reads it: a known key type, canonical base64, and a key blob that names the same type and holds exactly
// the fields of that type. The line is UTF-8 text without control characters, so it stays one line in the
// file whatever its comment holds (a line separator, CR, NUL or U+010A would otherwise change the file's
// line structure, or inject a key line without the restrictions).

/** How many SSH strings follow the type name in the key blob, per key type. */
const BLOB_FIELDS: Record<string, number> = {
  'ssh-ed25519': 1,
  'ssh-rsa': 2,
  'ssh-dss': 4,
  'ecdsa-sha2-nistp256': 2,
  'ecdsa-sha2-nistp384': 2,
  'ecdsa-sha2-nistp521': 2,
  'sk-ssh-ed25519@openssh.com': 2,
  'sk-ecdsa-sha2-nistp256@openssh.com': 3,
};

export const KEY_TYPES = Object.keys(BLOB_FIELDS);

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/u;

/** The SSH strings of a blob, or undefined when a length runs past its end. */
function sshStrings(blob: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  for (let at = 0; at < blob.length;) {
    if (at + 4 > blob.length) return undefined;
    const len = blob.readUInt32BE(at);
    if (at + 4 + len > blob.length) return undefined;
    out.push(blob.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  return out;
}

/** What is wrong with a public key line, or undefined when sshd would read it as one key. */
export function publicKeyProblem(line: unknown): string | undefined {
  if (typeof line !== 'string') return `must be a string, got ${line === null ? 'null' : typeof line}`;
  if (!line.isWellFormed()) return 'is not valid UTF-8 text (it holds a lone UTF-16 surrogate)';
  const control = LINE_BREAKING.exec(line);
  if (control)
    return (
      `holds the control character U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, ` +
      'which would change the lines of authorized_keys; a key is one line of printable text'
    );
  const m = /^(\S+) +(\S+)(?: +(.*))?$/.exec(line.trim());
  if (!m) return 'must be one line "type base64 [comment]", e.g. ssh-ed25519 AAAA... materialize';
  const [, type, b64] = m;
  if (!(type in BLOB_FIELDS))
    return `has the key type ${JSON.stringify(type)}; known: ${KEY_TYPES.join(', ')} (certificates are not supported)`;
  const blob = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || blob.toString('base64') !== b64)
    return 'has a key that is not canonical base64';
  const fields = sshStrings(blob);
  if (!fields || fields.length !== 1 + BLOB_FIELDS[type] || fields[0].toString('latin1') !== type)
    return `has a key blob that is not a ${type} public key`;
  if (type.includes('ed25519') && fields[1].length !== 32) return `has a key blob that is not a ${type} public key`;
  return undefined;
}
