// Where Materialize is (resource input > stack config > MZ_* > defaults), error messages, and the
// SHOW CREATE form of create_sql.
import { configureFromStack, resetStackConfig, resolveEndpoint } from '../../../provider/lifecycle/endpoint';
import { materializeError, scrub } from '../../../provider/lifecycle/errors';
import { humanizeCreateSql, connectionQuery, secretQuery } from '../../../provider/lifecycle/catalog';
import { assertMaterializeStatement } from '../../support/mz-parser';
import { specFor } from '../../../provider';

afterEach(() => resetStackConfig());

const config = (values: Record<string, string>) => ({ config: { get: (k: string) => values[k] } });

test('defaults: a local materialized without TLS', () => {
  expect(resolveEndpoint(undefined, {})).toEqual({
    host: 'localhost',
    port: 6875,
    username: 'materialize',
    password: undefined,
    database: 'materialize',
    sslmode: 'disable',
    connectTimeout: 30,
    statementTimeout: 300,
    keepaliveIdle: 60,
    poolSize: 8,
  });
});

test('MZ_* environment variables, MZ_USER as an alias; a remote host defaults to verified TLS', () => {
  expect(
    resolveEndpoint(undefined, {
      MZ_HOST: 'x.materialize.cloud',
      MZ_PORT: '6876',
      MZ_USER: 'me',
      MZ_PASSWORD: 'pw',
      MZ_DATABASE: 'd',
    }),
  ).toEqual({
    host: 'x.materialize.cloud',
    port: 6876,
    username: 'me',
    password: 'pw',
    database: 'd',
    sslmode: 'verify-full',
    connectTimeout: 30,
    statementTimeout: 300,
    keepaliveIdle: 60,
    poolSize: 8,
  });
});

test('stack config beats the environment; the resource input beats both', () => {
  configureFromStack(
    config({
      'materialize:host': 'cfg',
      'materialize:port': '7000',
      'materialize:password': 'cfgpw',
      'materialize:sslmode': 'verify-full',
    }),
  );
  const env = { MZ_HOST: 'env', MZ_USERNAME: 'envuser' };
  expect(resolveEndpoint(undefined, env)).toMatchObject({
    host: 'cfg',
    port: 7000,
    username: 'envuser',
    password: 'cfgpw',
    sslmode: 'verify-full',
  });
  expect(resolveEndpoint({ host: 'own', port: 1 }, env)).toMatchObject({
    host: 'own',
    port: 1,
    username: 'envuser',
    password: 'cfgpw',
  });
});

test('errors carry Materialize message, DETAIL, HINT and SQLSTATE, with secrets scrubbed', () => {
  const pgError = Object.assign(new Error('role trust policy does not require an external ID'), {
    code: '58000',
    detail: "The trust policy for the connection's role (arn:aws:iam::1:role/r) is insecure",
    hint: 'See: https://materialize.com/s/aws-connection-role-trust-policy',
  });
  const e = materializeError(pgError, 'VALIDATE CONNECTION "materialize"."public"."aws"');
  expect(e.message).toBe(
    'VALIDATE CONNECTION "materialize"."public"."aws": role trust policy does not require an external ID\n' +
      "DETAIL: The trust policy for the connection's role (arn:aws:iam::1:role/r) is insecure\n" +
      'HINT: See: https://materialize.com/s/aws-connection-role-trust-policy\n(SQLSTATE 58000)',
  );
  expect(e.code).toBe('58000');
  expect(
    scrub(`value hunter2-hunter2-x or ${Buffer.from('hunter2-hunter2-x').toString('base64')}`, ['hunter2-hunter2-x']),
  ).toBe('value ******** or ********');
  expect(materializeError(new Error('bad hunter2-hunter2-x'), 'x', ['hunter2-hunter2-x']).message).toBe(
    'x: bad ********',
  );
});

test('create_sql references by id become references by name', () => {
  expect(
    humanizeCreateSql(
      'CREATE CONNECTION "materialize"."public"."pg" TO POSTGRES (HOST = \'h\', PASSWORD = SECRET [u1 AS "materialize"."public"."pw"], SSH TUNNEL = [u23 AS "materialize"."a b"."t""x"])',
    ),
  ).toBe(
    'CREATE CONNECTION "materialize"."public"."pg" TO POSTGRES (HOST = \'h\', PASSWORD = SECRET "materialize"."public"."pw", SSH TUNNEL = "materialize"."a b"."t""x")',
  );
});

test('one catalog query per read, joining exactly the detail relations the spec names', () => {
  const q = connectionQuery(specFor('aws'), { id: 'u7' });
  expect(q.params).toEqual(['u7']);
  expect(q.sql).toBe(
    [
      "SELECT o.id, o.name, s.name AS schema_name, d.name AS database_name, r.name AS owner, cm.comment, (SELECT array_agg(CASE WHEN a.grantee = 'p' THEN 'PUBLIC' ELSE g.name END)",
      '  FROM mz_internal.mz_aclexplode(o.privileges) a LEFT JOIN mz_catalog.mz_roles g ON g.id = a.grantee',
      "  WHERE a.privilege_type = 'USAGE' AND (a.grantee = 'p' OR a.grantee LIKE 'u%')) AS usage, o.type, o.create_sql, x0.external_id AS external_id_0, x0.principal AS principal_0, x0.example_trust_policy::text AS example_trust_policy_0",
      'FROM mz_catalog.mz_connections o',
      'JOIN mz_catalog.mz_schemas s ON s.id = o.schema_id',
      'JOIN mz_catalog.mz_databases d ON d.id = s.database_id',
      'JOIN mz_catalog.mz_roles r ON r.id = o.owner_id',
      'LEFT JOIN mz_internal.mz_comments cm ON cm.id = o.id AND cm.object_sub_id IS NULL',
      'LEFT JOIN mz_internal.mz_aws_connections x0 ON x0.id = o.id',
      'WHERE o.id = $1',
    ].join('\n'),
  );
  expect(
    connectionQuery(specFor('postgres'), { location: { databaseName: 'd', schemaName: 's', name: 'n' } }).params,
  ).toEqual(['d', 's', 'n']);
});

test('a read ahead asks for one schema’s objects of one kind, bounded by a literal LIMIT, which Materialize parses', () => {
  const scope = { databaseName: 'd"b', schemaName: "s'c" };
  const connections = connectionQuery(specFor('aws'), { scope, limit: 1000 });
  expect(connections.sql.split('\n').slice(-2)).toEqual([
    'WHERE d.name = $1 AND s.name = $2 AND o.type = $3',
    'LIMIT 1000',
  ]);
  expect(connections.params).toEqual(['d"b', "s'c", 'aws']);
  const secrets = secretQuery({ scope, limit: 7 });
  expect(secrets.sql.split('\n').slice(-2)).toEqual(['WHERE d.name = $1 AND s.name = $2', 'LIMIT 7']);
  expect(secrets.params).toEqual(['d"b', "s'c"]);
  for (const q of [connections, secrets])
    assertMaterializeStatement(
      q.params.reduce((sql, p, i) => sql.replace(`$${i + 1}`, `'${p.replace(/'/g, "''")}'`), q.sql),
      'select',
    );
});
