// In-memory IAM and Materialize for the role lifecycle's unit tests: every call recorded, any call can be
// made to fail with the error AWS would send.
import type { CreateRoleRequest, IamApi, RoleState } from '../../../provider/aws-role/iam';
import type { AwsConnectionIdentity, MaterializeApi } from '../../../provider/aws-role/materialize';
import type { RoleConnection } from '../../../provider/aws-role/inputs';
import type { Clock } from '../../../provider/aws-role/retry';
import { resolveLocation, qualifiedName, type ResolvedLocation } from '../../../provider/sql/quote';

/** An error shaped like the AWS SDK v3's (name = the AWS error code). */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

interface FakeRole extends RoleState {
  inline: Record<string, unknown>;
  managed: string[];
}

export class FakeIam implements IamApi {
  roles = new Map<string, FakeRole>();
  calls: string[] = [];
  /** Errors to throw, by method, in order. */
  fail: Record<string, Error[]> = {};
  private nextId = 1;

  private async op<T>(method: string, detail: string, fn: () => T): Promise<T> {
    this.calls.push(`${method} ${detail}`.trim());
    const err = this.fail[method]?.shift();
    if (err) throw err;
    return fn();
  }
  private role(name: string): FakeRole {
    const r = this.roles.get(name);
    if (!r) throw awsError('NoSuchEntityException', `The role with name ${name} cannot be found.`);
    return r;
  }
  private view(r: FakeRole): RoleState {
    const { inline: _i, managed: _m, ...state } = r;
    return JSON.parse(JSON.stringify(state));
  }

  getRole(name: string) {
    return this.op('getRole', name, () => (this.roles.has(name) ? this.view(this.role(name)) : undefined));
  }
  createRole(req: CreateRoleRequest) {
    return this.op('createRole', req.roleName, () => {
      if (this.roles.has(req.roleName))
        throw awsError('EntityAlreadyExistsException', `Role with name ${req.roleName} already exists.`);
      const r: FakeRole = {
        arn: `arn:aws:iam::123456789012:role${req.path}${req.roleName}`,
        roleId: `AROA${this.nextId++}`,
        roleName: req.roleName,
        path: req.path,
        trustPolicy: JSON.parse(req.trustPolicy),
        ...(req.description ? { description: req.description } : {}),
        maxSessionDuration: req.maxSessionDuration ?? 3600,
        ...(req.permissionsBoundary ? { permissionsBoundary: req.permissionsBoundary } : {}),
        tags: { ...(req.tags ?? {}) },
        inline: {},
        managed: [],
      };
      this.roles.set(req.roleName, r);
      return this.view(r);
    });
  }
  updateTrustPolicy(name: string, policy: string) {
    return this.op('updateTrustPolicy', name, () => void (this.role(name).trustPolicy = JSON.parse(policy)));
  }
  updateRole(name: string, s: { description?: string; maxSessionDuration?: number }) {
    return this.op('updateRole', name, () => {
      const r = this.role(name);
      if (s.maxSessionDuration) r.maxSessionDuration = s.maxSessionDuration;
      if (s.description) r.description = s.description;
      else delete r.description;
    });
  }
  putPermissionsBoundary(name: string, arn: string) {
    return this.op('putPermissionsBoundary', name, () => void (this.role(name).permissionsBoundary = arn));
  }
  deletePermissionsBoundary(name: string) {
    return this.op('deletePermissionsBoundary', name, () => void delete this.role(name).permissionsBoundary);
  }
  inlinePolicies(name: string) {
    return this.op('inlinePolicies', name, () => JSON.parse(JSON.stringify(this.role(name).inline)));
  }
  putInlinePolicy(name: string, policyName: string, policy: string) {
    return this.op('putInlinePolicy', `${name} ${policyName}`, () => {
      this.role(name).inline[policyName] = JSON.parse(policy);
    });
  }
  deleteInlinePolicy(name: string, policyName: string) {
    return this.op('deleteInlinePolicy', `${name} ${policyName}`, () => void delete this.role(name).inline[policyName]);
  }
  managedPolicyArns(name: string) {
    return this.op('managedPolicyArns', name, () => [...this.role(name).managed]);
  }
  attachPolicy(name: string, arn: string) {
    return this.op('attachPolicy', `${name} ${arn}`, () => void this.role(name).managed.push(arn));
  }
  detachPolicy(name: string, arn: string) {
    return this.op('detachPolicy', `${name} ${arn}`, () => {
      const r = this.role(name);
      r.managed = r.managed.filter((a) => a !== arn);
    });
  }
  tagRole(name: string, tags: Record<string, string>) {
    return this.op('tagRole', name, () => void Object.assign(this.role(name).tags, tags));
  }
  untagRole(name: string, keys: string[]) {
    return this.op('untagRole', name, () => keys.forEach((k) => delete this.role(name).tags[k]));
  }
  deleteRole(name: string) {
    return this.op('deleteRole', name, () => {
      const r = this.role(name);
      if (Object.keys(r.inline).length || r.managed.length)
        throw awsError('DeleteConflictException', 'Cannot delete entity, must remove policies first.');
      this.roles.delete(name);
    });
  }
  close() {
    this.calls.push('close');
  }
}

export const PRINCIPAL = 'arn:aws:iam::123456789000:role/MaterializeConnection';

/** Materialize with some AWS connections; VALIDATE answers from a queue, then from `verdict`. */
export class FakeMaterialize implements MaterializeApi {
  connections = new Map<string, AwsConnectionIdentity>();
  validations: string[] = [];
  queue: Error[] = [];
  verdict: Error | undefined;

  add(name: string, id: string, assumeRoleArn: string, schemaName = 'public'): AwsConnectionIdentity {
    const location = resolveLocation({ name, schemaName });
    const c = { location, id, principal: PRINCIPAL, externalId: `mz_prefix_${id}`, assumeRoleArn };
    this.connections.set(qualifiedName(location), c);
    return c;
  }
  async identities(conns: readonly RoleConnection[]) {
    return conns.map((c) => {
      const found = this.connections.get(qualifiedName(c));
      if (!found) throw new Error(`connection ${qualifiedName(c)} does not exist in Materialize`);
      return found;
    });
  }
  async validate(location: ResolvedLocation) {
    this.validations.push(qualifiedName(location));
    const err = this.queue.shift() ?? this.verdict;
    if (err) throw err;
  }
}

/** Validation failures as Materialize reports them (SQLSTATE 58000). */
export function notAuthorized(arn: string): Error {
  return Object.assign(
    new Error(
      `VALIDATE CONNECTION "materialize"."public"."c": User: arn:aws:sts::123456789000:assumed-role/MaterializeConnection/u1 is not authorized to perform: sts:AssumeRole on resource: ${arn}\n(SQLSTATE 58000)`,
    ),
    { code: '58000' },
  );
}

/** A clock that moves only when slept on. */
export class FakeClock implements Clock {
  t = 0;
  sleeps: number[] = [];
  now() {
    return this.t;
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.t += ms;
  }
}
