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

/**
 * Option names newer than the newest published parser package (26.41), with a stand-in of the same length that
 * 26.41 parses with the same value grammar. `STORAGE PROVIDER` (Iceberg, v26.43) is the only one.
 */
export const PARSER_2641_UNKNOWN_OPTIONS: readonly { option: RegExp; standIn: string }[] = [
  { option: /^STORAGE\s+PROVIDER\b/i, standIn: 'SERVICE NAME' },
];

export let statementsWithParserGap = 0;

/**
 * The text the 26.41 parser can check: each option it cannot parse is masked with a same-length stand-in, but
 * only after asserting that 26.41 rejects the text exactly there. So the gap is never silent: when a newer
 * parser learns the option, this throws and the list above must shrink.
 */
export function maskUnparsableOptions(sql: string): string {
  let text = sql;
  for (;;) {
    const result = parseMaterialize(text);
    if (!result.error) return text;
    // The parser's offset counts UTF-8 bytes.
    const offset = Buffer.from(text, 'utf8').subarray(0, result.error.offset).toString('utf8').length;
    const at = text.slice(offset);
    const gap = PARSER_2641_UNKNOWN_OPTIONS.find((g) => g.option.test(at));
    if (!gap) return text;
    const length = at.match(gap.option)![0].length;
    text = text.slice(0, offset) + gap.standIn.padEnd(length) + at.slice(length);
    statementsWithParserGap++;
  }
}

/**
 * Throws unless Materialize's parser sees exactly one statement of `kind` spanning the whole text. Options in
 * PARSER_2641_UNKNOWN_OPTIONS are checked as described at maskUnparsableOptions; everything else is checked as written.
 */
export function assertMaterializeStatement(original: string, kind: string): void {
  const sql = maskUnparsableOptions(original);
  const result = parseMaterialize(sql);
  if (result.error)
    throw new Error(`Materialize's parser rejects: ${result.error.message} at ${result.error.offset}\n${sql}`);
  const kinds = result.statements.map((s) => s.kind);
  if (kinds.length !== 1 || kinds[0] !== kind)
    throw new Error(`Materialize's parser sees [${kinds.join(', ')}], expected one ${kind}\n${sql}`);
  if (result.statements[0].sql.trim() !== sql.trim())
    throw new Error(`Materialize's parser read only part of the text:\n${result.statements[0].sql}\n---\n${sql}`);
}
