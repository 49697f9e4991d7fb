// The values of the inputs the program marked secret, whatever option they were given to: the engine strips
// the marks before a dynamic provider sees its inputs, so the SDK names those inputs in SECRET_INPUTS.
import { SECRET_INPUTS } from '../args';

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}

/** The names the SDK sent, ignoring anything else in their place. */
export function secretInputNames(props: Record<string, unknown>): string[] {
  const names = props[SECRET_INPUTS];
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string' && n !== SECRET_INPUTS) : [];
}

/** Every string inside the inputs the program gave as secrets. */
export function secretInputValues(props: Record<string, unknown>): string[] {
  return secretInputNames(props).flatMap((name) => stringLeaves(props[name]));
}
