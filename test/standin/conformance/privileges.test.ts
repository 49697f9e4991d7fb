// Privileges on connections and secrets (materialize-newest-features.md §6): GRANT/REVOKE USAGE, the
// `privileges` column (mz_aclitem[], `{materialize=U/materialize}`: role names, privilege_grants.slt), mz_internal.mz_aclexplode, and the RBAC errors of
// src/adapter/src/rbac.rs (UnauthorizedError: `must be owner of <TYPE> <name>`, `permission denied for
// <TYPE> "<name>"`, `must be a member of "<role>"`; all 42501) and `unknown role '<r>'` (§3.4).
// Sessions of other roles log in with CREATE ROLE ... LOGIN PASSWORD (self-managed password auth).
import { Client } from 'pg';
import { privateStandin, runSteps, session, type Session } from '../testkit';

const t = privateStandin();
let alice: Session;
let bob: Session;

function as(user: string, password: string): Promise<Session> {
  const url = new URL(t.mz.url);
  url.username = user;
  url.password = password;
  return session(url.toString());
}

const acl = (name: string) => `SELECT privileges::text AS privileges FROM mz_catalog.mz_objects WHERE name = '${name}'`;
const exploded = (table: string, name: string) =>
  `SELECT e.grantor, e.grantee, e.privilege_type FROM ${table} o, mz_internal.mz_aclexplode(o.privileges) e WHERE o.name = '${name}' ORDER BY 2, 3`;

// First, so the server's asynchronous logging of the refused logins happens while the suite still runs.
test('roles log in with CREATE ROLE ... LOGIN PASSWORD; without a password, NOLOGIN or a wrong one they cannot', async () => {
  // Fresh catalog: materialize = u1; alice = u2, bob = u3.
  await runSteps(t.s, [
    { sql: "CREATE ROLE alice WITH LOGIN PASSWORD 'a'", tag: 'CREATE ROLE' },
    { sql: "CREATE ROLE bob LOGIN PASSWORD 'b'", tag: 'CREATE ROLE' },
  ]);
  await (await as('alice', 'a')).end();
  await t.s.ok('CREATE ROLE carol');
  await t.s.ok("CREATE ROLE dave NOLOGIN PASSWORD 'd'");
  for (const [user, password] of [
    ['carol', 'c'],
    ['dave', 'd'],
    ['alice', 'wrong'],
  ]) {
    const c = new Client({ host: '127.0.0.1', port: t.mz.port, user, password, database: 'materialize' });
    await expect(c.connect()).rejects.toThrow(`password authentication failed for user "${user}"`);
    await c.end().catch(() => undefined);
  }
});

test('GRANT and REVOKE USAGE as the owner: privileges column and mz_aclexplode', async () => {
  // Items from u1; roles materialize = u1, alice = u2, bob = u3.
  await runSteps(t.s, [
    { sql: "CREATE SECRET pw AS 'x'" },
    {
      sql: "CREATE CONNECTION pg TO POSTGRES (HOST 'h', DATABASE 'd', USER 'u', PASSWORD SECRET pw) WITH (VALIDATE = false)",
    },
    { sql: acl('pg'), rows: [{ privileges: '{materialize=U/materialize}' }] },
    { sql: 'GRANT USAGE ON CONNECTION pg TO alice, bob', tag: 'GRANT' },
    { sql: 'GRANT ALL PRIVILEGES ON SECRET pw TO alice', tag: 'GRANT' },
    { sql: 'GRANT USAGE ON SECRET pw TO alice', tag: 'GRANT' }, // already held: no second entry
    { sql: acl('pg'), rows: [{ privileges: '{materialize=U/materialize,alice=U/materialize,bob=U/materialize}' }] },
    { sql: acl('pw'), rows: [{ privileges: '{materialize=U/materialize,alice=U/materialize}' }] },
    {
      sql: exploded('mz_catalog.mz_connections', 'pg'),
      rows: [
        { grantor: 'u1', grantee: 'u1', privilege_type: 'USAGE' },
        { grantor: 'u1', grantee: 'u2', privilege_type: 'USAGE' },
        { grantor: 'u1', grantee: 'u3', privilege_type: 'USAGE' },
      ],
    },
    { sql: 'REVOKE USAGE ON CONNECTION pg FROM bob', tag: 'REVOKE' },
    { sql: 'GRANT USAGE ON SECRET pw TO PUBLIC', tag: 'GRANT' },
    { sql: acl('pg'), rows: [{ privileges: '{materialize=U/materialize,alice=U/materialize}' }] },
    { sql: acl('pw'), rows: [{ privileges: '{materialize=U/materialize,alice=U/materialize,=U/materialize}' }] },
    {
      sql: exploded('mz_catalog.mz_secrets', 'pw'),
      rows: [
        { grantor: 'u1', grantee: 'p', privilege_type: 'USAGE' },
        { grantor: 'u1', grantee: 'u1', privilege_type: 'USAGE' },
        { grantor: 'u1', grantee: 'u2', privilege_type: 'USAGE' },
      ],
    },
    { sql: 'REVOKE USAGE ON SECRET pw FROM PUBLIC, alice', tag: 'REVOKE' },
    { sql: acl('pw'), rows: [{ privileges: '{materialize=U/materialize}' }] },
  ]);
});

test('plan errors: unknown role, unknown object, wrong object type; nothing changes', async () => {
  await runSteps(t.s, [
    { sql: 'GRANT USAGE ON CONNECTION pg TO alice, ghost', error: "unknown role 'ghost'", code: 'XX000' },
    { sql: acl('pg'), rows: [{ privileges: '{materialize=U/materialize,alice=U/materialize}' }] },
    { sql: 'GRANT USAGE ON CONNECTION nope TO alice', error: "unknown catalog item 'nope'" },
    { sql: 'GRANT USAGE ON CONNECTION pw TO alice', error: 'materialize.public.pw is a secret not a connection' },
  ]);
});

test('RBAC: only the owner (or a superuser) grants; USAGE on references for CREATE and ALTER (v26.40)', async () => {
  alice = await as('alice', 'a');
  bob = await as('bob', 'b');
  await runSteps(alice, [
    // alice holds USAGE on pg but does not own it.
    {
      sql: 'GRANT USAGE ON CONNECTION pg TO bob',
      error: 'must be owner of CONNECTION materialize.public.pg',
      code: '42501',
    },
    { sql: 'REVOKE USAGE ON CONNECTION pg FROM alice', error: 'must be owner of CONNECTION materialize.public.pg' },
    {
      sql: "ALTER CONNECTION pg SET (HOST = 'h2') WITH (VALIDATE = false)",
      error: 'must be owner of CONNECTION materialize.public.pg',
      code: '42501',
    },
    { sql: 'COMMENT ON CONNECTION pg IS NULL', error: 'must be owner of CONNECTION materialize.public.pg' },
    { sql: 'DROP CONNECTION pg', error: 'must be owner of CONNECTION materialize.public.pg' },
    // Creating a connection that references a secret alice has no USAGE on.
    {
      sql: "CREATE CONNECTION mine TO POSTGRES (HOST 'h', DATABASE 'd', USER 'u', PASSWORD SECRET pw) WITH (VALIDATE = false)",
      error: 'permission denied for SECRET "materialize.public.pw"',
      code: '42501',
    },
    { sql: "CREATE SECRET own AS 'y'", tag: 'CREATE SECRET' },
    {
      sql: "CREATE CONNECTION mine TO POSTGRES (HOST 'h', DATABASE 'd', USER 'u', PASSWORD SECRET own) WITH (VALIDATE = false)",
      tag: 'CREATE CONNECTION',
    },
    // Her own objects: she may grant on them, and only to existing roles.
    { sql: 'GRANT USAGE ON SECRET own TO bob', tag: 'GRANT' },
    { sql: acl('own'), rows: [{ privileges: '{alice=U/alice,bob=U/alice}' }] },
    // ALTER to a definition that references pw needs USAGE on pw (the resulting definition, §6.3).
    {
      sql: 'ALTER CONNECTION mine SET (PASSWORD = SECRET pw) WITH (VALIDATE = false)',
      error: 'permission denied for SECRET "materialize.public.pw"',
      code: '42501',
    },
    // OWNER TO another role needs membership in it.
    { sql: 'ALTER SECRET own OWNER TO bob', error: 'must be a member of "bob"', code: '42501' },
  ]);
  // Once pw's owner grants USAGE, the same ALTER succeeds; dropping the reference needs no USAGE on it.
  await t.s.ok('GRANT USAGE ON SECRET pw TO alice');
  await runSteps(alice, [
    { sql: 'ALTER CONNECTION mine SET (PASSWORD = SECRET pw) WITH (VALIDATE = false)', tag: 'ALTER CONNECTION' },
  ]);
  await t.s.ok('REVOKE USAGE ON SECRET pw FROM alice');
  await runSteps(alice, [
    { sql: 'ALTER CONNECTION mine RESET (PASSWORD) WITH (VALIDATE = false)', tag: 'ALTER CONNECTION' },
  ]);
  // A superuser grants on anyone's object; the grant is recorded as made by the owner.
  await runSteps(t.s, [
    { sql: 'GRANT USAGE ON CONNECTION mine TO bob', tag: 'GRANT' },
    { sql: acl('mine'), rows: [{ privileges: '{alice=U/alice,bob=U/alice}' }] },
    // OWNER TO rewrites the old owner to the new one, as grantee and as grantor.
    { sql: 'ALTER CONNECTION mine OWNER TO materialize', tag: 'ALTER CONNECTION' },
    { sql: acl('mine'), rows: [{ privileges: '{materialize=U/materialize,bob=U/materialize}' }] },
  ]);
  await runSteps(bob, [{ sql: 'SELECT current_database() AS db', rows: [{ db: 'materialize' }] }]);
  // Closed here, before the stand-in: a session it drops at shutdown makes its server log after the suite ends.
  await alice.end();
  await bob.end();
});

test('role names that need quoting keep their ids through the text form (mz_aclexplode)', async () => {
  // PostgreSQL's putid quotes a name that is not plain; the explode must map every name back to its role id.
  await runSteps(t.s, [
    { sql: 'CREATE ROLE "a=b/c"', tag: 'CREATE ROLE' },
    { sql: 'CREATE ROLE "x""y"', tag: 'CREATE ROLE' },
    { sql: "CREATE SECRET odd AS 'z'", tag: 'CREATE SECRET' },
    { sql: 'GRANT USAGE ON SECRET odd TO "a=b/c", "x""y", PUBLIC', tag: 'GRANT' },
    {
      sql: acl('odd'),
      rows: [
        {
          // Array elements holding quotes are quoted and escaped, as PostgreSQL prints a text[].
          privileges:
            '{materialize=U/materialize,"\\"a=b/c\\"=U/materialize","\\"x\\"\\"y\\"=U/materialize",=U/materialize}',
        },
      ],
    },
    {
      sql: `SELECT r.name, e.privilege_type FROM mz_secrets o, mz_internal.mz_aclexplode(o.privileges) e LEFT JOIN mz_roles r ON r.id = e.grantee WHERE o.name = 'odd' ORDER BY e.grantee`,
      rows: [
        { name: 'PUBLIC', privilege_type: 'USAGE' },
        { name: 'materialize', privilege_type: 'USAGE' },
        { name: 'a=b/c', privilege_type: 'USAGE' },
        { name: 'x"y', privilege_type: 'USAGE' },
      ],
    },
    { sql: 'DROP ROLE "a=b/c"', error: 'role "a=b/c" cannot be dropped because some objects depend on it' },
    { sql: 'REVOKE USAGE ON SECRET odd FROM "a=b/c"', tag: 'REVOKE' },
    { sql: 'DROP ROLE "a=b/c"', tag: 'DROP ROLE' },
  ]);
});
