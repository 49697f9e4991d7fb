// Where Materialize is and how to reach it. Precedence: a resource's own `materialize` input, then the stack
// config the engine passes to `configure` (`materialize:host`, ... the keys of the official provider), then
// MZ_* environment variables, then defaults. Every value is checked wherever it comes from.
import { MaterializeError } from './errors';
import {
  parseSettings,
  SETTING_KEYS,
  SETTINGS,
  type ParsedSettings,
  type SettingKey,
  type SslMode,
} from './endpoint-settings';

export { SSL_MODES, type SslMode } from './endpoint-settings';

/** Connection settings for one Materialize environment. */
export interface MaterializeEndpoint {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  database?: string;
  /** disable, require, verify-ca or verify-full; default verify-full, or disable for a local host. */
  sslmode?: string;
  /** CA certificates (PEM text, or the path of a PEM file) that verify-ca / verify-full trust instead of Node's. */
  sslrootcert?: string;
  /** Seconds to wait for a new connection (TCP, TLS and authentication); default 30. */
  connectTimeout?: number;
  /** Seconds to wait for one statement's answer; default 300. */
  statementTimeout?: number;
  /** Seconds of idleness before TCP keepalive probes start; default 60. */
  keepaliveIdle?: number;
  /** Connections kept per endpoint by the provider process; default 8. Further operations queue. */
  poolSize?: number;
}

export interface ResolvedEndpoint {
  host: string;
  port: number;
  username: string;
  password?: string;
  database: string;
  sslmode: SslMode;
  sslrootcert?: string;
  connectTimeout: number;
  statementTimeout: number;
  keepaliveIdle: number;
  poolSize: number;
}

export const DEFAULTS = {
  port: 6875,
  username: 'materialize',
  database: 'materialize',
  connectTimeout: 30,
  statementTimeout: 300,
  keepaliveIdle: 60,
  poolSize: 8,
} as const;

let stackConfig: ParsedSettings = { values: {}, problems: [] };

interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/** Called through the dynamic provider's `configure` with the whole stack config. */
export function configureFromStack(req: ConfigureRequest): void {
  const raw: Record<string, string> = {};
  for (const key of SETTING_KEYS) {
    const value = req.config.get(`materialize:${key}`);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  stackConfig = parseSettings(raw, { kind: 'config' });
}

export function resetStackConfig(): void {
  stackConfig = { values: {}, problems: [] };
}

function fromEnv(env: NodeJS.ProcessEnv): ParsedSettings {
  const raw: Record<string, string> = {};
  const variable: Partial<Record<SettingKey, string>> = {};
  for (const key of SETTING_KEYS)
    for (const name of SETTINGS[key].env)
      if (env[name] && raw[key] === undefined) {
        raw[key] = env[name] as string;
        variable[key] = name;
      }
  return parseSettings(raw, (key) => ({ kind: 'env', variable: variable[key] as string }));
}

function fromInput(own: unknown): ParsedSettings {
  if (own === undefined || own === null) return { values: {}, problems: [] };
  if (typeof own !== 'object' || Array.isArray(own))
    return { values: {}, problems: [`materialize must be an object: { ${SETTING_KEYS.join('?, ')}? }`] };
  const parsed = parseSettings(own as Record<string, unknown>, { kind: 'input' });
  for (const key of Object.keys(own))
    if (!(SETTING_KEYS as string[]).includes(key))
      parsed.problems.push(`materialize.${key} is not a setting (known: ${SETTING_KEYS.join(', ')})`);
  return parsed;
}

/** A host reached without crossing a network: loopback names and addresses, or a Unix socket directory. */
export function isLocal(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host.startsWith('/');
}

export function resolveEndpoint(
  own: MaterializeEndpoint | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedEndpoint {
  const sources = [fromInput(own), stackConfig, fromEnv(env)];
  const problems = sources.flatMap((s) => s.problems);
  if (problems.length) throw new MaterializeError(`invalid Materialize connection settings: ${problems.join('; ')}`);
  const pick = (key: SettingKey): string | number | undefined =>
    sources.map((s) => s.values[key]).find((v) => v !== undefined);
  const host = (pick('host') as string | undefined) ?? 'localhost';
  const resolved: ResolvedEndpoint = {
    host,
    port: (pick('port') as number | undefined) ?? DEFAULTS.port,
    username: (pick('username') as string | undefined) ?? DEFAULTS.username,
    password: pick('password') as string | undefined,
    database: (pick('database') as string | undefined) ?? DEFAULTS.database,
    // Anything that crosses a network is verified unless the user asks otherwise; a local materialized
    // usually has no TLS.
    sslmode: (pick('sslmode') as SslMode | undefined) ?? (isLocal(host) ? 'disable' : 'verify-full'),
    connectTimeout: (pick('connectTimeout') as number | undefined) ?? DEFAULTS.connectTimeout,
    statementTimeout: (pick('statementTimeout') as number | undefined) ?? DEFAULTS.statementTimeout,
    keepaliveIdle: (pick('keepaliveIdle') as number | undefined) ?? DEFAULTS.keepaliveIdle,
    poolSize: (pick('poolSize') as number | undefined) ?? DEFAULTS.poolSize,
  };
  const rootcert = pick('sslrootcert') as string | undefined;
  if (rootcert !== undefined) resolved.sslrootcert = rootcert;
  return resolved;
}

/**
 * Problems with a resource's `materialize` input and with the stack config and MZ_* variables it falls
 * back to, for `check`: a bad setting is reported before any SQL, wherever it was written.
 */
export function endpointProblems(endpoint: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  return [...fromInput(endpoint).problems, ...stackConfig.problems, ...fromEnv(env).problems];
}

/**
 * What identifies the Materialize an object lives in: host and port. The session database is not part of
 * it, because every statement names objects fully qualified.
 */
export function endpointIdentity(e: ResolvedEndpoint): string {
  return `${e.host}:${e.port}`;
}
