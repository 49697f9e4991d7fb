// test/sqllogictest/secret.slt (MaterializeInc/materialize @b6bd0ce, the newest stored version), statement by
// statement. Deviations: the slt's CREATE TABLE t1 is replaced by a connection named t1 (the stand-in has no
// tables; items share one namespace, so the errors are the same but for the item type: `t1 is a connection not a
// SECRET` where the slt has `t1 is a table not a SECRET`). SHOW SECRETS has the comment column of newer versions
// ('' without a comment, as connection-create-drop.td's SHOW CONNECTIONS shows it).
import { privateStandin, runSteps } from '../testkit';

const t = privateStandin();
const B64 = "decode('c2VjcmV0Cg==', 'base64')";

test('secret.slt', async () => {
  await runSteps(t.s, [
    { sql: 'SHOW SECRETS', rows: [] },
    { sql: `CREATE SECRET secret AS ${B64};`, tag: 'CREATE SECRET' },
    {
      sql: `CREATE SECRET IF NOT EXISTS secret AS ${B64};`,
      tag: 'CREATE SECRET',
      notice: 'secret "secret" already exists, skipping',
    },
    { sql: `CREATE SECRET secret AS ${B64};`, error: "catalog item 'secret' already exists", code: 'XX000' },
    { sql: `CREATE SECRET key AS ${B64};` },
    // `SELECT * FROM mz_secrets` -> u1 3 secret / u4 3 key: the IF NOT EXISTS hit burned ids u2 and u3.
    {
      sql: 'SELECT id, schema_id, name FROM mz_secrets ORDER BY id',
      rows: [
        { id: 'u1', schema_id: 'u3', name: 'secret' },
        { id: 'u4', schema_id: 'u3', name: 'key' },
      ],
    },
    {
      sql: 'SHOW SECRETS',
      rows: [
        { name: 'key', comment: '' },
        { name: 'secret', comment: '' },
      ],
    },
    { sql: "SHOW SECRETS LIKE 'k%'", rows: [{ name: 'key', comment: '' }] },
    { sql: "CREATE CONNECTION t1 TO SSH TUNNEL (HOST 'h', USER 'u')" },
    { sql: `CREATE SECRET t1 AS ${B64};`, error: "catalog item 't1' already exists" },
    { sql: 'ALTER SECRET t1 rename to t2;', error: 't1 is a connection not a SECRET' },
    { sql: "ALTER SECRET t1 as 'textsecret';", error: 't1 is a connection not a SECRET' },
    { sql: 'DROP SECRET secret', tag: 'DROP SECRET' },
    { sql: 'DROP SECRET secret', error: "unknown catalog item 'secret'" },
    { sql: 'DROP SECRET IF EXISTS secret', tag: 'DROP SECRET', notice: 'SECRET "secret" does not exist, skipping' },
    { sql: `CREATE SECRET secret AS ${B64};` },
    { sql: 'ALTER SECRET key RENAME TO certificate', tag: 'ALTER SECRET' },
    {
      sql: 'SHOW SECRETS',
      rows: [
        { name: 'certificate', comment: '' },
        { name: 'secret', comment: '' },
      ],
    },
    // Rename to an existing secret: the newest wording (older versions: `existing is already taken by item in schema`).
    { sql: `CREATE SECRET existing AS ${B64};` },
    { sql: 'ALTER SECRET certificate RENAME TO existing', error: "catalog item 'existing' already exists" },
    { sql: 'ALTER SECRET certificate RENAME TO t1', error: "catalog item 't1' already exists" },
    { sql: 'DROP SECRET existing' },
    {
      sql: 'ALTER SECRET public.certificate RENAME TO public2.certificate2;',
      error: 'Expected end of statement, found dot',
      code: '42601',
    },
    { sql: `ALTER SECRET certificate as ${B64};`, tag: 'ALTER SECRET' },
    { sql: `ALTER SECRET nonexistant as ${B64};`, error: "unknown catalog item 'nonexistant'" },
    { sql: 'create schema testschema', tag: 'CREATE SCHEMA' },
    { sql: `CREATE SECRET testschema.key AS ${B64};` },
    {
      sql: 'SHOW SECRETS',
      rows: [
        { name: 'certificate', comment: '' },
        { name: 'secret', comment: '' },
      ],
    },
    { sql: 'SHOW SECRETS FROM testschema', rows: [{ name: 'key', comment: '' }] },
    { sql: 'create secret a AS (SELECT * from t1);', error: 'AS does not allow subqueries' },
    { sql: "CREATE SECRET roundtrip AS decode(encode('supersecret', 'base64') , 'base64');" },
    { sql: "CREATE SECRET text_secret as 'text'" },
    { sql: "CREATE SECRET byte_secret as 'text'::bytea;" },
    { sql: 'CREATE SECRET int_secret as 123456', error: 'AS must have type bytea, not type integer' },
    { sql: 'CREATE SECRET null_secret as NULL', error: 'secret value can not be null' },
    { sql: "create secret aa_secret as 'a' || 'a'", error: 'AS must have type bytea, not type text' },
    { sql: "create secret ab_secret as ('a' || 'b')::bytea" },
    { sql: "create secret secret_512 as REPEAT('x', 1024 * 512)::bytea;" },
    {
      sql: "create secret secret_1024 as REPEAT('x', 1024 * 1024)::bytea;",
      error: 'secrets can not be bigger than 512KiB',
    },
    { sql: 'START TRANSACTION', tag: 'BEGIN' },
    {
      sql: "CREATE SECRET t_secret AS 'text'",
      error: "CREATE SECRET t_secret AS 'text' cannot be run inside a transaction block",
      code: '25001',
    },
    { sql: 'ROLLBACK', tag: 'ROLLBACK' },
    // Test dropping multiple secrets in a single operation
    { sql: 'create schema to_be_dropped' },
    { sql: "CREATE SECRET to_be_dropped.secret1 as 'text'" },
    { sql: "CREATE SECRET to_be_dropped.secret2 as 'text'" },
    { sql: "CREATE SECRET to_be_dropped.secret3 as 'text'" },
    { sql: 'DROP SCHEMA to_be_dropped CASCADE', tag: 'DROP SCHEMA' },
    { sql: "SELECT count(*)::int AS n FROM mz_secrets WHERE name LIKE 'secret_'", rows: [{ n: 0 }] },
  ]);
  expect(t.mz.secretValue('materialize', 'public', 'roundtrip')).toBe('supersecret');
  expect(t.mz.secretValue('materialize', 'public', 'text_secret')).toBe('text');
  expect(t.mz.secretValue('materialize', 'public', 'ab_secret')).toBe('ab');
  expect(t.mz.secretValue('materialize', 'testschema', 'key')).toBe('secret\n');
  expect(t.mz.secretValue('materialize', 'public', 't_secret')).toBeUndefined();
});
