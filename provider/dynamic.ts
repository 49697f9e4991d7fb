// The entry point the SDK's thin shim requires at call time inside the provider process:
// `require('pulumi-materialize-connections/provider').dynamicProvider('kafka')`.
import { connectionAdapter, secretAdapter } from './lifecycle/adapters';
import { lifecycle, type DynamicImpl } from './lifecycle/resource';
import type { ConnectionKind } from './specs';
import { roleLifecycle } from './aws-role/resource';

/** Materialize objects, and the IAM role of AWS connections (its own lifecycle; AWS SDK loaded on use). */
export type ResourceKind = ConnectionKind | 'secret' | 'aws-connection-role';

const impls = new Map<ResourceKind, DynamicImpl>();

export function dynamicProvider(kind: ResourceKind): DynamicImpl {
  let impl = impls.get(kind);
  if (!impl) {
    impl =
      kind === 'aws-connection-role'
        ? roleLifecycle()
        : lifecycle(kind === 'secret' ? secretAdapter : connectionAdapter(kind));
    impls.set(kind, impl);
  }
  return impl;
}
