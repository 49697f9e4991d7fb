// What the lifecycle lets a layer above it add, passed in by whoever wires resources (provider/dynamic.ts), so
// that the lifecycle never imports that layer.
import type { ConnectionKind, Failure } from '../specs';
import type { MaterializeError } from './errors';
import type { Session } from './pool';

type Props = Record<string, unknown>;

/** Diagnostics of a connection Materialize rejects (provider/diagnose/wiring.ts). */
export interface DiagnosticsHook {
  /** Problems with the `diagnose` input, for `check`. */
  failures(value: unknown): Failure[];
  /** Values inside the `diagnose` input that must never appear in a message. */
  secretValues(props: Props): string[];
  /** The error, with the probe's verdict appended when `cause` is a validation failure of a probed kind. */
  explain(
    error: MaterializeError,
    cause: unknown,
    kind: ConnectionKind | undefined,
    props: Props,
    session: Session,
  ): Promise<MaterializeError>;
}
