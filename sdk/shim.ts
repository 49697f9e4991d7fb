// The provider object every resource of one kind shares. Pulumi serializes it into each resource's
// state (`__provider`); it holds nothing but the kind and a `require` of this package's provider
// entry, run at call time in the provider process. So the state carries no credentials and no code
// that goes stale: refresh and destroy run the installed package (pulumi-dynamic-providers.md §5.1).
import type * as pulumi from '@pulumi/pulumi';
import { checkInlineProgram } from './inline-check';

type ShimKind = string;

function makeShim(kind: ShimKind): pulumi.dynamic.ResourceProvider {
  // The provider process resolves the package from its working directory (the program's folder, or an
  // Automation API work dir): when that fails, say what to do instead of a bare "Cannot find module".
  const load = () => {
    try {
      return require('pulumi-materialize-connections/provider').dynamicProvider(kind);
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND' || !/'pulumi-materialize-connections\//.test(`${e}`))
        throw e;
      throw new Error(
        `pulumi-materialize-connections/provider cannot be loaded from ${process.cwd()}, where Pulumi started ` +
          "the dynamic-provider process. An Automation API program: pass workspaceOptions() of 'pulumi-" +
          "materialize-connections/automation' to LocalWorkspace. Otherwise: install the package where the program is.",
      );
    }
  };
  return {
    configure: async (req) => load().configure(req),
    check: async (olds, news) => load().check(olds, news),
    diff: async (id, olds, news) => load().diff(id, olds, news),
    create: async (inputs) => load().create(inputs),
    read: async (id, props) => load().read(id, props),
    update: async (id, olds, news) => load().update(id, olds, news),
    delete: async (id, props) => load().delete(id, props),
  };
}

const shims = new Map<ShimKind, pulumi.dynamic.ResourceProvider>();

/** One provider object per kind, so Pulumi serializes it once per program (its cache is by identity). */
export function shimFor(kind: ShimKind): pulumi.dynamic.ResourceProvider {
  checkInlineProgram();
  let shim = shims.get(kind);
  if (!shim) {
    shim = makeShim(kind);
    shims.set(kind, shim);
  }
  return shim;
}
