// The entry point the SDK's thin shim requires at call time inside the provider process:
// `require('pulumi-materialize-connections/provider').dynamicProvider('kafka')`.
import { connectionAdapter, secretAdapter } from './lifecycle/adapters';
import { lifecycle, type DynamicImpl } from './lifecycle/resource';
import type { ConnectionKind } from './specs';
import { BASTION_KEYS_KIND, bastionKeysProvider } from './bastion';

export type ResourceKind = ConnectionKind | 'secret' | typeof BASTION_KEYS_KIND;

const impls = new Map<ResourceKind, DynamicImpl>();

export function dynamicProvider(kind: ResourceKind): DynamicImpl {
  let impl = impls.get(kind);
  if (kind === BASTION_KEYS_KIND) return bastionKeysProvider;
  if (!impl) {
    impl = lifecycle(kind === 'secret' ? secretAdapter : connectionAdapter(kind as ConnectionKind));
    impls.set(kind, impl);
  }
  return impl;
}
