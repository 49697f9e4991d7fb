// The policy pack's checks as pure functions over a resource's type and inputs (what @pulumi/policy hands a
// policy), so they are tested without the CLI. pack.ts wires them into a PolicyPack. Only host names, modes and
// resource names go into a message: never an input's value otherwise (a password can be an input).
import { effectiveSecurityProtocol } from '../../provider/specs/kafka';
import { connectionSpecs } from '../../provider/specs';
import { classOf, connectionKindOf } from '../resource-types';

export interface ResourceView {
  type: string;
  name: string;
  props: Record<string, unknown>;
}

/** Hosts traffic may reach in plaintext besides the loopback ones: exact names or `*.suffix`. */
export interface PlaintextConfig {
  allowedHosts?: string[];
}

const isSet = (v: unknown) => v !== undefined && v !== null;

/** The host of `host`, `host:port`, `[v6]:port`, lower case. */
export function hostOf(address: string): string {
  const a = address.trim().toLowerCase();
  if (a.startsWith('[')) return a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined);
  const colons = a.split(':').length - 1;
  return colons === 1 ? a.slice(0, a.indexOf(':')) : a;
}

/** Loopback (localhost, *.localhost, 127/8, ::1) or listed in allowedHosts. */
export function isLocalHost(host: string, config: PlaintextConfig = {}): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)) return true;
  return (config.allowedHosts ?? []).some((pattern) => {
    const p = pattern.toLowerCase();
    return p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p;
  });
}

/** Reached through an SSH tunnel or AWS PrivateLink: the traffic leaves Materialize encrypted or private. */
const routed = (o: Record<string, unknown>) => isSet(o.sshTunnel) || isSet(o.awsPrivatelink);

/** Mandatory: Kafka with PLAINTEXT or SASL_PLAINTEXT to a broker that is not local. */
export function plaintextKafka(r: ResourceView, config: PlaintextConfig = {}): string[] {
  if (connectionKindOf(r.type) !== 'kafka') return [];
  const protocol = effectiveSecurityProtocol(r.props);
  if (protocol !== 'PLAINTEXT' && protocol !== 'SASL_PLAINTEXT') return [];
  if (routed(r.props)) return [];
  const brokers = Array.isArray(r.props.brokers) ? r.props.brokers : [];
  const remote = brokers.flatMap((b) => {
    if (typeof b === 'string') return isLocalHost(hostOf(b), config) ? [] : [hostOf(b)];
    if (b && typeof b === 'object' && typeof (b as { address?: unknown }).address === 'string') {
      const broker = b as Record<string, unknown> & { address: string };
      return routed(broker) || isLocalHost(hostOf(broker.address), config) ? [] : [hostOf(broker.address)];
    }
    return []; // a MATCHING rule: PrivateLink
  });
  if (remote.length === 0) return [];
  return [
    `KafkaConnection "${r.name}" uses SECURITY PROTOCOL ${protocol} to ${remote.join(', ')}: ` +
      'credentials and data would cross the network unencrypted. Use SSL or SASL_SSL (the default), or reach the ' +
      'brokers through an SSH tunnel or AWS PrivateLink.',
  ];
}

const PLAINTEXT_SSL_MODE: Record<string, string> = {
  postgres: 'disable',
  mysql: 'disabled',
  'sql-server': 'disabled',
};

/** Mandatory: PostgreSQL, MySQL or SQL Server with SSL MODE disable(d) (Materialize's default) to a remote host. */
export function plaintextDatabase(r: ResourceView, config: PlaintextConfig = {}): string[] {
  const kind = connectionKindOf(r.type);
  if (kind === undefined || !(kind in PLAINTEXT_SSL_MODE)) return [];
  const mode = isSet(r.props.sslMode) ? String(r.props.sslMode).toLowerCase() : undefined;
  const plaintext = PLAINTEXT_SSL_MODE[kind];
  if (mode !== undefined && mode !== plaintext) return [];
  if (routed(r.props) || typeof r.props.host !== 'string' || isLocalHost(r.props.host, config)) return [];
  const how = mode === undefined ? `no sslMode (Materialize's default is ${plaintext})` : `sslMode ${plaintext}`;
  return [
    `${classOf(r.type)} "${r.name}" has ${how} to ${r.props.host.toLowerCase()}: the password and data would ` +
      'cross the network unencrypted. Set sslMode to require (or verify_ca / verify_full / verify_identity), or ' +
      'reach the host through an SSH tunnel or AWS PrivateLink.',
  ];
}

/** Mandatory: a Confluent Schema Registry at an http:// URL of a remote host. */
export function plaintextSchemaRegistry(r: ResourceView, config: PlaintextConfig = {}): string[] {
  if (connectionKindOf(r.type) !== 'confluent-schema-registry' || typeof r.props.url !== 'string') return [];
  let url: URL;
  try {
    url = new URL(r.props.url);
  } catch {
    return []; // the provider's check refuses it with its own message
  }
  if (url.protocol !== 'http:' || routed(r.props)) return [];
  const host = hostOf(url.hostname);
  if (isLocalHost(host, config)) return [];
  return [
    `ConfluentSchemaRegistryConnection "${r.name}" reaches ${host} over http://: the registry's credentials and ` +
      'schemas would cross the network unencrypted. Use an https:// URL, or an SSH tunnel or AWS PrivateLink.',
  ];
}

/** Advisory: an SshTunnelConnection whose key pair is never rotated. */
export function sshWithoutKeyRotation(r: ResourceView): string[] {
  if (connectionKindOf(r.type) !== 'ssh-tunnel' || isSet(r.props.keyRotation)) return [];
  return [
    `SshTunnelConnection "${r.name}" has no keyRotation: its key pair stays the same for its whole life. Set ` +
      'keyRotation (a number or text you change to rotate) and install both public keys on the bastion.',
  ];
}

/** Advisory: `validate: false` on a kind Materialize validates by default. */
export function validationTurnedOff(r: ResourceView): string[] {
  const kind = connectionKindOf(r.type);
  if (kind === undefined || r.props.validate !== false || !connectionSpecs[kind].validateByDefault) return [];
  return [
    `${classOf(r.type)} "${r.name}" sets validate: false: Materialize would check on CREATE that it can reach ` +
      'and authenticate to the remote system; a mistake now shows only when a source or sink first uses it.',
  ];
}

/** Advisory: `dropCascade: true`, which drops the sources, sinks and views that use the object with it. */
export function dropCascade(r: ResourceView): string[] {
  const cls = classOf(r.type);
  if (cls === undefined || r.props.dropCascade !== true) return [];
  return [
    `${cls} "${r.name}" sets dropCascade: true: deleting or replacing it drops every source, sink and view that ` +
      'uses it (DROP ... CASCADE), with no prompt.',
  ];
}

/** Advisory, over the stack: AwsConnections that assume a role, and no AwsConnectionRole manages a role's trust. */
export function awsConnectionWithoutRole(resources: ResourceView[]): string[] {
  if (resources.some((r) => classOf(r.type) === 'AwsConnectionRole')) return [];
  return resources
    .filter((r) => connectionKindOf(r.type) === 'aws' && isSet(r.props.assumeRoleArn))
    .map(
      (r) =>
        `AwsConnection "${r.name}" assumes a role and the stack has no AwsConnectionRole: nothing binds that role's ` +
        "trust policy to this connection's external ID, so any Materialize connection that knows the role's ARN " +
        'might assume it. Manage the role with AwsConnectionRole (or check its trust policy by hand).',
    );
}
