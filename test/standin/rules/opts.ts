// Read access to a planned option list (helpers shared by the per-type rules).
import type { ConnOption, Value } from '../ast';

export const invalidConnection = (msg: string) => `invalid CONNECTION: ${msg}`;

export class Opts {
  constructor(public list: ConnOption[]) {}
  has(name: string): boolean {
    return this.list.some((o) => o.name === name);
  }
  get(name: string): Value | undefined {
    return this.list.find((o) => o.name === name)?.value;
  }
  /** Text of a text-kind option (string literal or bare identifier). */
  text(name: string): string | undefined {
    const v = this.get(name);
    if (!v) return undefined;
    if (v.t === 'string' || v.t === 'ident' || v.t === 'number') return v.v;
    return undefined;
  }
  isSecret(name: string): boolean {
    return this.get(name)?.t === 'secret';
  }
  refId(name: string): string | undefined {
    const v = this.get(name);
    return v && (v.t === 'object' || v.t === 'secret' || v.t === 'privatelink') ? v.id : undefined;
  }
}
