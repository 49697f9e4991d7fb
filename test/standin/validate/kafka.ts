// KAFKA validation: a metadata request with kafkajs (bounded timeouts, no retries). No real broker exists on
// these machines, so an unreachable broker must fail quickly and cleanly (58000).
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { kafkaBrokers, kafkaSecurityProtocol } from '../rules/kafka';
import { Opts } from '../rules/opts';
import { isInvalidHost, textOrSecret, type ValidateCtx } from './context';

export async function validateKafka(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  const brokers = kafkaBrokers(o).map((b) => (b.address.t === 'string' ? b.address.v : ''));
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
  const kafka = new Kafka({
    clientId: 'materialize-standin',
    brokers,
    ssl: protocol.endsWith('SSL') ? { ca: textOrSecret(ctx, o.get('SSL CERTIFICATE AUTHORITY')) } : false,
    sasl,
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
  }
}
