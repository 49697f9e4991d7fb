// One schedule: a stack, a seeded series of steps (program versions, CLI operations, faults, out-of-band
// changes), and the invariants checked after every step. It stops at the first violation.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { BastionWatcher, outsideBlock } from './bastion-file';
import { key, type CatalogObject } from './catalog';
import { CampaignStack, type Checkpoint, type CliResult, type StateResource } from './cli';
import { describe, findLeaks, type Canary } from '../canary/search';
import { clone, ModelGen, Rng, ROLES } from './model';
import type { Model, ModelResource } from './program/model-types';
import type { World } from './world';

export type Invariant = 'I1' | 'I2' | 'I3' | 'I4' | 'I5';

export class Violation extends Error {
  constructor(
    readonly invariant: Invariant,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`);
  }
}

/** What the self-test injects behind the checks' back, to prove that each check fires. */
export type Injection = 'I1' | 'I2' | 'I3' | 'I4' | 'I5';

export interface ScheduleOptions {
  seed: number;
  steps: number;
  inject?: Injection;
  /** Keep the scratch folder (for debugging). */
  keep?: boolean;
  /** Program changes not drawn (model.ts change names). */
  without?: ReadonlySet<string>;
  /** Every step runs this operation (the self-test). */
  forceOp?: Op;
  /**
   * `up --replace` is run as one of the engine's forced routes (`--replace`, `--target-replace`, `pulumi state
   * taint` then `up`), drawn from a stream of its own, so that every other draw of a seed stays as without it.
   */
  forcedRoutes?: boolean;
}

type Stranger = CatalogObject;

/** The routes to a replacement the engine plans without the provider's diff (`forcedRoutes`). */
const FORCED_ROUTES = ['--replace', '--target-replace', 'taint'] as const;

const OPS = [
  ['up', 30],
  ['up --refresh', 14],
  ['preview', 7],
  ['refresh', 8],
  ['destroy', 4],
  ['up --replace', 9],
  ['up --target', 9],
  ['up killed', 15],
] as const;
export type Op = (typeof OPS)[number][0];

/** The catalog's type of each kind of Materialize object. */
const CATALOG_TYPE: Partial<Record<ModelResource['kind'], string>> = {
  secret: 'secret',
  postgres: 'postgres',
  mysql: 'mysql',
  kafka: 'kafka',
  csr: 'confluent-schema-registry',
  ssh: 'ssh-tunnel',
  aws: 'aws',
};

/**
 * The create's refusal when the name is held by an object this resource does not manage, in either wording: an
 * object of the resource's own type holds it, or one of another type does (D4).
 */
const NAME_HELD_BY_THE_STACK =
  /already exists and is not managed by this resource|cannot be created: the name is held by/;
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const TYPE_SECRET = 'pulumi-nodejs:dynamic/materialize:Secret';
const isObject = (r: StateResource) =>
  r.type.startsWith('pulumi-nodejs:dynamic/materialize:') &&
  r.outputs !== undefined &&
  'qualifiedName' in (r.outputs ?? {});

export class Schedule {
  readonly log: string[] = [];
  readonly stats = { cli: 0, failedSteps: 0, kills: 0, faults: 0, oob: 0, pendingCleared: 0, pendingAdopted: 0 };
  private readonly rng: Rng;
  /** The forced route of each `up --replace`, a stream apart from `rng` (`forcedRoutes`). */
  private readonly routes?: Rng;
  private readonly gen: ModelGen;
  private readonly schemas: [string, string];
  private readonly stack: CampaignStack;
  private readonly watcher: BastionWatcher;
  private model: Model;
  private strangers = new Map<string, Stranger>();
  /** The most a statement of the current step can be held by the stand-in's delayNext fault. */
  private armedDelayMs = 0;
  /** The state after the previous step, to see what a delete left in place (adoptExisting). */
  private lastState?: Checkpoint;
  /** Objects a delete with adoptExisting left in place (strangers since), by schema.name. */
  private readonly released = new Set<string>();
  /** IAM roles an AwsConnectionRole with adoptExisting left in place when it was deleted. */
  private readonly releasedRoles = new Set<string>();
  /** Out-of-band changes or failed steps since the last converging run: the state may lag the catalog. */
  private unsettled = false;
  private needles: Canary[] = [];
  private strangerCount = 0;
  private readonly dir: string;

  constructor(
    private readonly world: World,
    private readonly o: ScheduleOptions,
  ) {
    this.rng = new Rng(o.seed);
    if (o.forcedRoutes) this.routes = new Rng(o.seed * 7919 + 104729);
    this.schemas = [`camp${o.seed}_a`, `camp${o.seed}_b`];
    this.gen = new ModelGen(this.rng, { seed: o.seed, schemas: this.schemas }, o.without);
    this.stack = new CampaignStack(
      world.cliDir,
      {
        AWS_ACCESS_KEY_ID: world.aws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: world.aws.secretAccessKey,
        AWS_REGION: 'us-east-1',
      },
      `passphrase-${o.seed}`,
    );
    // The bastion file: its own folder, owned by the login user (as a home's .ssh is).
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mz-campaign-bastion-'));
    const file = path.join(this.dir, 'authorized_keys');
    this.watcher = new BastionWatcher(file, `camp${o.seed}`, [
      '# the operator keeps these lines; the campaign checks them byte for byte',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeptByTheOperatorAndNeverTouchedByPulumi0000 operator@example',
      `command="echo hi",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherLine${o.seed} other\t tab  spaces `,
      '',
    ]);
    execFileSync('chown', ['-R', `${world.ssh.user}:`, this.dir]);
    this.model = {
      resources: [],
      env: {
        pgPort: 5432,
        mysqlPort: 3306,
        sshHost: world.ssh.host,
        sshPort: world.ssh.port,
        sshUser: world.ssh.user,
        sshHostKey: world.ssh.hostKey,
        bastionPort: world.sshd.port,
        sshPrivateKey: world.ssh.privateKey,
        bastionPath: file,
        bastionBlock: `camp${o.seed}`,
        iamEndpoint: `http://127.0.0.1:${world.moto.port}`,
        awsAccount: '123456789012',
      },
    };
  }

  private note(s: string): void {
    this.log.push(s);
  }

  /** Runs the schedule; throws a Violation at the first broken invariant. */
  async run(): Promise<void> {
    try {
      await this.setUp();
      for (let i = 0; i < this.o.steps; i++) await this.step(i);
      await this.converge();
    } finally {
      this.watcher.stop();
      this.world.standin.faults.reset();
      if (!this.o.keep) {
        await this.tearDown().catch(() => undefined);
        this.stack.remove();
        fs.rmSync(this.dir, { recursive: true, force: true });
      }
    }
  }

  private async setUp(): Promise<void> {
    for (const s of this.schemas) {
      await this.world.catalog.sql(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`);
      await this.world.catalog.sql(`CREATE SCHEMA ${q(s)}`);
    }
    await this.removeRolesOfEarlierRuns();
    const url = new URL(this.world.standin.url);
    await this.stack.init(
      {
        'materialize:host': this.rng.pick(['127.0.0.1', 'localhost']),
        'materialize:port': url.port,
        'materialize:username': 'materialize',
        'materialize:database': 'materialize',
        'materialize:sslmode': 'disable',
      },
      { 'materialize:password': this.world.password },
    );
    // Strangers from the start: objects the stack does not own, in its schemas, some under the pool's names.
    for (let i = 0; i < 2; i++) await this.makeStranger(this.rng.pick(this.schemas));
    // A first program of a few resources.
    for (let i = 0; i < 3; i++)
      this.gen.add(
        this.model,
        this.rng.pick(['secret', 'secret', 'ssh', 'postgres', 'kafka'] as const),
        new Set(this.strangers.keys()),
      );
    if (this.o.inject === 'I4') {
      // A canary given to a plain (not secret) input: it must be found in the state.
      const first = this.model.resources.find((r) => r.kind !== 'role' && r.kind !== 'bastion')!;
      first.comment = this.gen.canary('a comment given in plain text (self-test)');
    }
    this.note(`program: ${this.model.resources.map((r) => `${r.kind} ${r.key}`).join(', ')}`);
  }

  private async makeStranger(schema: string, name?: string): Promise<string> {
    const taken = await this.world.catalog.snapshot([schema]);
    const n = name ?? this.gen.freeName({ ...this.model, resources: [] }, schema, new Set(taken.keys()));
    if (n === undefined) return 'no free name for a stranger';
    const where = `"materialize".${q(schema)}.${q(n)}`;
    try {
      if (this.rng.chance(0.5))
        await this.world.catalog.sql(`CREATE SECRET ${where} AS 'stranger-${this.o.seed}-${this.strangerCount++}'`);
      else
        await this.world.catalog.sql(
          `CREATE CONNECTION ${where} TO SSH TUNNEL (HOST 'stranger.example', USER 'x', PORT 22)`,
        );
    } catch (err) {
      return `no stranger at ${schema}.${n} (${(err as Error).message})`;
    }
    await this.world.catalog
      .sql(`COMMENT ON ${this.rng.chance(0.5) ? 'SECRET' : 'CONNECTION'} ${where} IS 'stranger'`)
      .catch(() => undefined);
    const snap = await this.world.catalog.snapshot([schema]);
    this.strangers.set(key(schema, n), snap.get(key(schema, n))!);
    return `stranger ${schema}.${n} (${snap.get(key(schema, n))!.type}, ${snap.get(key(schema, n))!.id})`;
  }

  // ---------------------------------------------------------------------------------------------- steps

  private pickOp(): Op {
    const total = OPS.reduce((a, [, w]) => a + w, 0);
    let x = this.rng.next() * total;
    for (const [op, w] of OPS) if ((x -= w) < 0) return op;
    return 'up';
  }

  private async step(i: number): Promise<void> {
    const op = this.o.forceOp ?? this.pickOp();
    const parts: string[] = [];
    // A new program version before most runs.
    if (op !== 'refresh' && op !== 'destroy' && this.rng.chance(0.75)) {
      const avoid = this.rng.chance(0.7) ? new Set(this.strangers.keys()) : new Set<string>();
      for (let n = this.rng.int(1, 2); n > 0; n--) {
        const c = this.gen.change(this.model, avoid);
        if (c) parts.push(c);
      }
    }
    if (this.rng.chance(0.5)) parts.push(...this.renameAwayFromStrangers());
    if (this.rng.chance(0.3) && !this.o.inject) parts.push(await this.outOfBand());
    this.armedDelayMs = 0;
    const fault = op === 'preview' || !this.rng.chance(0.45) || this.o.inject ? undefined : this.armFault();
    if (fault) parts.push(`fault: ${fault}`);
    const { result, label } = await this.runOp(op);
    parts.push(`${label} -> ${result ? (result.killed ? 'killed' : `exit ${result.code}`) : 'skipped'}`);
    if (result && result.code !== 0 && !result.killed) parts.push(`error: ${firstError(result.output)}`);
    this.note(`step ${i + 1}: ${parts.join('; ')}`);
    this.world.standin.faults.reset();
    if (this.o.inject === 'I2' && this.strangers.size) {
      // Behind the checks' back: a stranger changed as if the stack had done it.
      const [s] = this.strangers.values();
      await this.world.catalog.sql(
        `COMMENT ON ${s.type === 'secret' ? 'SECRET' : 'CONNECTION'} "materialize".${q(s.schema)}.${q(s.name)} IS 'injected'`,
      );
    }
    if (result?.killed) await this.recover();
    const ok = result !== undefined && result.code === 0 && !result.killed;
    if (!ok && result) {
      this.stats.failedSteps++;
      this.unsettled = true;
    }
    if (ok && (op === 'refresh' || op === 'up --refresh' || op === 'destroy')) this.unsettled = false;
    const strict =
      ok &&
      (op === 'refresh' ||
        op === 'up --refresh' ||
        op === 'destroy' ||
        ((op === 'up' || op === 'up --replace') && !this.unsettled));
    await this.checkAll(strict, result);
  }

  private armFault(): string {
    this.stats.faults++;
    const f = this.world.standin.faults;
    const kind = this.rng.pick(['fail', 'fail', 'drop', 'delay', 'moto', 'sshd'] as const);
    switch (kind) {
      case 'fail': {
        const match = this.rng.pick([
          undefined,
          'CREATE',
          'ALTER',
          'DROP',
          'GRANT',
          'REVOKE',
          'COMMENT',
          'SELECT',
          'ROTATE',
        ]);
        const n = this.rng.int(1, 2);
        f.failNext(n, { code: 'XX000', message: 'campaign: injected failure' }, match);
        return `failNext(${n}${match ? `, match ${match}` : ''})`;
      }
      case 'drop': {
        const n = this.rng.int(1, 12);
        f.dropAfterNext(n);
        return `dropAfterNext(${n})`;
      }
      case 'delay': {
        const n = this.rng.int(1, 4);
        const ms = this.rng.int(100, 1500);
        f.delayNext(n, ms);
        this.armedDelayMs = n * ms;
        return `delayNext(${n}, ${ms} ms)`;
      }
      case 'moto':
      case 'sshd': {
        const at = this.rng.int(0, 4000);
        const len = this.rng.int(0, 2000);
        (kind === 'moto' ? this.world.moto : this.world.sshd).cutLater(at, len);
        return `${kind} connections cut at ${at} ms for ${len} ms`;
      }
    }
  }

  /** Sorted by URN: the state lists resources in the order their steps finished, which varies from run to run. */
  private urns(state: Checkpoint): StateResource[] {
    return (state.deployment.resources ?? [])
      .filter((r) => r.custom && r.type.startsWith('pulumi-nodejs:dynamic/'))
      .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  }

  private async runOp(op: Op): Promise<{ result?: CliResult; label: string }> {
    const common = ['--yes', '--skip-preview'];
    switch (op) {
      case 'up':
      case 'up --refresh':
        return { result: await this.cli(['up', ...common, ...(op === 'up' ? [] : ['--refresh'])]), label: op };
      case 'preview':
        return { result: await this.cli(['preview']), label: op };
      case 'refresh':
        return { result: await this.cli(['refresh', ...common]), label: op };
      case 'destroy':
        return { result: await this.cli(['destroy', ...common]), label: op };
      case 'up --replace':
      case 'up --target': {
        const rs = this.urns(await this.stack.exportState());
        if (!rs.length) return { result: await this.cli(['up', ...common]), label: `${op} (nothing in state: up)` };
        const urn = this.rng.pick(rs).urn;
        const route = op === 'up --replace' && this.routes ? this.routes.pick(FORCED_ROUTES) : undefined;
        if (route === 'taint') {
          const short = urn.split('::').pop();
          const taint = await this.stack.run(['state', 'taint', urn]);
          if (taint.code !== 0) return { result: taint, label: `state taint ${short}` };
          return { result: await this.cli(['up', ...common]), label: `state taint ${short}, then up` };
        }
        const flag = op === 'up --replace' ? (route ?? '--replace') : '--target';
        const extra = op === 'up --target' && this.rng.chance(0.5) ? ['--target-dependents'] : [];
        const short = urn.split('::').pop();
        return {
          result: await this.cli(['up', ...common, flag, urn, ...extra]),
          label: `${op} ${short}${extra.join(' ')}`,
        };
      }
      case 'up killed': {
        const after = this.rng.int(300, 9000);
        this.stats.kills++;
        return { result: await this.cli(['up', ...common], after), label: `up killed with SIGKILL after ${after} ms` };
      }
    }
  }

  private async cli(args: string[], killAfterMs?: number): Promise<CliResult> {
    this.stats.cli++;
    this.stack.writeModel(this.model);
    this.watcher.start();
    const inject =
      this.o.inject === 'I5'
        ? setTimeout(() => fs.appendFileSync(this.watcher.path, "# written behind the checks' back\n"), 300)
        : undefined;
    try {
      return await this.stack.run(args, { killAfterMs });
    } finally {
      if (inject) clearTimeout(inject);
      this.watcher.stop();
    }
  }

  /**
   * After SIGKILL, what a user of a local backend does (README, "After a killed pulumi up"): `pulumi cancel`
   * removes the lock the killed run left; `pulumi refresh --clear-pending-creates` drops the creates it left
   * pending (`--import-pending-creates` does not bring a dynamic resource back: the engine drops it, see the
   * README); an object such a create did make is then taken over by one `up` with `adoptExisting: true`.
   */
  private async recover(): Promise<void> {
    // A statement the server received before the kill still runs to its end (a held one, up to the delays armed),
    // so a CREATE can land after the kill: look at the catalog once it has (seed 1 on the final commit of the
    // second session: a delayed CREATE landed after the look, and its object was nobody's).
    await new Promise((r) => setTimeout(r, this.armedDelayMs + 500));
    this.armedDelayMs = 0;
    const cancel = await this.stack.run(['cancel', '--yes']);
    const state = await this.stack.exportState();
    const pending = state.deployment.pending_operations ?? [];
    const creates = pending.filter((p) => p.type === 'creating');
    const snap = await this.world.catalog.snapshot(this.schemas);
    const adopted: string[] = [];
    for (const p of creates) {
      const inputs = p.resource.inputs ?? {};
      if (typeof inputs.name !== 'string') continue;
      const found = snap.get(key(String(inputs.schemaName ?? 'public'), inputs.name));
      const r = this.model.resources.find((x) => x.key === p.resource.urn.split('::').pop());
      if (found && r && !this.strangers.has(key(found.schema, found.name)) && !r.adopt) {
        r.adopt = true;
        adopted.push(r.key);
      }
    }
    const r = pending.length
      ? await this.cli(['refresh', '--yes', '--skip-preview', '--clear-pending-creates'])
      : undefined;
    if (creates.length) this.stats.pendingCleared++;
    this.stats.pendingAdopted += adopted.length;
    // The README's step 3 is one `up` with adoptExisting and the program otherwise unchanged: a rename drawn
    // before it would leave the object the killed run made under its old name, nobody's (seed 1120).
    const adoption = adopted.length ? await this.cli(['up', '--yes', '--skip-preview']) : undefined;
    this.note(
      `  recovery: pulumi cancel -> exit ${cancel.code}; ${pending.length} pending operation(s) (${pending.map((p) => p.type).join(', ')})` +
        (r ? `; pulumi refresh --clear-pending-creates -> exit ${r.code}` : '') +
        (adopted.length ? `; adoptExisting on ${adopted.join(', ')} (the killed run made them)` : '') +
        (adoption ? `; up -> exit ${adoption.code}` : ''),
    );
    this.unsettled = true;
  }

  // ------------------------------------------------------------------------------------- out of band

  private async ownedObjects(): Promise<StateResource[]> {
    return this.urns(await this.stack.exportState()).filter(isObject);
  }

  private async outOfBand(): Promise<string> {
    this.stats.oob++;
    const what = this.rng.pick([
      'drop',
      'stranger-same-name',
      'alter',
      'comment',
      'grant',
      'revoke',
      'stranger',
      'bastion',
      'bastion',
    ] as const);
    // Only objects that really are the stack's now (the catalog id the state holds): after an earlier drop, a
    // stranger may hold the name the state still records, and the campaign must not touch its own strangers.
    const snap = await this.world.catalog.snapshot(this.schemas);
    const owned = (await this.ownedObjects()).filter(
      (r) => snap.get(key(String(r.outputs!.schemaName), String(r.outputs!.name)))?.id === r.id,
    );
    const target = owned.length ? this.rng.pick(owned) : undefined;
    const where = (r: StateResource) =>
      `"materialize".${q(String(r.outputs!.schemaName))}.${q(String(r.outputs!.name))}`;
    const typeOf = (r: StateResource) => (r.type === TYPE_SECRET ? 'SECRET' : 'CONNECTION');
    const sql = async (s: string) => {
      try {
        await this.world.catalog.sql(s);
        return s;
      } catch (err) {
        return `${s} (failed: ${(err as Error).message})`;
      }
    };
    // Changes to owned objects: the state lags the catalog until a refresh.
    if (!['stranger', 'bastion'].includes(what)) this.unsettled = true;
    switch (what) {
      case 'drop':
        if (!target) return 'out of band: nothing to drop';
        return `out of band: ${await sql(`DROP ${typeOf(target)} ${where(target)} CASCADE`)}`;
      case 'stranger-same-name': {
        if (!target) return 'out of band: nothing to re-create';
        const dropped = await sql(`DROP ${typeOf(target)} ${where(target)} CASCADE`);
        return `out of band: ${dropped}; ${await this.makeStranger(String(target.outputs!.schemaName), String(target.outputs!.name))}`;
      }
      case 'alter': {
        const c = owned.filter((r) => /PostgresConnection|MySqlConnection/.test(r.type));
        if (!c.length) return 'out of band: nothing to alter';
        return `out of band: ${await sql(`ALTER CONNECTION ${where(this.rng.pick(c))} SET (PORT = 7) WITH (VALIDATE = false)`)}`;
      }
      case 'comment':
        if (!target) return 'out of band: nothing to comment';
        return `out of band: ${await sql(`COMMENT ON ${typeOf(target)} ${where(target)} IS 'changed by hand'`)}`;
      case 'grant':
      case 'revoke':
        if (!target) return `out of band: nothing to ${what}`;
        return `out of band: ${await sql(
          what === 'grant'
            ? `GRANT USAGE ON ${typeOf(target)} ${where(target)} TO ${q(this.rng.pick(ROLES))}`
            : `REVOKE USAGE ON ${typeOf(target)} ${where(target)} FROM ${q(this.rng.pick(ROLES))}`,
        )}`;
      case 'stranger':
        return `out of band: ${await this.makeStranger(this.rng.pick(this.schemas))}`;
      case 'bastion': {
        const line = `# edited by hand ${this.rng.hex(6)}`;
        const how = this.rng.pick(['prepend', 'append', 'replace'] as const);
        this.watcher.editOutside((lines) =>
          how === 'prepend'
            ? [line, ...lines]
            : how === 'replace' && lines.length > 1
              ? [line, ...lines.slice(1)]
              : [...lines.slice(0, -1), line, lines[lines.length - 1] ?? ''],
        );
        return `out of band: bastion file, ${how} a line outside the block`;
      }
    }
  }

  // -------------------------------------------------------------------------------------- invariants

  private refreshNeedles(): void {
    const w = this.world;
    const keyLines = w.ssh.privateKey.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----'));
    this.needles = [
      ...this.gen.canaries,
      { label: 'materialize:password', value: w.password, user: 'materialize' },
      { label: 'AWS_SECRET_ACCESS_KEY', value: w.aws.secretAccessKey, user: w.aws.accessKeyId },
      { label: 'the bastion login private key', value: w.ssh.privateKey },
      ...keyLines.map((value, i) => ({ label: `line ${i + 1} of the bastion login private key`, value })),
    ];
  }

  private async checkAll(strict: boolean, result?: CliResult): Promise<void> {
    if (this.watcher.violation) throw new Violation('I5', this.watcher.violation);
    const v5 = this.watcher.check();
    if (v5) throw new Violation('I5', v5);
    const exported = await this.stack.run(['stack', 'export']);
    this.refreshNeedles();
    const leaks = findLeaks(this.needles, [
      { source: 'pulumi stack export', text: exported.stdout },
      ...(result ? [{ source: `pulumi ${result.args.slice(0, 2).join(' ')} output`, text: result.output }] : []),
    ]);
    if (leaks.length) throw new Violation('I4', describe(leaks.slice(0, 3)));
    const state: Checkpoint = JSON.parse(exported.stdout);
    const snap = await this.world.catalog.snapshot(this.schemas);
    await this.releaseAdopted(state, snap);
    await this.checkStrangers(state, snap);
    if (strict) await this.checkStateInCatalog(state, snap);
  }

  /**
   * The README's ownership rule: a resource whose state says `adoptExisting: true` leaves its object (or IAM role)
   * in place when it is deleted (removed, destroyed). What it left is nobody's from then on: a stranger that must
   * survive like any other, which a later resource with adoptExisting may take over.
   */
  private async releaseAdopted(state: Checkpoint, snap: Map<string, CatalogObject>): Promise<void> {
    const before = this.lastState;
    this.lastState = state;
    if (!before) return;
    const held = new Set(this.urns(state).map((r) => r.id));
    const byId = new Map([...snap.values()].map((o) => [o.id, o]));
    for (const r of this.urns(before)) {
      if (r.outputs?.adoptExisting !== true || held.has(r.id)) continue;
      if (isObject(r)) {
        const left = byId.get(String(r.id));
        if (!left || this.strangers.has(key(left.schema, left.name))) continue;
        this.strangers.set(key(left.schema, left.name), left);
        this.released.add(key(left.schema, left.name));
        this.note(
          `  ${left.schema}.${left.name} (${left.id}) left in place by ${r.urn.split('::').pop()}'s delete (adoptExisting): a stranger now`,
        );
      } else if (typeof r.outputs?.roleId === 'string') {
        const role = await this.world.iam.send(new GetRoleCommand({ RoleName: String(r.id) })).catch(() => undefined);
        if (role?.Role?.RoleId === r.outputs.roleId) {
          this.releasedRoles.add(String(r.id).toLowerCase());
          this.note(`  IAM role ${r.id} left in place by ${r.urn.split('::').pop()}'s delete (adoptExisting)`);
        }
      }
    }
  }

  /** I1: every object the state holds exists in the catalog with the state's id (and every role in IAM). */
  private async checkStateInCatalog(state: Checkpoint, snap: Map<string, CatalogObject>): Promise<void> {
    for (const r of this.urns(state)) {
      const out = r.outputs ?? {};
      // Its object was dropped by the replacement's delete; the final converging up must create it (I3).
      if (r.pendingReplacement) continue;
      if (isObject(r)) {
        const at = snap.get(key(String(out.schemaName), String(out.name)));
        if (!at || at.id !== r.id)
          throw new Violation(
            'I1',
            `${r.urn.split('::').pop()} holds ${out.schemaName}.${out.name} = ${r.id}${r.delete ? ' (pending delete)' : ''}, the catalog has ${at ? at.id : 'nothing'} there`,
          );
      } else if (typeof out.roleId === 'string') {
        const role = await this.world.iam.send(new GetRoleCommand({ RoleName: String(r.id) })).catch(() => undefined);
        if (role?.Role?.RoleId !== out.roleId)
          throw new Violation(
            'I1',
            `${r.urn.split('::').pop()} holds IAM role ${r.id} = ${out.roleId}, IAM has ${role?.Role?.RoleId ?? 'nothing'}`,
          );
      }
    }
  }

  /** I2: strangers survive byte for byte, unless a resource with adoptExisting took one over. */
  private async checkStrangers(state: Checkpoint, snap: Map<string, CatalogObject>): Promise<void> {
    const ids = new Map(
      this.urns(state)
        .filter(isObject)
        .map((r) => [r.id, r]),
    );
    for (const [k, s] of [...this.strangers]) {
      const adopter = ids.get(s.id);
      const claimable = this.model.resources.some((r) => r.adopt && key(r.schema, r.name) === k);
      if (adopter && claimable) {
        this.strangers.delete(k);
        this.note(`  ${k} (${s.id}) adopted by ${adopter.urn.split('::').pop()} (adoptExisting)`);
        continue;
      }
      if (adopter) throw new Violation('I2', `the state took over stranger ${k} (${s.id}) without adoptExisting`);
      const now = snap.get(k);
      if (!now) throw new Violation('I2', `stranger ${k} (${s.id}, ${s.type}) was dropped`);
      if (claimable && now.id === s.id) continue; // an adoption under way may converge it
      for (const f of ['id', 'type', 'owner', 'privileges', 'createSql', 'comment', 'value'] as const)
        if (now[f] !== s[f])
          throw new Violation(
            'I2',
            `stranger ${k}: ${f} changed from ${JSON.stringify(f === 'value' ? '(value)' : s[f])} to ${JSON.stringify(f === 'value' ? '(another value)' : now[f])}`,
          );
    }
  }

  // -------------------------------------------------------------------------------------- convergence

  /** What a user does about a name a stranger holds ("already exists"): choose another name (or adopt it). */
  private renameAwayFromStrangers(): string[] {
    const done: string[] = [];
    for (const r of this.model.resources)
      if (r.kind !== 'role' && r.kind !== 'bastion' && this.strangers.has(key(r.schema, r.name)) && !this.canAdopt(r)) {
        done.push(`${r.key} renamed away from a stranger's name -> ${this.renameOrRemove(r)}`);
      }
    return done;
  }

  /** A free name in the resource's schema (no stranger's), or the resource removed when none is left. */
  private renameOrRemove(r: ModelResource): string {
    const name = this.gen.freeName(this.model, r.schema, new Set(this.strangers.keys()));
    if (name === undefined) this.gen.remove(this.model, r);
    else r.name = name;
    return name ?? '(removed)';
  }

  /** adoptExisting takes over only an object of the resource's own type (a secret cannot adopt a connection). */
  private canAdopt(r: ModelResource): boolean {
    const stranger = this.strangers.get(key(r.schema, r.name));
    return r.adopt === true && stranger?.type === CATALOG_TYPE[r.kind];
  }

  /**
   * A forced replacement of a resource whose state says adoptExisting: true, now false in the program: the old
   * resource's delete leaves the object in place (it may be another resource's now), so the new one meets it. The
   * error's way out: adoptExisting: true again for one `up` (the object is taken back), then as the program had it.
   */
  private async takeBackAdopted(failed: CliResult): Promise<CliResult> {
    const state = await this.stack.exportState();
    const back = this.urns(state)
      .filter((r) => (r.taint || r.pendingReplacement) && r.inputs?.adoptExisting === true)
      .flatMap((r) => this.model.resources.filter((m) => m.key === r.urn.split('::').pop() && m.adopt !== true));
    if (!back.length) return failed;
    const was = back.map((m) => [m, m.adopt] as const);
    for (const m of back) m.adopt = true;
    let up = await this.cli(['up', '--yes', '--skip-preview', '--refresh']);
    const names = back.map((m) => m.key).join(', ');
    this.note(
      `final: adoptExisting true again on ${names} (adopted until now), as the error says; up -> exit ${up.code}`,
    );
    if (up.code !== 0) return up;
    for (const [m, adopt] of was) m.adopt = adopt;
    up = await this.cli(['up', '--yes', '--skip-preview', '--refresh']);
    this.note(`final: adoptExisting back as the program had it on ${names}; up -> exit ${up.code}`);
    return up;
  }

  /** What the user changes for each deleteBeforeReplace resource whose first DROP Materialize refused (users). */
  private dependedUponDeletingFirst(state: Checkpoint, output: string): string[] {
    const done: string[] = [];
    for (const r of this.urns(state)) {
      const m = this.model.resources.find((x) => x.key === r.urn.split('::').pop() && x.deleteBeforeReplace);
      const qualified = r.outputs?.qualifiedName;
      if (!m || typeof qualified !== 'string' || !output.includes(`${qualified}: cannot drop`)) continue;
      m.deleteBeforeReplace = undefined;
      if (qualified !== `"materialize".${q(m.schema)}.${q(m.name)}`) {
        done.push(`deleteBeforeReplace of ${m.key} off (the new object has another name)`);
        continue;
      }
      done.push(`deleteBeforeReplace of ${m.key} off and renamed -> ${this.renameOrRemove(m)} (used by other objects)`);
    }
    return done;
  }

  /** The final fault-free converging `up`, then I3: no changes planned, and the catalog is the program. */
  private async converge(): Promise<void> {
    this.world.standin.faults.reset();
    for (const s of this.renameAwayFromStrangers()) this.note(`final: ${s}`);
    if (this.o.inject === 'I1') await this.injectDrop();
    let up = await this.cli(['up', '--yes', '--skip-preview', '--refresh']);
    this.note(`final: up --refresh -> exit ${up.code}`);
    if (up.code !== 0 && NAME_HELD_BY_THE_STACK.test(up.output)) up = await this.takeBackAdopted(up);
    if (up.code !== 0 && NAME_HELD_BY_THE_STACK.test(up.output)) {
      // A resource the user tainted is replaced by every `up` until one succeeds, create before delete, under the
      // same name, so its create always meets its own old object. The error says what to do: set the resource
      // option deleteBeforeReplace, as this user does.
      const tainted = this.urns(await this.stack.exportState()).filter((r) => r.taint);
      const told = tainted.flatMap((t) => {
        const r = this.model.resources.find((m) => m.key === t.urn.split('::').pop() && !m.deleteBeforeReplace);
        if (r) r.deleteBeforeReplace = true;
        return r ? [r.key] : [];
      });
      if (told.length) {
        up = await this.cli(['up', '--yes', '--skip-preview', '--refresh']);
        this.note(
          `final: deleteBeforeReplace on the tainted ${told.join(', ')}, as the error says; up -> exit ${up.code}`,
        );
      }
      if (up.code !== 0 && /still depended upon by/.test(up.output)) {
        // An object other objects use cannot be dropped first either, and Pulumi replaces those only when their
        // own diff says so (a new secret reference is an ALTER). The README's way out: give up the forced
        // replacement (untaint), as this user does; the option goes back to what the program had.
        const stillTainted = this.urns(await this.stack.exportState()).filter((r) => r.taint);
        for (const t of stillTainted) await this.stack.run(['state', 'untaint', t.urn]);
        for (const k of told) this.model.resources.find((m) => m.key === k)!.deleteBeforeReplace = undefined;
        up = await this.cli(['up', '--yes', '--skip-preview', '--refresh']);
        const names = stillTainted.map((t) => t.urn.split('::').pop()).join(', ');
        this.note(`final: state untaint ${names} (used by other objects); up -> exit ${up.code}`);
      }
    }
    if (up.code !== 0 && /still depended upon by/.test(up.output)) {
      // The program's own deleteBeforeReplace on an object others use: it cannot be dropped first. The error's
      // way out when the new object has another name: take the option off (the new one is made first and the
      // users pointed at it). Under the same name the README's: give it a new name.
      const changed = this.dependedUponDeletingFirst(await this.stack.exportState(), up.output);
      if (changed.length) {
        up = await this.cli(['up', '--yes', '--skip-preview', '--refresh']);
        this.note(`final: ${changed.join('; ')}, as the error says; up -> exit ${up.code}`);
      }
    }
    if (up.code !== 0 && NAME_HELD_BY_THE_STACK.test(up.output)) {
      // A name this update frees (a removed resource's object, a rename away) is taken by another resource in
      // the same update: Pulumi creates before it deletes and runs independent steps at once, and stops at the
      // first error, so plain `up` can fail every time. The README's recovery: let the rest of the update run.
      up = await this.cli(['up', '--yes', '--skip-preview', '--refresh', '--continue-on-error']);
      this.note(`final: up --refresh --continue-on-error (a name freed and taken in one update) -> exit ${up.code}`);
    }
    if (up.code !== 0 && /still depended upon by/.test(up.output)) {
      // An object an adoptExisting resource left in place on delete still uses one of the stack's objects, so
      // Materialize refuses to drop that one. The left object is the user's own now: who wants the other
      // change drops it by hand (a dropCascade would drop it too, through the stack).
      for (const k of [...this.released])
        if (up.output.includes(`"${k}"`)) {
          const o = this.strangers.get(k)!;
          await this.world.catalog.sql(
            `DROP ${o.type === 'secret' ? 'SECRET' : 'CONNECTION'} "materialize".${q(o.schema)}.${q(o.name)}`,
          );
          this.strangers.delete(k);
          this.released.delete(k);
          this.note(
            `final: ${k} (${o.id}, left in place by an adoptExisting delete) dropped by hand: a stack object depends on it`,
          );
        }
    }
    if (up.code !== 0) {
      // One more try: a failed step can leave work that needs the refreshed state first.
      up = await this.cli(['up', '--yes', '--skip-preview', '--refresh']);
      this.note(`final: up --refresh again -> exit ${up.code}`);
    }
    if (up.code !== 0) throw new Violation('I3', `the final fault-free up fails:\n${tail(up.output)}`);
    if (this.o.inject === 'I3') await this.world.catalog.sql(`COMMENT ON ${this.firstObjectSql()} IS 'injected'`);
    await this.checkAll(true, up);
    const preview = await this.cli(['preview', '--expect-no-changes']);
    this.note(`final: preview --expect-no-changes -> exit ${preview.code}`);
    if (preview.code !== 0)
      throw new Violation('I3', `preview --expect-no-changes fails after the final up:\n${tail(preview.output)}`);
    await this.checkAll(true, preview);
    await this.checkCatalogIsProgram(await this.stack.exportState());
  }

  private firstObjectSql(): string {
    const r = this.model.resources.find((x) => x.kind !== 'role' && x.kind !== 'bastion')!;
    return `${r.kind === 'secret' ? 'SECRET' : 'CONNECTION'} "materialize".${q(r.schema)}.${q(r.name)}`;
  }

  private async injectDrop(): Promise<void> {
    // Behind the checks' back (not recorded as out of band): the state still holds it after the up below.
    await this.cli(['up', '--yes', '--skip-preview']);
    await this.world.catalog.sql(`DROP ${this.firstObjectSql()} CASCADE`);
    this.unsettled = false;
    await this.checkAll(true);
  }

  /** I3: every object of the program is in the catalog as declared, and nothing else but strangers. */
  private async checkCatalogIsProgram(state: Checkpoint): Promise<void> {
    const snap = await this.world.catalog.snapshot(this.schemas);
    const ids = new Map(this.urns(state).map((r) => [r.urn.split('::').pop(), r]));
    const expected = new Set(this.strangers.keys());
    const want = (r: ModelResource, what: string, ok: boolean) => {
      if (!ok) throw new Violation('I3', `${r.key} (${r.schema}.${r.name}): ${what}`);
    };
    for (const r of this.model.resources) {
      const st = ids.get(r.key);
      if (r.kind === 'role') {
        const role = await this.world.iam.send(new GetRoleCommand({ RoleName: r.name })).catch(() => undefined);
        want(r, 'the IAM role is missing', role?.Role !== undefined);
        want(
          r,
          `description ${role?.Role?.Description} instead of ${r.description}`,
          role?.Role?.Description === r.description,
        );
        continue;
      }
      if (r.kind === 'bastion') {
        const got = outsideBlock(fs.readFileSync(this.watcher.path, 'latin1'), this.watcher.block);
        want(
          r,
          'the managed block is missing from the bastion file',
          typeof got !== 'string' && got.blockLines !== undefined,
        );
        const tunnel = ids.get(r.tunnel!);
        const keys = [tunnel?.outputs?.publicKey1, tunnel?.outputs?.publicKey2].map(String);
        const lines = typeof got === 'string' ? [] : (got.blockLines ?? []);
        want(
          r,
          "the block does not hold the tunnel's two keys",
          keys.every((k) => lines.some((l) => l.endsWith(k))),
        );
        continue;
      }
      const k = key(r.schema, r.name);
      expected.add(k);
      const o = snap.get(k);
      want(r, 'missing from the catalog', o !== undefined);
      want(r, `catalog id ${o!.id}, state id ${st?.id}`, st?.id === o!.id);
      const type = CATALOG_TYPE[r.kind];
      want(r, `type ${o!.type} instead of ${type}`, o!.type === type);
      want(
        r,
        `comment ${JSON.stringify(o!.comment)} instead of ${JSON.stringify(r.comment)}`,
        (o!.comment ?? undefined) === r.comment,
      );
      if (r.kind === 'secret') want(r, 'the secret holds another value', o!.value === r.value);
      if (r.port !== undefined && r.kind !== 'csr' && r.kind !== 'kafka')
        want(r, `PORT is not ${r.port} in ${o!.createSql}`, new RegExp(`PORT = ${r.port}\\b`).test(o!.createSql ?? ''));
      if (r.usage !== undefined) {
        const grantees = new Set(
          (o!.privileges.match(/(?:^|[{,])"?([^=,{}"]*)=U/g) ?? []).map((m) =>
            m.replace(/^[{,]"?/, '').replace(/=U$/, ''),
          ),
        );
        const wanted = new Set(r.usage.map((u) => (u === 'PUBLIC' ? '' : u)));
        const roleIds = await this.roleIds();
        // The text form names roles (Materialize's, and the stand-in's since it follows privilege_grants.slt);
        // ids are mapped too. The owner's own entry is not a grant the program makes.
        const names = new Set([...grantees].map((g) => (g === '' ? '' : (roleIds.get(g) ?? g))));
        names.delete(roleIds.get(o!.owner) ?? o!.owner);
        want(
          r,
          `USAGE held by ${JSON.stringify([...names])} instead of ${JSON.stringify(r.usage)}`,
          names.size === wanted.size && [...wanted].every((x) => names.has(x)),
        );
      }
    }
    for (const k of snap.keys())
      if (!expected.has(k))
        throw new Violation(
          'I3',
          `${k} (${snap.get(k)!.id}) is in the catalog but neither in the program nor a stranger`,
        );
    for (const name of this.gen.roleNames)
      if (
        !this.model.resources.some((r) => r.kind === 'role' && r.name === name) &&
        !this.releasedRoles.has(name.toLowerCase())
      ) {
        const role = await this.world.iam.send(new GetRoleCommand({ RoleName: name })).catch(() => undefined);
        if (role?.Role) throw new Violation('I3', `IAM role ${name} is no longer in the program but still exists`);
      }
    if (!this.model.resources.some((r) => r.kind === 'bastion')) {
      const got = outsideBlock(fs.readFileSync(this.watcher.path, 'latin1'), this.watcher.block);
      if (typeof got === 'string' || got.blockLines)
        throw new Violation('I3', 'the bastion file still holds the managed block');
    }
  }

  private async roleIds(): Promise<Map<string, string>> {
    const rows = await this.world.catalog.sql('SELECT id, name FROM mz_catalog.mz_roles');
    return new Map(rows.map((r) => [String(r.id), String(r.name)]));
  }

  /**
   * IAM role names come from the seed, and moto outlives a run: a replay of a seed whose run ended at a violation
   * (its destroy failed or never ran) would meet that run's roles as strangers. They are this seed's own.
   */
  private async removeRolesOfEarlierRuns(): Promise<void> {
    const iam = this.world.iam;
    const prefix = `camp-${this.o.seed}-`;
    const roles: string[] = [];
    for (let marker: string | undefined, more = true; more;) {
      const page = await iam.send(new ListRolesCommand({ Marker: marker }));
      roles.push(...(page.Roles ?? []).map((r) => r.RoleName!).filter((n) => n.toLowerCase().startsWith(prefix)));
      [marker, more] = [page.Marker, page.IsTruncated === true];
    }
    for (const RoleName of roles) {
      const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
      for (const p of attached.AttachedPolicies ?? [])
        await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn }));
      const inline = await iam.send(new ListRolePoliciesCommand({ RoleName }));
      for (const PolicyName of inline.PolicyNames ?? [])
        await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }));
      await iam.send(new DeleteRoleCommand({ RoleName }));
    }
    if (roles.length) this.note(`set-up: removed ${roles.join(', ')}, left in IAM by an earlier run of this seed`);
  }

  private async tearDown(): Promise<void> {
    this.world.moto.cut(0);
    this.world.sshd.cut(0);
    await this.stack.run(['cancel', '--yes']);
    await this.stack.run(['destroy', '--yes', '--skip-preview']);
    for (const s of this.schemas) await this.world.catalog.sql(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`);
  }

  /** The step list, for the report. */
  get steps(): string[] {
    return [...this.log];
  }

  /** Exposed for the self-test: the model, to make a program that leaks on purpose. */
  get program(): Model {
    return this.model;
  }
  set program(m: Model) {
    this.model = clone(m);
  }
}

/** The CLI's first error lines, for the step list. */
function firstError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const errors = lines.filter((l) => /error:|Error:|failed/.test(l) && !/^error: update failed$/.test(l));
  return (errors.slice(0, 2).join(' | ') || lines.filter(Boolean).slice(-1)[0] || '').slice(0, 400);
}

function tail(s: string, n = 3000): string {
  return s.length > n ? `...${s.slice(-n)}` : s;
}
