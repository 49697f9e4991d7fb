// Stacks that use the native provider plugin as an install gives it: `node_modules/.bin/pulumi-resource-
// materialize-connections` (the package's bin, made executable as npm makes it), found through `plugins: providers:`
// in Pulumi.yaml. YAML programs need `pulumi-language-yaml` beside the CLI or on PATH (`npm run pulumi-cli`).
import * as fs from 'fs';
import * as path from 'path';
import { materializeConfig, ROOT, Stack, type StackOptions } from './pulumi';

export const PLUGIN = 'pulumi-resource-materialize-connections';
const MAIN = 'lib/provider/native/main.js';

/** The stand-in's settings under the native provider's own config keys. */
export function nativeConfig(): { config: Record<string, string>; secrets: Record<string, string> } {
  const rename = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/^materialize:/, 'materialize-connections:'), v]));
  const mz = materializeConfig();
  return { config: rename(mz.config), secrets: rename(mz.secrets) };
}

function onPath(file: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, file)));
}

export function nativeStack(o: StackOptions): Stack {
  const stack = new Stack(o);
  // The stack's node_modules links each entry of the repository's, `.bin` too: this stack gets a `.bin` of its own
  // (the link alone is removed), never a file in the shared one.
  const bin = path.join(stack.work, 'node_modules/.bin');
  if (fs.lstatSync(bin, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(bin);
  fs.mkdirSync(bin, { recursive: true });
  fs.chmodSync(path.join(ROOT, MAIN), 0o755);
  fs.symlinkSync(path.join('..', 'pulumi-materialize-connections', MAIN), path.join(bin, PLUGIN));
  const yaml = fs.readFileSync(path.join(stack.dir, 'Pulumi.yaml'), 'utf8');
  if (/^runtime:\s*yaml/m.test(yaml) && !onPath('pulumi-language-yaml', stack.env))
    throw new Error('pulumi-language-yaml is neither beside the Pulumi CLI nor on PATH: build it (npm run pulumi-cli)');
  return stack;
}

export { forms } from './pulumi';
