// The one place Materialize's published parser (26.41) cannot check what the product renders: Iceberg's
// STORAGE PROVIDER (v26.43). The gap is asserted, not skipped: 26.41 must reject the text exactly at the option,
// and the rest of the statement is still checked.
import { assertMaterializeStatement, maskUnparsableOptions, parseMaterialize } from '../support/mz-parser';

const sql = (sp: string) =>
  `CREATE CONNECTION "materialize"."public"."sp_adls" TO ICEBERG CATALOG (CATALOG TYPE = 'REST', URL = 'https://é.invalid/api/catalog', ${sp}, WAREHOUSE = 'wh')`;

test('parser 26.41 rejects STORAGE PROVIDER (when this fails, a newer parser knows it: drop the exception)', () => {
  expect(parseMaterialize(sql("STORAGE PROVIDER = 'adls'")).error?.message).toMatch(/, found STORAGE$/);
});

test('the option is masked with a same-length stand-in, after a UTF-8 value, and the rest is checked', () => {
  expect(maskUnparsableOptions(sql("STORAGE PROVIDER = 'adls'"))).toBe(sql("SERVICE NAME     = 'adls'"));
  expect(() => assertMaterializeStatement(sql("STORAGE PROVIDER = 'adls'"), 'create_connection')).not.toThrow();
  // Only the option name is excused: a broken value or another unknown option still fails.
  expect(() => assertMaterializeStatement(sql('STORAGE PROVIDER = ('), 'create_connection')).toThrow(
    /Materialize's parser rejects/,
  );
  expect(() =>
    assertMaterializeStatement(sql("STORAGE PROVIDER = 'adls', STORAGE KIND = 'x'"), 'create_connection'),
  ).toThrow(/found STORAGE/);
});

test('text that merely mentions STORAGE PROVIDER inside a literal is not touched', () => {
  const text = sql("SCOPE = 'STORAGE PROVIDER'");
  expect(maskUnparsableOptions(text)).toBe(text);
});
