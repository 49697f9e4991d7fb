// What every resource of this package stores as `__provider`: a small CommonJS module that the dynamic-provider
// process evaluates (`requireFromString(__provider).handler()`, once per distinct text per process) and whose
// methods `require` this package's provider entry at call time. So the state carries no credentials and no code
// that goes stale: refresh and destroy run the installed package (pulumi-dynamic-providers.md §5.1).
//
// It is written here as text rather than produced by `pulumi.dynamic.Resource`'s closure serializer: the
// serializer wraps each of the seven methods in its own `with` environment (about 2.8 KB per resource, stored
// twice, in the inputs and in the outputs, and sent with every check, diff and create), and loading it costs the
// program TypeScript's compiler and npm's package tree. The text is also written compactly, without layout (about
// a fifth of the serializer's output): the file backend rewrites the whole checkpoint after every step, at a cost
// that follows its size. The engine handles it exactly as it handles a serialized provider (same type token, same
// `pulumi-nodejs` provider).
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { checkInlineProgram } from './inline-check';

/**
 * The provider module for one kind. The provider process resolves the package from its working directory (the
 * program's folder, or an Automation API work dir): when that fails, it says what to do instead of a bare
 * "Cannot find module"; any other failure (a module the package itself needs) is thrown as it is. The process calls
 * `handler()` when an operation first needs this kind, so the entry loads then. The entry is required by its name
 * written out, in this file too, so that a static check of the package (test/install/check-pack.ts) reads it as the
 * self-reference it is. Every byte is stored twice per resource and sent with every call.
 */
export function providerModule(kind: string): string {
  return [
    'exports.handler=()=>{try{return require("pulumi-materialize-connections/provider")',
    `.dynamicProvider(${JSON.stringify(kind)})}catch(e){`,
    `throw e.code=="MODULE_NOT_FOUND"&&String(e).includes("'pulumi-materialize-connections/provider'")`,
    '?Error("pulumi-materialize-connections is not installed in "+process.cwd()+" (Automation API: use its ',
    'workspaceOptions())"):e}}',
  ].join('');
}

const modules = new Map<string, string>();

/** A dynamic resource (`pulumi-nodejs:dynamic/materialize:<type>`) whose provider is this package's, for `kind`. */
export abstract class ShimResource extends pulumi.CustomResource {
  protected constructor(
    kind: string,
    type: string,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    checkInlineProgram();
    let text = modules.get(kind);
    if (text === undefined) modules.set(kind, (text = providerModule(kind)));
    const restore = registering();
    try {
      super(`pulumi-nodejs:dynamic/materialize:${type}`, name, { ...props, __provider: text }, opts);
    } catch (e) {
      restore();
      throw withFrames(e);
    } finally {
      restore();
    }
  }
}

/** What a resource's constructor runs `super()` under: no promise stacks, and the program's frames first. */
function registering(): () => void {
  const limit = withoutPromiseStacks();
  const format = fromProgram();
  return () => {
    format();
    limit();
  };
}

const SDK_DIR = __dirname + path.sep;
const ours = (site: NodeJS.CallSite | undefined) => site?.getFileName()?.startsWith(SDK_DIR) === true;

/**
 * @pulumi/pulumi records where a resource was declared (its stack trace, and the first frame as its source
 * position) from a stack captured in its constructor, skipping a fixed number of frames: Resource, CustomResource
 * and one for the class the program called. This package's classes are deeper (KafkaConnection, Connection,
 * MaterializeObject, ShimResource), so the position was a line of this directory. Until the returned function
 * restores the formatter, stack traces leave out each frame of this directory whose caller is here too: of this
 * package's frames, only the class the program called stays. The frames go to the formatter in place when there is
 * one (source-map-support, installed by Pulumi's run, maps a TypeScript program's lines); otherwise they are
 * formatted as V8 does.
 */
function fromProgram(): () => void {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, sites) => {
    const kept = sites.filter((site, i) => !(ours(site) && ours(sites[i + 1])));
    return previous ? previous(error, kept) : `${String(error)}${kept.map((site) => `\n    at ${site}`).join('')}`;
  };
  return () => {
    Error.prepareStackTrace = previous;
  };
}

/**
 * Registering a resource makes four promises per property, and @pulumi/pulumi captures a stack trace for each one
 * (through source-map-support): most of the program's time with 20-odd properties per resource. Those stacks
 * are only printed when PULUMI_DEBUG_PROMISE_LEAKS is set, so without it they are captured empty. The
 * resource's own stack trace and source position (in the state) do not depend on this: Pulumi captures them
 * with an unlimited depth of its own. An error thrown while registering (a bad option) gets the frames of the
 * constructor's caller (withFrames). Returns the function that restores the limit.
 */
export function withoutPromiseStacks(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}

/** Runs `fn` (the program-side work of building a resource's inputs) without promise stacks, as above. */
export function quietly<T>(fn: () => T): T {
  const restore = withoutPromiseStacks();
  try {
    return fn();
  } catch (e) {
    restore();
    throw withFrames(e);
  } finally {
    restore();
  }
}

/** An error made while stacks were off gets the frames of where the resource was constructed. */
function withFrames(e: unknown): unknown {
  if (e instanceof Error && typeof e.stack === 'string' && !/\n\s+at /.test(e.stack))
    e.stack += `\n${(new Error().stack ?? '').split('\n').slice(2).join('\n')}`;
  return e;
}
