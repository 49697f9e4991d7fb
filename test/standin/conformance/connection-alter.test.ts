// test/testdrive/connection-alter.td (MaterializeInc/materialize). No Kafka broker exists here, so connections
// are created WITH (VALIDATE = false), `abcd` stays an unvalidated broker, and the td's "Failed to resolve
// hostname" case uses a `.invalid` host. Sources/tables are out of scope for the stand-in.
import { privateStandin, runSteps } from '../testkit';

const t = privateStandin();

const KAFKA = 'kafka.example:9092';
const invalidAlter = (m: string) => `invalid ALTER CONNECTION: ${m}`;

test('connection-alter.td', async () => {
  await runSteps(t.s, [
    {
      sql: `CREATE CONNECTION conn TO KAFKA (BROKER '${KAFKA}', SECURITY PROTOCOL PLAINTEXT) WITH (VALIDATE = false)`,
      tag: 'CREATE CONNECTION',
    },
    { sql: "SELECT name, type from mz_connections WHERE id LIKE 'u%'", rows: [{ name: 'conn', type: 'kafka' }] },
    {
      sql: `CREATE CONNECTION progress_override TO KAFKA (BROKER '${KAFKA}', PROGRESS TOPIC 'some_progress_topic', SECURITY PROTOCOL PLAINTEXT) WITH (VALIDATE = false)`,
    },
    {
      sql: 'ALTER CONNECTION conn RESET (broker);',
      error: invalidAlter('invalid CONNECTION: must set one of BROKER, BROKERS, or AWS PRIVATELINK'),
      code: '0A000',
    },
    {
      sql: "ALTER CONNECTION conn SET (broker = 'abcd.invalid') WITH (validate = true);",
      error: /Failed to resolve hostname/,
      code: '58000',
    },
    { sql: "ALTER CONNECTION conn SET (broker = 'abcd') WITH (validate = false);", tag: 'ALTER CONNECTION' },
    {
      sql: 'SHOW CREATE CONNECTION conn',
      rows: [
        {
          name: 'materialize.public.conn',
          create_sql:
            "CREATE CONNECTION materialize.public.conn TO KAFKA (BROKER = 'abcd', SECURITY PROTOCOL = plaintext);",
        },
      ],
    },
    { sql: `ALTER CONNECTION conn SET (broker = '${KAFKA}') WITH (validate = false);` },
    {
      sql: 'SHOW CREATE CONNECTION conn',
      rows: [
        {
          name: 'materialize.public.conn',
          create_sql: `CREATE CONNECTION materialize.public.conn\nTO KAFKA (BROKER = '${KAFKA}', SECURITY PROTOCOL = plaintext);`,
        },
      ],
    },
    { sql: `ALTER CONNECTION conn SET (BROKERS ['${KAFKA}']) WITH (validate = false)` },
    {
      sql: 'SHOW CREATE CONNECTION conn',
      rows: [
        {
          name: 'materialize.public.conn',
          create_sql: `CREATE CONNECTION materialize.public.conn\nTO KAFKA (BROKERS = ('${KAFKA}'), SECURITY PROTOCOL = plaintext);`,
        },
      ],
    },
    {
      sql: `ALTER CONNECTION conn SET (BROKER '${KAFKA}'), RESET (BROKER);`,
      error: 'cannot both SET and DROP/RESET options BROKER',
    },
    {
      sql: `ALTER CONNECTION conn SET (BROKER '${KAFKA}'), SET (BROKER '${KAFKA}');`,
      error: 'BROKER specified more than once',
    },
    {
      sql: `ALTER CONNECTION conn SET (BROKER '${KAFKA}'), SET (BROKER '${KAFKA}'), SET (BROKER '${KAFKA}');`,
      error: 'BROKER specified more than once',
    },
    {
      sql: `ALTER CONNECTION conn SET (BROKER '${KAFKA}'), SET (BROKERS ['${KAFKA}'])`,
      error: invalidAlter('invalid CONNECTION: can only set one of BROKER, BROKERS, or AWS PRIVATELINK'),
    },
    {
      sql: `ALTER CONNECTION conn SET (BROKER '${KAFKA}'), DROP (BROKERS)`,
      error: 'cannot both SET and DROP/RESET mutually exclusive KAFKA options BROKER, BROKERS',
    },
    {
      sql: `ALTER CONNECTION conn DROP (BROKER), SET (BROKERS ['${KAFKA}'])`,
      error: 'cannot both SET and DROP/RESET mutually exclusive KAFKA options BROKER, BROKERS',
    },
    {
      sql: 'ALTER CONNECTION conn RESET (BROKER), RESET (BROKERS);',
      error: invalidAlter('invalid CONNECTION: must set one of BROKER, BROKERS, or AWS PRIVATELINK'),
    },
    { sql: `ALTER CONNECTION conn SET (BROKER = '${KAFKA}') WITH (VALIDATE = false);` },
    { sql: "ALTER CONNECTION conn SET (PROGRESS TOPIC = 'new');", error: 'cannot ALTER KAFKA option PROGRESS TOPIC' },
    { sql: 'ALTER CONNECTION conn RESET (PROGRESS TOPIC);', error: 'cannot ALTER KAFKA option PROGRESS TOPIC' },
    {
      sql: 'ALTER CONNECTION conn RESET (PROGRESS TOPIC), ROTATE KEYS;',
      error: 'cannot specify any other actions alongside ALTER CONNECTION...ROTATE KEYS',
    },
    {
      sql: 'ALTER CONNECTION conn ROTATE KEYS, RESET (PROGRESS TOPIC);',
      error: 'cannot specify any other actions alongside ALTER CONNECTION...ROTATE KEYS',
    },
    {
      sql: 'ALTER CONNECTION conn ROTATE KEYS, ROTATE KEYS;',
      error: 'cannot specify any other actions alongside ALTER CONNECTION...ROTATE KEYS',
    },
    { sql: 'ALTER CONNECTION IF EXISTS abc RESET (PROGRESS TOPIC);', tag: 'ALTER CONNECTION' },
    { sql: 'ALTER CONNECTION IF EXISTS abc RESET (PROGRESS TOPIC), ROTATE KEYS;', tag: 'ALTER CONNECTION' },
    { sql: 'ALTER CONNECTION conn ROTATE KEYS', error: 'materialize.public.conn is not an SSH connection' },
    { sql: "CREATE CONNECTION ssh_conn TO SSH TUNNEL (HOST 'host', USER 'user', PORT 1) WITH (VALIDATE = false);" },
    {
      sql: "ALTER CONNECTION ssh_conn ROTATE KEYS WITH (VALIDATE = true, VALIDATE = false, VALIDATE = 'abc');",
      error:
        "ALTER CONNECTION...ROTATE KEYS does not support WITH (VALIDATE = true, VALIDATE = false, VALIDATE = 'abc')",
    },
  ]);
});

test('ROTATE KEYS: key 1 := old key 2, key 2 := new (§3.3)', async () => {
  const before = (
    await t.s.ok(
      "SELECT k.* FROM mz_ssh_tunnel_connections k JOIN mz_connections c USING (id) WHERE c.name = 'ssh_conn'",
    )
  ).rows[0];
  await runSteps(t.s, [{ sql: 'ALTER CONNECTION ssh_conn ROTATE KEYS', tag: 'ALTER CONNECTION' }]);
  const after = (
    await t.s.ok(
      "SELECT k.*, c.create_sql FROM mz_ssh_tunnel_connections k JOIN mz_connections c USING (id) WHERE c.name = 'ssh_conn'",
    )
  ).rows[0];
  expect(after.public_key_1).toBe(before.public_key_2);
  expect(after.public_key_2).not.toBe(before.public_key_2);
  expect(after.public_key_2).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA[A-Za-z0-9+/=]+ materialize$/);
  expect(after.create_sql).toContain(`PUBLIC KEY 1 = '${after.public_key_1}', PUBLIC KEY 2 = '${after.public_key_2}'`);
});

test('the progress topic default (§1.7) and explicit value', async () => {
  const r = await t.s.ok(
    'SELECT c.name, k.brokers, k.sink_progress_topic FROM mz_kafka_connections k JOIN mz_connections c USING (id) ORDER BY c.name',
  );
  expect(r.rows[0]).toEqual({
    name: 'conn',
    brokers: [KAFKA],
    sink_progress_topic: expect.stringMatching(/^_materialize-progress-.+-u\d+$/),
  });
  expect(r.rows[1]).toEqual({
    name: 'progress_override',
    brokers: [KAFKA],
    sink_progress_topic: 'some_progress_topic',
  });
});
