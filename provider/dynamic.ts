// The entry point the SDK's thin shim requires at call time inside the provider process:
// `require('pulumi-materialize-connections/provider').dynamicProvider('kafka')`.
import { connectionAdapter, secretAdapter } from './lifecycle/adapters';
import { lifecycle, type DynamicImpl } from './lifecycle/resource';
import type { ConnectionKind } from './specs';
import { BASTION_KEYS_KIND, bastionKeysProvider } from './bastion';
import { roleLifecycle } from './aws-role/resource';
import { diagnosticsHook } from './diagnose/wiring';

/**
 * Materialize objects; the bastion's authorized_keys (ssh2 loaded on use); the IAM role of AWS connections
 * (AWS SDK loaded on use).
 */
export type ResourceKind = ConnectionKind | 'secret' | typeof BASTION_KEYS_KIND | 'aws-connection-role';

const impls = new Map<ResourceKind, DynamicImpl>();

function implFor(kind: ResourceKind): DynamicImpl {
  if (kind === BASTION_KEYS_KIND) return bastionKeysProvider;
  if (kind === 'aws-connection-role') return roleLifecycle();
  return lifecycle(kind === 'secret' ? secretAdapter : connectionAdapter(kind), diagnosticsHook);
}

export function dynamicProvider(kind: ResourceKind): DynamicImpl {
  let impl = impls.get(kind);
  if (!impl) {
    impl = implFor(kind);
    impls.set(kind, impl);
  }
  return impl;
}
