// CREATE CONNECTION ... TO CONFLUENT SCHEMA REGISTRY (docs: "Confluent Schema Registry" > Examples and
// "Network security" > SSH tunnel).
//
// Schema Registry connections are validated on creation by default (Materialize calls the registry).
// The registries and bastion here are the docs' placeholders and do not exist, so every connection
// sets `validate: false`; delete those lines for a real registry.
//
// Config: csrPassword, csrSslCert, csrSslKey, caCert (secrets, required); bastionHost, bastionPort,
// bastionUser (optional).
import * as pulumi from '@pulumi/pulumi';
import { ConfluentSchemaRegistryConnection, Secret, SshTunnelConnection } from 'pulumi-materialize-connections';

const config = new pulumi.Config();

const csrPassword = new Secret('csr_password', {
  name: 'csr_password',
  value: pulumi.secret(config.requireSecret('csrPassword')),
});
const csrSslCert = new Secret('csr_ssl_cert', {
  name: 'csr_ssl_cert',
  value: pulumi.secret(config.requireSecret('csrSslCert')),
});
const csrSslKey = new Secret('csr_ssl_key', {
  name: 'csr_ssl_key',
  value: pulumi.secret(config.requireSecret('csrSslKey')),
});
const caCert = new Secret('ca_cert', { name: 'ca_cert', value: pulumi.secret(config.requireSecret('caCert')) });

// Username and password authentication with TLS encryption.
const basic = new ConfluentSchemaRegistryConnection('csr_basic', {
  name: 'csr_basic',
  url: 'https://rp-f00000bar.cloud.redpanda.com:30993',
  username: 'foo',
  password: csrPassword,
  // Only needed when the registry's certificate is not issued by a CA in the Mozilla root store.
  sslCertificateAuthority: caCert,
  validate: false, // placeholder registry
});

// TLS for encryption and authentication.
const tls = new ConfluentSchemaRegistryConnection('csr_ssl', {
  name: 'csr_ssl',
  url: 'https://rp-f00000bar.cloud.redpanda.com:30993',
  sslCertificate: csrSslCert,
  sslKey: csrSslKey,
  sslCertificateAuthority: caCert,
  validate: false, // placeholder registry
});

// Through an SSH bastion.
const sshConnection = new SshTunnelConnection('ssh_connection', {
  name: 'ssh_connection',
  host: config.get('bastionHost') ?? 'bastion-host',
  port: config.getNumber('bastionPort') ?? 22,
  user: config.get('bastionUser') ?? 'materialize',
});
const viaSsh = new ConfluentSchemaRegistryConnection('csr_ssh', {
  name: 'csr_ssh',
  url: 'http://my-confluent-schema-registry:8081',
  sshTunnel: sshConnection,
  validate: false, // placeholder registry and bastion
});

export const connections = [basic, tls, viaSsh].map((c) => c.qualifiedName);
export const sshPublicKeys = [sshConnection.publicKey1, sshConnection.publicKey2];
export const plannedSql = { basic: basic.plannedSql, tls: tls.plannedSql, viaSsh: viaSsh.plannedSql };
