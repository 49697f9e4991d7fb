// SshBastionAuthorizedKeys: Materialize's SSH tunnel keys installed on the bastion (a dynamic provider kind of its own).
export const BASTION_KEYS_KIND = 'ssh-bastion-authorized-keys';
export { bastionKeysProvider, rotationSteps } from './resource';
export {
  findBlock,
  keyLines,
  outsideBlocks,
  withBlock,
  withoutBlock,
  posixCksum,
  renderRestrictions,
} from './authorized-keys';
export { publicKeyProblem } from './public-key';
export type { KeyRestrictions } from './authorized-keys';
export { fingerprint, publicKeyFingerprint } from './ssh';
