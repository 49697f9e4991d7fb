// Each connection setting, where it may come from, and the rule its value must follow. One parser serves the
// resource's `materialize` input (typed values), stack config and MZ_* variables (text): an unknown sslmode or
// a malformed number is an error naming the source and the rule, never a silent fallback.

export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

type Rule = 'text' | 'password' | 'port' | 'seconds' | 'count' | 'sslmode' | 'rootcert';

interface Setting {
  rule: Rule;
  env: readonly string[];
  min?: number;
  max?: number;
}

export const SETTINGS = {
  host: { rule: 'text', env: ['MZ_HOST'] },
  port: { rule: 'port', env: ['MZ_PORT'] },
  username: { rule: 'text', env: ['MZ_USERNAME', 'MZ_USER'] },
  password: { rule: 'password', env: ['MZ_PASSWORD'] },
  database: { rule: 'text', env: ['MZ_DATABASE'] },
  sslmode: { rule: 'sslmode', env: ['MZ_SSLMODE'] },
  sslrootcert: { rule: 'rootcert', env: ['MZ_SSLROOTCERT'] },
  connectTimeout: { rule: 'seconds', env: ['MZ_CONNECT_TIMEOUT'], min: 1, max: 3600 },
  statementTimeout: { rule: 'seconds', env: ['MZ_STATEMENT_TIMEOUT'], min: 1, max: 86_400 },
  keepaliveIdle: { rule: 'seconds', env: ['MZ_KEEPALIVE_IDLE'], min: 1, max: 7200 },
  poolSize: { rule: 'count', env: ['MZ_POOL_SIZE'], min: 1, max: 100 },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** Where a value came from, as the user would write it: `materialize.port`, `materialize:port` or `MZ_PORT`. */
export type Source = { kind: 'input' } | { kind: 'config' } | { kind: 'env'; variable: string };

export function sourceName(key: SettingKey, source: Source): string {
  if (source.kind === 'input') return `materialize.${key}`;
  if (source.kind === 'config') return `materialize:${key}`;
  return source.variable;
}

// C0 controls and DEL: a NUL would end a startup-message field early and let the rest become another
// parameter; the others have no business in a host, user or database name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const PEM = /^\s*-----BEGIN /;

/** A short, safe rendering of a rejected non-secret value. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type Parsed = { value: string | number } | { problem: string };

/**
 * Checks one value. Text sources (config, environment) carry numbers as decimal digits; the resource input
 * must carry them as numbers. A password is never shown in a problem.
 */
export function parseSetting(key: SettingKey, raw: unknown, source: Source): Parsed {
  const setting: Setting = SETTINGS[key];
  const where = sourceName(key, source);
  const fromText = source.kind !== 'input';
  switch (setting.rule) {
    case 'text':
    case 'password':
    case 'rootcert':
    case 'sslmode': {
      if (typeof raw !== 'string')
        return { problem: `${where} must be a string${setting.rule === 'password' ? '' : `, got ${typeof raw}`}` };
      if (!raw.isWellFormed()) return { problem: `${where} contains a lone UTF-16 surrogate` };
      if (setting.rule === 'password') {
        if (raw.includes('\u0000')) return { problem: `${where} must not contain a NUL character` };
        return { value: raw };
      }
      if (setting.rule === 'sslmode') {
        if (!(SSL_MODES as readonly string[]).includes(raw))
          return { problem: `${where} must be one of ${SSL_MODES.join(', ')} (got ${shown(raw)})` };
        return { value: raw };
      }
      if (setting.rule === 'rootcert' && PEM.test(raw)) {
        if (raw.includes('\u0000')) return { problem: `${where} must not contain a NUL character` };
        return { value: raw };
      }
      if (raw === '') return { problem: `${where} must not be empty` };
      if (CONTROL.test(raw)) return { problem: `${where} must not contain NUL or other control characters` };
      return { value: raw };
    }
    case 'port':
    case 'seconds':
    case 'count': {
      const [min, max] = setting.rule === 'port' ? [1, 65535] : [setting.min ?? 1, setting.max ?? Infinity];
      const unit = setting.rule === 'seconds' ? ' (seconds)' : '';
      const rule = `${where} must be an integer from ${min} to ${max}${unit}`;
      let n: number;
      if (fromText) {
        if (typeof raw !== 'string' || !/^[0-9]{1,10}$/.test(raw)) return { problem: `${rule}, got ${shown(raw)}` };
        n = Number(raw);
      } else {
        if (typeof raw !== 'number') return { problem: `${rule}, got ${typeof raw} ${shown(raw)}` };
        n = raw;
      }
      if (!Number.isInteger(n) || n < min || n > max) return { problem: `${rule}, got ${shown(raw)}` };
      return { value: n };
    }
  }
}

export interface ParsedSettings {
  values: Partial<Record<SettingKey, string | number>>;
  problems: string[];
}

/** Parses every present value of one source; unknown keys are problems only for the resource input. */
export function parseSettings(
  raw: Record<string, unknown>,
  source: Source | ((key: SettingKey) => Source),
): ParsedSettings {
  const out: ParsedSettings = { values: {}, problems: [] };
  for (const key of SETTING_KEYS) {
    if (raw[key] === undefined || raw[key] === null) continue;
    const parsed = parseSetting(key, raw[key], typeof source === 'function' ? source(key) : source);
    if ('problem' in parsed) out.problems.push(parsed.problem);
    else out.values[key] = parsed.value;
  }
  return out;
}
