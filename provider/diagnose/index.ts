// Diagnostics: when Materialize rejects a connection, probe the same upstream from this machine and say
// which step fails (DNS, TCP, TLS, auth, privileges, configuration), what was observed and what to change.
// One probe per kind; through the connection's SSH tunnel when it has one; bounded by a budget.
import type { ConnectionKind } from '../specs';
import { makeContext, type ProbeContext, type SecretValues } from './context';
import { kafkaBrokers, probeKafka } from './kafka';
import { hostPort, messageOf, reach } from './net';
import { probeMysql } from './mysql';
import { probePostgres } from './postgres';
import { probeSchemaRegistry } from './schema-registry';
import { probeSsh } from './ssh';
import { openTunnel, sshLabel, type SshTarget, type Tunnel } from './tunnel';
import { ProbeFailure, Recorder, scrubVerdict, UNREACHABLE_NOTE, type Step, type Verdict } from './verdict';

export type { Verdict, Step, Check } from './verdict';
export { formatVerdict } from './verdict';
export type { SecretValues } from './context';
export type { SshTarget } from './tunnel';

export const DEFAULT_BUDGET_MS = 5000;

export interface DiagnoseRequest {
  kind: ConnectionKind;
  /** The connection's arguments, in the provider's plain-data shape (references as `{ name, ... }`). */
  args: Readonly<Record<string, unknown>>;
  /** Secret values by secret name (or schema.name, database.schema.name). */
  secrets?: SecretValues;
  /** The SSH TUNNEL connection the arguments reference (host, port, user), resolved by the caller. */
  tunnel?: { host: string; port: number; user: string };
  /** A private key authorized on the bastion (for SSH TUNNEL connections and for probing through one). */
  sshPrivateKey?: string;
  sshPassphrase?: string;
  /** The bastion's host key (`SHA256:...`); without it no credential is sent through the tunnel. */
  sshHostKeySha256?: string;
  budgetMs?: number;
}

const PROBES: Partial<Record<ConnectionKind, (ctx: ProbeContext) => Promise<void>>> = {
  kafka: probeKafka,
  'confluent-schema-registry': probeSchemaRegistry,
  postgres: probePostgres,
  mysql: probeMysql,
};

/** The kinds with a probe. */
export const PROBED_KINDS: readonly ConnectionKind[] = [...Object.keys(PROBES), 'ssh-tunnel'] as ConnectionKind[];

function targetOf(req: DiagnoseRequest): string {
  const a = req.args;
  switch (req.kind) {
    case 'kafka':
      return kafkaBrokers(a).join(',') || '(no brokers)';
    case 'confluent-schema-registry':
      try {
        const u = new URL(String(a.url));
        u.username = '';
        u.password = '';
        return u.href;
      } catch {
        return String(a.url);
      }
    default:
      return `${String(a.host)}:${String(a.port ?? { postgres: 5432, mysql: 3306, 'ssh-tunnel': 22 }[req.kind as string] ?? '')}`;
  }
}

/** Where the probe of each kind goes: the hosts and ports a tunnel must forward to. */
function endpointsOf(req: DiagnoseRequest): { host: string; port: number }[] {
  const a = req.args;
  switch (req.kind) {
    case 'kafka':
      return kafkaBrokers(a).map((b) => hostPort(b, 9092));
    case 'confluent-schema-registry': {
      const u = new URL(String(a.url));
      return [
        { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) },
      ];
    }
    default:
      return [{ host: String(a.host), port: Number(a.port ?? { postgres: 5432, mysql: 3306 }[req.kind as string]) }];
  }
}

export const UNVERIFIED_TUNNEL =
  "the bastion's host key was not given (diagnose.sshHostKeySha256, mz-diagnose --ssh-host-key), so an impostor " +
  'could be relaying: the probe sent no credentials through the tunnel. Give the fingerprint to check the login';

/** The SSH TUNNEL reference of a connection: its own, or its first broker's (Kafka). */
export function tunnelRefOf(
  args: Readonly<Record<string, unknown>>,
): { name: string; schemaName?: string; databaseName?: string } | undefined {
  if (args.sshTunnel && typeof args.sshTunnel === 'object') return args.sshTunnel as never;
  const brokers = Array.isArray(args.brokers) ? args.brokers : [];
  for (const b of brokers)
    if (b && typeof b === 'object' && (b as { sshTunnel?: unknown }).sshTunnel)
      return (b as { sshTunnel: never }).sshTunnel;
  return undefined;
}

function usesPrivatelink(args: Readonly<Record<string, unknown>>): boolean {
  if (args.awsPrivatelink) return true;
  const brokers = Array.isArray(args.brokers) ? args.brokers : [];
  return brokers.some((b) => b && typeof b === 'object' && (b as { awsPrivatelink?: unknown }).awsPrivatelink);
}

const TIMEOUT_CHANGE: Record<Step, string> = {
  DNS: "check the host name and this machine's DNS",
  TCP: 'check that a firewall or security group lets this machine reach the host and port',
  TLS: 'check that the port speaks the protocol the connection asks for (TLS or plaintext, SASL or not)',
  auth: 'check the credentials and that the server answers logins (it may be overloaded)',
  privileges: 'check the grants of the user',
  configuration: 'the server answered too slowly to be checked within the budget',
};

/** Runs the probe for the connection's kind within the budget; undefined for kinds without a probe. */
export async function diagnose(req: DiagnoseRequest): Promise<Verdict | undefined> {
  if (req.kind !== 'ssh-tunnel' && !PROBES[req.kind]) return undefined;
  const budgetMs = req.budgetMs ?? DEFAULT_BUDGET_MS;
  const secretTexts = [
    ...Object.values(req.secrets ?? {}),
    ...(req.sshPrivateKey ? [req.sshPrivateKey] : []),
    ...(req.sshPassphrase ? [req.sshPassphrase] : []),
  ];
  const via = req.tunnel ? sshLabel({ ...req.tunnel }) : undefined;
  const rec = new Recorder(req.kind, targetOf(req), req.kind === 'ssh-tunnel' ? undefined : via);
  if (usesPrivatelink(req.args)) {
    rec.skip('network path', 'the connection goes through AWS PrivateLink, which this machine cannot use');
    return scrubVerdict({ ...rec.pass(), note: UNREACHABLE_NOTE }, secretTexts);
  }
  let tunnel: Tunnel | undefined;
  let finished = false;
  let ctx: ReturnType<typeof makeContext> | undefined;
  const work = async (): Promise<Verdict> => {
    if (req.kind === 'ssh-tunnel') {
      ctx = makeContext(rec, req.args, req.secrets ?? {}, budgetMs);
      await probeSsh(ctx, {
        host: String(req.args.host),
        port: Number(req.args.port ?? 22),
        user: String(req.args.user),
        privateKey: req.sshPrivateKey,
        passphrase: req.sshPassphrase,
        hostKeySha256: req.sshHostKeySha256,
      });
      return rec.pass();
    }
    if (tunnelRefOf(req.args) && !req.tunnel) {
      rec.skip('SSH tunnel', 'the connection goes through an SSH tunnel whose settings were not given to the probe');
      return { ...rec.pass(), note: UNREACHABLE_NOTE };
    }
    if (req.tunnel) {
      const ssh: SshTarget = {
        ...req.tunnel,
        privateKey: req.sshPrivateKey,
        passphrase: req.sshPassphrase,
        hostKeySha256: req.sshHostKeySha256,
      };
      if (req.sshPrivateKey === undefined) {
        await reach(rec, ssh.host, ssh.port);
        rec.skip(
          `SSH login ${sshLabel(ssh)}`,
          'no private key was given to the probe: the target behind the tunnel was not checked',
        );
        return rec.pass();
      }
      tunnel = await openTunnel(rec, ssh, budgetMs);
      // Opened after the budget ran out: nobody will close it later.
      if (finished) tunnel.close();
      if (!tunnel.verified) {
        // Only what reveals nothing: whether the bastion forwards to the target.
        for (const t of endpointsOf(req)) await reach(rec, t.host, t.port, tunnel);
        rec.skip(`credentials through ${tunnel.label}`, UNVERIFIED_TUNNEL);
        return rec.pass();
      }
    }
    ctx = makeContext(rec, req.args, req.secrets ?? {}, budgetMs, tunnel);
    await PROBES[req.kind]!(ctx);
    return rec.pass();
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const { step, check } = rec.current;
      reject(
        new ProbeFailure(
          step,
          `no answer within ${budgetMs} ms (during: ${check})`,
          TIMEOUT_CHANGE[step],
          step === 'DNS' || step === 'TCP',
        ),
      );
    }, budgetMs);
  });
  let verdict: Verdict;
  try {
    verdict = await Promise.race([work(), timeout]);
  } catch (err) {
    verdict = rec.fail(
      err instanceof ProbeFailure
        ? err
        : new ProbeFailure(
            rec.current.step,
            messageOf(err),
            'the probe stopped on an unexpected error; see the observed text',
          ),
    );
  } finally {
    finished = true;
    clearTimeout(timer);
    ctx?.cleanup();
    tunnel?.close();
  }
  return scrubVerdict(verdict, secretTexts);
}
