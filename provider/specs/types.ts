// The declarative model of a connection type: every option with its SQL keyword and value kind, and
// the cross-option rules. One generic renderer, validator, differ and catalog reader work from it.

export type ConnectionKind =
  | 'aws'
  | 'aws-privatelink'
  | 'kafka'
  | 'confluent-schema-registry'
  | 'mysql'
  | 'postgres'
  | 'sql-server'
  | 'ssh-tunnel'
  | 'iceberg-catalog'
  | 'gcp'
  | 'aws-glue-schema-registry';

export type ValueKind =
  /** A string literal. `oneOf` restricts the values (case-insensitively unless `caseSensitive`). */
  | { type: 'text'; oneOf?: readonly string[]; caseSensitive?: boolean; unknownReason?: (value: string) => string }
  /** `SECRET <name>` only. */
  | { type: 'secret' }
  /** A string literal, or `SECRET <name>` when given a reference. */
  | { type: 'text-or-secret' }
  /** A port number, 1 to 65535. */
  | { type: 'port' }
  /** An integer greater than 0 (Materialize's i32). */
  | { type: 'positive-integer' }
  /** `('a', 'b')`, at least one element. */
  | { type: 'text-list' }
  /** A reference to another connection of the given kind. */
  | { type: 'connection'; of: ConnectionKind }
  /** `AWS PRIVATELINK <connection> [(PORT n)]`; `port` tells whether the type accepts the PORT. */
  | { type: 'privatelink'; port: boolean }
  /**
   * Kafka's BROKERS list: static brokers, each with an optional SSH tunnel or PrivateLink of its own, and
   * `MATCHING '<pattern>' USING AWS PRIVATELINK` rules (materialize-newest-features.md §3).
   */
  | { type: 'brokers' };

export interface OptionSpec {
  /** The camelCase argument name users pass. */
  readonly arg: string;
  /** The SQL option name, as Materialize displays it. */
  readonly keyword: string;
  readonly value: ValueKind;
  /**
   * Other option names Materialize has for the same setting (Kafka's single `BROKER` for `BROKERS`).
   * The renderer never writes them, but an object created elsewhere may use them, so removing the option
   * also RESETs them (a RESET of an unset option is a no-op, §3.2).
   */
  readonly aliases?: readonly string[];
  /** Given as text, the value is a credential: masked in planned SQL, createSql and messages. */
  readonly sensitive?: boolean;
  /** Whether ALTER CONNECTION may change it; a change of a non-alterable option replaces the connection. */
  readonly alterable: boolean;
  /** One line for documentation. */
  readonly doc: string;
  /** Set when Materialize marks the option as a preview or gates it behind a feature flag: says which. */
  readonly preview?: string;
}

export interface Failure {
  property: string;
  reason: string;
}

/** Plain-data arguments: option values are known here (unknown values are filtered out before rules run). */
export type Args = Readonly<Record<string, unknown>>;

/** A cross-option rule. It runs only when every argument in `args` is known (none is a preview placeholder). */
export interface Rule {
  readonly args: readonly string[];
  check(args: Args): Failure[];
}

/** At most one member may be set; with `required`, exactly one. */
export interface ExclusiveGroup {
  readonly args: readonly string[];
  readonly required: boolean;
  readonly noneReason?: string;
  readonly manyReason: string;
}

/** A computed output read from a per-type catalog relation, joined on the connection id (§5.4). */
export interface CatalogOutput {
  readonly output: string;
  readonly relation: string;
  readonly column: string;
  /** A jsonb column, read as its JSON text. */
  readonly json?: boolean;
  readonly doc: string;
  /**
   * Arguments whose value the output may repeat (a PROGRESS TOPIC read back): the output is a secret whenever
   * one of them is given as a secret.
   */
  readonly echoes?: readonly string[];
}

/**
 * An input that is no SQL option: a change of its value (from one value to another) runs an ALTER
 * CONNECTION action of its own, e.g. `keyRotation` runs ROTATE KEYS (§3.3). Setting it the first time
 * only records it, so adopting or annotating an existing connection never runs the action.
 */
export interface TriggerSpec {
  readonly arg: string;
  /** The action after `ALTER CONNECTION <name>`; Materialize requires it to be the statement's only action. */
  readonly action: string;
  readonly doc: string;
}

export interface ConnectionSpec {
  readonly kind: ConnectionKind;
  /** The type as written after `TO` in CREATE CONNECTION. */
  readonly sqlType: string;
  /** Whether Materialize validates on CREATE when `WITH (VALIDATE ...)` is not given (§1.13). */
  readonly validateByDefault: boolean;
  /** Options in the order the renderer writes them. */
  readonly options: readonly OptionSpec[];
  /** Options that must be set, in the order Materialize checks them (§1). */
  readonly required: readonly { arg: string; reason: string }[];
  readonly exclusiveGroups: readonly ExclusiveGroup[];
  readonly rules: readonly Rule[];
  /**
   * False when Materialize refuses every ALTER of the type's options (SQL SERVER and ICEBERG CATALOG,
   * §3.2 step 4): any option change then replaces the connection.
   */
  readonly optionsAlterable: boolean;
  /** Set when Materialize marks the type as a preview or gates it behind a feature flag: says which. */
  readonly preview?: string;
  /** `mz_connections.type` for this kind. */
  readonly catalogType: string;
  readonly catalogOutputs: readonly CatalogOutput[];
  readonly triggers?: readonly TriggerSpec[];
  /** Outputs computed from the catalog outputs (absent when `from` gives undefined). */
  readonly derivedOutputs?: readonly DerivedOutput[];
}

export interface DerivedOutput {
  readonly output: string;
  readonly doc: string;
  readonly from: (catalogOutputs: Readonly<Record<string, unknown>>) => unknown;
}
