// §1.5 AWS and §1.6 AWS PRIVATELINK plan rules.
import { planError } from '../errors';
import type { Opts } from './opts';

export function planAws(o: Opts): void {
  const ak = o.has('ACCESS KEY ID');
  const sk = o.has('SECRET ACCESS KEY');
  const st = o.has('SESSION TOKEN');
  const arn = o.has('ASSUME ROLE ARN');
  const sn = o.has('ASSUME ROLE SESSION NAME');
  const creds = ak || sk || st;
  // §connection.rs `CreateConnectionType::Aws`: the credentials triple, the session name, then none/both.
  if (creds && !(ak && sk))
    throw planError('must specify both ACCESS KEY ID and SECRET ACCESS KEY with optional SESSION TOKEN');
  if (sn && !arn) throw planError('must specify ASSUME ROLE ARN with optional ASSUME ROLE SESSION NAME');
  if (!creds && !arn) throw planError('must specify either ASSUME ROLE ARN or ACCESS KEY ID and SECRET ACCESS KEY');
  if (creds && arn) throw planError('cannot specify both ACCESS KEY ID and ASSUME ROLE ARN');
}

export function planPrivatelink(o: Opts): void {
  if (!o.has('SERVICE NAME')) throw planError('SERVICE NAME option is required');
  if (!o.has('AVAILABILITY ZONES')) throw planError('AVAILABILITY ZONES option is required');
  // The AZ-id and duplicate checks apply only when the environment knows its AZ ids (cloud); none here (§1.6).
}
