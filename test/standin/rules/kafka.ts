// §1.7 KAFKA plan rules.
import type { Value } from '../ast';
import type { Catalog } from '../catalog';
import { planError } from '../errors';
import { invalidConnection, type Opts } from './opts';
import { checkReferenceKind } from './refs';

/** At CREATE exactly one of these is required (§1.7). */
export const KAFKA_BROKER_GROUP = ['BROKER', 'BROKERS', 'AWS PRIVATELINK'];
/**
 * ALTER's mutually exclusive set: SET of one drops the other. Materialize's connection.rs defines
 * `MUTUALLY_EXCLUSIVE_SETS = &[&[Broker, Brokers]]`; AWS PRIVATELINK is not in it (§3.2 step 8 guessed it was).
 */
export const KAFKA_ALTER_EXCLUSIVE = ['BROKER', 'BROKERS'];
const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export function kafkaBrokers(o: Opts): Extract<Value, { t: 'broker' }>[] {
  const b = o.get('BROKER');
  if (b?.t === 'broker') return [b];
  const bs = o.get('BROKERS');
  if (bs?.t === 'seq') return bs.items.filter((x): x is Extract<Value, { t: 'broker' }> => x.t === 'broker');
  return [];
}

/** The effective security protocol (§1.7: default SASL_SSL when any SASL option or AWS CONNECTION is set, else SSL). */
export function kafkaSecurityProtocol(o: Opts): string {
  const p = o.text('SECURITY PROTOCOL');
  if (p !== undefined) return p.toUpperCase();
  const sasl = ['AWS CONNECTION', 'SASL MECHANISMS', 'SASL USERNAME', 'SASL PASSWORD'].some((n) => o.has(n));
  return sasl ? 'SASL_SSL' : 'SSL';
}

/** MATCHING rules inside BROKERS (materialize-newest-features.md §3). */
export function kafkaRules(o: Opts): Extract<Value, { t: 'rule' }>[] {
  const bs = o.get('BROKERS');
  return bs?.t === 'seq' ? bs.items.filter((x): x is Extract<Value, { t: 'rule' }> => x.t === 'rule') : [];
}

function checkAvailabilityZones(cat: Catalog, tunnel: Extract<Value, { t: 'broker' }>['tunnel']): void {
  if (tunnel?.kind !== 'privatelink' || !tunnel.id) return;
  const pl = cat.items.get(tunnel.id);
  const zonesV = pl?.options?.find((x) => x.name === 'AVAILABILITY ZONES')?.value;
  const zones = zonesV?.t === 'seq' ? zonesV.items.map((z) => (z.t === 'string' || z.t === 'ident' ? z.v : '')) : [];
  for (const opt of tunnel.options) {
    if (opt.name !== 'AVAILABILITY ZONE') continue;
    const az = opt.value.t === 'string' || opt.value.t === 'ident' ? opt.value.v : '';
    if (pl && pl.connType === 'AWS PRIVATELINK' && !zones.includes(az))
      throw planError(
        `AWS PrivateLink availability zone "${az}" does not match any of the availability zones on the AWS PrivateLink connection "${cat.fullNameString(pl)}"`,
      );
  }
}

/**
 * The options plan_kafka_security may leave "outstanding", in ConnectionOptionName's declaration order (its
 * `BTreeSet::first()` names the first of them): §ddl.rs ast `enum ConnectionOptionName` (AwsConnection <
 * SaslMechanisms < SaslPassword < SaslUsername < SslCertificate < SslCertificateAuthority < SslKey).
 */
const SECURITY_OPTIONS = [
  'AWS CONNECTION',
  'SASL MECHANISMS',
  'SASL PASSWORD',
  'SASL USERNAME',
  'SSL CERTIFICATE',
  'SSL CERTIFICATE AUTHORITY',
  'SSL KEY',
];

/**
 * §connection.rs `plan_kafka_security`: the protocol; under SSL/SASL_SSL a certificate needs its key (the key
 * alone stays outstanding); under SASL_* the AWS connection's kind, else the three SASL options in turn; then the
 * first option left outstanding is "not supported with this configuration". So `SSL KEY` without
 * `SSL CERTIFICATE` is refused as `option SSL KEY not supported with this configuration` (connection-create-drop.td).
 */
function planKafkaSecurity(o: Opts, cat: Catalog): void {
  const protocol = kafkaSecurityProtocol(o);
  if (!PROTOCOLS.includes(protocol)) throw planError(`unknown security protocol: ${protocol}`);
  const outstanding = new Set(SECURITY_OPTIONS.filter((n) => o.has(n)));
  if (protocol.endsWith('SSL')) {
    outstanding.delete('SSL CERTIFICATE');
    if (o.has('SSL CERTIFICATE')) {
      outstanding.delete('SSL KEY');
      if (!o.has('SSL KEY')) throw planError('SSL KEY must be specified with SSL CERTIFICATE');
    }
    outstanding.delete('SSL CERTIFICATE AUTHORITY');
  }
  if (protocol.startsWith('SASL_')) {
    outstanding.delete('AWS CONNECTION');
    if (o.has('AWS CONNECTION')) checkReferenceKind(cat, o.refId('AWS CONNECTION'), 'AWS CONNECTION');
    else {
      for (const n of ['SASL MECHANISMS', 'SASL USERNAME', 'SASL PASSWORD']) outstanding.delete(n);
      for (const n of ['SASL MECHANISMS', 'SASL USERNAME', 'SASL PASSWORD'])
        if (!o.has(n)) throw planError(`${n} must be specified`);
    }
  }
  const first = SECURITY_OPTIONS.find((n) => outstanding.has(n));
  if (first) throw planError(`option ${first} not supported with this configuration`);
}

/**
 * §connection.rs `CreateConnectionType::Kafka`: security first (`plan_kafka_security`), then the brokers
 * (`get_brokers`: exactly one of BROKER/BROKERS/AWS PRIVATELINK, then per broker the comma check and its
 * tunnel's zone and kind), then the default tunnel (`build_tunnel_definition`), then the replication factor.
 */
export function planKafka(o: Opts, cat: Catalog): void {
  planKafkaSecurity(o, cat);
  const n = KAFKA_BROKER_GROUP.filter((g) => o.has(g)).length;
  if (n === 0) throw planError(invalidConnection('must set one of BROKER, BROKERS, or AWS PRIVATELINK'));
  if (n > 1) throw planError(invalidConnection('can only set one of BROKER, BROKERS, or AWS PRIVATELINK'));
  const rules = kafkaRules(o);
  if (rules.length && kafkaBrokers(o).length === 0)
    throw planError(invalidConnection('BROKERS must contain at least one static broker address'));
  // newest-features §3.2 step 3: the flag is checked after the broker checks; its description is [unverified] (§10.2).
  if (rules.length && !cat.features.kafkaBrokerMatchingRules)
    throw planError('BROKERS MATCHING rules is not available');
  if (rules.length && o.has('SSH TUNNEL')) throw planError('cannot specify both SSH TUNNEL and AWS PRIVATELINK');
  for (const r of rules) checkAvailabilityZones(cat, r.tunnel);
  for (const b of kafkaBrokers(o)) {
    if (b.address.t === 'string' && b.address.v.includes(','))
      throw planError(
        invalidConnection(
          "cannot specify multiple Kafka broker addresses in one string.\n\n\nInstead, specify BROKERS using multiple strings, e.g. BROKERS ('kafka:9092', 'kafka:9093')",
        ),
      );
    // Per-broker PrivateLink AZ must be one of the PrivateLink connection's zones; then the tunnel's kind.
    checkAvailabilityZones(cat, b.tunnel);
    if (b.tunnel) checkReferenceKind(cat, b.tunnel.id, b.tunnel.kind === 'ssh' ? 'SSH TUNNEL' : 'AWS PRIVATELINK');
  }
  if (o.has('SSH TUNNEL') && o.has('AWS PRIVATELINK'))
    throw planError('cannot specify both SSH TUNNEL and AWS PRIVATELINK');
  const rf = o.text('PROGRESS TOPIC REPLICATION FACTOR');
  if (rf !== undefined && Number(rf) <= 0)
    throw planError(invalidConnection('PROGRESS TOPIC REPLICATION FACTOR must be greater than 0'));
}
