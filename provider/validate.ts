// One generic validator: checks arguments against a connection spec the way Materialize's planner
// would (materialize-semantics.md §1), before any SQL is sent. Values still unknown during preview
// are never reported: a rule runs only once every argument it reads is known and well-formed.
import { COMMON_ARGS, LIFECYCLE_ARGS, TRIGGER_ARGS, type SecretArgs } from './args';
import {
  connectionSpecs,
  specFor,
  type Args,
  type ConnectionKind,
  type ConnectionSpec,
  type Failure,
  type OptionSpec,
} from './specs';
import { isSet } from './specs/common';
import { usageFailures } from './privileges';
import { isObjectRef } from './sql/refs';
import { MAX_SECRET_BYTES } from './sql/secret-value';
import { containsUnknown } from './unknown';

const MAX_IDENTIFIER_BYTES = 255;

/** Materialize's identifier rules (§7); `undefined` when valid. */
export function identifierProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
  if (value === '') return 'must not be empty (zero-length delimited identifier)';
  if (value.includes('\0')) return 'must not contain a NUL character';
  if (!value.isWellFormed()) return LONE_SURROGATE;
  // Materialize's parser refuses these two like path components.
  if (value === '.' || value === '..') return `is not a valid identifier (invalid identifier: "${value}")`;
  if (Buffer.byteLength(value, 'utf8') > MAX_IDENTIFIER_BYTES)
    return `identifier length exceeds ${MAX_IDENTIFIER_BYTES} bytes (${Buffer.byteLength(value, 'utf8')} bytes)`;
  return undefined;
}

const LONE_SURROGATE = 'must not contain a lone UTF-16 surrogate (Materialize would receive U+FFFD instead)';

/** What a value is, without showing it: for values that may be credentials. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function textProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `expected text, got ${describe(value)}`;
  if (value.includes('\0')) return 'text must not contain a NUL character';
  if (!value.isWellFormed()) return `text ${LONE_SURROGATE}`;
  return undefined;
}

function refProblem(value: unknown, what: string): string | undefined {
  if (!isObjectRef(value))
    return `must provide ${what}: a resource or { name, schemaName?, databaseName? }, got ${describe(value)}`;
  for (const key of ['name', 'schemaName', 'databaseName'] as const) {
    const part = (value as unknown as Record<string, unknown>)[key];
    if (key !== 'name' && (part === undefined || part === null)) continue;
    const problem = identifierProblem(part);
    if (problem) return `reference ${key} ${problem}`;
  }
  return undefined;
}

function portProblem(value: unknown): string | undefined {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
    ? undefined
    : `must be an integer from 1 to 65535, got ${describe(value)}`;
}

function brokerPrivatelinkProblems(at: string, pl: Record<string, unknown> | undefined): string[] {
  const problems: string[] = [];
  const p = refProblem(pl?.connection, 'an AWS PrivateLink connection');
  if (p) problems.push(`${at} awsPrivatelink.connection ${p}`);
  if (isSet(pl ?? {}, 'port') && portProblem(pl!.port))
    problems.push(`${at} awsPrivatelink.port ${portProblem(pl!.port)}`);
  if (isSet(pl ?? {}, 'availabilityZone') && textProblem(pl!.availabilityZone))
    problems.push(`${at} awsPrivatelink.availabilityZone ${textProblem(pl!.availabilityZone)}`);
  return problems;
}

/** `{ matching, awsPrivatelink }`: a MATCHING rule always routes through PrivateLink (§3.1 of the addendum). */
function brokerRuleProblems(at: string, rule: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const extra = Object.keys(rule).filter((k) => k !== 'matching' && k !== 'awsPrivatelink' && isSet(rule, k));
  if (extra.length)
    problems.push(
      `${at}: a MATCHING rule takes { matching, awsPrivatelink } only, not ${extra.join(', ')} (rules always use AWS PRIVATELINK)`,
    );
  const pattern = textProblem(rule.matching);
  if (pattern) problems.push(`${at} matching: ${pattern}`);
  else if (rule.matching === '') problems.push(`${at} matching: the pattern must not be empty`);
  else if ((rule.matching as string).slice(1, -1).includes('*'))
    problems.push(
      `${at} matching: pattern may only contain \`*\` as a leading and/or trailing wildcard, got '${rule.matching as string}'`,
    );
  if (!isSet(rule, 'awsPrivatelink'))
    problems.push(`${at}: a MATCHING rule needs awsPrivatelink: { connection, availabilityZone?, port? }`);
  else problems.push(...brokerPrivatelinkProblems(at, rule.awsPrivatelink as Record<string, unknown>));
  return problems;
}

function brokerProblems(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0)
    return [`expected a non-empty list of brokers, got ${describe(value)}`];
  return value.flatMap((broker, i) => {
    const at = `broker ${i + 1}`;
    const spec = typeof broker === 'string' ? { address: broker } : broker;
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
      return [
        `${at}: expected 'host:port', { address, sshTunnel?, awsPrivatelink? } or { matching, awsPrivatelink }, got ${describe(broker)}`,
      ];
    if ('matching' in spec) return brokerRuleProblems(at, spec);
    const problems: string[] = [];
    const address = textProblem(spec.address);
    if (address) problems.push(`${at} address: ${address}`);
    else if (spec.address === '') problems.push(`${at} address must not be empty`);
    else if (spec.address.includes(','))
      problems.push(
        `${at}: cannot specify multiple Kafka broker addresses in one string; list each broker separately, e.g. ['kafka:9092', 'kafka:9093']`,
      );
    if (isSet(spec, 'sshTunnel') && isSet(spec, 'awsPrivatelink'))
      problems.push(`${at}: a broker takes sshTunnel or awsPrivatelink, not both`);
    if (isSet(spec, 'sshTunnel')) {
      const p = refProblem(spec.sshTunnel, 'an SSH tunnel connection');
      if (p) problems.push(`${at} sshTunnel ${p}`);
    }
    if (isSet(spec, 'awsPrivatelink')) problems.push(...brokerPrivatelinkProblems(at, spec.awsPrivatelink));
    return problems;
  });
}

/** Problems with one option's value, judged by its value kind alone. */
export function valueProblems(spec: ConnectionSpec, opt: OptionSpec, value: unknown): string[] {
  const kind = opt.value;
  const one = (p: string | undefined) => (p ? [p] : []);
  switch (kind.type) {
    case 'text': {
      const p = textProblem(value);
      if (p) return [p];
      const text = value as string;
      if (!kind.oneOf) return [];
      const ok = kind.caseSensitive
        ? kind.oneOf.includes(text)
        : kind.oneOf.some((o) => o.toLowerCase() === text.toLowerCase());
      if (ok) return [];
      return [
        kind.unknownReason
          ? kind.unknownReason(text)
          : `unknown ${opt.keyword} "${text}" (expected one of ${kind.oneOf.join(', ')})`,
      ];
    }
    case 'secret':
      return typeof value === 'string'
        ? ['must provide a secret value: pass a Secret resource or { name, schemaName?, databaseName? }, not a string']
        : one(refProblem(value, 'a secret value'));
    case 'text-or-secret':
      if (typeof value === 'string') return one(textProblem(value));
      if (opt.sensitive && !isObjectRef(value))
        return [
          `must provide text or a secret: a resource or { name, schemaName?, databaseName? }, got ${describeType(value)}`,
        ];
      return one(refProblem(value, 'text or a secret'));
    case 'port':
      return one(portProblem(value));
    case 'positive-integer':
      return Number.isInteger(value) && (value as number) > 0 && (value as number) <= 2 ** 31 - 1
        ? []
        : [`${opt.keyword} must be greater than 0 (an integer), got ${describe(value)}`];
    case 'text-list':
      if (!Array.isArray(value) || value.length === 0)
        return [`expected a non-empty list of text, got ${describe(value)}`];
      return value.flatMap((v, i) => {
        const p = textProblem(v) ?? (v === '' ? 'must not be empty' : undefined);
        return p ? [`element ${i + 1}: ${p}`] : [];
      });
    case 'connection':
      return one(refProblem(value, `an object (a ${kind.of} connection)`));
    case 'privatelink': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return [`expected { connection, port? }, got ${describe(value)}`];
      const pl = value as Record<string, unknown>;
      const problems = one(refProblem(pl.connection, 'an AWS PrivateLink connection')).map((p) => `connection ${p}`);
      if (isSet(pl, 'port')) {
        if (!kind.port) problems.push(`${spec.sqlType} does not support PORT for AWS PRIVATELINK`);
        else problems.push(...one(portProblem(pl.port)).map((p) => `port ${p}`));
      }
      return problems;
    }
    case 'brokers':
      return brokerProblems(value);
  }
}

function locationFailures(args: Args): Failure[] {
  const failures: Failure[] = [];
  if (!isSet(args, 'name')) failures.push({ property: 'name', reason: 'name is required' });
  for (const key of ['name', 'schemaName', 'databaseName', 'ownerRole'] as const) {
    if (!isSet(args, key) || containsUnknown(args[key])) continue;
    const problem = identifierProblem(args[key]);
    if (problem) failures.push({ property: key, reason: `${key} ${problem}` });
  }
  if (isSet(args, 'comment') && !containsUnknown(args.comment)) {
    const problem = textProblem(args.comment);
    if (problem) failures.push({ property: 'comment', reason: `comment: ${problem}` });
  }
  failures.push(...usageFailures(args.usage, identifierProblem));
  return failures;
}

function unexpectedArgFailures(spec: ConnectionSpec, args: Args): Failure[] {
  const triggers = (spec.triggers ?? []).map((t) => t.arg);
  const known = new Set<string>([
    ...COMMON_ARGS,
    ...LIFECYCLE_ARGS.filter((a) => !TRIGGER_ARGS.includes(a) || triggers.includes(a)),
    ...spec.options.map((o) => o.arg),
  ]);
  return Object.keys(args)
    .filter((k) => !known.has(k) && !k.startsWith('__') && isSet(args, k))
    .map((k) => {
      const elsewhere = Object.values(connectionSpecs)
        .flatMap((s) => s.options)
        .find((o) => o.arg === k);
      return {
        property: k,
        reason: elsewhere
          ? `${spec.sqlType} connections do not support ${elsewhere.keyword} values`
          : `unknown property "${k}" for ${spec.sqlType} connections (known: ${spec.options.map((o) => o.arg).join(', ')})`,
      };
    });
}

/** Everything wrong with `args` for a connection of `kind`; empty when Materialize would accept it. */
export function validateConnection(kind: ConnectionKind, args: Args): Failure[] {
  const spec = specFor(kind);
  const failures: Failure[] = [...locationFailures(args), ...unexpectedArgFailures(spec, args)];
  if (isSet(args, 'validate') && !containsUnknown(args.validate) && typeof args.validate !== 'boolean')
    failures.push({ property: 'validate', reason: `validate must be true or false, got ${describe(args.validate)}` });
  for (const t of spec.triggers ?? []) {
    const v = args[t.arg];
    if (!isSet(args, t.arg) || containsUnknown(v)) continue;
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))))
      failures.push({ property: t.arg, reason: `${t.arg} must be a string or a number, got ${describe(v)}` });
  }

  // Arguments a rule may read: set, known, and of the right kind.
  const usable = new Set<string>();
  for (const opt of spec.options) {
    const value = args[opt.arg];
    if (!isSet(args, opt.arg) || containsUnknown(value)) continue;
    const problems = valueProblems(spec, opt, value);
    if (problems.length === 0) usable.add(opt.arg);
    for (const p of problems) failures.push({ property: opt.arg, reason: `invalid ${opt.keyword}: ${p}` });
  }

  for (const r of spec.required) if (!isSet(args, r.arg)) failures.push({ property: r.arg, reason: r.reason });

  for (const group of spec.exclusiveGroups) {
    const present = group.args.filter((a) => isSet(args, a));
    if (present.length > 1) failures.push({ property: present[1], reason: group.manyReason });
    else if (present.length === 0 && group.required)
      failures.push({
        property: group.args[0],
        reason: group.noneReason ?? `one of ${group.args.join(', ')} is required`,
      });
  }

  for (const rule of spec.rules) {
    if (rule.args.every((a) => !isSet(args, a) || usable.has(a))) failures.push(...rule.check(args));
  }
  return failures;
}

/** Everything wrong with a secret's arguments (§4.1: UTF-8, at most 512 KiB). */
export function validateSecret(args: Partial<SecretArgs> & Args): Failure[] {
  const failures = locationFailures(args);
  const known = new Set<string>([
    'name',
    'schemaName',
    'databaseName',
    'comment',
    'ownerRole',
    'usage',
    'value',
    ...LIFECYCLE_ARGS.filter((a) => !TRIGGER_ARGS.includes(a)),
  ]);
  for (const k of Object.keys(args))
    if (!known.has(k) && !k.startsWith('__') && isSet(args, k))
      failures.push({
        property: k,
        reason: `unknown property "${k}" for secrets (known: name, schemaName, databaseName, value, comment, ownerRole, usage)`,
      });
  const value = args.value;
  if (!isSet(args, 'value'))
    failures.push({ property: 'value', reason: 'value is required (secret value can not be null)' });
  else if (!containsUnknown(value)) {
    if (typeof value !== 'string')
      failures.push({ property: 'value', reason: `value must be a string, got ${describeType(value)}` });
    else if (!value.isWellFormed())
      failures.push({
        property: 'value',
        reason: 'secret value must be valid UTF-8 (the string has a lone surrogate)',
      });
    else if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES)
      failures.push({
        property: 'value',
        reason: `secrets can not be bigger than 512KiB (${Buffer.byteLength(value, 'utf8')} bytes)`,
      });
  }
  return failures;
}
