// A Materialize stand-in for integration tests: a pgwire server that behaves like Materialize for CONNECTION and
// SECRET objects (see README.md and ../../../shared/reference/materialize-semantics.md). Test double only.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { Catalog } from './catalog';
import { startControlServer } from './control-server';
import { Executor } from './executor';
import { DEFAULT_FEATURES, type StandinFeatures } from './features';
import { Faults } from './faults';
import { SecretStore } from './secrets';
import { PgServer } from './server';
import { StatementLog, type StatementLogEntry } from './statement-log';
import { Store } from './store';

export type { StatementLogEntry };

export interface StandinOptions {
  port?: number; // 0 = ephemeral
  password?: string; // default process.env.MZ_STANDIN_PASSWORD ?? 'materialize'; user 'materialize', SCRAM auth
  awsAccountId?: string; // default '123456789000'
  awsExternalIdPrefix?: string; // default 'eb5cb59b-e2fe-41f3-87ca-d2176a495345'
  awsConnectionRoleArn?: string; // default 'arn:aws:iam::123456789000:role/MaterializeConnection'
  /**
   * What `SELECT mz_environment_id()` answers (and the default Kafka progress topic uses): Materialize's form
   * `<cloud>-<region>-<organization uuid>-<ordinal>`. Default: a new organization uuid per instance, so two
   * stand-ins are two environments and every address of one instance reaches the same one.
   */
  environmentId?: string;
  awsIamEndpoint?: string; // where AWS VALIDATE reads the role (moto); credentials 'test'/'test'
  showCreateStyle?: 'minimal' | 'quoted'; // §10: SHOW CREATE output varies across versions; default 'minimal' (newest)
  features?: Partial<StandinFeatures>; // feature flags and newest-features §10 choices (features.ts)
}

export interface Standin {
  port: number;
  url: string; // postgres://materialize:<pw>@127.0.0.1:<port>/materialize
  controlUrl: string; // HTTP control endpoint
  environmentId: string; // what SELECT mz_environment_id() answers
  log(): StatementLogEntry[];
  clearLog(): void;
  faults: {
    /** Fails the next n statements (with `match`: the next n whose text contains it). */
    failNext(n: number, err?: { code: string; message: string }, match?: string): void;
    delayNext(n: number, ms: number): void;
    setLatency(ms: number): void;
    dropConnections(): void;
    dropAfterNext(n: number): void;
    reset(): void;
  };
  secretValue(database: string, schema: string, name: string): string | undefined; // test-only backdoor
  connectionsOpened(): number;
  close(): Promise<void>;
}

const USER = 'materialize';

export async function startStandin(opts: StandinOptions = {}): Promise<Standin> {
  const password = opts.password ?? process.env.MZ_STANDIN_PASSWORD ?? 'materialize';
  const aws = {
    accountId: opts.awsAccountId ?? '123456789000',
    externalIdPrefix: opts.awsExternalIdPrefix ?? 'eb5cb59b-e2fe-41f3-87ca-d2176a495345',
    connectionRoleArn: opts.awsConnectionRoleArn ?? 'arn:aws:iam::123456789000:role/MaterializeConnection',
    environmentId: opts.environmentId ?? `local-az1-${randomUUID()}-0`,
  };
  const store = await Store.create(aws);
  const cat = new Catalog(USER);
  cat.features = { ...DEFAULT_FEATURES, ...opts.features };
  await store.lock.run(() => store.flush(cat));
  const secrets = new SecretStore();
  const executor = new Executor({
    cat,
    store,
    secrets,
    settings: { showCreateStyle: opts.showCreateStyle ?? 'minimal' },
    validate: { cat, secrets, aws, awsIamEndpoint: opts.awsIamEndpoint, timeoutMs: 5000 },
  });
  const log = new StatementLog();
  const holder: { server?: PgServer } = {};
  const faults = new Faults(() => holder.server?.dropConnections());
  const rolePassword = (user: string) => {
    const role = cat.roleByName(user);
    return role?.canLogin && role.password !== undefined ? role.password : undefined;
  };
  const pg = new PgServer({ store, executor, log, faults, user: USER, password, rolePassword, features: cat.features });
  holder.server = pg;
  const port = await pg.listen(opts.port ?? 6875);

  const secretValue = (database: string, schema: string, name: string) => {
    const db = cat.databaseByName(database);
    const s = db && cat.schemaByName(db.id, schema);
    const item = s && cat.itemIn(s.id, name);
    if (!item || item.kind !== 'secret') return undefined;
    return secrets.get(item.id)?.toString('utf8');
  };
  const base = {
    port,
    environmentId: aws.environmentId,
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/materialize`,
    log: () => log.list(),
    clearLog: () => log.clear(),
    faults: {
      failNext: (n: number, err?: { code: string; message: string }, match?: string) => faults.failNext(n, err, match),
      delayNext: (n: number, ms: number) => faults.delayNext(n, ms),
      setLatency: (ms: number) => faults.setLatency(ms),
      dropConnections: () => faults.dropConnections(),
      dropAfterNext: (n: number) => faults.dropAfterNext(n),
      reset: () => faults.reset(),
    },
    secretValue,
    connectionsOpened: () => pg.opened,
  };
  const control: http.Server = await startControlServer(base);
  const controlPort = (control.address() as { port: number }).port;
  return {
    ...base,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    async close() {
      control.closeAllConnections?.();
      await new Promise<void>((r) => control.close(() => r()));
      await pg.close();
      await store.db.close();
    },
  };
}
