// A PostgreSQL connection to a real server, validated on create: with a wrong password Materialize refuses it,
// and the provider's probe explains why. Config: pgHost, pgPort, pgUser. The password comes from the environment's
// ACCEPTANCE_PG_PASSWORD, made a secret in code: the engine masks secret config values in all it prints, which
// would hide a leak, and plain config is kept in the state.
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const pgPassword = pulumi.secret(process.env.ACCEPTANCE_PG_PASSWORD ?? '');
const password = new mz.Secret('pg-password', { name: 'diag_pg_password', value: pgPassword });
export const pg = new mz.PostgresConnection('pg', {
  name: 'diag_pg',
  host: config.require('pgHost'),
  port: config.requireNumber('pgPort'),
  user: config.require('pgUser'),
  password,
  database: 'postgres',
  validate: true,
  // Materialize never returns secret values: give the probe the password, so it can check the login too.
  diagnose: pgPassword.apply((p) => ({ secrets: { diag_pg_password: p } })),
}).qualifiedName;
