// KAFKA validation: a metadata request with kafkajs (bounded timeouts, no retries), with the connection's
// TLS (CA, client certificate) and SASL, directly or through its SSH tunnel (the connection's own, or its
// first broker's). An unreachable broker fails quickly and cleanly (58000).
import net from 'node:net';
import tls from 'node:tls';
import { Kafka, logLevel, type ISocketFactory, type SASLOptions } from 'kafkajs';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { kafkaBrokers, kafkaSecurityProtocol } from '../rules/kafka';
import { Opts } from '../rules/opts';
import { isInvalidHost, textOrSecret, type ValidateCtx } from './context';
import { openTunnel, tunnelOf, type Tunnel } from './tunnel';

/**
 * kafkajs opens one socket per broker synchronously; through a tunnel each is a loopback socket to a
 * forwarder (one per broker address) that speaks TLS to the broker over the SSH channel when asked.
 */
function tunnelSockets(
  tunnel: Tunnel,
  ssl: tls.ConnectionOptions | undefined,
): { factory: ISocketFactory; close(): void } {
  const servers = new Map<string, Promise<net.Server>>();
  const listen = (host: string, port: number) => {
    const key = `${host}:${port}`;
    if (!servers.has(key))
      servers.set(
        key,
        new Promise((resolve, reject) => {
          const server = net.createServer((sock) => {
            sock.on('error', () => sock.destroy());
            tunnel.forward(host, port).then(
              (ch) => {
                const up = ssl
                  ? tls.connect({ ...ssl, socket: ch, servername: net.isIP(host) ? undefined : host })
                  : ch;
                up.on('error', () => sock.destroy());
                sock.pipe(up).pipe(sock);
              },
              () => sock.destroy(),
            );
          });
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
      );
    return servers.get(key)!;
  };
  return {
    factory: ({ host, port, onConnect }) => {
      const socket = new net.Socket();
      listen(host, port).then(
        (server) => socket.connect((server.address() as net.AddressInfo).port, '127.0.0.1', onConnect),
        (e: Error) => socket.destroy(e),
      );
      return socket;
    },
    close: () => {
      for (const p of servers.values()) p.then((server) => server.close()).catch(() => {});
    },
  };
}

export async function validateKafka(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  const brokerValues = kafkaBrokers(o);
  const brokers = brokerValues.map((b) => (b.address.t === 'string' ? b.address.v : ''));
  if (brokers.length === 0)
    throw validationError('Meta data fetch error: no bootstrap brokers reachable (AWS PRIVATELINK is not emulated)');
  for (const b of brokers) {
    const host = b.replace(/:\d+$/, '');
    // connection-alter.td: an unresolvable broker fails with "Failed to resolve hostname".
    if (isInvalidHost(host)) throw validationError(`Meta data fetch error: Failed to resolve hostname '${b}'`);
  }
  const protocol = kafkaSecurityProtocol(o);
  let sasl: SASLOptions | undefined;
  if (protocol.startsWith('SASL_') && o.has('SASL MECHANISMS')) {
    const mechanism = (o.text('SASL MECHANISMS') ?? '').toLowerCase();
    sasl = {
      mechanism: mechanism as 'plain',
      username: textOrSecret(ctx, o.get('SASL USERNAME')) ?? '',
      password: textOrSecret(ctx, o.get('SASL PASSWORD')) ?? '',
    };
  }
  const tlsOptions = protocol.endsWith('SSL')
    ? {
        ca: textOrSecret(ctx, o.get('SSL CERTIFICATE AUTHORITY')),
        cert: textOrSecret(ctx, o.get('SSL CERTIFICATE')),
        key: textOrSecret(ctx, o.get('SSL KEY')),
      }
    : undefined;
  const brokerTunnelId = brokerValues.find((b) => b.tunnel?.kind === 'ssh')?.tunnel?.id;
  const ssh = tunnelOf(ctx, item) ?? (brokerTunnelId ? ctx.cat.items.get(brokerTunnelId) : undefined);
  const tunnel = ssh ? await openTunnel(ctx, ssh) : undefined;
  const sockets = tunnel ? tunnelSockets(tunnel, tlsOptions) : undefined;
  const kafka = new Kafka({
    clientId: 'materialize-standin',
    brokers,
    // Through a tunnel the forwarder speaks TLS; kafkajs sees plaintext loopback sockets.
    ssl: tlsOptions && !tunnel ? tlsOptions : false,
    sasl,
    socketFactory: sockets?.factory,
    connectionTimeout: Math.min(ctx.timeoutMs, 3000),
    requestTimeout: ctx.timeoutMs,
    authenticationTimeout: ctx.timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [] });
  } catch (e) {
    const err = e as Error & { code?: string; cause?: { code?: string } };
    const msg = err.message ?? String(e);
    if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(msg))
      throw validationError(`Meta data fetch error: Failed to resolve hostname '${brokers[0]}'`);
    throw validationError(`Meta data fetch error: BrokerTransportFailure (Local: Broker transport failure): ${msg}`);
  } finally {
    await admin.disconnect().catch(() => {});
    sockets?.close();
    tunnel?.close();
  }
}
