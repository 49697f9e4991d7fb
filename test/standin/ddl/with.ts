// `WITH (VALIDATE [[=] bool])` (§2.1).
import type { WithOption } from '../ast';
import { planError } from '../errors';

export function validateOption(opts: WithOption[]): boolean | undefined {
  let out: boolean | undefined;
  const seen = new Set<string>();
  for (const o of opts) {
    if (seen.has(o.name)) throw planError(`${o.name} specified more than once`);
    seen.add(o.name);
    const v = o.value;
    if (v === undefined) out = true;
    else if (v.t === 'bool') out = v.v;
    else if (v.t === 'ident' && (v.v === 'true' || v.v === 'false')) out = v.v === 'true';
    else throw planError(`invalid ${o.name}: cannot use value as boolean`);
  }
  return out;
}
