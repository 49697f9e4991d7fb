// test/sqllogictest/secret.slt (MaterializeInc/materialize), statement by statement. Deviations: the slt's
// CREATE TABLE t1 is replaced by a connection named t1 (the stand-in has no tables; §7: items share one
// namespace, so the expected errors are the same), and `ALTER SECRET ... AS` is supported in current
// Materialize (§4.2), where the old slt expected "not yet supported".
import { privateStandin, runSteps } from '../testkit';

const t = privateStandin();

test('secret.slt', async () => {
  await runSteps(t.s, [
    { sql: 'SHOW SECRETS', rows: [] },
    { sql: "CREATE SECRET secret AS decode('c2VjcmV0Cg==', 'base64');", tag: 'CREATE SECRET' },
    {
      sql: "CREATE SECRET IF NOT EXISTS secret AS decode('c2VjcmV0Cg==', 'base64');",
      tag: 'CREATE SECRET',
      notice: 'secret "secret" already exists, skipping',
    },
    {
      sql: "CREATE SECRET secret AS decode('c2VjcmV0Cg==', 'base64');",
      error: "catalog item 'secret' already exists",
      code: 'XX000',
    },
    { sql: "CREATE SECRET key AS decode('c2VjcmV0Cg==', 'base64');" },
    { sql: 'SELECT name FROM mz_secrets ORDER BY name', rows: [{ name: 'key' }, { name: 'secret' }] },
    {
      sql: 'SHOW SECRETS',
      rows: [
        { name: 'key', comment: null },
        { name: 'secret', comment: null },
      ],
    },
    { sql: "SHOW SECRETS LIKE 'k%'", rows: [{ name: 'key', comment: null }] },
    { sql: "CREATE CONNECTION t1 TO SSH TUNNEL (HOST 'h', USER 'u')" },
    { sql: "CREATE SECRET t1 AS decode('c2VjcmV0Cg==', 'base64');", error: "catalog item 't1' already exists" },
    { sql: 'DROP SECRET secret', tag: 'DROP SECRET' },
    { sql: 'DROP SECRET secret', error: "unknown catalog item 'secret'" },
    { sql: 'DROP SECRET IF EXISTS secret', tag: 'DROP SECRET', notice: 'SECRET "secret" does not exist, skipping' },
    { sql: "CREATE SECRET secret AS decode('c2VjcmV0Cg==', 'base64');" },
    { sql: 'ALTER SECRET key RENAME TO certificate', tag: 'ALTER SECRET' },
    {
      sql: 'SHOW SECRETS',
      rows: [
        { name: 'certificate', comment: null },
        { name: 'secret', comment: null },
      ],
    },
    { sql: "CREATE SECRET existing AS decode('c2VjcmV0Cg==', 'base64');" },
    { sql: 'ALTER SECRET certificate RENAME TO existing', error: 'existing is already taken by item in schema' },
    { sql: 'ALTER SECRET certificate RENAME TO t1', error: 't1 is already taken by item in schema' },
    { sql: 'DROP SECRET existing' },
    {
      sql: 'ALTER SECRET public.certificate RENAME TO public2.certificate2;',
      error: 'Expected end of statement, found dot',
      code: '42601',
    },
    { sql: "alter secret certificate as decode('c2VjcmV0Cg==', 'base64');", tag: 'ALTER SECRET' },
    { sql: 'create schema testschema', tag: 'CREATE SCHEMA' },
    { sql: "CREATE SECRET testschema.key AS decode('c2VjcmV0Cg==', 'base64');" },
    {
      sql: 'SHOW SECRETS',
      rows: [
        { name: 'certificate', comment: null },
        { name: 'secret', comment: null },
      ],
    },
    { sql: 'SHOW SECRETS FROM testschema', rows: [{ name: 'key', comment: null }] },
    { sql: 'create secret a AS (SELECT * from t1);', error: 'AS does not allow subqueries' },
    { sql: "CREATE SECRET roundtrip AS decode(encode('supersecret', 'base64') , 'base64');" },
    { sql: "CREATE SECRET text_secret as 'text'" },
    { sql: "CREATE SECRET byte_secret as 'text'::bytea;" },
    { sql: 'CREATE SECRET int_secret as 123456;', error: 'AS must have type bytea, not type integer' },
  ]);
  expect(t.mz.secretValue('materialize', 'public', 'roundtrip')).toBe('supersecret');
  expect(t.mz.secretValue('materialize', 'public', 'text_secret')).toBe('text');
  expect(t.mz.secretValue('materialize', 'testschema', 'key')).toBe('secret\n');
});
