// The IAM calls a role resource makes, behind a small interface (unit tests pass a fake). The real one
// loads @aws-sdk/client-iam on first use only, so no other resource pays for it at cold start.
import type * as Iam from '@aws-sdk/client-iam';
import { scrub } from '../scrub';
import type { AwsSettings } from './inputs';

/** How long one IAM call may take in all, retries included: IAM answers in well under a second. */
export const IAM_CALL_TIMEOUT_MS = 30_000;

/** IAM's tag list from a name → value map. */
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** A role as IAM reports it. */
export interface RoleState {
  arn: string;
  roleId: string;
  roleName: string;
  path: string;
  /** The trust policy document, parsed (IAM returns it URL-encoded). */
  trustPolicy: unknown;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  tags: Record<string, string>;
}

export interface CreateRoleRequest {
  roleName: string;
  path: string;
  trustPolicy: string;
  description?: string;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
  tags?: Record<string, string>;
}

export interface IamApi {
  getRole(roleName: string): Promise<RoleState | undefined>;
  createRole(req: CreateRoleRequest): Promise<RoleState>;
  updateTrustPolicy(roleName: string, policy: string): Promise<void>;
  updateRole(roleName: string, settings: { description?: string; maxSessionDuration?: number }): Promise<void>;
  putPermissionsBoundary(roleName: string, arn: string): Promise<void>;
  deletePermissionsBoundary(roleName: string): Promise<void>;
  /** Inline policy name to its document (parsed). */
  inlinePolicies(roleName: string): Promise<Record<string, unknown>>;
  putInlinePolicy(roleName: string, policyName: string, policy: string): Promise<void>;
  deleteInlinePolicy(roleName: string, policyName: string): Promise<void>;
  managedPolicyArns(roleName: string): Promise<string[]>;
  attachPolicy(roleName: string, arn: string): Promise<void>;
  detachPolicy(roleName: string, arn: string): Promise<void>;
  tagRole(roleName: string, tags: Record<string, string>): Promise<void>;
  untagRole(roleName: string, keys: string[]): Promise<void>;
  deleteRole(roleName: string): Promise<void>;
  close(): void;
}

/** The AWS error name (SDK v3 sets `name`; unmodelled errors such as AccessDenied too). */
export function awsErrorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; Error?: { Code?: string } };
  return e?.Error?.Code ?? e?.Code ?? e?.name ?? '';
}

export const isNoSuchEntity = (err: unknown) => /^NoSuchEntity/.test(awsErrorName(err));

function decodeDocument(text: string | undefined): unknown {
  if (!text) return {};
  return JSON.parse(decodeURIComponent(text));
}

let sdk: typeof Iam | undefined;
/** Loaded on first use: `require`, not `import`, so that loading this module loads no AWS SDK. */
function loadSdk(): typeof Iam {
  sdk ??= require('@aws-sdk/client-iam') as typeof Iam;
  return sdk;
}

/**
 * The IAM API through @aws-sdk/client-iam; credentials from the SDK's default chain (or `profile`). Every call
 * is bounded by `callTimeoutMs`, and its error carries none of the credentials the chain resolved (a profile's,
 * SSO's, a process's: not only those of the environment).
 */
export function sdkIam(settings: AwsSettings = {}, callTimeoutMs = IAM_CALL_TIMEOUT_MS): IamApi {
  const m = loadSdk();
  const client = new m.IAMClient({
    region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    requestHandler: { connectionTimeout: callTimeoutMs, requestTimeout: callTimeoutMs },
  });
  async function scrubbed(err: unknown): Promise<unknown> {
    const c = await client.config.credentials().catch(() => undefined);
    const values = [c?.accessKeyId, c?.secretAccessKey, c?.sessionToken];
    if (err instanceof Error) err.message = scrub(err.message, values);
    return err;
  }
  const send = async <T>(command: unknown): Promise<T> => {
    const timeout = AbortSignal.timeout(callTimeoutMs);
    try {
      return (await client.send(command as never, { abortSignal: timeout })) as T;
    } catch (err) {
      if (timeout.aborted)
        throw Object.assign(new Error(`IAM did not answer within ${callTimeoutMs / 1000} s`), { name: 'TimeoutError' });
      throw await scrubbed(err);
    }
  };

  async function all<T>(page: (marker?: string) => Promise<{ items: T[]; marker?: string }>): Promise<T[]> {
    const out: T[] = [];
    let marker: string | undefined;
    do {
      const r = await page(marker);
      out.push(...r.items);
      marker = r.marker;
    } while (marker);
    return out;
  }

  function roleState(r: Iam.Role | undefined): RoleState {
    if (!r?.Arn || !r.RoleName || !r.RoleId) throw new Error('IAM returned a role without ARN, name or id');
    return {
      arn: r.Arn,
      roleId: r.RoleId,
      roleName: r.RoleName,
      path: r.Path ?? '/',
      trustPolicy: decodeDocument(r.AssumeRolePolicyDocument),
      ...(r.Description ? { description: r.Description } : {}),
      maxSessionDuration: r.MaxSessionDuration ?? 3600,
      ...(r.PermissionsBoundary?.PermissionsBoundaryArn
        ? { permissionsBoundary: r.PermissionsBoundary.PermissionsBoundaryArn }
        : {}),
      tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  }

  return {
    async getRole(roleName) {
      try {
        return roleState((await send<Iam.GetRoleCommandOutput>(new m.GetRoleCommand({ RoleName: roleName }))).Role);
      } catch (err) {
        if (isNoSuchEntity(err)) return undefined;
        throw err;
      }
    },
    async createRole(req) {
      const r = await send<Iam.CreateRoleCommandOutput>(
        new m.CreateRoleCommand({
          RoleName: req.roleName,
          Path: req.path,
          AssumeRolePolicyDocument: req.trustPolicy,
          Description: req.description,
          MaxSessionDuration: req.maxSessionDuration,
          PermissionsBoundary: req.permissionsBoundary,
          Tags: tagList(req.tags ?? {}),
        }),
      );
      return roleState(r.Role);
    },
    async updateTrustPolicy(roleName, policy) {
      await send(new m.UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: policy }));
    },
    async updateRole(roleName, s) {
      await send(
        new m.UpdateRoleCommand({
          RoleName: roleName,
          Description: s.description,
          MaxSessionDuration: s.maxSessionDuration,
        }),
      );
    },
    async putPermissionsBoundary(roleName, arn) {
      await send(new m.PutRolePermissionsBoundaryCommand({ RoleName: roleName, PermissionsBoundary: arn }));
    },
    async deletePermissionsBoundary(roleName) {
      await send(new m.DeleteRolePermissionsBoundaryCommand({ RoleName: roleName }));
    },
    async inlinePolicies(roleName) {
      const names = await all(async (Marker) => {
        const r = await send<Iam.ListRolePoliciesCommandOutput>(
          new m.ListRolePoliciesCommand({ RoleName: roleName, Marker }),
        );
        return { items: r.PolicyNames ?? [], marker: r.IsTruncated ? r.Marker : undefined };
      });
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const r = await send<Iam.GetRolePolicyCommandOutput>(
          new m.GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }),
        );
        out[name] = decodeDocument(r.PolicyDocument);
      }
      return out;
    },
    async putInlinePolicy(roleName, policyName, policy) {
      await send(new m.PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: policy }));
    },
    async deleteInlinePolicy(roleName, policyName) {
      await send(new m.DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    },
    async managedPolicyArns(roleName) {
      return all(async (Marker) => {
        const r = await send<Iam.ListAttachedRolePoliciesCommandOutput>(
          new m.ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker }),
        );
        return {
          items: (r.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ''),
          marker: r.IsTruncated ? r.Marker : undefined,
        };
      });
    },
    async attachPolicy(roleName, arn) {
      await send(new m.AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
    },
    async detachPolicy(roleName, arn) {
      await send(new m.DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
    },
    async tagRole(roleName, tags) {
      await send(
        new m.TagRoleCommand({
          RoleName: roleName,
          Tags: tagList(tags),
        }),
      );
    },
    async untagRole(roleName, keys) {
      await send(new m.UntagRoleCommand({ RoleName: roleName, TagKeys: keys }));
    },
    async deleteRole(roleName) {
      await send(new m.DeleteRoleCommand({ RoleName: roleName }));
    },
    close() {
      client.destroy();
    },
  };
}
