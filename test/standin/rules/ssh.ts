// §1.9 SSH TUNNEL plan rules.
import { planError } from '../errors';
import type { Opts } from './opts';

export function planSsh(o: Opts): void {
  for (const k of ['PUBLIC KEY 1', 'PUBLIC KEY 2'])
    if (o.has(k)) throw planError(`the ${k} option cannot be explicitly specified`); // PUBLIC KEY 2: [inferred]
  // §connection.rs `CreateConnectionType::Ssh`: HOST, then USER (present, then not a secret).
  if (!o.has('HOST')) throw planError('HOST option is required');
  if (!o.has('USER')) throw planError('USER option is required');
  if (o.isSecret('USER')) throw planError('SSH connections do not support supplying USER value as SECRET');
}
