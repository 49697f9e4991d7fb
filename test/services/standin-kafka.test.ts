// The stand-in's VALIDATE CONNECTION for KAFKA and CONFLUENT SCHEMA REGISTRY against the real broker of
// scripts/services.sh (each listener mode), directly and through the real sshd with the tunnel's own keys;
// the registry is a server replaying a recorded exchange (no registry installs here, see README).
import * as fs from 'fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startStandin, type Standin } from '../standin/index';
import { runSteps, session, type Session } from '../standin/testkit';
import { services } from './env';

jest.setTimeout(30_000);
let mz: Standin;
let s: Session;
const kafka = services.kafka();
const ssh = services.ssh();
const ca = services.tls('ca.pem');
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

beforeAll(async () => {
  mz = await startStandin({ port: 0 });
  s = await session(mz.url);
  await s.ok(`CREATE SECRET kpw AS ${lit(kafka.password)}`);
  await s.ok("CREATE SECRET kwrong AS 'not-it'");
  await s.ok(`CREATE SECRET ckey AS ${lit(services.tls('client.key'))}`);
});
afterAll(async () => {
  fs.writeFileSync(ssh.kafkaAuthorizedKeysFile, '');
  await s?.end();
  await mz?.close();
});

const META = /^Meta data fetch error/;

test('KAFKA against the real broker in each listener mode, good and broken', async () => {
  const sasl = (mech: string, pw = 'kpw') =>
    `SASL MECHANISMS ${lit(mech)}, SASL USERNAME ${lit(kafka.user)}, SASL PASSWORD SECRET ${pw}`;
  await runSteps(s, [
    {
      sql: `CREATE CONNECTION k_plain TO KAFKA (BROKER ${lit(kafka.plaintext)}, SECURITY PROTOCOL PLAINTEXT)`,
      tag: 'CREATE CONNECTION',
    },
    { sql: 'VALIDATE CONNECTION k_plain', tag: 'VALIDATE CONNECTION' },
    ...['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m, i) => [
      {
        sql: `CREATE CONNECTION k_sasl${i} TO KAFKA (BROKER ${lit(kafka.saslPlaintext)}, SECURITY PROTOCOL SASL_PLAINTEXT, ${sasl(m)})`,
        tag: 'CREATE CONNECTION',
      },
      {
        sql: `CREATE CONNECTION k_sasl_bad${i} TO KAFKA (BROKER ${lit(kafka.saslPlaintext)}, SECURITY PROTOCOL SASL_PLAINTEXT, ${sasl(m, 'kwrong')})`,
        code: '58000',
        error: META,
      },
    ]),
    {
      sql: `CREATE CONNECTION k_ssl TO KAFKA (BROKER ${lit(kafka.ssl)}, SSL CERTIFICATE AUTHORITY ${lit(ca)}, SSL CERTIFICATE ${lit(services.tls('client.pem'))}, SSL KEY SECRET ckey)`,
      tag: 'CREATE CONNECTION',
    },
    // The SSL listener requires a client certificate; without the CA the broker is not trusted.
    {
      sql: `CREATE CONNECTION k_ssl_nocert TO KAFKA (BROKER ${lit(kafka.ssl)}, SSL CERTIFICATE AUTHORITY ${lit(ca)})`,
      code: '58000',
      error: META,
    },
    {
      sql: `CREATE CONNECTION k_ssl_noca TO KAFKA (BROKER ${lit(kafka.saslSsl)}, ${sasl('SCRAM-SHA-512')})`,
      code: '58000',
      error: META,
    },
    {
      sql: `CREATE CONNECTION k_sasl_ssl TO KAFKA (BROKER ${lit(kafka.saslSsl)}, ${sasl('SCRAM-SHA-512')}, SSL CERTIFICATE AUTHORITY ${lit(ca)})`,
      tag: 'CREATE CONNECTION',
    },
    // SASL_SSL offers SCRAM-SHA-512 only.
    {
      sql: `CREATE CONNECTION k_wrong_mech TO KAFKA (BROKER ${lit(kafka.saslSsl)}, ${sasl('PLAIN')}, SSL CERTIFICATE AUTHORITY ${lit(ca)})`,
      code: '58000',
      error: META,
    },
    {
      sql: "CREATE CONNECTION k_port TO KAFKA (BROKER '127.0.0.1:1', SECURITY PROTOCOL PLAINTEXT)",
      code: '58000',
      error: META,
    },
  ]);
  const names = (await s.ok("SELECT name FROM mz_connections WHERE name LIKE 'k\\_%' ORDER BY name")).rows.map(
    (r) => r.name,
  );
  expect(names).toEqual(['k_plain', 'k_sasl0', 'k_sasl1', 'k_sasl2', 'k_sasl_ssl', 'k_ssl']);
});

test('KAFKA and CSR through the real sshd with the tunnel keys; without them installed, validation fails', async () => {
  await s.ok(
    `CREATE CONNECTION kbastion TO SSH TUNNEL (HOST ${lit(ssh.host)}, PORT ${ssh.port}, USER ${lit(ssh.user)})`,
  );
  const [keys] = (
    await s.ok("SELECT k.* FROM mz_ssh_tunnel_connections k JOIN mz_connections c USING (id) WHERE c.name = 'kbastion'")
  ).rows;
  fs.writeFileSync(ssh.kafkaAuthorizedKeysFile, '');
  const viaTunnel = `CREATE CONNECTION kt TO KAFKA (BROKER ${lit(kafka.saslSsl)}, SASL MECHANISMS 'SCRAM-SHA-512', SASL USERNAME ${lit(kafka.user)}, SASL PASSWORD SECRET kpw, SSL CERTIFICATE AUTHORITY ${lit(ca)}, SSH TUNNEL kbastion)`;
  await runSteps(s, [{ sql: viaTunnel, code: '58000', error: /failed to connect to the remote host/ }]);
  fs.writeFileSync(ssh.kafkaAuthorizedKeysFile, `${keys.public_key_1}\n`);

  // A registry replaying a recorded answer, over HTTPS with a client certificate required.
  const registry = https.createServer(
    {
      key: services.tls('server.key'),
      cert: services.tls('server.pem'),
      ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      if (req.url === '/subjects')
        res.writeHead(200, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }).end('["orders-value"]');
      else res.writeHead(404).end('{"error_code":404,"message":"HTTP 404 Not Found"}');
    },
  );
  await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
  const url = `https://localhost:${(registry.address() as AddressInfo).port}`;
  try {
    await runSteps(s, [
      { sql: viaTunnel, tag: 'CREATE CONNECTION' },
      {
        sql: `CREATE CONNECTION kt_plain TO KAFKA (BROKER ${lit(kafka.plaintext)} USING SSH TUNNEL kbastion, SECURITY PROTOCOL PLAINTEXT)`,
        tag: 'CREATE CONNECTION',
      },
      {
        sql: `CREATE CONNECTION csr TO CONFLUENT SCHEMA REGISTRY (URL ${lit(url)}, SSL CERTIFICATE AUTHORITY ${lit(ca)}, SSL CERTIFICATE ${lit(services.tls('client.pem'))}, SSL KEY SECRET ckey, SSH TUNNEL kbastion)`,
        tag: 'CREATE CONNECTION',
      },
      {
        sql: `CREATE CONNECTION csr_nocert TO CONFLUENT SCHEMA REGISTRY (URL ${lit(url)}, SSL CERTIFICATE AUTHORITY ${lit(ca)}, SSH TUNNEL kbastion)`,
        code: '58000',
        error: /^error sending request for url/,
      },
      { sql: 'VALIDATE CONNECTION kt', tag: 'VALIDATE CONNECTION' },
    ]);
  } finally {
    registry.close();
  }
});
