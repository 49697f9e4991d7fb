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

/** Grammar newer than the parser package: STORAGE PROVIDER (v26.43) unless features say 'parser-26.41'. */
export interface Grammar {
  storageProviderGrammar: 'newest' | 'parser-26.41';
}

const STORAGE_PROVIDER = /^STORAGE\s+PROVIDER\b/i;

export function mzParse(sql: string, grammar?: Grammar): { statements: MzStatement[]; error: string | null } {
  // Offsets are UTF-8 byte offsets. An option the package does not know is re-parsed as SERVICE NAME (same length,
  // same value grammar); the statements are then cut from the original text.
  const original = Buffer.from(sql, 'utf8');
  let text = sql;
  let r = load().parse(text);
  while (r.error && grammar?.storageProviderGrammar === 'newest') {
    const bytes = Buffer.from(text, 'utf8');
    const at = bytes.subarray(r.error.offset).toString('utf8');
    const m = at.match(STORAGE_PROVIDER);
    if (!m) break;
    text =
      bytes.subarray(0, r.error.offset).toString('utf8') + 'SERVICE NAME'.padEnd(m[0].length) + at.slice(m[0].length);
    r = load().parse(text);
  }
  return {
    statements: r.statements.map((s) => ({
      kind: s.kind,
      sql: original.subarray(s.offset, s.offset + Buffer.byteLength(s.sql, 'utf8')).toString('utf8'),
    })),
    error: r.error ? r.error.message : null,
  };
}
