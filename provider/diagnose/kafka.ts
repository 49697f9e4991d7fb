// The Kafka probe (kafkajs): bootstrap brokers, TLS with the given CA and client certificate, SASL
// PLAIN/SCRAM, metadata (and whether the advertised brokers are reachable), the progress topic.
import net from 'node:net';
import tls from 'node:tls';
import { Kafka, logLevel, type Admin, type ISocketFactory, type SASLOptions } from 'kafkajs';
import type { Broker } from '../args';
import { effectiveSecurityProtocol } from '../specs/kafka';
import { checkTls, missingSecret, tlsFiles, TLS_NAMES, type ProbeContext } from './context';
import { hostPort, isTlsError, messageOf, reach, tlsFailure } from './net';
import { ProbeFailure } from './verdict';

const MECHANISMS: Record<string, SASLOptions['mechanism']> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};

export function kafkaBrokers(args: Readonly<Record<string, unknown>>): string[] {
  const brokers = (args.brokers as Broker[] | undefined) ?? [];
  // MATCHING rules route brokers the cluster advertises; only static brokers are places to bootstrap from.
  return brokers.flatMap((b) => (typeof b === 'string' ? [b] : 'address' in b ? [b.address] : []));
}

/**
 * kafkajs opens its sockets synchronously, one per broker the metadata advertises; through a tunnel each is
 * a loopback socket that connects once the forwarder for that broker listens. TLS is then spoken by the
 * forwarder (the TLS step was already checked through the tunnel).
 */
function tunnelSockets(ctx: ProbeContext, tlsOpts: tls.ConnectionOptions | undefined): ISocketFactory | undefined {
  const tunnel = ctx.tunnel;
  if (!tunnel) return undefined;
  return ({ host, port, onConnect }) => {
    const socket = new net.Socket();
    const upstreamTls = tlsOpts && {
      ...tlsOpts,
      ...(net.isIP(host) ? {} : { servername: host }),
      checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(host, cert),
    };
    tunnel.localPort(host, port, upstreamTls).then(
      (local) => socket.connect(local, '127.0.0.1', onConnect),
      (err: Error) => socket.destroy(err),
    );
    socket.setKeepAlive(true, 60_000);
    return socket;
  };
}

/** A kafkajs error read as the step it belongs to. */
function kafkaFailure(err: unknown, ctx: ProbeContext, mechanism: string | undefined): ProbeFailure {
  const e = err as Error & { type?: string };
  const msg = messageOf(err);
  const name = e.name ?? '';
  if (/UNSUPPORTED_SASL_MECHANISM|not support(ed)? .*mechanism|mechanism .* not supported/i.test(`${e.type} ${msg}`))
    return new ProbeFailure(
      'auth',
      `the broker does not offer SASL mechanism ${mechanism}: ${msg}`,
      'set SASL MECHANISMS to one the listener enables (its sasl.enabled.mechanisms)',
    );
  if (name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed/i.test(msg))
    return new ProbeFailure(
      'auth',
      `the broker rejected the SASL ${mechanism} login: ${msg}`,
      `check ${ctx.describe('saslUsername', 'SASL USERNAME')} and ${ctx.describe('saslPassword', 'SASL PASSWORD')}, and that the user exists for ${mechanism}`,
    );
  if (isTlsError(err)) return tlsFailure(err, TLS_NAMES.ca, TLS_NAMES.cert);
  if (/TOPIC_AUTHORIZATION|CLUSTER_AUTHORIZATION|not authorized/i.test(`${e.type} ${msg}`))
    return new ProbeFailure(
      'privileges',
      `the broker refused the request: ${msg}`,
      'grant the principal Describe on the cluster and topics (and Create/Write for the progress topic)',
    );
  if (/Closed connection|ConnectionClosed|Request .* timed out|Connection timeout|ECONNRESET/i.test(`${name} ${msg}`))
    return new ProbeFailure(
      'TLS',
      `the broker dropped the first request: ${msg}`,
      'check SECURITY PROTOCOL against the listener on this port: a TLS or SASL listener drops plaintext requests',
    );
  return new ProbeFailure('configuration', `the broker answered with an error: ${msg}`, 'check the connection options');
}

export async function probeKafka(ctx: ProbeContext): Promise<void> {
  const { rec } = ctx;
  const brokers = kafkaBrokers(ctx.args);
  if (brokers.length === 0) {
    rec.skip('brokers', 'no BROKERS given (AWS PRIVATELINK or an AWS connection): the probe cannot take that path');
    return;
  }
  const protocol = effectiveSecurityProtocol(ctx.args);
  const useTls = protocol.endsWith('SSL');
  const useSasl = protocol.startsWith('SASL_');
  const first = hostPort(brokers[0], 9092);
  for (const b of brokers) {
    const { host, port } = hostPort(b, 9092);
    await reach(rec, host, port, ctx.tunnel);
  }

  const tlsOpts = tlsFiles(ctx);
  if (useTls) await checkTls(ctx, first.host, first.port);

  let sasl: SASLOptions | undefined;
  const mechanismName = String(ctx.args.saslMechanisms ?? '').toUpperCase();
  if (useSasl) {
    const mechanism = MECHANISMS[mechanismName];
    if (!mechanism) {
      rec.skip(
        'SASL login',
        `mechanism ${mechanismName || '(none)'} is not one the probe speaks (PLAIN, SCRAM-SHA-256/512)`,
      );
      return;
    }
    if (missingSecret(ctx, 'saslUsername', 'SASL USERNAME') || missingSecret(ctx, 'saslPassword', 'SASL PASSWORD'))
      return;
    sasl = {
      mechanism,
      username: ctx.text('saslUsername') ?? '',
      password: ctx.text('saslPassword') ?? '',
    } as SASLOptions;
  }

  const timeout = Math.max(1000, ctx.budgetMs);
  const kafka = new Kafka({
    clientId: 'mz-diagnose',
    brokers,
    ssl: useTls && !ctx.tunnel ? { ...tlsOpts, rejectUnauthorized: true } : false,
    sasl,
    connectionTimeout: timeout,
    authenticationTimeout: timeout,
    requestTimeout: timeout,
    enforceRequestTimeout: true,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
    socketFactory: tunnelSockets(ctx, useTls ? { ...tlsOpts, rejectUnauthorized: true } : undefined),
  });
  const admin: Admin = kafka.admin();
  ctx.onCleanup(() => admin.disconnect());
  const step = useSasl ? 'auth' : 'TLS';
  const loginCheck = useSasl ? `SASL ${mechanismName} login` : 'first request (ApiVersions)';
  rec.attempt(step, loginCheck);
  let cluster: Awaited<ReturnType<Admin['describeCluster']>>;
  try {
    await admin.connect();
    rec.ok(loginCheck);
    rec.attempt('configuration', 'metadata');
    cluster = await admin.describeCluster();
  } catch (err) {
    throw kafkaFailure(err, ctx, mechanismName);
  }
  rec.ok(
    'metadata',
    `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`,
  );

  // Materialize connects to the brokers the metadata advertises, not only to the bootstrap addresses.
  for (const b of cluster.brokers) {
    const where = `advertised broker ${b.nodeId} ${b.host}:${b.port}`;
    try {
      await reach(rec, b.host, b.port, ctx.tunnel);
    } catch (err) {
      const f = err as ProbeFailure;
      throw new ProbeFailure(
        f.step,
        `${where}: ${f.observed}`,
        "the broker's advertised.listeners must name an address Materialize can reach (through the same tunnel or PrivateLink)",
        f.unreachable,
      );
    }
  }

  await progressTopic(ctx, admin);
  await admin.disconnect();
}

async function progressTopic(ctx: ProbeContext, admin: Admin): Promise<void> {
  const { rec } = ctx;
  const topic = ctx.args.progressTopic;
  if (typeof topic !== 'string') {
    rec.skip(
      'progress topic',
      "not set: Materialize's default name includes the connection's id, known only after CREATE",
    );
    return;
  }
  const check = `progress topic ${topic}`;
  rec.attempt('configuration', check);
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      rec.warn(
        check,
        'does not exist yet: Materialize creates it on first use, which needs permission to create topics',
      );
      return;
    }
    const described = await admin.describeConfigs({
      resources: [{ type: 2 /* TOPIC */, name: topic, configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    const policy = described.resources[0]?.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue;
    if (!policy || !policy.split(',').includes('compact'))
      throw new ProbeFailure(
        'configuration',
        `${check} has cleanup.policy=${policy ?? '(unknown)'}`,
        `set cleanup.policy=compact on ${topic} (kafka-configs --alter --add-config cleanup.policy=compact); Materialize keeps its progress there and deletion loses it`,
      );
    rec.ok(check, `cleanup.policy=${policy}`);
  } catch (err) {
    if (err instanceof ProbeFailure) throw err;
    throw kafkaFailure(err, ctx, undefined);
  }
}
