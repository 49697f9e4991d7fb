// `pulumi-materialize-connections/automation`: what an Automation API program (LocalWorkspace with an inline
// `program`) needs for these dynamic resources to load.
//
// Why: the Pulumi CLI starts the dynamic-provider plugin (pulumi-resource-pulumi-nodejs, a sh script shipped in
// @pulumi/pulumi) in the workspace's work dir, and the script finds its server with
// `node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"` from there; the server then runs each
// resource's serialized provider, which requires `pulumi-materialize-connections/provider`. An inline program's
// work dir is a fresh temporary folder without node_modules, so both lookups fail ("Cannot find module
// '@pulumi/pulumi/cmd/dynamic-provider'", then "could not read plugin [...]: EOF").
//
// The fix is the environment, not the work dir: NODE_PATH gets the node_modules folders this package and its
// @pulumi/pulumi were loaded from (real paths: under pnpm, the package's folder in the virtual store, where its
// dependencies and its @pulumi/pulumi peer are linked), so both lookups succeed from any work dir and load the
// very copies the program uses, whatever the package manager and wherever the script runs from.
import * as fs from 'fs';
import * as path from 'path';
import type { LocalWorkspaceOptions } from '@pulumi/pulumi/automation';
import { AUTOMATION_MARK } from './inline-check';

const PACKAGE = 'pulumi-materialize-connections';

/** The node_modules folder a package folder sits in (scoped or not), if it sits in one. */
function nodeModulesOf(packageDir: string, scoped: boolean): string | undefined {
  const parent = path.dirname(scoped ? path.dirname(packageDir) : packageDir);
  return path.basename(parent) === 'node_modules' ? parent : undefined;
}

/** This package's folder: the nearest one up from this module with its package.json (lib/sdk or sdk). */
function packageDir(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === PACKAGE) return dir;
  }
  throw new Error(`${PACKAGE}/automation: cannot find the package's own package.json above ${__dirname}`);
}

/**
 * The node_modules folders that, on NODE_PATH, make `@pulumi/pulumi/cmd/dynamic-provider` and this package's
 * provider resolve to the copies this process uses: where this package sits, and where its @pulumi/pulumi sits.
 * Throws, naming what is missing, when those folders do not hold both (a package linked by hand, say).
 */
export function moduleRoots(): string[] {
  const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
  const roots = [
    ...new Set([nodeModulesOf(packageDir(), false), nodeModulesOf(pulumiDir, true)].filter((r) => r !== undefined)),
  ];
  // NODE_PATH folders are searched as `<folder>/<request>`.
  for (const file of ['@pulumi/pulumi/cmd/dynamic-provider/index.js', `${PACKAGE}/package.json`])
    if (!roots.some((r) => fs.existsSync(path.join(r, file))))
      throw new Error(
        `${PACKAGE}/automation: no node_modules folder of this install holds ${path.dirname(file)} ` +
          `(looked in ${roots.join(', ') || 'none'}): install ${PACKAGE} and @pulumi/pulumi as dependencies of ` +
          "the deploy script's package",
      );
  return roots;
}

/** `options` with `roots` appended to NODE_PATH (after the entries already there), nothing else changed. */
export function withNodePath(
  options: LocalWorkspaceOptions,
  roots: string[],
  inherited = process.env.NODE_PATH,
): LocalWorkspaceOptions {
  const envVars = options.envVars ?? {};
  const first = (envVars.NODE_PATH ?? inherited ?? '').split(path.delimiter).filter(Boolean);
  return { ...options, envVars: { ...envVars, NODE_PATH: [...new Set([...first, ...roots])].join(path.delimiter) } };
}

/**
 * The LocalWorkspaceOptions an inline program needs for this package's resources: `options` with NODE_PATH
 * extended (see above). Everything else the caller set is kept as it is, and NODE_PATH entries already there
 * (in `options.envVars`, else in this process' environment) stay first.
 *
 *   const stack = await LocalWorkspace.createOrSelectStack({ stackName, projectName, program }, workspaceOptions());
 */
export function workspaceOptions(options: LocalWorkspaceOptions = {}): LocalWorkspaceOptions {
  const result = withNodePath(options, moduleRoots());
  (globalThis as Record<symbol, unknown>)[AUTOMATION_MARK] = true;
  return result;
}
