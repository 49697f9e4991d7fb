// Where Materialize is. Precedence: a resource's own `materialize` input, then the stack config the engine
// passes to `configure` (`materialize:host`, ... the keys of the official provider), then MZ_* environment
// variables, then defaults.

/** Connection settings for one Materialize environment. */
export interface MaterializeEndpoint {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  database?: string;
  /** disable, require, verify-ca or verify-full. */
  sslmode?: string;
  /** Seconds to wait for a connection; default 30. */
  connectTimeout?: number;
}

export type ResolvedEndpoint = Required<Omit<MaterializeEndpoint, 'password'>> & { password?: string };

const CONFIG_KEYS = ['host', 'port', 'username', 'password', 'database', 'sslmode'] as const;
const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

let stackConfig: MaterializeEndpoint = {};

interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/** Called through the dynamic provider's `configure` with the whole stack config. */
export function configureFromStack(req: ConfigureRequest): void {
  const found: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = req.config.get(`materialize:${key}`);
    if (value !== undefined && value !== '') found[key] = value;
  }
  stackConfig = { ...found, port: found.port === undefined ? undefined : Number(found.port) } as MaterializeEndpoint;
}

export function resetStackConfig(): void {
  stackConfig = {};
}

function fromEnv(env: NodeJS.ProcessEnv): MaterializeEndpoint {
  const port = env.MZ_PORT;
  return {
    host: env.MZ_HOST || undefined,
    port: port ? Number(port) : undefined,
    username: env.MZ_USERNAME || env.MZ_USER || undefined,
    password: env.MZ_PASSWORD || undefined,
    database: env.MZ_DATABASE || undefined,
    sslmode: env.MZ_SSLMODE || undefined,
  };
}

function isLocal(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1';
}

export function resolveEndpoint(
  own: MaterializeEndpoint | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedEndpoint {
  const pick = <K extends keyof MaterializeEndpoint>(key: K): MaterializeEndpoint[K] =>
    own?.[key] ?? stackConfig[key] ?? fromEnv(env)[key];
  const host = pick('host') ?? 'localhost';
  return {
    host,
    port: pick('port') ?? 6875,
    username: pick('username') ?? 'materialize',
    password: pick('password'),
    database: pick('database') ?? 'materialize',
    // Materialize Cloud requires TLS; a local materialized usually has none.
    sslmode: pick('sslmode') ?? (isLocal(host) ? 'disable' : 'require'),
    connectTimeout: pick('connectTimeout') ?? 30,
  };
}

/** Problems with a resource's `endpoint` input, for `check`. */
export function endpointProblems(endpoint: unknown): string[] {
  if (endpoint === undefined || endpoint === null) return [];
  if (typeof endpoint !== 'object' || Array.isArray(endpoint))
    return ['materialize must be an object: { host?, port?, username?, password?, database?, sslmode? }'];
  const e = endpoint as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(e))
    if (![...CONFIG_KEYS, 'connectTimeout'].includes(key))
      problems.push(`materialize.${key} is not a setting (known: ${[...CONFIG_KEYS, 'connectTimeout'].join(', ')})`);
  if (e.port !== undefined && !(Number.isInteger(e.port) && (e.port as number) >= 1 && (e.port as number) <= 65535))
    problems.push('materialize.port must be an integer from 1 to 65535');
  if (e.sslmode !== undefined && !SSL_MODES.includes(e.sslmode as string))
    problems.push(`materialize.sslmode must be one of ${SSL_MODES.join(', ')}`);
  return problems;
}

/**
 * What identifies the Materialize an object lives in: host and port. The session database is not part of
 * it, because every statement names objects fully qualified.
 */
export function endpointIdentity(e: ResolvedEndpoint): string {
  return `${e.host}:${e.port}`;
}
