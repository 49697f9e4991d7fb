// The fault campaign's one program: it declares the resources model.json lists (the campaign rewrites the
// file before every step, so a new program version costs no compilation). Secrets are given as secrets.
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';
import type { Model, ModelResource } from './model-types';

const model: Model = JSON.parse(fs.readFileSync(path.join(__dirname, 'model.json'), 'utf8'));
const made = new Map<string, pulumi.Resource>();
const get = <T extends pulumi.Resource>(key: string | undefined): T | undefined =>
  key === undefined ? undefined : (made.get(key) as T);

function common(r: ModelResource) {
  return {
    name: r.name,
    schemaName: r.schema,
    comment: r.comment,
    usage: r.usage,
    adoptExisting: r.adopt,
    materialize: r.host === undefined ? undefined : { host: r.host },
  };
}
const text = (r: ModelResource, v: string | undefined) => (v !== undefined && r.userSecret ? pulumi.secret(v) : v);

function declare(r: ModelResource): pulumi.Resource {
  const opts: pulumi.CustomResourceOptions = { deleteBeforeReplace: r.deleteBeforeReplace };
  const password = get<mz.Secret>(r.password);
  const sshTunnel = get<mz.SshTunnelConnection>(r.tunnel);
  const e = model.env;
  switch (r.kind) {
    case 'secret':
      return new mz.Secret(r.key, { ...common(r), value: pulumi.secret(r.value ?? '') }, opts);
    case 'postgres':
      return new mz.PostgresConnection(
        r.key,
        {
          ...common(r),
          host: '127.0.0.1',
          port: r.port,
          user: text(r, r.user)!,
          password,
          database: 'postgres',
          sshTunnel,
          validate: false,
        },
        opts,
      );
    case 'mysql':
      return new mz.MySqlConnection(
        r.key,
        { ...common(r), host: '127.0.0.1', port: r.port, user: text(r, r.user)!, password, sshTunnel, validate: false },
        opts,
      );
    case 'kafka':
      return new mz.KafkaConnection(
        r.key,
        {
          ...common(r),
          brokers: [`127.0.0.1:${r.port}`],
          saslMechanisms: password ? 'PLAIN' : undefined,
          saslUsername: password ? text(r, r.user) : undefined,
          saslPassword: password,
          securityProtocol: password ? 'SASL_PLAINTEXT' : undefined,
          progressTopic: r.progressTopic,
          sshTunnel,
          validate: false,
        },
        opts,
      );
    case 'csr':
      return new mz.ConfluentSchemaRegistryConnection(
        r.key,
        {
          ...common(r),
          url: `http://127.0.0.1:${r.port}`,
          username: text(r, r.user),
          password,
          sshTunnel,
          validate: false,
        },
        opts,
      );
    case 'ssh':
      return new mz.SshTunnelConnection(
        r.key,
        { ...common(r), host: e.sshHost, port: e.sshPort, user: e.sshUser, keyRotation: r.keyRotation },
        opts,
      );
    case 'aws':
      return new mz.AwsConnection(
        r.key,
        { ...common(r), assumeRoleArn: mz.roleArnFor(e.awsAccount, r.roleName ?? '') },
        opts,
      );
    case 'role': {
      const aws = model.resources.find((x) => x.key === r.connection)!;
      return new mz.AwsConnectionRole(
        r.key,
        {
          connection: r.byName ? { name: aws.name, schemaName: aws.schema } : get<mz.AwsConnection>(r.connection)!,
          roleName: r.name,
          description: r.description,
          aws: { endpoint: e.iamEndpoint, region: 'us-east-1' },
          validateTimeout: 20,
        },
        { ...opts, dependsOn: get(r.connection) },
      );
    }
    case 'bastion':
      return new mz.SshBastionAuthorizedKeys(
        r.key,
        {
          connection: get<mz.SshTunnelConnection>(r.tunnel),
          host: e.sshHost,
          port: e.bastionPort,
          user: e.sshUser,
          path: e.bastionPath,
          blockName: e.bastionBlock,
          hostKeySha256: e.sshHostKey,
          privateKey: pulumi.secret(e.sshPrivateKey),
          restrictions: { noPty: true },
        },
        opts,
      );
  }
}

for (const r of model.resources) made.set(r.key, declare(r));
