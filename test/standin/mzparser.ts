// Materialize's own parser (@materializeinc/sql-parser, WASM) as the grammar gate: a statement it rejects gets
// 42601 with its message; it also splits a query string into statements and names their kinds.
import * as fs from 'fs';
import type { ParseResult } from '@materializeinc/sql-parser';

// tsconfig's lib has no WebAssembly typings; the few members used here.
type WasmExports = Record<string, unknown>;
const Wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (b: Buffer) => object;
      Instance: new (m: object, imports: object) => { exports: WasmExports };
    };
  }
).WebAssembly;
type Glue = { parse(sql: string): ParseResult; __wbg_set_wasm(exports: WasmExports): void };
const GLUE = '@materializeinc/sql-parser/mz_sql_parser_wasm_bg.js';
let glue: Glue | undefined;

function load(): Glue {
  if (glue) return glue;
  const gluePath = require.resolve(GLUE);
  // Node >= 20.19 can require() this ESM file; under Jest the transform turns it into CJS (jest.config.js).
  const g: Glue = require(gluePath);
  const mod = new Wasm.Module(fs.readFileSync(gluePath.replace(/\.js$/, '.wasm')));
  const inst = new Wasm.Instance(mod, { './mz_sql_parser_wasm_bg.js': g });
  g.__wbg_set_wasm(inst.exports);
  (inst.exports.__wbindgen_start as () => void)();
  return (glue = g);
}

export interface MzStatement {
  kind: string;
  sql: string;
}
export function mzParse(sql: string): { statements: MzStatement[]; error: string | null } {
  const r = load().parse(sql);
  return {
    statements: r.statements.map((s) => ({ kind: s.kind, sql: s.sql })),
    error: r.error ? r.error.message : null,
  };
}
