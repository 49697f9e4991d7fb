// The provider object every resource of one kind shares. Pulumi serializes it into each resource's
// state (`__provider`); it holds nothing but the kind and a `require` of this package's provider
// entry, run at call time in the provider process. So the state carries no credentials and no code
// that goes stale: refresh and destroy run the installed package (pulumi-dynamic-providers.md §5.1).
import type * as pulumi from '@pulumi/pulumi';

type ShimKind = string;

function makeShim(kind: ShimKind): pulumi.dynamic.ResourceProvider {
  return {
    configure: async (req) => require('pulumi-materialize-connections/provider').dynamicProvider(kind).configure(req),
    check: async (olds, news) =>
      require('pulumi-materialize-connections/provider').dynamicProvider(kind).check(olds, news),
    diff: async (id, olds, news) =>
      require('pulumi-materialize-connections/provider').dynamicProvider(kind).diff(id, olds, news),
    create: async (inputs) => require('pulumi-materialize-connections/provider').dynamicProvider(kind).create(inputs),
    read: async (id, props) => require('pulumi-materialize-connections/provider').dynamicProvider(kind).read(id, props),
    update: async (id, olds, news) =>
      require('pulumi-materialize-connections/provider').dynamicProvider(kind).update(id, olds, news),
    delete: async (id, props) =>
      require('pulumi-materialize-connections/provider').dynamicProvider(kind).delete(id, props),
  };
}

const shims = new Map<ShimKind, pulumi.dynamic.ResourceProvider>();

/** One provider object per kind, so Pulumi serializes it once per program (its cache is by identity). */
export function shimFor(kind: ShimKind): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(kind);
  if (!shim) {
    shim = makeShim(kind);
    shims.set(kind, shim);
  }
  return shim;
}
