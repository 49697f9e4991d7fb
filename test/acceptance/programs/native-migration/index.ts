// Config `native`: false deploys the TypeScript SDK's dynamic resources; true declares the same objects as the native
// provider's types, each with an alias to its dynamic type, which moves them in the state without touching Materialize.
import * as pulumi from '@pulumi/pulumi';
import { PostgresConnection, Secret } from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const value = pulumi.secret('migration-canary-Rt55w');

/** A resource of the native provider (CustomResource is abstract in the SDK's types). */
class NativeResource extends pulumi.CustomResource {}

/** The native type of an SDK class, aliased to the dynamic type the SDK registered it as. */
function native(className: string, name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions = {}) {
  return new NativeResource(`materialize-connections:index:${className}`, name, args, {
    ...opts,
    aliases: [{ type: `pulumi-nodejs:dynamic/materialize:${className}` }],
  });
}

if (config.getBoolean('native')) {
  const password = native('Secret', 'password', { name: 'migration_password', value });
  native(
    'PostgresConnection',
    'postgres',
    {
      name: 'migration_postgres',
      host: 'pg.example.com',
      database: 'shop',
      user: 'app',
      password: { name: 'migration_password', schemaName: 'public', databaseName: 'materialize' },
      validate: false,
    },
    { dependsOn: [password] },
  );
} else {
  const password = new Secret('password', { name: 'migration_password', value });
  new PostgresConnection('postgres', {
    name: 'migration_postgres',
    host: 'pg.example.com',
    database: 'shop',
    user: 'app',
    password,
    validate: false,
  });
}
