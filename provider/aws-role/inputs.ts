// The AwsConnectionRole's inputs: their shape, IAM's rules for them (checked before any AWS call), and
// one canonical form so that diff compares values, not spellings.
import type { Failure } from '../specs';
import type { MaterializeEndpoint } from '../lifecycle/endpoint';
import { endpointProblems } from '../lifecycle/endpoint';
import { containsUnknown, UNKNOWN } from '../unknown';
import { policyJson } from './trust-policy';

/** One AWS connection the role serves: where it is, and (from an AwsConnection resource) its identity. */
export interface RoleConnection {
  name: string;
  schemaName?: string;
  databaseName?: string;
  /** Carried from the AwsConnection so that a replaced connection (a new ID) changes this resource. */
  connectionId?: string;
  externalId?: string;
  principal?: string;
}

export interface AwsSettings {
  region?: string;
  /** A profile of the shared AWS config files; credentials otherwise come from the SDK's default chain. */
  profile?: string;
  /** Another IAM endpoint URL (tests use moto). */
  endpoint?: string;
}

export interface RoleInputs {
  connection: RoleConnection[];
  roleName: string;
  path?: string;
  description?: string;
  /** Policy name to policy document (canonical JSON text). */
  inlinePolicies?: Record<string, string>;
  managedPolicyArns?: string[];
  permissionsBoundary?: string;
  maxSessionDuration?: number;
  tags?: Record<string, string>;
  aws?: AwsSettings;
  validate?: boolean;
  /** Seconds to keep retrying VALIDATE CONNECTION while IAM propagates the trust policy. */
  validateTimeout?: number;
  materialize?: MaterializeEndpoint;
}

type Props = Record<string, unknown>;

// IAM quotas and name rules (IAM User Guide, "IAM and AWS STS quotas").
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const PATH = /^\/(?:[\x21-\x7e]*\/)?$/;
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(?:\d{12}|aws):policy\/.+$/;
export const INLINE_POLICIES_MAX = 10_240;
const AWS_KEYS = ['region', 'profile', 'endpoint'];

const isPlainObject = (v: unknown): v is Props => v !== null && typeof v === 'object' && !Array.isArray(v);
const known = (v: unknown) => v !== undefined && v !== null && !containsUnknown(v);

/** IAM counts a policy's size without whitespace. */
export function policySize(json: string): number {
  return json.replace(/\s+/g, '').length;
}

function connectionsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function checkConnections(value: unknown): Failure[] {
  if (value === undefined || value === null) return [{ property: 'connection', reason: 'connection is required' }];
  if (value === UNKNOWN) return [];
  const list = connectionsOf(value);
  if (list.length === 0) return [{ property: 'connection', reason: 'connection must name at least one AwsConnection' }];
  const failures: Failure[] = [];
  list.forEach((c, i) => {
    if (c === UNKNOWN) return;
    if (!isPlainObject(c) || (c.name !== UNKNOWN && (typeof c.name !== 'string' || c.name === '')))
      failures.push({
        property: 'connection',
        reason: `connection[${i}] must be an AwsConnection or { name, schemaName?, databaseName? }`,
      });
  });
  return failures;
}

function checkPolicies(value: unknown): Failure[] {
  if (!known(value)) return [];
  if (!isPlainObject(value))
    return [{ property: 'inlinePolicies', reason: 'inlinePolicies must map policy names to policy documents' }];
  const failures: Failure[] = [];
  let total = 0;
  for (const [name, doc] of Object.entries(value)) {
    if (!POLICY_NAME.test(name))
      failures.push({
        property: 'inlinePolicies',
        reason: `inline policy name ${JSON.stringify(name)} must be 1 to 128 characters of letters, digits and +=,.@_-`,
      });
    if (containsUnknown(doc)) continue;
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    try {
      if (!isPlainObject(JSON.parse(text))) throw new Error('not an object');
    } catch {
      failures.push({ property: 'inlinePolicies', reason: `inline policy ${name} must be a JSON policy document` });
      continue;
    }
    total += policySize(text);
  }
  if (total > INLINE_POLICIES_MAX)
    failures.push({
      property: 'inlinePolicies',
      reason: `inline policies total ${total} characters (without whitespace); IAM allows ${INLINE_POLICIES_MAX} per role: use managedPolicyArns for the rest`,
    });
  return failures;
}

function checkTags(value: unknown): Failure[] {
  if (!known(value)) return [];
  if (!isPlainObject(value)) return [{ property: 'tags', reason: 'tags must map keys to values' }];
  const entries = Object.entries(value);
  const failures: Failure[] = [];
  if (entries.length > 50) failures.push({ property: 'tags', reason: 'IAM allows at most 50 tags on a role' });
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128 || k.toLowerCase().startsWith('aws:'))
      failures.push({ property: 'tags', reason: `tag key ${JSON.stringify(k)} must be 1 to 128 characters, not aws:` });
    if (typeof v !== 'string' || v.length > 256)
      failures.push({ property: 'tags', reason: `tag ${k} must have a text value of at most 256 characters` });
  }
  return failures;
}

function checkAws(value: unknown): Failure[] {
  if (!known(value)) return [];
  if (!isPlainObject(value))
    return [{ property: 'aws', reason: 'aws must be an object: { region?, profile?, endpoint? }' }];
  return Object.entries(value).flatMap(([k, v]): Failure[] => {
    if (!AWS_KEYS.includes(k))
      return [{ property: 'aws', reason: `aws.${k} is not a setting (known: ${AWS_KEYS.join(', ')})` }];
    if (v !== undefined && v !== null && typeof v !== 'string')
      return [{ property: 'aws', reason: `aws.${k} must be text` }];
    if (k === 'endpoint' && typeof v === 'string' && !/^https?:\/\/[^\s]+$/.test(v))
      return [{ property: 'aws', reason: 'aws.endpoint must be an http(s) URL' }];
    return [];
  });
}

/** Every problem with the inputs, as `check` reports them (nothing is sent anywhere). */
export function roleInputFailures(news: Props): Failure[] {
  const failures: Failure[] = [...checkConnections(news.connection)];
  if (news.roleName !== UNKNOWN && (typeof news.roleName !== 'string' || !ROLE_NAME.test(news.roleName)))
    failures.push({
      property: 'roleName',
      reason: 'roleName is required: 1 to 64 characters of letters, digits and +=,.@_-',
    });
  if (known(news.path) && (typeof news.path !== 'string' || !PATH.test(news.path) || news.path.length > 512))
    failures.push({
      property: 'path',
      reason: 'path must start and end with / (e.g. /materialize/), at most 512 characters',
    });
  if (known(news.description) && (typeof news.description !== 'string' || news.description.length > 1000))
    failures.push({ property: 'description', reason: 'description must be text of at most 1000 characters' });
  failures.push(...checkPolicies(news.inlinePolicies));
  if (known(news.managedPolicyArns)) {
    const arns = news.managedPolicyArns;
    if (!Array.isArray(arns) || arns.some((a) => a !== UNKNOWN && (typeof a !== 'string' || !POLICY_ARN.test(a))))
      failures.push({
        property: 'managedPolicyArns',
        reason: 'managedPolicyArns must be policy ARNs (arn:aws:iam::<account>:policy/<name>)',
      });
    else if (arns.length > 20)
      failures.push({ property: 'managedPolicyArns', reason: 'IAM attaches at most 20 managed policies to a role' });
  }
  if (
    known(news.permissionsBoundary) &&
    (typeof news.permissionsBoundary !== 'string' || !POLICY_ARN.test(news.permissionsBoundary))
  )
    failures.push({ property: 'permissionsBoundary', reason: 'permissionsBoundary must be a policy ARN' });
  const msd = news.maxSessionDuration;
  if (known(msd) && !(Number.isInteger(msd) && (msd as number) >= 3600 && (msd as number) <= 43200))
    failures.push({
      property: 'maxSessionDuration',
      reason: 'maxSessionDuration must be whole seconds from 3600 to 43200',
    });
  failures.push(...checkTags(news.tags), ...checkAws(news.aws));
  for (const key of ['validate', 'adoptExisting'])
    if (known(news[key]) && typeof news[key] !== 'boolean')
      failures.push({ property: key, reason: `${key} must be true or false` });
  const vt = news.validateTimeout;
  if (known(vt) && !(typeof vt === 'number' && vt >= 0 && vt <= 3600))
    failures.push({ property: 'validateTimeout', reason: 'validateTimeout must be seconds from 0 to 3600' });
  failures.push(
    ...endpointProblems(news.materialize === UNKNOWN ? undefined : news.materialize).map((reason) => ({
      property: 'materialize',
      reason,
    })),
  );
  return failures;
}

/** The inputs in canonical form: a list of connections, policies as sorted compact JSON, ARNs sorted. */
export function normalizeRoleInputs(news: Props): Props {
  const out: Props = { ...news };
  if (news.connection !== undefined && news.connection !== UNKNOWN) out.connection = connectionsOf(news.connection);
  if (isPlainObject(news.inlinePolicies))
    out.inlinePolicies = Object.fromEntries(
      Object.entries(news.inlinePolicies).map(([k, v]) => [
        k,
        containsUnknown(v) ? v : policyJson(typeof v === 'string' ? JSON.parse(v) : v),
      ]),
    );
  if (Array.isArray(news.managedPolicyArns) && !containsUnknown(news.managedPolicyArns))
    out.managedPolicyArns = [...new Set(news.managedPolicyArns as string[])].sort();
  if (news.path === undefined || news.path === null) out.path = '/';
  return out;
}
