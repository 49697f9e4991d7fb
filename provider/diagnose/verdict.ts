// What a probe reports: the checks it made in order, and for the first one that failed, the step
// (DNS, TCP, TLS, auth, privileges, configuration), what was observed and what to change.
import { scrubDeep } from '../scrub';

export type Step = 'DNS' | 'TCP' | 'TLS' | 'auth' | 'privileges' | 'configuration';

export interface Check {
  /** What was checked, e.g. "TCP 127.0.0.1:5432" or "wal_level". */
  readonly check: string;
  readonly status: 'ok' | 'failed' | 'warning' | 'not checked';
  readonly detail?: string;
}

export interface Verdict {
  /** The connection kind probed. */
  readonly kind: string;
  /** Where the probe went (host:port or URL), never with credentials. */
  readonly target: string;
  /** The SSH tunnel the probe went through, as user@host:port. */
  readonly via?: string;
  readonly ok: boolean;
  readonly step?: Step;
  readonly observed?: string;
  readonly change?: string;
  readonly checks: readonly Check[];
  /** Said when the target could not be reached: the deploying machine may not be on Materialize's path. */
  readonly note?: string;
}

/** A failed probe step, thrown inside a probe and turned into the verdict's step, observed and change. */
export class ProbeFailure extends Error {
  constructor(
    readonly step: Step,
    readonly observed: string,
    readonly change: string,
    readonly unreachable = false,
  ) {
    super(observed);
    this.name = 'ProbeFailure';
  }
}

export const UNREACHABLE_NOTE =
  'This may be expected: Materialize may reach this host through AWS PrivateLink, an SSH tunnel or a network ' +
  'path (an allow-list, a VPC) that the machine running the probe does not have. If so, compare with ' +
  "Materialize's own error; the probe cannot see its network path.";

/** Builds a verdict as checks are made. */
export class Recorder {
  readonly checks: Check[] = [];
  /** The step being attempted, reported when the budget runs out. */
  current: { step: Step; check: string } = { step: 'DNS', check: 'start' };

  constructor(
    readonly kind: string,
    readonly target: string,
    readonly via?: string,
  ) {}

  attempt(step: Step, check: string): void {
    this.current = { step, check };
  }

  ok(check: string, detail?: string): void {
    this.checks.push({ check, status: 'ok', ...(detail ? { detail } : {}) });
  }

  warn(check: string, detail: string): void {
    this.checks.push({ check, status: 'warning', detail });
  }

  skip(check: string, detail: string): void {
    this.checks.push({ check, status: 'not checked', detail });
  }

  pass(): Verdict {
    return {
      kind: this.kind,
      target: this.target,
      ...(this.via ? { via: this.via } : {}),
      ok: true,
      checks: this.checks,
    };
  }

  fail(f: ProbeFailure): Verdict {
    return {
      kind: this.kind,
      target: this.target,
      ...(this.via ? { via: this.via } : {}),
      ok: false,
      step: f.step,
      observed: f.observed,
      change: f.change,
      checks: [...this.checks, { check: this.current.check, status: 'failed', detail: f.observed }],
      ...(f.unreachable ? { note: UNREACHABLE_NOTE } : {}),
    };
  }
}

/** Every string in the verdict scrubbed (scrub.ts): a verdict quotes what the upstream answered to the very
 * credentials it was given. */
export function scrubVerdict(v: Verdict, secrets: readonly string[]): Verdict {
  return scrubDeep(v, secrets, ['kind']);
}

/** The verdict as lines a person reads under Materialize's error. */
export function formatVerdict(v: Verdict): string {
  const where = `${v.kind} at ${v.target}${v.via ? ` through the SSH tunnel ${v.via}` : ''}`;
  const lines = [
    v.ok
      ? `Diagnosis: from this machine, ${where} passed ${v.checks.some((c) => c.status === 'not checked') ? 'the checks the probe could make' : 'every check the probe makes'}.`
      : `Diagnosis: from this machine, ${where} fails at step ${v.step}.`,
  ];
  if (!v.ok) {
    lines.push(`  observed: ${v.observed}`);
    lines.push(`  change:   ${v.change}`);
  }
  for (const c of v.checks) lines.push(`  [${c.status}] ${c.check}${c.detail ? `: ${c.detail}` : ''}`);
  if (v.note) lines.push(`  note: ${v.note}`);
  return lines.join('\n');
}
