#!/usr/bin/env node
// mz-plan: `pulumi preview --json` as the plan of Materialize connections and secrets, for a pull-request comment.
//
//   pulumi preview --json | mz-plan [--format markdown|text|json] [--fail-on-replace]
//   mz-plan --file preview.json
//
// Exit status: 0; 3 with --fail-on-replace when a replacement is planned (after printing the plan); 2 on bad
// usage or input that is not a preview's JSON.
import * as fs from 'fs';
import { readPlan } from './model';
import { render, type Format } from './render';

const USAGE = 'usage: mz-plan [--file <preview.json>] [--format markdown|text|json] [--fail-on-replace]';
const FORMATS: readonly Format[] = ['markdown', 'text', 'json'];

interface Options {
  file?: string;
  format: Format;
  failOnReplace: boolean;
}

export function parseArgs(argv: string[]): Options {
  const o: Options = { format: 'markdown', failOnReplace: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--file' || flag === '-f') o.file = value();
    else if (flag === '--format') {
      const f = value();
      if (!FORMATS.includes(f as Format)) throw new Error(`--format must be markdown, text or json (got "${f}")`);
      o.format = f as Format;
    } else if (flag === '--fail-on-replace') o.failOnReplace = true;
    else if (flag === '--help' || flag === '-h') throw Object.assign(new Error(USAGE), { exitCode: 0 });
    else throw new Error(`unknown argument "${argv[i]}"\n${USAGE}`);
  }
  return o;
}

/** Runs mz-plan over `input` (the preview's JSON text); returns what to print and the exit status. */
export function mzPlan(input: string, o: Options): { output: string; exitCode: number } {
  let digest: unknown;
  try {
    digest = JSON.parse(input);
  } catch {
    // Not JSON.parse's message: it quotes the input, which may hold anything.
    throw new Error('not JSON: pipe the output of `pulumi preview --json` (its stdout only)');
  }
  const plan = readPlan(digest);
  return { output: render(plan, o.format), exitCode: o.failOnReplace && plan.counts.replace > 0 ? 3 : 0 };
}

function main(): void {
  try {
    const o = parseArgs(process.argv.slice(2));
    const input = fs.readFileSync(o.file ?? 0, 'utf8');
    const { output, exitCode } = mzPlan(input, o);
    process.stdout.write(output);
    process.exitCode = exitCode;
  } catch (e) {
    const err = e as Error & { exitCode?: number };
    process.stderr.write(`${err.exitCode === 0 ? '' : 'mz-plan: '}${err.message}\n`);
    process.exitCode = err.exitCode ?? 2;
  }
}

if (require.main === module) main();
