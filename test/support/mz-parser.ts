// Materialize's own SQL parser (@materializeinc/sql-parser, WASM), loaded synchronously for CommonJS/jest.
// The package is an ESM "bundler" build; jest's swc transform turns its glue into CommonJS
// (jest.config.js transformIgnorePatterns), and the .wasm is instantiated by hand.
import * as fs from 'fs';
import type { ParseResult } from '@materializeinc/sql-parser';

// Node has WebAssembly, but the ES libraries this project compiles against don't declare it.
declare const WebAssembly: {
  Module: new (bytes: Buffer) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

interface Glue {
  parse(sql: string): ParseResult;
  __wbg_set_wasm(exports: Record<string, unknown>): void;
}

let glue: Glue | undefined;

function load(): Glue {
  if (glue) return glue;
  const gluePath = require.resolve('@materializeinc/sql-parser/mz_sql_parser_wasm_bg.js');
  const g: Glue = require(gluePath);
  const module = new WebAssembly.Module(fs.readFileSync(gluePath.replace(/\.js$/, '.wasm')));
  const instance = new WebAssembly.Instance(module, { './mz_sql_parser_wasm_bg.js': g });
  g.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return (glue = g);
}

export function parseMaterialize(sql: string): ParseResult {
  return load().parse(sql);
}

/** Throws unless Materialize's parser sees exactly one statement of `kind` spanning the whole text. */
export function assertMaterializeStatement(sql: string, kind: string): void {
  const result = parseMaterialize(sql);
  if (result.error)
    throw new Error(`Materialize's parser rejects: ${result.error.message} at ${result.error.offset}\n${sql}`);
  const kinds = result.statements.map((s) => s.kind);
  if (kinds.length !== 1 || kinds[0] !== kind)
    throw new Error(`Materialize's parser sees [${kinds.join(', ')}], expected one ${kind}\n${sql}`);
  if (result.statements[0].sql.trim() !== sql.trim())
    throw new Error(`Materialize's parser read only part of the text:\n${result.statements[0].sql}\n---\n${sql}`);
}
