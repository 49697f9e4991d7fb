// Errors the stand-in sends as ErrorResponse. SQLSTATEs follow materialize-semantics.md §6 (table of codes).
export const SQLSTATE = {
  syntax: '42601', // parse errors
  duplicatePreparedStatement: '42P05',
  internal: 'XX000', // PlanErrors and catalog errors (§1.2: AdapterError::PlanError => INTERNAL_ERROR)
  featureNotSupported: '0A000', // invalid ALTER (§3.2)
  systemError: '58000', // connection validation (§2.1)
  resourceLimit: '53000',
  unauthorized: '42501',
  activeSqlTransaction: '25001', // OperationProhibitsTransaction (§6)
  invalidTransactionState: '25000', // SingleStatementTransaction, DDLOnlyTransaction (§6)
  inFailedTransaction: '25P02',
  queryCanceled: '57014',
  adminShutdown: '57P01',
} as const;

export class MzError extends Error {
  constructor(
    message: string,
    public code: string = SQLSTATE.internal,
    public detail?: string,
    public hint?: string,
  ) {
    super(message);
  }
}

/** A PlanError (XX000). */
export const planError = (message: string, detail?: string, hint?: string) =>
  new MzError(message, SQLSTATE.internal, detail, hint);

/** A connection validation failure (58000, §2.1). */
export const validationError = (message: string, detail?: string, hint?: string) =>
  new MzError(message, SQLSTATE.systemError, detail, hint);

export interface Notice {
  message: string;
  detail?: string;
  hint?: string;
}
