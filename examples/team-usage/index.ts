// USAGE on a connection and on the secrets it references, for a team that builds on them.
//
//   CREATE SECRET pgpass AS '<POSTGRES_PASSWORD>';
//   CREATE CONNECTION pg_connection TO POSTGRES (HOST '...', USER 'materialize', PASSWORD SECRET pgpass, DATABASE 'app');
//   GRANT USAGE ON SECRET pgpass TO analysts;
//   GRANT USAGE ON CONNECTION pg_connection TO analysts, etl;
//
// `analysts` creates sources on pg_connection (USAGE on the connection). They also own connections of their
// own that use pgpass, and since Materialize v26.40 whoever creates or alters a connection needs USAGE on
// every secret and connection its definition references: so pgpass is granted to them as well. `etl` only
// reads through the connection. Roles listed must exist (CREATE ROLE); a hand-made GRANT or REVOKE on these
// objects shows up in `pulumi refresh` and the next `pulumi up` restores these lists.
//
// Config: pgPassword (secret, required); pgHost (optional).
import * as pulumi from '@pulumi/pulumi';
import { PostgresConnection, Secret } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

const pgpass = new Secret('pgpass', {
  name: 'pgpass',
  value: pulumi.secret(config.requireSecret('pgPassword')),
  usage: ['analysts'],
});

const pg = new PostgresConnection('pg_connection', {
  name: 'pg_connection',
  host: config.get('pgHost') ?? 'instance.foo000.us-west-1.rds.amazonaws.com',
  user: 'materialize',
  password: pgpass,
  database: 'app',
  validate: false, // placeholder server; delete for a real one
  usage: ['analysts', 'etl'],
});

export const connectionUsage = pg.usage;
export const secretUsage = pgpass.usage;
