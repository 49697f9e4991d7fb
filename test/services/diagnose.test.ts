// The probes against the real servers of scripts/services.sh: PostgreSQL (logical and replica), MariaDB,
// the Kafka broker in each listener mode, OpenSSH for the tunnel path. Each case asserts the failing step,
// the observed error and the change, and the checks made before it.
import * as fs from 'fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { diagnose, formatVerdict, type DiagnoseRequest, type Verdict } from '../../provider/diagnose';
import { UNREACHABLE_NOTE } from '../../provider/diagnose/verdict';
import { services } from './env';

const pg = services.pg();
const my = services.mysql();
const ssh = services.ssh();
const kafka = services.kafka();
const ca = services.tls('ca.pem');
const otherCa = services.tls('other-ca.pem');
const clientCert = services.tls('client.pem');
const clientKey = services.tls('client.key');
const sshKey = fs.readFileSync(ssh.clientKeyFile, 'utf8');
const tunnel = { host: ssh.host, port: ssh.port, user: ssh.user };

jest.setTimeout(30_000);

async function probe(req: DiagnoseRequest): Promise<Verdict> {
  const started = Date.now();
  const v = await diagnose({ budgetMs: 5000, ...req });
  expect(Date.now() - started).toBeLessThan(6000);
  expect(v).toBeDefined();
  return v!;
}

const statuses = (v: Verdict) => v.checks.map((c) => `${c.status} ${c.check}`);

// ---------------------------------------------------------------- PostgreSQL
const PG_PW = 'diag-pw-1f3a';
async function pgAdmin(port: number, sql: string[]): Promise<void> {
  const c = new Client({ ...pg, port, database: 'postgres' });
  await c.connect();
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const roles = [
    'DROP PUBLICATION IF EXISTS diag_pub',
    'DROP ROLE IF EXISTS diag_repl',
    'DROP ROLE IF EXISTS diag_norepl',
    'DROP ROLE IF EXISTS ssl_only',
    `CREATE ROLE diag_repl LOGIN REPLICATION PASSWORD '${PG_PW}'`,
    `CREATE ROLE diag_norepl LOGIN PASSWORD '${PG_PW}'`,
    `CREATE ROLE ssl_only LOGIN REPLICATION PASSWORD '${PG_PW}'`,
    'CREATE PUBLICATION diag_pub FOR ALL TABLES',
  ];
  await pgAdmin(pg.port, roles);
  await pgAdmin(services.pgReplicaPort(), roles);
});

const pgReq = (over: Record<string, unknown>, secrets: Record<string, string> = { pgpw: PG_PW }): DiagnoseRequest => ({
  kind: 'postgres',
  args: { host: pg.host, port: pg.port, user: 'diag_repl', password: { name: 'pgpw' }, database: 'postgres', ...over },
  secrets,
});

describe('PostgreSQL', () => {
  test('good: login, wal_level, REPLICATION, publications', async () => {
    const v = await probe(pgReq({}));
    expect(v).toEqual({
      kind: 'postgres',
      target: `${pg.host}:${pg.port}`,
      ok: true,
      checks: [
        { check: `TCP ${pg.host}:${pg.port}`, status: 'ok' },
        { check: 'login as diag_repl (SSL MODE disable)', status: 'ok' },
        { check: 'wal_level', status: 'ok', detail: 'logical' },
        { check: 'REPLICATION attribute', status: 'ok', detail: 'yes' },
        { check: 'publications', status: 'ok', detail: 'diag_pub' },
      ],
    });
  });

  test('wrong password: auth, naming the secret, and the password never shown', async () => {
    const v = await probe(pgReq({}, { pgpw: 'not-the-password-9d' }));
    expect(v.step).toBe('auth');
    expect(v.observed).toBe('password authentication failed for user "diag_repl"');
    expect(v.change).toBe('check USER and PASSWORD (secret "pgpw"): the server rejected the password of "diag_repl"');
    expect(JSON.stringify(v)).not.toContain('not-the-password-9d');
  });

  test('a secret not given to the probe: the login is not checked, and says why', async () => {
    const v = await probe(pgReq({}, {}));
    expect(v.ok).toBe(true);
    expect(statuses(v)).toEqual([`ok TCP ${pg.host}:${pg.port}`, 'not checked PASSWORD']);
    expect(v.checks[1].detail).toMatch(/^PASSWORD \(secret "pgpw"\) was not given to the probe/);
  });

  test('SSL required by the server: TLS step; with SSL MODE verify_full and the CA it passes', async () => {
    const v = await probe(pgReq({ user: 'ssl_only' }));
    expect(v.step).toBe('TLS');
    expect(v.observed).toMatch(
      /^pg_hba.conf rejects connection for host "127.0.0.1", user "ssl_only", database "postgres", no encryption$/,
    );
    expect(v.change).toMatch(/^the server accepts this user only over TLS .*: set SSL MODE to require/);
    const good = await probe(pgReq({ user: 'ssl_only', sslMode: 'verify_full', sslCertificateAuthority: ca }));
    expect(good.ok).toBe(true);
    expect(good.checks[1]).toEqual({ check: 'login as ssl_only (SSL MODE verify_full)', status: 'ok' });
  });

  test('verify_full with the wrong CA: TLS, the certificate is not trusted', async () => {
    const v = await probe(pgReq({ sslMode: 'verify_full', sslCertificateAuthority: otherCa }));
    expect(v.step).toBe('TLS');
    expect(v.observed).toMatch(/^the server's certificate is not trusted: /);
    expect(v.change).toBe(
      "set SSL CERTIFICATE AUTHORITY to the PEM of the CA that signed the server's certificate (a secret or text)",
    );
  });

  test('wal_level not logical (the second server): configuration', async () => {
    const v = await probe(pgReq({ port: services.pgReplicaPort() }));
    expect(v.step).toBe('configuration');
    expect(v.observed).toBe('wal_level is replica');
    expect(v.change).toMatch(/^set wal_level = logical/);
    expect(statuses(v)).toEqual([
      `ok TCP ${pg.host}:${services.pgReplicaPort()}`,
      'ok login as diag_repl (SSL MODE disable)',
      'failed wal_level',
    ]);
  });

  test('no REPLICATION attribute: privileges', async () => {
    const v = await probe(pgReq({ user: 'diag_norepl' }));
    expect(v.step).toBe('privileges');
    expect(v.observed).toBe('role "diag_norepl" has no REPLICATION attribute');
    expect(v.change).toBe(
      'ALTER ROLE "diag_norepl" WITH REPLICATION (on RDS/Aurora: GRANT rds_replication TO "diag_norepl")',
    );
  });

  test('nothing listens on the port: TCP, with the PrivateLink/tunnel note', async () => {
    const v = await probe(pgReq({ port: 1 }));
    expect(v.step).toBe('TCP');
    expect(v.observed).toBe(`nothing accepts connections on ${pg.host}:1 (ECONNREFUSED)`);
    expect(v.note).toBe(UNREACHABLE_NOTE);
  });

  test('a host that does not resolve: DNS', async () => {
    const v = await probe(pgReq({ host: 'db.example.invalid' }));
    expect(v.step).toBe('DNS');
    expect(v.observed).toMatch(/^db\.example\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)\)$/);
    expect(v.note).toBe(UNREACHABLE_NOTE);
  });

  test('through the real sshd: good, and a closed port as the bastion sees it', async () => {
    const v = await probe({
      ...pgReq({ sshTunnel: { name: 'bastion' } }),
      tunnel,
      sshPrivateKey: sshKey,
      sshHostKeySha256: ssh.hostKeySha256,
    });
    expect(v.ok).toBe(true);
    expect(v.via).toBe(`${ssh.user}@${ssh.host}:${ssh.port}`);
    expect(statuses(v)).toEqual([
      `ok TCP ${ssh.host}:${ssh.port}`,
      `ok SSH login ${ssh.user}@${ssh.host}:${ssh.port}`,
      `ok TCP ${pg.host}:${pg.port} from the bastion`,
      'ok login as diag_repl (SSL MODE disable)',
      'ok wal_level',
      'ok REPLICATION attribute',
      'ok publications',
    ]);
    const closed = await probe({
      ...pgReq({ port: 1, sshTunnel: { name: 'bastion' } }),
      tunnel,
      sshPrivateKey: sshKey,
      sshHostKeySha256: ssh.hostKeySha256,
    });
    expect(closed.step).toBe('TCP');
    expect(closed.observed).toMatch(/^the bastion cannot reach 127\.0\.0\.1:1: /);
  });
});

// ---------------------------------------------------------------- MariaDB
const MY_PW = 'diag-my-pw-7c';
async function myRoot(sql: string[]): Promise<void> {
  const c = await createConnection({ host: my.host, port: my.port, user: 'root' });
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}

describe('MariaDB', () => {
  beforeAll(() =>
    myRoot([
      "DROP USER IF EXISTS 'diag_ssl'@'%', 'diag_nogrant'@'%'",
      `CREATE USER 'diag_ssl'@'%' IDENTIFIED BY '${MY_PW}' REQUIRE SSL`,
      "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'diag_ssl'@'%'",
      `CREATE USER 'diag_nogrant'@'%' IDENTIFIED BY '${MY_PW}'`,
      "GRANT SELECT ON *.* TO 'diag_nogrant'@'%'",
    ]),
  );
  const myReq = (over: Record<string, unknown>, pw = my.password): DiagnoseRequest => ({
    kind: 'mysql',
    args: { host: my.host, port: my.port, user: my.user, password: { name: 'mypw' }, ...over },
    secrets: { mypw: pw },
  });

  test('good setup: every binlog check passes, and the GTID check says honestly that MariaDB is not MySQL', async () => {
    const v = await probe(myReq({}));
    expect(statuses(v)).toEqual([
      `ok TCP ${my.host}:${my.port}`,
      `ok login as ${my.user} (SSL MODE disabled)`,
      'ok replication grants',
      'ok log_bin',
      'ok binlog_format',
      'ok binlog_row_image',
      'failed GTIDs',
    ]);
    expect(v.step).toBe('configuration');
    expect(v.observed).toMatch(
      /^the server is MariaDB 10\.\d+\.\d+.*: it has no gtid_mode or enforce_gtid_consistency/,
    );
    expect(v.change).toMatch(/MariaDB is not a supported upstream$/);
  });

  test('wrong password: auth', async () => {
    const v = await probe(myReq({}, 'wrong-pw-5e'));
    expect(v.step).toBe('auth');
    expect(v.observed).toMatch(/^Access denied for user 'mz'@'(localhost|127\.0\.0\.1)' \(using password: YES\)$/);
    expect(v.change).toBe('check USER and PASSWORD (secret "mypw")');
  });

  test('a user that must use TLS: told apart from a wrong password; SSL MODE verify_identity passes the login', async () => {
    const v = await probe({ ...myReq({ user: 'diag_ssl' }, MY_PW) });
    expect(v.step).toBe('TLS');
    expect(v.observed).toMatch(/\(without TLS; the same login over TLS succeeds\)$/);
    const good = await probe(
      myReq({ user: 'diag_ssl', sslMode: 'verify_identity', sslCertificateAuthority: ca }, MY_PW),
    );
    expect(statuses(good).slice(0, 3)).toEqual([
      `ok TCP ${my.host}:${my.port}`,
      'ok login as diag_ssl (SSL MODE verify_identity)',
      'ok replication grants',
    ]);
  });

  test('SSL MODE as Materialize reads it: REQUIRE encrypts without a CA, VERIFY-CA checks the chain only', async () => {
    // REQUIRE was read as verify-identity (no CA given here: the login failed at TLS although Materialize logs in).
    const required = await probe(myReq({ user: 'diag_ssl', sslMode: 'REQUIRE' }, MY_PW));
    expect(statuses(required)[1]).toBe('ok login as diag_ssl (SSL MODE require)');
    const unknownCa = await probe(
      myReq({ user: 'diag_ssl', sslMode: 'VERIFY-CA', sslCertificateAuthority: otherCa }, MY_PW),
    );
    expect(unknownCa.step).toBe('TLS');
    const chain = await probe(myReq({ user: 'diag_ssl', sslMode: 'VERIFY-CA', sslCertificateAuthority: ca }, MY_PW));
    expect(statuses(chain)[1]).toBe('ok login as diag_ssl (SSL MODE verify-ca)');
  });

  test('no replication grants: privileges', async () => {
    const v = await probe(myReq({ user: 'diag_nogrant' }, MY_PW));
    expect(v.step).toBe('privileges');
    expect(v.observed).toBe('"diag_nogrant" lacks REPLICATION SLAVE and REPLICATION CLIENT');
    expect(v.change).toBe(
      "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'diag_nogrant'@'%' (and SELECT, LOCK TABLES on the replicated tables)",
    );
  });

  test('binlog_format STATEMENT, then binlog_row_image MINIMAL: configuration', async () => {
    try {
      await myRoot(["SET GLOBAL binlog_format = 'STATEMENT'"]);
      const v = await probe(myReq({}));
      expect(v.step).toBe('configuration');
      expect(v.observed).toBe('binlog_format is STATEMENT');
      await myRoot(["SET GLOBAL binlog_format = 'ROW'", "SET GLOBAL binlog_row_image = 'MINIMAL'"]);
      const w = await probe(myReq({}));
      expect(w.observed).toBe('binlog_row_image is MINIMAL');
      expect(w.change).toBe('SET PERSIST binlog_row_image = FULL (or in my.cnf / the RDS parameter group)');
    } finally {
      await myRoot(["SET GLOBAL binlog_format = 'ROW'", "SET GLOBAL binlog_row_image = 'FULL'"]);
    }
  });

  test('through the real sshd', async () => {
    const v = await probe({
      ...myReq({ sshTunnel: { name: 'bastion' } }),
      tunnel,
      sshPrivateKey: sshKey,
      sshHostKeySha256: ssh.hostKeySha256,
    });
    expect(statuses(v).slice(0, 4)).toEqual([
      `ok TCP ${ssh.host}:${ssh.port}`,
      `ok SSH login ${ssh.user}@${ssh.host}:${ssh.port}`,
      `ok TCP ${my.host}:${my.port} from the bastion`,
      `ok login as ${my.user} (SSL MODE disabled)`,
    ]);
  });
});

// ---------------------------------------------------------------- Kafka
const kReq = (
  brokers: string,
  over: Record<string, unknown> = {},
  secrets: Record<string, string> = {},
): DiagnoseRequest => ({
  kind: 'kafka',
  args: { brokers: [brokers], ...over },
  secrets,
});
const sasl = (mechanism: string) => ({
  saslMechanisms: mechanism,
  saslUsername: kafka.user,
  saslPassword: { name: 'kpw' },
});

describe('Kafka broker', () => {
  test('PLAINTEXT: bootstrap, metadata, advertised brokers', async () => {
    const v = await probe(kReq(kafka.plaintext, { securityProtocol: 'PLAINTEXT' }));
    expect(v.ok).toBe(true);
    expect(statuses(v)).toEqual([
      `ok TCP ${kafka.plaintext}`,
      'ok first request (ApiVersions)',
      'ok metadata',
      `ok TCP ${kafka.plaintext}`,
      'not checked progress topic',
    ]);
    expect(v.checks[2].detail).toMatch(/^cluster \S+, 1 broker\(s\), controller 1$/);
  });

  test.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])(
    'SASL_PLAINTEXT %s: good, and a wrong password is auth',
    async (m) => {
      const good = await probe(
        kReq(kafka.saslPlaintext, { securityProtocol: 'SASL_PLAINTEXT', ...sasl(m) }, { kpw: kafka.password }),
      );
      expect(statuses(good).slice(0, 2)).toEqual([`ok TCP ${kafka.saslPlaintext}`, `ok SASL ${m} login`]);
      expect(good.ok).toBe(true);
      const bad = await probe(
        kReq(kafka.saslPlaintext, { securityProtocol: 'SASL_PLAINTEXT', ...sasl(m) }, { kpw: 'nope-31' }),
      );
      expect(bad.step).toBe('auth');
      expect(bad.observed).toMatch(new RegExp(`^the broker rejected the SASL ${m} login: `));
      expect(bad.change).toBe(
        `check SASL USERNAME and SASL PASSWORD (secret "kpw"), and that the user exists for ${m}`,
      );
    },
  );

  test('SASL_SSL: SCRAM-SHA-512 with the CA passes; PLAIN is a mechanism the listener does not offer', async () => {
    const good = await probe(
      kReq(kafka.saslSsl, { ...sasl('SCRAM-SHA-512'), sslCertificateAuthority: ca }, { kpw: kafka.password }),
    );
    expect(statuses(good).slice(0, 3)).toEqual([
      `ok TCP ${kafka.saslSsl}`,
      `ok TLS handshake ${kafka.saslSsl}`,
      'ok SASL SCRAM-SHA-512 login',
    ]);
    const wrongMech = await probe(
      kReq(kafka.saslSsl, { ...sasl('PLAIN'), sslCertificateAuthority: ca }, { kpw: kafka.password }),
    );
    expect(wrongMech.step).toBe('auth');
    expect(wrongMech.observed).toMatch(/^the broker does not offer SASL mechanism PLAIN/);
    expect(wrongMech.change).toBe('set SASL MECHANISMS to one the listener enables (its sasl.enabled.mechanisms)');
  });

  test('SASL_SSL without the CA: TLS, not trusted', async () => {
    const v = await probe(kReq(kafka.saslSsl, sasl('SCRAM-SHA-512'), { kpw: kafka.password }));
    expect(v.step).toBe('TLS');
    expect(v.observed).toMatch(/^the server's certificate is not trusted: unable to verify the first certificate/);
  });

  test('SSL with CA and client certificate passes; without the client certificate, TLS refused', async () => {
    const good = await probe(
      kReq(
        kafka.ssl,
        { sslCertificateAuthority: ca, sslCertificate: clientCert, sslKey: { name: 'ck' } },
        { ck: clientKey },
      ),
    );
    expect(good.ok).toBe(true);
    expect(JSON.stringify(good)).not.toContain('PRIVATE KEY');
    const noCert = await probe(kReq(kafka.ssl, { sslCertificateAuthority: ca }));
    expect(noCert.step).toBe('TLS');
    expect(noCert.observed).toMatch(/^the server refused the client certificate \(or its absence\): /);
  });

  test('the wrong port: nothing listening is TCP; plaintext to the TLS listener is TLS', async () => {
    const closed = await probe(kReq('127.0.0.1:1', { securityProtocol: 'PLAINTEXT' }));
    expect(closed.step).toBe('TCP');
    expect(closed.note).toBe(UNREACHABLE_NOTE);
    const mismatch = await probe(kReq(kafka.ssl, { securityProtocol: 'PLAINTEXT' }));
    expect(mismatch.step).toBe('TLS');
    expect(mismatch.change).toBe(
      'check SECURITY PROTOCOL against the listener on this port: a TLS or SASL listener drops plaintext requests',
    );
  });

  test('progress topic: missing is a warning, delete is wrong, compact is right', async () => {
    const admin = new Kafka({ clientId: 't', brokers: [kafka.plaintext], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: ['diag-progress-delete', 'diag-progress-compact'] }).catch(() => undefined);
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          { topic: 'diag-progress-delete', configEntries: [{ name: 'cleanup.policy', value: 'delete' }] },
          { topic: 'diag-progress-compact', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ],
      });
      const base = { securityProtocol: 'PLAINTEXT' };
      const missing = await probe(kReq(kafka.plaintext, { ...base, progressTopic: 'diag-progress-missing' }));
      expect(missing.ok).toBe(true);
      expect(missing.checks.at(-1)).toEqual({
        check: 'progress topic diag-progress-missing',
        status: 'warning',
        detail: 'does not exist yet: Materialize creates it on first use, which needs permission to create topics',
      });
      const del = await probe(kReq(kafka.plaintext, { ...base, progressTopic: 'diag-progress-delete' }));
      expect(del.step).toBe('configuration');
      expect(del.observed).toBe('progress topic diag-progress-delete has cleanup.policy=delete');
      const compact = await probe(kReq(kafka.plaintext, { ...base, progressTopic: 'diag-progress-compact' }));
      expect(compact.checks.at(-1)).toEqual({
        check: 'progress topic diag-progress-compact',
        status: 'ok',
        detail: 'cleanup.policy=compact',
      });
    } finally {
      await admin.deleteTopics({ topics: ['diag-progress-delete', 'diag-progress-compact'] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  test('through the real sshd: PLAINTEXT and SASL_SSL reach the broker and its advertised address', async () => {
    const plain = await probe({
      ...kReq(kafka.plaintext, { securityProtocol: 'PLAINTEXT', sshTunnel: { name: 'b' } }),
      tunnel,
      sshPrivateKey: sshKey,
      sshHostKeySha256: ssh.hostKeySha256,
    });
    expect(plain.ok).toBe(true);
    expect(statuses(plain)).toContain(`ok TCP ${kafka.plaintext} from the bastion`);
    const saslSsl = await probe({
      ...kReq(
        kafka.saslSsl,
        { ...sasl('SCRAM-SHA-512'), sslCertificateAuthority: ca, sshTunnel: { name: 'b' } },
        { kpw: kafka.password },
      ),
      tunnel,
      sshPrivateKey: sshKey,
      sshHostKeySha256: ssh.hostKeySha256,
    });
    expect(statuses(saslSsl)).toEqual([
      `ok TCP ${ssh.host}:${ssh.port}`,
      `ok SSH login ${ssh.user}@${ssh.host}:${ssh.port}`,
      `ok TCP ${kafka.saslSsl} from the bastion`,
      `ok TLS handshake ${kafka.saslSsl}`,
      'ok SASL SCRAM-SHA-512 login',
      'ok metadata',
      `ok TCP ${kafka.saslSsl} from the bastion`,
      'not checked progress topic',
    ]);
  });

  test('the real sshd with a host key other than the one given: refused before the login, nothing sent', async () => {
    const wrong = `SHA256:${'B'.repeat(43)}`;
    const v = await probe({
      ...kReq(kafka.saslPlaintext, { ...sasl('PLAIN'), sshTunnel: { name: 'b' } }, { kpw: kafka.password }),
      tunnel,
      sshPrivateKey: sshKey,
      sshHostKeySha256: wrong,
    });
    expect(v.step).toBe('auth');
    expect(v.observed).toBe(
      `${ssh.user}@${ssh.host}:${ssh.port} presented the host key ${ssh.hostKeySha256}, not ${wrong}: it may be an ` +
        'impostor; the probe logged in to nothing and sent nothing through it',
    );
    expect(statuses(v)).toEqual([
      `ok TCP ${ssh.host}:${ssh.port}`,
      `failed SSH login ${ssh.user}@${ssh.host}:${ssh.port}`,
    ]);
  });

  test('the real sshd without a host key: the tunnel forwards, no SASL login goes through it, the verdict says so', async () => {
    const v = await probe({
      ...kReq(kafka.saslPlaintext, { ...sasl('PLAIN'), sshTunnel: { name: 'b' } }, { kpw: kafka.password }),
      tunnel,
      sshPrivateKey: sshKey,
    });
    expect(v.ok).toBe(true);
    expect(statuses(v)).toEqual([
      `ok TCP ${ssh.host}:${ssh.port}`,
      `ok SSH login ${ssh.user}@${ssh.host}:${ssh.port}`,
      `warning SSH host key of ${ssh.user}@${ssh.host}:${ssh.port}`,
      `ok TCP ${kafka.saslPlaintext} from the bastion`,
      `not checked credentials through ${ssh.user}@${ssh.host}:${ssh.port}`,
    ]);
  });

  test('a key the bastion does not know: auth at the SSH login', async () => {
    const { utils } = await import('ssh2');
    const stranger = utils.generateKeyPairSync('ed25519').private;
    const v = await probe({ ...kReq(kafka.plaintext, { sshTunnel: { name: 'b' } }), tunnel, sshPrivateKey: stranger });
    expect(v.step).toBe('auth');
    expect(v.observed).toMatch(/^the bastion refused the login of sshtest with the given key: /);
    expect(JSON.stringify(v)).not.toContain('PRIVATE KEY');
  });
});

// ---------------------------------------------------------------- SSH TUNNEL
describe('SSH TUNNEL', () => {
  test('login with the given key; without a key only TCP is checked', async () => {
    const args = { host: ssh.host, port: ssh.port, user: ssh.user };
    const good = await probe({ kind: 'ssh-tunnel', args, sshPrivateKey: sshKey, sshHostKeySha256: ssh.hostKeySha256 });
    expect(statuses(good)).toEqual([
      `ok TCP ${ssh.host}:${ssh.port}`,
      `ok SSH login ${ssh.user}@${ssh.host}:${ssh.port}`,
    ]);
    const nokey = await probe({ kind: 'ssh-tunnel', args });
    expect(statuses(nokey)).toEqual([
      `ok TCP ${ssh.host}:${ssh.port}`,
      `not checked SSH login ${ssh.user}@${ssh.host}:${ssh.port}`,
    ]);
    const wrongUser = await probe({
      kind: 'ssh-tunnel',
      args: { ...args, user: 'nobody-here' },
      sshPrivateKey: sshKey,
      sshHostKeySha256: ssh.hostKeySha256,
    });
    expect(wrongUser.step).toBe('auth');
  });
});

// ---------------------------------------------------------------- Schema registry (recorded exchange)
// No Confluent-compatible registry installs here (Karapace is not on PyPI; see README), so the probe runs
// against a server that replays a registry's recorded answers, over HTTP with basic auth and over HTTPS
// with a required client certificate from the services CA.
const RECORDED = {
  subjects: { status: 200, type: 'application/vnd.schemaregistry.v1+json', body: '["orders-value","users-value"]' },
  unauthorized: {
    status: 401,
    type: 'application/vnd.schemaregistry.v1+json',
    body: '{"error_code":401,"message":"Unauthorized"}',
  },
};
function registry(req: http.IncomingMessage, res: http.ServerResponse): void {
  const expected = `Basic ${Buffer.from('csr-user:csr-pw-44').toString('base64')}`;
  const auth = (req.socket as { encrypted?: boolean }).encrypted || req.headers.authorization === expected;
  const r =
    req.url === '/subjects' && req.method === 'GET'
      ? auth
        ? RECORDED.subjects
        : RECORDED.unauthorized
      : { status: 404, type: 'application/json', body: '{"error_code":404,"message":"HTTP 404 Not Found"}' };
  res.writeHead(r.status, { 'Content-Type': r.type }).end(r.body);
}

describe('schema registry (recorded exchange)', () => {
  let plain: http.Server;
  let secure: https.Server;
  let plainUrl: string;
  let secureUrl: string;
  beforeAll(async () => {
    plain = http.createServer(registry);
    secure = https.createServer(
      {
        key: services.tls('server.key'),
        cert: services.tls('server.pem'),
        ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
      registry,
    );
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
    plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    secureUrl = `https://localhost:${(secure.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    plain.close();
    secure.close();
  });
  const csr = (
    url: string,
    over: Record<string, unknown> = {},
    secrets: Record<string, string> = {},
  ): DiagnoseRequest => ({
    kind: 'confluent-schema-registry',
    args: { url, ...over },
    secrets,
  });

  test('basic auth: good lists subjects; a wrong password is auth; no credentials says so', async () => {
    const creds = { username: 'csr-user', password: { name: 'csrpw' } };
    const good = await probe(csr(plainUrl, creds, { csrpw: 'csr-pw-44' }));
    expect(good.checks.at(-1)).toEqual({ check: 'GET /subjects', status: 'ok', detail: '2 subject(s)' });
    const bad = await probe(csr(plainUrl, creds, { csrpw: 'nope' }));
    expect(bad.step).toBe('auth');
    expect(bad.observed).toBe('GET /subjects answered HTTP 401: {"error_code":401,"message":"Unauthorized"}');
    expect(bad.change).toBe('check USERNAME and PASSWORD (secret "csrpw")');
    const none = await probe(csr(plainUrl));
    expect(none.change).toBe('the registry wants credentials: set USERNAME and PASSWORD (or a client certificate)');
    const wrongPath = await probe(csr(`${plainUrl}/not-the-registry`, creds, { csrpw: 'csr-pw-44' }));
    expect(wrongPath.step).toBe('configuration');
    expect(wrongPath.observed).toBe('GET /not-the-registry/subjects answered HTTP 404');
  });

  test('TLS client auth: good with CA and certificate; without the CA or the certificate, TLS', async () => {
    const tlsArgs = { sslCertificateAuthority: ca, sslCertificate: clientCert, sslKey: { name: 'ck' } };
    const good = await probe(csr(secureUrl, tlsArgs, { ck: clientKey }));
    expect(good.ok).toBe(true);
    const noCa = await probe(csr(secureUrl, { sslCertificate: clientCert, sslKey: { name: 'ck' } }, { ck: clientKey }));
    expect(noCa.step).toBe('TLS');
    expect(noCa.observed).toMatch(/^the server's certificate is not trusted/);
    const noCert = await probe(csr(secureUrl, { sslCertificateAuthority: ca }));
    expect(noCert.step).toBe('TLS');
    expect(noCert.observed).toMatch(/^the server refused the client certificate/);
  });

  test('through the real sshd', async () => {
    const v = await probe({
      ...csr(
        secureUrl,
        { sslCertificateAuthority: ca, sslCertificate: clientCert, sslKey: { name: 'ck' }, sshTunnel: { name: 'b' } },
        { ck: clientKey },
      ),
      tunnel,
      sshPrivateKey: sshKey,
      sshHostKeySha256: ssh.hostKeySha256,
    });
    expect(v.ok).toBe(true);
    expect(formatVerdict(v)).toContain(`through the SSH tunnel ${ssh.user}@${ssh.host}:${ssh.port}`);
  });
});
