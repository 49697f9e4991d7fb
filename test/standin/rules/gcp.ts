// GCP and AWS GLUE SCHEMA REGISTRY plan rules (materialize-newest-features.md §1.1, §2.2).
import type { Catalog } from '../catalog';
import { planError } from '../errors';
import type { Opts } from './opts';

export function planGcp(o: Opts): void {
  if (!o.has('SERVICE ACCOUNT KEY')) throw planError('SERVICE ACCOUNT KEY option is required');
}

export function planGlue(o: Opts, cat: Catalog): void {
  // §2.2: the gate's description text is [unverified] beyond the slt's substring (§10.1).
  if (!cat.features.glueSchemaRegistry)
    throw planError('CREATE CONNECTION ... TO AWS GLUE SCHEMA REGISTRY is not available');
  if (!o.has('AWS CONNECTION')) throw planError('AWS CONNECTION option is required');
  const registry = o.text('REGISTRY');
  if (registry === undefined) throw planError('REGISTRY option is required');
  if (registry === '') throw planError('REGISTRY must not be empty');
}
