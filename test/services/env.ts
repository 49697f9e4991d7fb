// Where the real servers of scripts/services.sh listen. Values come from the environment, else from
// the env file the script writes (.services/env), so `npm run test:services` works after `scripts/services.sh start`.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** SHA256:<base64 of the key blob's SHA-256, unpadded>, computed here, not by the code under test. */
function sshFingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1], 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function fromEnvFile(): Record<string, string> {
  const file = path.resolve(__dirname, '../../.services/env');
  if (!fs.existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/(SVC_[A-Z_]+)=(\S*)/g)) out[m[1]] = m[2];
  return out;
}

const file = fromEnvFile();
function get(key: string): string {
  const v = process.env[key] ?? file[key];
  if (v === undefined || v === '') throw new Error(`${key} is not set: run scripts/services.sh start first`);
  return v;
}

export const services = {
  pg: () => ({
    host: get('SVC_PG_HOST'),
    port: Number(get('SVC_PG_PORT')),
    user: get('SVC_PG_USER'),
    password: get('SVC_PG_PASSWORD'),
  }),
  mysql: () => ({
    host: get('SVC_MYSQL_HOST'),
    port: Number(get('SVC_MYSQL_PORT')),
    user: get('SVC_MYSQL_USER'),
    password: get('SVC_MYSQL_PASSWORD'),
  }),
  ssh: () => ({
    host: get('SVC_SSH_HOST'),
    port: Number(get('SVC_SSH_PORT')),
    user: get('SVC_SSH_USER'),
    authorizedKeysFile: get('SVC_SSH_AUTHORIZED_KEYS'),
    clientKeyFile: get('SVC_SSH_CLIENT_KEY'),
    /** The sshd's host key as `ssh-keygen -lf` prints it (its public key lies next to the client key). */
    hostKeySha256: sshFingerprint(
      fs.readFileSync(path.join(path.dirname(get('SVC_SSH_CLIENT_KEY')), 'host_ed25519.pub'), 'utf8'),
    ),
    /** A second authorized_keys file, owned by the Kafka/registry tunnel suite. */
    kafkaAuthorizedKeysFile: get('SVC_SSH_AUTHORIZED_KEYS_KAFKA'),
  }),
  motoUrl: () => get('SVC_MOTO_URL'),
  /** The second PostgreSQL, with wal_level=replica. */
  pgReplicaPort: () => Number(get('SVC_PG_REPLICA_PORT')),
  /** PEM files: ca.pem, server.pem/.key, client.pem/.key, other-ca.pem (a CA that signed nothing here). */
  tls: (file: string) => fs.readFileSync(path.join(get('SVC_TLS_DIR'), file), 'utf8'),
  kafka: () => ({
    plaintext: get('SVC_KAFKA_PLAINTEXT'),
    saslPlaintext: get('SVC_KAFKA_SASL_PLAINTEXT'),
    ssl: get('SVC_KAFKA_SSL'),
    saslSsl: get('SVC_KAFKA_SASL_SSL'),
    user: get('SVC_KAFKA_USER'),
    password: get('SVC_KAFKA_PASSWORD'),
  }),
};
