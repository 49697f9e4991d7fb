// An SSH tunnel that may be adopted, reached under the address spelling the stack config gives, with a
// dependent PostgreSQL connection that can be made to fail; and, optionally, an AWS connection with an
// AwsConnectionRole that names it by name. Driven by stack config:
//
//   adopt, deleteBeforeReplace (bools, the tunnel); trigger (its replacementTrigger); replaceOnChanges (bool: its
//   replaceOnChanges ['*']); mzHost (its own materialize.host); alone (bool: no dependent connection);
//   dependentOwner (the PostgreSQL connection's ownerRole: an unknown role makes its step fail);
//   role (bool: the AWS connection and its role), accountId, roleName, roleAdopt, roleDeleteBeforeReplace.
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

const config = new pulumi.Config();
const mzHost = config.get('mzHost');

const tunnel = new mz.SshTunnelConnection(
  'tunnel',
  {
    name: 't',
    host: 'bastion.example.com',
    user: 'materialize',
    adoptExisting: config.getBoolean('adopt') ?? false,
    ...(mzHost ? { materialize: { host: mzHost } } : {}),
  },
  {
    deleteBeforeReplace: config.getBoolean('deleteBeforeReplace'),
    ...(config.get('trigger') ? { replacementTrigger: config.get('trigger') } : {}),
    ...(config.getBoolean('replaceOnChanges') ? { replaceOnChanges: ['*'] } : {}),
  },
);

const dependent = config.getBoolean('alone')
  ? undefined
  : new mz.PostgresConnection('dependent', {
      name: 'pg',
      host: 'db.example.com',
      database: 'app',
      user: 'app',
      sshTunnel: tunnel,
      ownerRole: config.get('dependentOwner'),
      validate: false,
    });

export const tunnelId = tunnel.connectionId;
export const dependentId = dependent?.connectionId;

function awsRole(): mz.AwsConnectionRole {
  const accountId = config.require('accountId');
  const roleName = config.require('roleName');
  const conn = new mz.AwsConnection('aws_conn', {
    name: 'aws_conn',
    assumeRoleArn: mz.roleArnFor(accountId, roleName),
    region: 'us-east-1',
  });
  return new mz.AwsConnectionRole(
    'role',
    {
      // By name: the role reads the connection's principal and external ID from the catalog.
      connection: { name: 'aws_conn' },
      roleName,
      adoptExisting: config.getBoolean('roleAdopt') ?? false,
      validate: false,
    },
    { dependsOn: [conn], deleteBeforeReplace: config.getBoolean('roleDeleteBeforeReplace') },
  );
}

export const roleId = config.getBoolean('role') ? awsRole().roleId : undefined;
