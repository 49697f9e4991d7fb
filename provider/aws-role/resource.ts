// AwsConnectionRole's lifecycle: an IAM role whose trust policy lets exactly its AWS connections' principals
// assume it, each only with its own external ID, validated in Materialize. The role is identified by name
// and checked by its IAM role ID before it is changed or deleted (a role re-made by someone else under the
// same name is not ours).
import type { Failure } from '../specs';
import { containsUnknown } from '../unknown';
import { configureFromStack, resolveEndpoint, type MaterializeEndpoint } from '../lifecycle/endpoint';
import { canonicalJson, sanitize, type DynamicImpl } from '../lifecycle/resource';
import { qualifiedName } from '../sql/quote';
import { AwsRoleError, iamError } from './errors';
import { isNoSuchEntity, sdkIam, type IamApi, type RoleState } from './iam';
import { normalizeRoleInputs, policySize, roleInputFailures, type AwsSettings, type RoleConnection } from './inputs';
import { locationOf, sqlMaterialize, type AwsConnectionIdentity, type MaterializeApi } from './materialize';
import { realClock, retryWhilePropagating, type Clock } from './retry';
import { canonicalPolicy, policyJson, trustPolicyDrift, trustPolicyForConnections } from './trust-policy';

type Props = Record<string, unknown>;

export interface RoleDeps {
  iam(settings: AwsSettings): IamApi;
  materialize(endpoint: MaterializeEndpoint | undefined, secrets: readonly string[]): MaterializeApi;
  clock: Clock;
}

export const defaultRoleDeps: RoleDeps = {
  iam: sdkIam,
  materialize: (endpoint, secrets) => sqlMaterialize(resolveEndpoint(endpoint), secrets),
  clock: realClock,
};

/** The most characters IAM ever allows in a trust policy (2,048 by default, raisable to 4,096). */
export const TRUST_POLICY_MAX = 4096;
const DEFAULT_VALIDATE_TIMEOUT_S = 120;
const DEFAULT_MAX_SESSION = 3600;

/** The role's settings this resource converges (an unset one means IAM's default: none, or 3600 s). */
interface Wanted {
  path: string;
  description?: string;
  inlinePolicies: Record<string, string>;
  managedPolicyArns: string[];
  permissionsBoundary?: string;
  maxSessionDuration: number;
  tags: Record<string, string>;
}

function wantedOf(p: Props): Wanted {
  return {
    path: (p.path as string | undefined) ?? '/',
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    inlinePolicies: (p.inlinePolicies as Record<string, string> | undefined) ?? {},
    managedPolicyArns: [...((p.managedPolicyArns as string[] | undefined) ?? [])].sort(),
    ...(typeof p.permissionsBoundary === 'string' ? { permissionsBoundary: p.permissionsBoundary } : {}),
    maxSessionDuration: (p.maxSessionDuration as number | undefined) ?? DEFAULT_MAX_SESSION,
    tags: (p.tags as Record<string, string> | undefined) ?? {},
  };
}

function actualOf(role: RoleState, inline: Record<string, unknown>, managed: string[]): Wanted {
  return {
    path: role.path,
    ...(role.description ? { description: role.description } : {}),
    inlinePolicies: Object.fromEntries(Object.entries(inline).map(([k, v]) => [k, policyJson(v)])),
    managedPolicyArns: [...managed].sort(),
    ...(role.permissionsBoundary ? { permissionsBoundary: role.permissionsBoundary } : {}),
    maxSessionDuration: role.maxSessionDuration,
    tags: role.tags,
  };
}

const connectionsOf = (p: Props) => (p.connection as RoleConnection[] | undefined) ?? [];
const settingsOf = (p: Props) => (p.aws as AwsSettings | undefined) ?? {};
const secretsOf = (p: Props) => {
  const pw = (p.materialize as MaterializeEndpoint | undefined)?.password;
  return pw ? [pw] : [];
};

/** The trust policy the inputs call for, when every connection's principal and external ID are known. */
function wantedTrustFromInputs(p: Props): string | undefined {
  const conns = connectionsOf(p);
  if (containsUnknown(conns) || conns.some((c) => !c.principal || !c.externalId)) return undefined;
  return policyJson(
    trustPolicyForConnections(conns.map((c) => ({ principal: c.principal!, externalId: c.externalId! }))),
  );
}

/** The role ARN's tail, `role<path><name>`, which every connection's ASSUME ROLE ARN must end with. */
function roleSuffix(w: Wanted, roleName: string): string {
  return `:role${w.path}${roleName}`;
}

function checkAssumedRole(ids: AwsConnectionIdentity[], expected: (arn: string) => boolean, what: string): void {
  const wrong = ids.filter((i) => !i.assumeRoleArn || !expected(i.assumeRoleArn));
  if (wrong.length)
    throw new AwsRoleError(
      wrong
        .map(
          (i) =>
            `connection ${qualifiedName(i.location)} assumes ${i.assumeRoleArn}, not ${what}: set its assumeRoleArn to this role's ARN`,
        )
        .join('\n'),
    );
}

function outputsOf(inputs: Props, role: RoleState, actual: Wanted, ids: AwsConnectionIdentity[], extra: Props): Props {
  return sanitize({
    ...inputs,
    ...actual,
    roleName: role.roleName,
    arn: role.arn,
    roleId: role.roleId,
    trustPolicy: policyJson(role.trustPolicy),
    connectionIds: ids.map((i) => i.id),
    externalIds: ids.map((i) => i.externalId),
    drift: [],
    ...extra,
  });
}

/**
 * Which account a role lives in, as the inputs say, and its name as IAM compares names (without case): one
 * role, whatever the spelling.
 */
function roleKey(p: Props): string {
  return `${canonicalJson({ profile: settingsOf(p).profile ?? null, endpoint: settingsOf(p).endpoint ?? null })}/${String(p.roleName).toLowerCase()}`;
}

/**
 * The lifecycle's ownership rule (provider/lifecycle/resource.ts): a role made or adopted by a create of this
 * process is never adopted again; a resource whose state says adoptExisting never removes its role on delete
 * (a forced replacement may have handed it to the new resource, in this process or a later one) unless this
 * process's diff planned that replacement; and a role a create of this process adopted is left by the delete
 * of the resource it was taken from. (One lifecycle per provider process: provider/dynamic.ts.)
 */
interface Ownership {
  takenHere: Set<string>;
  adoptedHere: Set<string>;
  replacementsPlanned: Set<string>;
}

function compare(wanted: Wanted, actual: Wanted): string[] {
  const drift: string[] = [];
  for (const key of Object.keys({ ...wanted, ...actual }) as (keyof Wanted)[])
    if (canonicalJson(wanted[key]) !== canonicalJson(actual[key])) drift.push(`${key} differs in IAM`);
  return drift;
}

export function roleLifecycle(deps: RoleDeps = defaultRoleDeps): DynamicImpl {
  const { takenHere, adoptedHere, replacementsPlanned }: Ownership = {
    takenHere: new Set(),
    adoptedHere: new Set(),
    replacementsPlanned: new Set(),
  };
  const mzOf = (p: Props) => deps.materialize(p.materialize as MaterializeEndpoint | undefined, secretsOf(p));

  async function withIam<T>(p: Props, fn: (iam: IamApi) => Promise<T>): Promise<T> {
    const iam = deps.iam(settingsOf(p));
    try {
      return await fn(iam);
    } finally {
      iam.close();
    }
  }

  async function iamCall<T>(p: Props, doing: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof AwsRoleError) throw err;
      throw iamError(err, doing, String(p.roleName), secretsOf(p));
    }
  }

  async function readActual(iam: IamApi, p: Props, role: RoleState): Promise<Wanted> {
    const name = role.roleName;
    const inline = await iamCall(p, `listing the inline policies of IAM role ${name}`, () => iam.inlinePolicies(name));
    const managed = await iamCall(p, `listing the managed policies of IAM role ${name}`, () =>
      iam.managedPolicyArns(name),
    );
    return actualOf(role, inline, managed);
  }

  /** VALIDATE CONNECTION on each, retried while IAM propagates; a lasting failure says what to check. */
  async function validateAll(p: Props, role: RoleState, ids: AwsConnectionIdentity[]): Promise<void> {
    const mz = mzOf(p);
    const timeoutS = (p.validateTimeout as number | undefined) ?? DEFAULT_VALIDATE_TIMEOUT_S;
    for (const id of ids) {
      const started = deps.clock.now();
      try {
        await retryWhilePropagating(() => mz.validate(id.location), { timeoutMs: timeoutS * 1000 }, deps.clock);
      } catch (err) {
        const attempts = (err as { attempts?: number }).attempts ?? 1;
        const seconds = Math.round((deps.clock.now() - started) / 1000);
        throw new AwsRoleError(
          `${(err as Error).message}\n` +
            `VALIDATE CONNECTION ${qualifiedName(id.location)} failed (${attempts} attempt${attempts === 1 ? '' : 's'} ` +
            `over ${seconds} s). Check: IAM role ${role.arn} must trust principal ${id.principal} for sts:AssumeRole ` +
            `with sts:ExternalId ${id.externalId} (this resource wrote that trust policy); the connection's ASSUME ROLE ARN ` +
            `must be ${role.arn}; IAM changes can take longer to reach STS: raise validateTimeout, or run pulumi up again ` +
            '(the role is kept and validated again).',
          (err as { code?: string }).code,
        );
      }
    }
  }

  /** Converges the role's settings to `w` from what IAM has now; returns whether the trust policy changed. */
  async function converge(iam: IamApi, p: Props, role: RoleState, w: Wanted, trust: string): Promise<boolean> {
    const name = role.roleName;
    const actual = await readActual(iam, p, role);
    const trustChanged = canonicalPolicy(role.trustPolicy) !== canonicalPolicy(JSON.parse(trust));
    if (trustChanged)
      await iamCall(p, `updating the trust policy of IAM role ${name}`, () => iam.updateTrustPolicy(name, trust));
    if (w.maxSessionDuration !== actual.maxSessionDuration || (w.description ?? '') !== (actual.description ?? ''))
      await iamCall(p, `updating IAM role ${name}`, () =>
        iam.updateRole(name, { description: w.description ?? '', maxSessionDuration: w.maxSessionDuration }),
      );
    if (w.permissionsBoundary !== actual.permissionsBoundary)
      await iamCall(p, `setting the permissions boundary of IAM role ${name}`, () =>
        w.permissionsBoundary
          ? iam.putPermissionsBoundary(name, w.permissionsBoundary)
          : iam.deletePermissionsBoundary(name),
      );
    for (const [policy, doc] of Object.entries(w.inlinePolicies))
      if (actual.inlinePolicies[policy] !== doc)
        await iamCall(p, `putting inline policy ${policy} on IAM role ${name}`, () =>
          iam.putInlinePolicy(name, policy, doc),
        );
    for (const policy of Object.keys(actual.inlinePolicies))
      if (!(policy in w.inlinePolicies))
        await iamCall(p, `deleting inline policy ${policy} of IAM role ${name}`, () =>
          iam.deleteInlinePolicy(name, policy),
        );
    for (const arn of w.managedPolicyArns)
      if (!actual.managedPolicyArns.includes(arn))
        await iamCall(p, `attaching ${arn} to IAM role ${name}`, () => iam.attachPolicy(name, arn));
    for (const arn of actual.managedPolicyArns)
      if (!w.managedPolicyArns.includes(arn))
        await iamCall(p, `detaching ${arn} from IAM role ${name}`, () => iam.detachPolicy(name, arn));
    const removed = Object.keys(actual.tags).filter((k) => !(k in w.tags));
    if (removed.length) await iamCall(p, `untagging IAM role ${name}`, () => iam.untagRole(name, removed));
    const changed = Object.fromEntries(Object.entries(w.tags).filter(([k, v]) => actual.tags[k] !== v));
    if (Object.keys(changed).length) await iamCall(p, `tagging IAM role ${name}`, () => iam.tagRole(name, changed));
    return trustChanged;
  }

  /** Removes the role with everything attached; what is already gone is fine. */
  async function removeRole(iam: IamApi, p: Props, name: string): Promise<void> {
    const gone = async (doing: string, call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (err) {
        if (!isNoSuchEntity(err)) throw iamError(err, doing, name, secretsOf(p));
      }
    };
    let managed: string[] = [];
    let inline: string[] = [];
    await gone(
      `listing the managed policies of IAM role ${name}`,
      async () => (managed = await iam.managedPolicyArns(name)),
    );
    await gone(`listing the inline policies of IAM role ${name}`, async () => {
      inline = Object.keys(await iam.inlinePolicies(name));
    });
    for (const arn of managed) await gone(`detaching ${arn} from IAM role ${name}`, () => iam.detachPolicy(name, arn));
    for (const policy of inline)
      await gone(`deleting inline policy ${policy} of IAM role ${name}`, () => iam.deleteInlinePolicy(name, policy));
    await gone(`deleting IAM role ${name}`, () => iam.deleteRole(name));
  }

  async function ourRole(iam: IamApi, p: Props, name: string): Promise<RoleState | undefined> {
    const role = await iamCall(p, `reading IAM role ${name}`, () => iam.getRole(name));
    if (role && typeof p.roleId === 'string' && role.roleId !== p.roleId) return undefined;
    return role;
  }

  /** VALIDATE CONNECTION unless turned off; a failure keeps the role (the next `pulumi up` validates again). */
  async function validated(p: Props, role: RoleState, outs: Props, ids: AwsConnectionIdentity[]) {
    const id = role.roleName;
    if (p.validate === false) return { id, outs };
    try {
      await validateAll(p, role, ids);
    } catch (err) {
      throw Object.assign(err as Error, { id, properties: outs, reasons: [(err as Error).message] });
    }
    return { id, outs: { ...outs, validated: true } };
  }

  /**
   * adoptExisting: take over the role IAM already has under this name, converged to the inputs (its trust
   * policy becomes the one the connections need). Refused for a role of the stack's, and for a role at
   * another path (a path cannot change in place). A failure part-way hands Pulumi the role as it is: an
   * adopted role is never removed by its create.
   */
  async function adopt(iam: IamApi, p: Props, role: RoleState, w: Wanted, trust: string, ids: AwsConnectionIdentity[]) {
    const name = role.roleName;
    if (takenHere.has(role.roleId))
      throw new AwsRoleError(
        `cannot adopt IAM role ${name}: another resource of this run created or adopted it. Two resources must not ` +
          'name one role. Nothing was changed',
      );
    if (role.path !== w.path)
      throw new AwsRoleError(
        `cannot adopt IAM role ${name}: its path is ${role.path}, the inputs say ${w.path}, and IAM cannot change a ` +
          "role's path: align the path input, or delete the role",
      );
    checkAssumedRole(ids, (arn) => arn === role.arn, role.arn);
    takenHere.add(role.roleId);
    adoptedHere.add(role.roleId);
    try {
      await converge(iam, p, role, w, trust);
    } catch (err) {
      const now = await iam.getRole(name).catch(() => undefined);
      const actual = now ? await readActual(iam, p, now).catch(() => undefined) : undefined;
      if (now && actual)
        throw Object.assign(err as Error, {
          id: name,
          properties: outputsOf(p, now, actual, ids, { validated: false }),
          reasons: [(err as Error).message],
        });
      throw err;
    }
    const now = (await iamCall(p, `reading IAM role ${name}`, () => iam.getRole(name))) ?? role;
    return validated(p, now, outputsOf(p, now, await readActual(iam, p, now), ids, { validated: false }), ids);
  }

  return {
    async configure(req) {
      configureFromStack(req);
    },

    async check(_olds, news) {
      const failures: Failure[] = roleInputFailures(news);
      if (failures.length) return { inputs: news, failures };
      const inputs = normalizeRoleInputs(news);
      const trust = wantedTrustFromInputs(inputs);
      if (trust && policySize(trust) > TRUST_POLICY_MAX)
        return {
          inputs,
          failures: [
            {
              property: 'connection',
              reason: `the trust policy for these ${connectionsOf(inputs).length} connections is ${policySize(trust)} characters; IAM allows at most ${TRUST_POLICY_MAX} (2,048 unless ACLSizePerRole was raised): give fewer connections to one role`,
            },
          ],
        };
      return { inputs: sanitize(inputs) };
    },

    async diff(_id, olds, news) {
      const replaces: string[] = [];
      if (containsUnknown(news.roleName) || news.roleName !== olds.roleName) replaces.push('roleName');
      if (containsUnknown(news.path) || (news.path ?? '/') !== (olds.path ?? '/')) replaces.push('path');
      const account = (p: Props) => canonicalJson({ profile: settingsOf(p).profile, endpoint: settingsOf(p).endpoint });
      if (containsUnknown(news.aws) || account(news) !== account(olds)) replaces.push('aws');
      const wantedTrust = wantedTrustFromInputs(news);
      // Connections given by name carry no principal or external ID: the trust policy they need is read from the
      // catalog when the role is written, and `pulumi refresh` reports it as drift if it changes there. So only
      // connections whose identity is given here are compared with the policy the last run wrote.
      const trustChanged =
        wantedTrust === undefined
          ? containsUnknown(news.connection) || typeof olds.trustPolicy !== 'string'
          : typeof olds.trustPolicy !== 'string' ||
            canonicalPolicy(JSON.parse(olds.trustPolicy)) !== canonicalPolicy(JSON.parse(wantedTrust));
      const location = (p: Props) => connectionsOf(p).map((c) => qualifiedName(locationOf(c)));
      const changes =
        replaces.length > 0 ||
        containsUnknown(news) ||
        canonicalJson(wantedOf(olds)) !== canonicalJson(wantedOf(news)) ||
        canonicalJson(location(olds)) !== canonicalJson(location(news)) ||
        canonicalJson(connectionsOf(olds)) !== canonicalJson(connectionsOf(news)) ||
        trustChanged ||
        ((olds.drift as string[] | undefined) ?? []).length > 0 ||
        (olds.validated !== true && news.validate !== false) ||
        ['validate', 'validateTimeout', 'materialize', 'adoptExisting'].some(
          (k) => canonicalJson(olds[k] ?? null) !== canonicalJson(news[k] ?? null),
        );
      if (replaces.length > 0) replacementsPlanned.add(roleKey(olds));
      return {
        changes,
        replaces,
        // Role names are unique in an account, and IAM compares them without case: a new role whose name
        // differs only in case from the old one's can only follow the old one's deletion.
        deleteBeforeReplace:
          replaces.length > 0 &&
          !containsUnknown(news.roleName) &&
          String(news.roleName).toLowerCase() === String(olds.roleName).toLowerCase(),
      };
    },

    async create(inputs) {
      const name = String(inputs.roleName);
      const w = wantedOf(inputs);
      const ids = await mzOf(inputs).identities(connectionsOf(inputs));
      checkAssumedRole(ids, (arn) => arn.endsWith(roleSuffix(w, name)), `role ${w.path}${name}`);
      const trust = policyJson(trustPolicyForConnections(ids));
      return withIam(inputs, async (iam) => {
        const existing =
          inputs.adoptExisting === true
            ? await iamCall(inputs, `reading IAM role ${name}`, () => iam.getRole(name))
            : undefined;
        if (existing) return adopt(iam, inputs, existing, w, trust, ids);
        const created = await iamCall(inputs, `creating IAM role ${name}`, () =>
          iam.createRole({
            roleName: name,
            path: w.path,
            trustPolicy: trust,
            description: w.description,
            maxSessionDuration: inputs.maxSessionDuration === undefined ? undefined : w.maxSessionDuration,
            permissionsBoundary: w.permissionsBoundary,
            tags: w.tags,
          }),
        );
        let actual: Wanted;
        try {
          await converge(iam, inputs, created, w, trust);
          actual = await readActual(iam, inputs, created);
          checkAssumedRole(ids, (arn) => arn === created.arn, created.arn);
        } catch (err) {
          // Nothing half-made: remove the role; if even that fails, hand Pulumi the role as it is.
          try {
            await removeRole(iam, inputs, name);
          } catch {
            throw Object.assign(err as Error, {
              id: name,
              properties: outputsOf(inputs, created, w, ids, { validated: false }),
              reasons: [(err as Error).message],
            });
          }
          throw err;
        }
        takenHere.add(created.roleId);
        return validated(inputs, created, outputsOf(inputs, created, actual, ids, { validated: false }), ids);
      });
    },

    async read(id, props) {
      return withIam(props, async (iam) => {
        const role = await ourRole(iam, props, id);
        if (!role) return {};
        const actual = await readActual(iam, props, role);
        const drift = compare(wantedOf(props), actual);
        let ids: AwsConnectionIdentity[] = [];
        try {
          ids = await mzOf(props).identities(connectionsOf(props));
          const trust = trustPolicyDrift(role.trustPolicy, trustPolicyForConnections(ids));
          if (trust) drift.push(trust);
        } catch (err) {
          drift.push(`the connections cannot be read: ${(err as Error).message}`);
        }
        const outs = outputsOf(props, role, actual, ids, {
          drift,
          validated: props.validated === true && drift.length === 0,
        });
        const inputKeys = Object.keys(props).filter(
          (k) => !['arn', 'roleId', 'trustPolicy', 'connectionIds', 'externalIds', 'drift', 'validated'].includes(k),
        );
        const inputs = sanitize({
          ...Object.fromEntries(inputKeys.map((k) => [k, props[k]])),
          ...actual,
          inlinePolicies: Object.keys(actual.inlinePolicies).length ? actual.inlinePolicies : undefined,
          managedPolicyArns: actual.managedPolicyArns.length ? actual.managedPolicyArns : undefined,
          tags: Object.keys(actual.tags).length ? actual.tags : undefined,
        });
        return { id, props: outs, inputs };
      });
    },

    async update(id, olds, news) {
      const w = wantedOf(news);
      const ids = await mzOf(news).identities(connectionsOf(news));
      const trust = policyJson(trustPolicyForConnections(ids));
      return withIam(news, async (iam) => {
        const role = await ourRole(iam, olds, id);
        if (!role)
          throw new AwsRoleError(
            `IAM role ${id} no longer exists (or is another role of that name): run pulumi refresh, then pulumi up to create it again`,
          );
        checkAssumedRole(ids, (arn) => arn === role.arn, role.arn);
        let trustChanged: boolean;
        try {
          trustChanged = await converge(iam, news, role, w, trust);
        } catch (err) {
          // Part applied: report the role as IAM now has it, so the next run plans from there.
          const now = await iam.getRole(id).catch(() => undefined);
          const actual = now ? await readActual(iam, news, now).catch(() => undefined) : undefined;
          if (now && actual)
            throw Object.assign(err as Error, {
              id,
              properties: outputsOf(news, now, actual, ids, { validated: false }),
              reasons: [(err as Error).message],
            });
          throw err;
        }
        const now = (await iamCall(news, `reading IAM role ${id}`, () => iam.getRole(id))) ?? role;
        const outs = outputsOf(news, now, await readActual(iam, news, now), ids, { validated: false });
        const connectionsChanged = canonicalJson(olds.externalIds) !== canonicalJson(outs.externalIds);
        if (news.validate === false) return { outs };
        if (!trustChanged && !connectionsChanged && olds.validated === true)
          return { outs: { ...outs, validated: true } };
        try {
          await validateAll(news, now, ids);
        } catch (err) {
          throw Object.assign(err as Error, { id, properties: outs, reasons: [(err as Error).message] });
        }
        return { outs: { ...outs, validated: true } };
      });
    },

    async delete(id, props) {
      // Possibly held by another resource now: left in place (README "Ownership").
      if (props.adoptExisting === true && !replacementsPlanned.has(roleKey(props))) return;
      await withIam(props, async (iam) => {
        const role = await ourRole(iam, props, id);
        if (role && !adoptedHere.has(role.roleId)) await removeRole(iam, props, id);
      });
    },
  };
}
