// What validators need: the catalog (tunnels, secrets), secret values, and the environment's AWS settings.
import type { Value } from '../ast';
import type { Catalog, Item } from '../catalog';
import { validationError } from '../errors';
import type { SecretStore } from '../secrets';
import type { AwsSettings } from '../store';

export interface ValidateCtx {
  cat: Catalog;
  secrets: SecretStore;
  aws: AwsSettings;
  awsIamEndpoint?: string;
  /** Network timeout for one validation attempt. */
  timeoutMs: number;
}

/** A connection as planned (possibly not in the catalog yet, e.g. during CREATE or a merged ALTER). */
export interface PlannedConnection {
  id: string;
  item: Item;
}

/** Text of a text-or-secret value; secrets are read from the secret store. */
export function textOrSecret(ctx: ValidateCtx, v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.t === 'secret') return v.id ? ctx.secrets.get(v.id)?.toString('utf8') : undefined;
  if (v.t === 'string' || v.t === 'ident' || v.t === 'number') return v.v;
  return undefined;
}

/** Hosts under the reserved `.invalid` TLD fail deterministically without touching the network (RFC 2606). */
export function isInvalidHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'invalid' || h.endsWith('.invalid');
}

export function dnsFailure(host: string) {
  return validationError(`failed to lookup address information: Name or service not known (host: ${host})`);
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, rej) => {
      t = setTimeout(() => rej(new Error(`${what} timed out after ${ms}ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}
