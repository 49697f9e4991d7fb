// The benchmark's Pulumi program: 200 connections of mixed kinds plus the secrets they reference, built
// with the SDK's own resource classes (references take the resource itself, so Pulumi orders the steps).
// `version` 2 is "one program change": every connection changes exactly three options.
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../sdk';

/** Per group: 2 secrets and 10 connections (2 SSH, 2 Postgres, 2 MySQL, 2 Kafka, 1 CSR, 1 AWS). */
export const CONNECTIONS_PER_GROUP = 10;
export const SECRETS_PER_GROUP = 2;

export interface FleetOptions {
  groups: number;
  schema: string;
  version: 1 | 2;
  /** Manage USAGE: every object grants it to `bench_team`; version 2 adds `bench_readers` on every connection. */
  usage?: boolean;
}

export const USAGE_ROLES = ['bench_team', 'bench_readers'];

export function fleet(o: FleetOptions): () => Record<string, unknown> {
  return () => {
    const v2 = o.version === 2;
    const usage = o.usage ? (v2 ? USAGE_ROLES : USAGE_ROLES.slice(0, 1)) : undefined;
    const secretUsage = o.usage ? USAGE_ROLES.slice(0, 1) : undefined;
    const at = { schemaName: o.schema, validate: false, usage } as const;
    const names: pulumi.Output<string>[] = [];
    for (let g = 0; g < o.groups; g++) {
      const n = (s: string) => `${s}-${g}`;
      const secret = (name: string) =>
        new mz.Secret(n(name), {
          name: n(name),
          schemaName: o.schema,
          value: pulumi.secret(`${name}-${g}`),
          usage: secretUsage,
        });
      const pw = secret('pw');
      const key = secret('key');
      const ssh = ['a', 'b'].map(
        (x) =>
          new mz.SshTunnelConnection(n(`ssh-${x}`), {
            ...at,
            name: n(`ssh-${x}`),
            host: v2 ? `bastion2-${g}${x}.example.com` : `bastion-${g}${x}.example.com`,
            port: v2 ? 2222 : 22,
            user: v2 ? 'admin' : 'ubuntu',
          }),
      );
      const made: mz.Connection[] = [...ssh];
      ['a', 'b'].forEach((x, i) => {
        made.push(
          new mz.PostgresConnection(n(`pg-${x}`), {
            ...at,
            name: n(`pg-${x}`),
            host: v2 ? `pg2-${g}${x}.example.com` : `pg-${g}${x}.example.com`,
            port: v2 ? 5433 : 5432,
            database: v2 ? 'app2' : 'app',
            user: 'mz',
            password: pw,
            sshTunnel: i === 0 ? ssh[0] : undefined,
          }),
          new mz.MySqlConnection(n(`mysql-${x}`), {
            ...at,
            name: n(`mysql-${x}`),
            host: v2 ? `my2-${g}${x}.example.com` : `my-${g}${x}.example.com`,
            port: v2 ? 3307 : 3306,
            user: v2 ? 'mz2' : 'mz',
            password: pw,
            sshTunnel: i === 0 ? ssh[1] : undefined,
          }),
          new mz.KafkaConnection(n(`kafka-${x}`), {
            ...at,
            name: n(`kafka-${x}`),
            brokers: v2 ? [`k2-${g}${x}:9092`, `k3-${g}${x}:9092`] : [`k1-${g}${x}:9092`],
            sshTunnel: i === 1 ? ssh[1] : undefined,
            securityProtocol: 'SASL_SSL',
            saslMechanisms: v2 ? 'SCRAM-SHA-256' : 'PLAIN',
            saslUsername: v2 ? 'svc2' : 'svc',
            saslPassword: key,
          }),
        );
      });
      made.push(
        new mz.ConfluentSchemaRegistryConnection(n('csr'), {
          ...at,
          name: n('csr'),
          url: v2 ? `https://registry2-${g}.example.com:8081` : `https://registry-${g}.example.com:8081`,
          username: v2 ? 'reader2' : 'reader',
          password: v2 ? key : pw,
        }),
        new mz.AwsConnection(n('aws'), {
          ...at,
          name: n('aws'),
          region: v2 ? 'eu-west-1' : 'us-east-1',
          assumeRoleArn: `arn:aws:iam::123456789012:role/${v2 ? 'reader2' : 'reader'}-${g}`,
          assumeRoleSessionName: v2 ? 'bench2' : 'bench',
        }),
      );
      names.push(...made.map((c) => c.qualifiedName));
    }
    return { count: names.length };
  };
}
