// KAFKA (materialize-semantics.md §1.7, ALTER rules §3.2; the security rules as connection.rs plan_kafka_security).
import { conflicts, exclusive, isSet, option, rule, sshTunnelOption, tlsOptions } from './common';
import { isBrokerRule } from '../args';
import type { Args, ConnectionSpec, Failure } from './types';

const hasRules = (a: Args) => Array.isArray(a.brokers) && a.brokers.some((b) => isBrokerRule(b));

const SASL_OPTIONS = [
  ['saslMechanisms', 'SASL MECHANISMS'],
  ['saslUsername', 'SASL USERNAME'],
  ['saslPassword', 'SASL PASSWORD'],
] as const;
const SSL_OPTIONS = [
  ['sslCertificateAuthority', 'SSL CERTIFICATE AUTHORITY'],
  ['sslCertificate', 'SSL CERTIFICATE'],
  ['sslKey', 'SSL KEY'],
] as const;

/** SASL_SSL when any SASL option or AWS CONNECTION is given, else SSL (§1.7). */
export function effectiveSecurityProtocol(a: Args): string {
  if (isSet(a, 'securityProtocol')) return String(a.securityProtocol).toUpperCase();
  const sasl = SASL_OPTIONS.some(([arg]) => isSet(a, arg)) || isSet(a, 'awsConnection');
  return sasl ? 'SASL_SSL' : 'SSL';
}

function protocolFit(a: Args): Failure[] {
  const protocol = effectiveSecurityProtocol(a);
  const sasl = protocol.startsWith('SASL_');
  const tls = protocol.endsWith('SSL');
  const notSupported = (arg: string, keyword: string, why: string): Failure => ({
    property: arg,
    reason: `option ${keyword} not supported with this configuration (${why})`,
  });
  const failures: Failure[] = [];
  if (!sasl) {
    for (const [arg, keyword] of SASL_OPTIONS)
      if (isSet(a, arg)) failures.push(notSupported(arg, keyword, `SECURITY PROTOCOL is ${protocol}`));
    if (isSet(a, 'awsConnection'))
      failures.push(
        notSupported('awsConnection', 'AWS CONNECTION', `SECURITY PROTOCOL is ${protocol}; MSK IAM needs SASL_SSL`),
      );
  } else if (isSet(a, 'awsConnection')) {
    for (const [arg, keyword] of SASL_OPTIONS)
      if (isSet(a, arg)) failures.push(notSupported(arg, keyword, 'AWS CONNECTION authenticates with MSK IAM'));
  } else {
    for (const [arg, keyword] of SASL_OPTIONS)
      if (!isSet(a, arg)) failures.push({ property: arg, reason: `${keyword} must be specified` });
  }
  if (!tls) {
    for (const [arg, keyword] of SSL_OPTIONS)
      if (isSet(a, arg)) failures.push(notSupported(arg, keyword, `SECURITY PROTOCOL is ${protocol}`));
  } else if (isSet(a, 'sslCertificate') && !isSet(a, 'sslKey')) {
    // Materialize's plan_kafka_security (connection.rs): under SSL/SASL_SSL a certificate needs its key, but a key
    // alone is left "outstanding" and refused as not supported (connection-create-drop.td).
    failures.push({ property: 'sslCertificate', reason: 'SSL KEY must be specified with SSL CERTIFICATE' });
  } else if (isSet(a, 'sslKey') && !isSet(a, 'sslCertificate')) {
    failures.push(notSupported('sslKey', 'SSL KEY', 'SSL KEY is used only with SSL CERTIFICATE'));
  }
  return failures;
}

export const kafkaSpec: ConnectionSpec = {
  kind: 'kafka',
  sqlType: 'KAFKA',
  validateByDefault: true,
  options: [
    {
      ...option(
        'brokers',
        'BROKERS',
        { type: 'brokers' },
        "Bootstrap brokers: 'host:port' strings, or { address, sshTunnel? , awsPrivatelink?: { connection, port?, availabilityZone? } }; " +
          "plus MATCHING rules { matching: '*pattern*', awsPrivatelink: { connection, availabilityZone?, port? } } (first match wins; at least one static broker).",
      ),
      // Always rendered as BROKERS; a connection created elsewhere with `BROKER 'x'` reads back as brokers.
      aliases: ['BROKER'],
      preview: 'MATCHING rules need the `enable_kafka_broker_matching_rules` feature in your Materialize region',
    },
    option(
      'awsPrivatelink',
      'AWS PRIVATELINK',
      { type: 'privatelink', port: true },
      'Reach the cluster through an AwsPrivatelinkConnection instead of listing brokers: { connection, port? }.',
    ),
    sshTunnelOption(true),
    option(
      'securityProtocol',
      'SECURITY PROTOCOL',
      {
        type: 'text',
        oneOf: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'],
        unknownReason: (v) =>
          `unknown security protocol: ${v.toUpperCase()} (expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)`,
      },
      'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; defaults to SASL_SSL with SASL options or AWS CONNECTION, else SSL.',
    ),
    option(
      'saslMechanisms',
      'SASL MECHANISMS',
      { type: 'text', oneOf: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] },
      'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (a single mechanism).',
    ),
    option('saslUsername', 'SASL USERNAME', { type: 'text-or-secret' }, 'SASL username; text or a Secret.'),
    option('saslPassword', 'SASL PASSWORD', { type: 'secret' }, 'SASL password; a Secret.'),
    tlsOptions.sslCertificateAuthority,
    tlsOptions.sslCertificate,
    tlsOptions.sslKey,
    option(
      'awsConnection',
      'AWS CONNECTION',
      { type: 'connection', of: 'aws' },
      'An AwsConnection for Amazon MSK IAM authentication (SASL_SSL).',
    ),
    option(
      'progressTopic',
      'PROGRESS TOPIC',
      { type: 'text' },
      'Topic Kafka sinks use for progress; changing it replaces.',
      false,
    ),
    option(
      'progressTopicReplicationFactor',
      'PROGRESS TOPIC REPLICATION FACTOR',
      { type: 'positive-integer' },
      'Replication factor of the progress topic when Materialize creates it; changing it replaces.',
      false,
    ),
  ],
  required: [],
  exclusiveGroups: [
    exclusive({
      args: ['brokers', 'awsPrivatelink'],
      required: true,
      noneReason: 'must set one of BROKER, BROKERS, or AWS PRIVATELINK',
      manyReason: 'can only set one of BROKER, BROKERS, or AWS PRIVATELINK',
    }),
  ],
  rules: [
    conflicts('sshTunnel', 'awsPrivatelink', 'cannot specify both SSH TUNNEL and AWS PRIVATELINK'),
    // MATCHING rules (materialize-newest-features.md §3.2): a static broker bootstraps; rules are a PrivateLink default tunnel.
    rule(['brokers'], (a) =>
      hasRules(a) && !(a.brokers as unknown[]).some((b) => !isBrokerRule(b))
        ? [{ property: 'brokers', reason: 'BROKERS must contain at least one static broker address' }]
        : [],
    ),
    rule(['brokers', 'sshTunnel'], (a) =>
      hasRules(a) && isSet(a, 'sshTunnel')
        ? [
            {
              property: 'sshTunnel',
              reason: 'cannot specify both SSH TUNNEL and AWS PRIVATELINK (the MATCHING rules of brokers)',
            },
          ]
        : [],
    ),
    rule(
      ['securityProtocol', 'awsConnection', ...SASL_OPTIONS.map(([arg]) => arg), ...SSL_OPTIONS.map(([arg]) => arg)],
      protocolFit,
    ),
  ],
  catalogType: 'kafka',
  catalogOutputs: [
    {
      output: 'effectiveProgressTopic',
      relation: 'mz_catalog.mz_kafka_connections',
      column: 'sink_progress_topic',
      echoes: ['progressTopic'],
      doc: 'The progress topic sinks use: PROGRESS TOPIC or the default Materialize derives.',
    },
  ],
  optionsAlterable: true,
};
