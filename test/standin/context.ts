// Everything a statement handler needs.
import type { Catalog, Session } from './catalog';
import type { Notice } from './errors';
import type { SecretStore } from './secrets';
import type { Store } from './store';
import type { ValidateCtx } from './validate';

export interface StandinSettings {
  showCreateStyle: 'minimal' | 'quoted';
}

export interface ExecContext {
  cat: Catalog;
  store: Store;
  secrets: SecretStore;
  validate: ValidateCtx;
  settings: StandinSettings;
  session: Session;
}

/** The outcome of one statement: a tag, notices, and optionally a query whose rows are the result. */
export interface ExecResult {
  tag: string;
  notices: Notice[];
  query?: string;
}

export const done = (tag: string, notices: Notice[] = []): ExecResult => ({ tag, notices });
