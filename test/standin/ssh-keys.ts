// §1.9: two Ed25519 key pairs per SSH TUNNEL connection, OpenSSH format, comment `materialize`.
// Built from Node's own Ed25519 keys: ssh2's generateKeyPairSync drops leading zero bytes of the public key
// (about one key in a hundred comes out 31 bytes long, which sshd refuses), so it is not used here.
import { generateKeyPairSync, randomBytes } from 'crypto';
import type { SshKeyPair } from './catalog';

const COMMENT = 'materialize';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (data: Buffer | string) => {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([u32(b.length), b]);
};

export function generateKeyPair(): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // SPKI DER is a fixed 12-byte header then the 32-byte key; PKCS#8 DER is a 16-byte header then the seed.
  const pub = publicKey.export({ type: 'spki', format: 'der' }).subarray(12);
  const seed = privateKey.export({ type: 'pkcs8', format: 'der' }).subarray(16);
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(COMMENT),
  ]);
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    u32(1),
    sshString(blob),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g)!;
  return {
    publicKey: `ssh-ed25519 ${blob.toString('base64')} ${COMMENT}`,
    privateKey: ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n'),
  };
}
