// §1.9: two Ed25519 key pairs per SSH TUNNEL connection, OpenSSH format, comment `materialize`.
import { utils } from 'ssh2';
import type { SshKeyPair } from './catalog';

export function generateKeyPair(): SshKeyPair {
  const k = utils.generateKeyPairSync('ed25519', { comment: 'materialize' });
  return { publicKey: k.public.trim(), privateKey: k.private };
}
