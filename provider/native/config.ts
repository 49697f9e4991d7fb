// The provider's own configuration: `materialize-connections:host`, ... in the stack config (the default
// provider), or the inputs of an explicit provider resource. The lifecycle reads the same settings under the
// dynamic provider's `materialize:` keys, so this maps one namespace onto the other and renames it back in messages.
import { parseSettings, SETTING_KEYS, type SettingKey } from '../lifecycle/endpoint-settings';
import type { Failure } from '../specs';
import { PACKAGE } from './tokens';
import type { Props } from './values';

/** Settings that say which Materialize: another value is another environment, so the provider is replaced. */
export const PLACE_SETTINGS: readonly SettingKey[] = ['host', 'port', 'database'];

/** Text as stack config carries it: an explicit provider in YAML may give a port as a number. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : String(value);
}

/** The settings of a Configure/CheckConfig request: its `args`, else its `variables` (`pkg:config:key`). */
export function settingsOf(args: Props, variables: Record<string, string> = {}): Partial<Record<SettingKey, string>> {
  const out: Partial<Record<SettingKey, string>> = {};
  for (const key of SETTING_KEYS) {
    const value =
      asText(args[key]) ?? asText(variables[`${PACKAGE}:config:${key}`]) ?? asText(variables[`${PACKAGE}:${key}`]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The request shape the lifecycle's `configure` takes, over these settings. */
export function asDynamicConfig(settings: Partial<Record<SettingKey, string>>): {
  config: { get(key: string): string | undefined };
} {
  return {
    config: {
      get: (key) =>
        key.startsWith('materialize:') ? settings[key.slice('materialize:'.length) as SettingKey] : undefined,
    },
  };
}

/** The lifecycle's messages name its `materialize:` keys; the native provider's users write these. */
export function renameConfigKeys(message: string): string {
  return message.replace(/\bmaterialize:(?=[a-zA-Z])/g, `${PACKAGE}:`);
}

/** CheckConfig: every setting against its rule, and no key the provider does not know. */
export function checkConfig(news: Props): Failure[] {
  const failures: Failure[] = [];
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(news)) {
    if (key === 'version' || key.startsWith('__')) continue;
    if (!(SETTING_KEYS as string[]).includes(key)) {
      failures.push({
        property: key,
        reason: `${PACKAGE}:${key} is not a setting (known: ${SETTING_KEYS.join(', ')})`,
      });
      continue;
    }
    const text = asText(value);
    if (text !== undefined) raw[key] = text;
  }
  for (const problem of parseSettings(raw, { kind: 'config' }).problems) {
    const key = SETTING_KEYS.find((k) => problem.includes(`materialize:${k}`)) ?? '';
    failures.push({ property: key, reason: renameConfigKeys(problem) });
  }
  return failures;
}

/**
 * DiffConfig: the settings that changed; a change of place replaces the provider (and what it manages). The engine
 * also asks when a resource moves here from another provider (an alias from a dynamic resource): the old provider
 * is then `pulumi-nodejs`, whose inputs are the whole stack config by full key, and the settings it gave the
 * lifecycle are the `materialize:*` ones.
 */
export function diffConfig(olds: Props, news: Props): { changed: SettingKey[]; replaces: SettingKey[] } {
  const before = (k: SettingKey) =>
    asText(olds[k]) ?? asText(olds[`${PACKAGE}:${k}`]) ?? asText(olds[`materialize:${k}`]);
  const changed = SETTING_KEYS.filter((k) => before(k) !== asText(news[k]));
  return { changed, replaces: changed.filter((k) => PLACE_SETTINGS.includes(k)) };
}
