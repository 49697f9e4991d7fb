// A small emulation of the Pulumi engine for end-to-end tests: runs real Pulumi programs in-process
// (under pulumi.runtime.setMocks, with the mock monitor's RegisterResource taken over by this engine) and
// drives the REAL dynamic-provider gRPC server from @pulumi/pulumi (cmd/dynamic-provider) with the
// engine's step logic: Check -> Diff -> Create / Update / Replace / Same, deletes of removed resources,
// refresh (Read) and destroy. See README.md in this folder for what is and is not faithful.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ProviderError, ProviderProcess, DiffChanges, InitFailure } from './provider-process';
import {
  PropertyMap,
  SecretsManager,
  UNKNOWN,
  annotateSecrets,
  changedKeys,
  containsUnknowns,
  deepEqual,
  isSecret,
  makeSecret,
  markSecretKeys,
  plain,
  plainMap,
} from './values';

export { ProviderError } from './provider-process';
export type { InitFailure, DiffChanges } from './provider-process';
export { UNKNOWN, SIG, SECRET_SIG, isSecret, plain } from './values';
export type { PropertyMap } from './values';

const settings = require('@pulumi/pulumi/runtime/settings');
const resproto = require('@pulumi/pulumi/proto/resource_pb');
const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const { Struct } = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [pulumiDir] }));

const ROOT_STACK_TYPE = 'pulumi:pulumi:Stack';
const DYNAMIC_TYPE_PREFIX = 'pulumi-nodejs:dynamic';

// ---------------------------------------------------------------------------------------------------------
// Public types

/** A stack config value marked secret (like `pulumi config set --secret`). */
export interface SecretConfigValue {
  readonly __engineSecret: true;
  readonly value: unknown;
}
export function secret(value: unknown): SecretConfigValue {
  return { __engineSecret: true, value };
}
const isSecretConfig = (v: unknown): v is SecretConfigValue =>
  typeof v === 'object' && v !== null && (v as any).__engineSecret === true;

export interface EngineOptions {
  /** cwd of the provider process (the program directory): `require`s in serialized providers resolve from here. */
  projectDir: string;
  project?: string; // default "project"
  stack?: string; // default "dev"
  /** Stack config with namespaced keys ("materialize:host"); wrap secret values with secret(). */
  config?: Record<string, unknown>;
  /** Extra environment for the provider process. */
  env?: Record<string, string | undefined>;
}

export type StepOp = 'create' | 'same' | 'update' | 'replace' | 'delete';

export interface StepDiff {
  /** What the provider's Diff said (`unknown` = no diff method / changes undefined -> engine compared inputs). */
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Top-level input keys that differ (engine-computed from old vs new inputs). */
  changedKeys: string[];
}

export interface Step {
  urn: string;
  type: string;
  name: string;
  op: StepOp;
  /** Present for same/update/replace (the Diff that decided the step). */
  diff?: StepDiff;
  /** Plaintext inputs returned by Check (unknowns are the UNKNOWN sentinel in preview). Absent for deletes. */
  inputs?: PropertyMap;
  /** Plaintext outputs the program saw (in preview: the planned, partially unknown state). */
  outputs?: PropertyMap;
  id?: string;
}

export interface RunResult {
  steps: Step[];
  /** Stack outputs returned by the program (plaintext; in preview, not-yet-known values are the UNKNOWN sentinel). */
  outputs: Record<string, unknown>;
  /** First step matching a resource name (or URN). */
  step(nameOrUrn: string): Step | undefined;
}

export interface RefreshStep {
  urn: string;
  type: string;
  name: string;
  op: 'same' | 'update' | 'delete';
  outputsBefore: PropertyMap;
  outputsAfter?: PropertyMap;
  inputsBefore: PropertyMap;
  inputsAfter?: PropertyMap;
}
export interface RefreshResult {
  steps: RefreshStep[];
  step(nameOrUrn: string): RefreshStep | undefined;
}

/** Checkpoint-like resource: values as stored (secrets encrypted). */
export interface CheckpointResource {
  urn: string;
  custom: boolean;
  delete?: boolean;
  id?: string;
  type: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  parent?: string;
  protect?: boolean;
  dependencies: string[];
  additionalSecretOutputs?: string[];
  initErrors?: string[];
}
export interface Checkpoint {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    secrets_providers: { type: 'test-engine' };
    resources: CheckpointResource[];
  };
}

/** Decrypted view of one resource: plaintext values plus which top-level keys are secret. */
export interface ResourceView {
  urn: string;
  type: string;
  name: string;
  id?: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  secretInputs: string[];
  secretOutputs: string[];
  dependencies: string[];
  parent?: string;
  initErrors?: string[];
}

export class EngineError extends Error {
  constructor(
    message: string,
    readonly errors: Error[],
    readonly steps: Step[],
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Internal state

interface ResState {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  id?: string;
  inputs: PropertyMap; // engine form (secrets wrapped)
  outputs: PropertyMap;
  parent?: string;
  dependencies: string[];
  protect: boolean;
  retainOnDelete: boolean;
  aso: string[];
  initErrors?: string[];
  delete?: boolean; // pending deletion (replaced, create-before-delete) that has not happened
}

interface RegOptions {
  aso: string[];
  dbr: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  dependencies: string[];
  parent: string;
  provider: string;
  importId: string;
}

interface Run {
  preview: boolean;
  old: ResState[]; // snapshot at start
  oldByUrn: Map<string, ResState>;
  registered: ResState[]; // new state entries in registration order
  seen: Set<string>;
  pendingDeletes: ResState[]; // replaced (create-before-delete) old states
  steps: Step[];
  errors: Error[];
  queue: Promise<unknown>;
}

class SkippedError extends Error {}

function withStepLookup<T extends { urn: string; name: string }>(steps: T[]) {
  return (k: string) => steps.find((s) => s.urn === k || s.name === k);
}

// ---------------------------------------------------------------------------------------------------------

export class Engine {
  readonly logs: string[] = [];
  private readonly secrets = new SecretsManager();
  private resources: ResState[] = [];
  private provider?: ProviderProcess;
  private readonly project: string;
  private readonly stack: string;
  private config: Record<string, unknown>;
  private run?: Run;

  private constructor(private readonly opts: EngineOptions) {
    this.project = opts.project ?? 'project';
    this.stack = opts.stack ?? 'dev';
    this.config = opts.config ?? {};
  }

  static async start(opts: EngineOptions): Promise<Engine> {
    const e = new Engine(opts);
    await e.startProvider();
    return e;
  }

  /** Every provider RPC made (method + urn), in order. */
  get calls(): { method: string; urn: string }[] {
    return this.provider?.calls ?? [];
  }

  /** The provider process' pid (for orphan checks). */
  get providerPid(): number | undefined {
    return this.provider?.child.pid;
  }

  private log = (line: string) => {
    this.logs.push(line);
  };

  private async startProvider(): Promise<void> {
    const p = await ProviderProcess.start({
      cwd: this.opts.projectDir,
      project: this.project,
      stack: this.stack,
      env: this.opts.env,
      log: this.log,
    });
    this.provider = p;
    try {
      // Target.GetPackageConfig for pulumi-nodejs: the whole stack config, namespaced keys, secrets marked.
      const args: PropertyMap = {};
      const variables: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.config)) {
        const raw = isSecretConfig(v) ? v.value : v;
        args[k] = isSecretConfig(v) ? makeSecret(raw) : raw;
        const i = k.indexOf(':');
        variables[i < 0 ? k : `${k.slice(0, i)}:config:${k.slice(i + 1)}`] =
          typeof raw === 'string' ? raw : JSON.stringify(raw);
      }
      await p.configure(args, variables);
    } catch (e) {
      await p.stop();
      throw e;
    }
  }

  /** Restart the provider process (fresh module state), optionally with new stack config / env. */
  async restartProvider(o: { config?: Record<string, unknown>; env?: Record<string, string | undefined> } = {}) {
    await this.provider?.stop();
    if (o.config) this.config = o.config;
    if (o.env) this.opts.env = o.env;
    await this.startProvider();
  }

  async stop(): Promise<void> {
    await this.provider?.stop();
  }

  private get prov(): ProviderProcess {
    if (!this.provider || !this.provider.running) throw new Error('engine: provider process is not running');
    return this.provider;
  }

  // -------------------------------------------------------------------------------------------------------
  // State views

  /** Checkpoint-like JSON; secret values are encrypted ({SIG: SECRET, ciphertext}), everything else plaintext. */
  get state(): Checkpoint {
    return {
      version: 3,
      deployment: {
        manifest: { time: new Date().toISOString(), magic: 'test-engine', version: pulumiVersion() },
        secrets_providers: { type: 'test-engine' },
        resources: this.resources.map((r) => {
          const c: CheckpointResource = {
            urn: r.urn,
            custom: r.custom,
            type: r.type,
            inputs: this.secrets.seal(r.inputs) as PropertyMap,
            outputs: this.secrets.seal(r.outputs) as PropertyMap,
            dependencies: [...r.dependencies],
          };
          if (r.id !== undefined) c.id = r.id;
          if (r.delete) c.delete = true;
          if (r.parent) c.parent = r.parent;
          if (r.protect) c.protect = true;
          if (r.aso.length) c.additionalSecretOutputs = [...r.aso];
          if (r.initErrors?.length) c.initErrors = [...r.initErrors];
          return c;
        }),
      },
    };
  }

  /** Decrypted view of the custom resources in state. */
  get resourceViews(): ResourceView[] {
    return this.resources.filter((r) => r.custom).map((r) => this.view(r));
  }

  /** Decrypted view of one resource by name or URN (custom resources first). */
  resource(nameOrUrn: string): ResourceView | undefined {
    const r =
      this.resources.find((x) => x.custom && (x.urn === nameOrUrn || x.name === nameOrUrn)) ??
      this.resources.find((x) => x.urn === nameOrUrn || x.name === nameOrUrn);
    return r && this.view(r);
  }

  private view(r: ResState): ResourceView {
    const secretKeys = (m: PropertyMap) => Object.keys(m).filter((k) => isSecret(m[k]));
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      id: r.id,
      inputs: plainMap(r.inputs),
      outputs: plainMap(r.outputs),
      secretInputs: secretKeys(r.inputs),
      secretOutputs: secretKeys(r.outputs),
      dependencies: [...r.dependencies],
      parent: r.parent,
      initErrors: r.initErrors,
    };
  }

  // -------------------------------------------------------------------------------------------------------
  // Operations

  /** `pulumi up`: runs the program, applies all steps, deletes resources the program no longer registers. */
  up(program: () => unknown): Promise<RunResult> {
    return this.execute(program, false);
  }

  /** `pulumi preview`: Check + Diff only; the program sees unknowns for outputs that would change. */
  preview(program: () => unknown): Promise<RunResult> {
    return this.execute(program, true);
  }

  /** `pulumi refresh`: Read each custom resource; an empty id drops it from state. */
  async refresh(): Promise<RefreshResult> {
    const steps: RefreshStep[] = [];
    const next: ResState[] = [];
    const errors: Error[] = [];
    for (const r of this.resources) {
      if (!r.custom || r.delete || r.id === undefined) {
        next.push(r);
        continue;
      }
      const base = {
        urn: r.urn,
        type: r.type,
        name: r.name,
        outputsBefore: plainMap(r.outputs),
        inputsBefore: plainMap(r.inputs),
      };
      try {
        const res = await this.prov.read(r.urn, r.id, plainMap(r.outputs), plainMap(r.inputs));
        if (!res.id) {
          steps.push({ ...base, op: 'delete' });
          continue;
        }
        // provider_plugin.go Read: annotateSecrets(newState, state), annotateSecrets(newInputs, inputs).
        const outputs = markSecretKeys(annotateSecrets(res.properties, r.outputs), r.aso);
        const inputs = res.inputs ? annotateSecrets(res.inputs, r.inputs) : r.inputs;
        const same = res.id === r.id && deepEqual(plainMap(outputs), base.outputsBefore);
        next.push({ ...r, id: res.id, outputs, inputs });
        steps.push({
          ...base,
          op: same ? 'same' : 'update',
          outputsAfter: plainMap(outputs),
          inputsAfter: plainMap(inputs),
        });
      } catch (e) {
        errors.push(e as Error);
        next.push(r);
      }
    }
    this.resources = next;
    if (errors.length) throw new EngineError(`refresh failed: ${errors.map((e) => e.message).join('; ')}`, errors, []);
    return { steps, step: withStepLookup(steps) };
  }

  /** `pulumi destroy`: deletes everything in reverse dependency order. */
  async destroy(): Promise<RunResult> {
    const steps: Step[] = [];
    const remaining = [...this.resources];
    const errors: Error[] = [];
    for (const r of [...this.resources].reverse()) {
      try {
        await this.deleteResource(r);
        remaining.splice(remaining.indexOf(r), 1);
        if (r.custom) steps.push({ urn: r.urn, type: r.type, name: r.name, op: 'delete', id: r.id });
      } catch (e) {
        errors.push(e as Error);
        break;
      }
    }
    this.resources = remaining;
    if (errors.length) throw new EngineError(`destroy failed: ${errors[0].message}`, errors, steps);
    return { steps, outputs: {}, step: withStepLookup(steps) };
  }

  private async deleteResource(r: ResState): Promise<void> {
    if (!r.custom) return;
    if (r.protect && !r.delete) {
      throw new Error(
        `resource ${r.urn} cannot be deleted because it is protected (protect: true); remove the option first`,
      );
    }
    if (r.retainOnDelete || r.id === undefined) return;
    await this.prov.delete(r.urn, r.id, plainMap(r.outputs), plainMap(r.inputs));
  }

  // -------------------------------------------------------------------------------------------------------
  // Program execution

  private async execute(program: () => unknown, preview: boolean): Promise<RunResult> {
    if (this.run) throw new Error('engine: an operation is already running');
    const run: Run = {
      preview,
      old: this.resources,
      oldByUrn: new Map(this.resources.filter((r) => !r.delete).map((r) => [r.urn, r])),
      registered: [],
      seen: new Set(),
      pendingDeletes: this.resources.filter((r) => r.delete),
      steps: [],
      errors: [],
      queue: Promise.resolve(),
    };
    this.run = run;
    let stackOutputs: Record<string, unknown> = {};
    let programError: Error | undefined;
    try {
      await pulumi.runtime.setMocks(
        {
          newResource: (a: pulumi.runtime.MockResourceArgs) => {
            // Only reached for Resource.get / ReadResource, which the dynamic provider cannot serve.
            throw new Error(`engine: reading existing resources (${a.type} ${a.name}) is not supported`);
          },
          call: (a: pulumi.runtime.MockCallArgs) => {
            throw new Error(`engine: invokes are not supported (${a.token})`);
          },
        },
        this.project,
        this.stack,
        preview,
      );
      this.installMonitor(run);
      // A throwing program is caught inside the stack's init so that the SDK's stack outputs do not reject
      // (rejections nobody handles would fail the jest test); the error is reported by up()'s rejection.
      stackOutputs =
        (await pulumi.runtime.runInPulumiStack(async () => {
          try {
            return await program();
          } catch (e) {
            programError = e as Error;
            return {};
          }
        })) ?? {};
      await settings.waitForRPCs();
      await run.queue;
      await new Promise((r) => setImmediate(r));
    } catch (e) {
      programError = programError ?? (e as Error);
    }

    // A program error that merely reports a failed registration duplicates the engine's own error.
    if (programError && run.errors.length === 0) run.errors.push(programError);
    else if (programError) this.log(`[program] ${programError.message}`);

    // Deletes: resources not registered by this program, and replaced ones (create-before-delete), in reverse
    // order of the old snapshot (which is dependency-ordered). Skipped when the run failed, like the engine.
    const toDelete: ResState[] = [];
    if (run.errors.length === 0) {
      const pend = new Set(run.pendingDeletes);
      for (const r of [...run.old].reverse()) {
        if (pend.has(r) || !run.seen.has(r.urn)) toDelete.push(r);
      }
    }
    const deleted = new Set<ResState>();
    for (const r of toDelete) {
      if (r.delete || !run.pendingDeletes.includes(r)) {
        if (r.custom) {
          run.steps.push({ urn: r.urn, type: r.type, name: r.name, op: 'delete', id: r.id });
        }
      }
      if (preview) continue;
      try {
        await this.deleteResource(r);
        deleted.add(r);
      } catch (e) {
        run.errors.push(e as Error);
        break;
      }
    }

    if (!preview) {
      const regUrns = new Set(run.registered.map((r) => r.urn));
      const retained = run.old.filter((r) => !deleted.has(r) && !regUrns.has(r.urn) && !run.pendingDeletes.includes(r));
      const stillPending = run.pendingDeletes.filter((r) => !deleted.has(r)).map((r) => ({ ...r, delete: true }));
      this.resources = [...run.registered, ...retained, ...stillPending];
    }
    this.run = undefined;
    const steps = run.steps.filter((s) => s.type !== ROOT_STACK_TYPE);
    if (run.errors.length) {
      const msg = run.errors.map((e) => e.message).join('\n');
      this.log(`[engine] ${preview ? 'preview' : 'update'} failed: ${msg}`);
      throw new EngineError(msg, run.errors, steps);
    }
    // Stack outputs as the engine sees them (RegisterResourceOutputs): per key, UNKNOWN where not known in preview.
    const stackEntry = run.registered.find((r) => r.type === ROOT_STACK_TYPE);
    const outputs = stackEntry ? plainMap(stackEntry.outputs) : toPlainOutputs(stackOutputs);
    return { steps, outputs, step: withStepLookup(steps) };
  }

  /** Takes over RegisterResource / RegisterResourceOutputs on the mock monitor that setMocks installed. */
  private installMonitor(run: Run) {
    const monitor = settings.getMonitor();
    if (!monitor) throw new Error('engine: no mock monitor after setMocks');
    const resources: Map<string, unknown> = monitor.resources ?? new Map();
    monitor.registerResource = (req: any, cb: (err: any, resp?: any) => void) => {
      // Serialize registrations (the real step generator handles one event at a time).
      const p = run.queue.then(() => this.register(run, req));
      run.queue = p.catch(() => undefined);
      p.then(
        (r) => {
          resources.set(r.urn, { urn: r.urn, id: r.id ?? null, state: r.object });
          const resp = new resproto.RegisterResourceResponse();
          resp.setUrn(r.urn);
          resp.setId(r.id ?? '');
          resp.setObject(Struct.fromJavaScript(r.object));
          cb(null, resp);
        },
        (err: Error) => {
          if (!(err instanceof SkippedError) && !run.errors.includes(err)) run.errors.push(err);
          // The real engine fails the RPC; the SDK would then reject every output of the resource, and
          // those unhandled rejections fail jest tests. Instead answer with an empty, id-less registration:
          // the program keeps going (later registrations are skipped) and up() rejects with the error.
          const resp = new resproto.RegisterResourceResponse();
          resp.setUrn(this.urnFor(req.getType(), req.getName(), req.getParent?.() ?? ''));
          resp.setId('');
          resp.setObject(Struct.fromJavaScript({}));
          cb(null, resp);
        },
      );
    };
    monitor.registerResourceOutputs = (req: any, cb: (err: any, resp?: any) => void) => {
      const urn = req.getUrn();
      const entry = run.registered.find((r) => r.urn === urn);
      if (entry && !entry.custom) entry.outputs = req.getOutputs()?.toJavaScript() ?? {};
      cb(null, {});
    };
  }

  private urnFor(type: string, name: string, parentUrn: string): string {
    let t = type;
    if (parentUrn) {
      const parentType = parentUrn.split('::')[2];
      if (parentType !== ROOT_STACK_TYPE) t = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.stack}::${this.project}::${t}::${name}`;
  }

  private async register(run: Run, req: any): Promise<{ urn: string; id?: string; object: PropertyMap }> {
    const type: string = req.getType();
    const name: string = req.getName();
    const o: RegOptions = {
      aso: req.getAdditionalsecretoutputsList?.() ?? [],
      dbr: !!req.getDeletebeforereplace?.(),
      protect: !!req.getProtect?.(),
      retainOnDelete: !!req.getRetainondelete?.(),
      ignoreChanges: req.getIgnorechangesList?.() ?? [],
      replaceOnChanges: req.getReplaceonchangesList?.() ?? [],
      dependencies: req.getDependenciesList?.() ?? [],
      parent: req.getParent?.() ?? '',
      provider: req.getProvider?.() ?? '',
      importId: req.getImportid?.() ?? '',
    };
    const urn = this.urnFor(type, name, o.parent);
    if (run.errors.length) throw new SkippedError(`${urn}: skipped because an earlier step failed`);
    if (run.seen.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    run.seen.add(urn);
    const news: PropertyMap = req.getObject()?.toJavaScript() ?? {};
    const old = run.oldByUrn.get(urn);
    const base: ResState = {
      urn,
      type,
      name,
      custom: req.getCustom(),
      inputs: news,
      outputs: {},
      parent: o.parent || undefined,
      dependencies: [...new Set(o.dependencies)],
      protect: o.protect,
      retainOnDelete: o.retainOnDelete,
      aso: o.aso,
    };

    if (!base.custom) {
      // Component (incl. the root stack): no provider; outputs arrive via RegisterResourceOutputs.
      const st = { ...base, outputs: old?.outputs ?? {} };
      run.registered.push(st);
      run.steps.push({ urn, type, name, op: old ? 'same' : 'create' });
      return { urn, object: {} };
    }
    if (!type.startsWith(DYNAMIC_TYPE_PREFIX) || o.provider) {
      throw new Error(`engine: only default-provider dynamic resources are supported, got ${type} (${urn})`);
    }
    if (o.importId) throw new Error(`engine: import is not supported for dynamic resources (${urn})`);

    const step = (s: Omit<Step, 'urn' | 'type' | 'name'>) => {
      const full: Step = { urn, type, name, ...s };
      run.steps.push(full);
      return full;
    };
    const prov = this.prov;
    // ignoreChanges (top-level keys): keep the old input value before Check.
    let checkNews = news;
    if (old && o.ignoreChanges.length) {
      checkNews = { ...news };
      for (const k of o.ignoreChanges) {
        if (k in old.inputs) checkNews[k] = old.inputs[k];
        else delete checkNews[k];
      }
    }
    const check = async (olds: PropertyMap) => {
      const r = await prov.check(urn, plainMap(olds), plainMap(checkNews));
      if (r.failures.length) {
        throw new Error(
          `${type} resource '${name}' has a problem: ` +
            r.failures.map((f) => (f.property ? `property ${f.property}: ${f.reason}` : f.reason)).join('; '),
        );
      }
      return annotateSecrets(r.inputs, checkNews);
    };
    const finish = (outputs: PropertyMap) => markSecretKeys(outputs, o.aso);

    let inputs = await check(old ? old.inputs : {});

    // ----- create
    if (!old) {
      if (run.preview) {
        step({ op: 'create', inputs: plainMap(inputs), outputs: plainMap(inputs) });
        return { urn, object: inputs };
      }
      const created = await this.create(run, base, inputs, o);
      step({ op: 'create', id: created.id, inputs: plainMap(inputs), outputs: plainMap(created.outputs) });
      return { urn, id: created.id, object: created.outputs };
    }

    // ----- diff
    const d = await prov.diff(urn, old.id ?? '', plainMap(old.outputs), plainMap(inputs), plainMap(old.inputs));
    const keys = changedKeys(old.inputs, inputs);
    let hasChanges = d.changes === 'some' || (d.changes === 'unknown' && keys.length > 0);
    if (!hasChanges && old.initErrors?.length) hasChanges = true; // resources with init errors get an Update
    // The real engine matches replaceOnChanges against the keys the provider reports changed; a dynamic provider
    // reports none, so only a DIFF_UNKNOWN (the engine diffs the inputs itself) can trigger it.
    const reported = d.changes === 'unknown' ? keys : [];
    const replaceKeys = o.replaceOnChanges.includes('*')
      ? reported
      : reported.filter((k) => o.replaceOnChanges.includes(k));
    const replaces = [...new Set([...d.replaces, ...(hasChanges ? replaceKeys : [])])];
    const diff: StepDiff = {
      changes: d.changes,
      replaces,
      deleteBeforeReplace: d.deleteBeforeReplace || (replaces.length > 0 && o.dbr),
      changedKeys: keys,
    };
    const keepCommon = { id: old.id, parent: base.parent };

    if (!hasChanges) {
      // SameStep: new inputs, OLD outputs.
      const outputs = finish(old.outputs);
      run.registered.push({ ...base, ...keepCommon, inputs, outputs, initErrors: old.initErrors });
      step({ op: 'same', diff, id: old.id, inputs: plainMap(inputs), outputs: plainMap(outputs) });
      return { urn, id: old.id, object: outputs };
    }

    if (replaces.length === 0) {
      // ----- update
      if (run.preview) {
        step({ op: 'update', diff, id: old.id, inputs: plainMap(inputs), outputs: plainMap(inputs) });
        return { urn, id: old.id, object: inputs };
      }
      try {
        const u = await prov.update(urn, old.id!, plainMap(old.outputs), plainMap(inputs), plainMap(old.inputs));
        const outputs = finish(annotateSecrets(u.properties, inputs));
        run.registered.push({ ...base, ...keepCommon, inputs, outputs });
        step({ op: 'update', diff, id: old.id, inputs: plainMap(inputs), outputs: plainMap(outputs) });
        return { urn, id: old.id, object: outputs };
      } catch (e) {
        const f = e instanceof ProviderError ? e.initFailure : undefined;
        // Failed update: keep the old state (or the partial state the provider reported).
        run.registered.push(
          f
            ? {
                ...base,
                ...keepCommon,
                inputs,
                outputs: finish(annotateSecrets(f.properties, inputs)),
                initErrors: f.reasons,
              }
            : { ...old },
        );
        throw e;
      }
    }

    // ----- replace
    if (old.protect) {
      throw new Error(`${urn}: replacing a protected resource is not allowed (replaces: ${replaces.join(', ')})`);
    }
    // The engine re-runs Check with empty olds for the replacement (step_generator.go).
    inputs = await check({});
    if (run.preview) {
      step({ op: 'replace', diff, inputs: plainMap(inputs), outputs: plainMap(inputs) });
      return { urn, object: inputs };
    }
    if (diff.deleteBeforeReplace) {
      await this.deleteResource({ ...old, protect: false });
      run.pendingDeletes = run.pendingDeletes.filter((r) => r.urn !== urn);
      run.oldByUrn.delete(urn);
      // The old entry is gone now: drop it from the snapshot so a failed create does not resurrect it.
      run.old = run.old.filter((r) => r !== old);
    }
    let created: { id: string; outputs: PropertyMap };
    try {
      created = await this.create(run, base, inputs, o);
    } finally {
      // create-before-delete: the old resource is deleted at the end, once a replacement exists (even a partial one).
      if (!diff.deleteBeforeReplace && run.registered.some((r) => r.urn === urn)) run.pendingDeletes.push(old);
    }
    step({ op: 'replace', diff, id: created.id, inputs: plainMap(inputs), outputs: plainMap(created.outputs) });
    return { urn, id: created.id, object: created.outputs };
  }

  private async create(
    run: Run,
    base: ResState,
    inputs: PropertyMap,
    o: RegOptions,
  ): Promise<{ id: string; outputs: PropertyMap }> {
    try {
      const c = await this.prov.create(base.urn, plainMap(inputs));
      if (!c.id) throw new Error(`${base.urn}: provider returned an empty id from Create`);
      const outputs = markSecretKeys(annotateSecrets(c.properties, inputs), o.aso);
      run.registered.push({ ...base, id: c.id, inputs, outputs });
      return { id: c.id, outputs };
    } catch (e) {
      const f: InitFailure | undefined = e instanceof ProviderError ? e.initFailure : undefined;
      if (f && f.id) {
        // ErrorResourceInitFailed: the resource exists but failed to initialize; the engine records it.
        const outputs = markSecretKeys(annotateSecrets(f.properties, inputs), o.aso);
        run.registered.push({ ...base, id: f.id, inputs, outputs, initErrors: f.reasons });
      }
      throw e;
    }
  }
}

function toPlainOutputs(v: unknown): Record<string, unknown> {
  const p = plain(v);
  return p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
}

function pulumiVersion(): string {
  try {
    return require('@pulumi/pulumi/package.json').version;
  } catch {
    return 'unknown';
  }
}

export function startEngine(opts: EngineOptions): Promise<Engine> {
  return Engine.start(opts);
}

/** True if any value in the map is (or contains) the unknown sentinel. */
export function hasUnknowns(m: PropertyMap | undefined): boolean {
  return containsUnknowns(m ?? {});
}

// ---------------------------------------------------------------------------------------------------------
// Program directories

/** The repo root (this file lives in <root>/test/engine). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ProgramDirOptions {
  /** Extra packages to expose: node_modules/<name> -> symlink to <dir>. */
  packages?: Record<string, string>;
  /** Extra files to write (relative path -> content). */
  files?: Record<string, string>;
  /** Link node_modules/pulumi-materialize-connections -> repo root (default true). */
  linkSelf?: boolean;
}

/**
 * Creates a temp program directory whose node_modules resolve like a user's project:
 * pulumi-materialize-connections -> this repo (its package.json `exports` point at lib/, so run `npm run build`
 * first), @pulumi -> the repo's node_modules/@pulumi, plus any extra packages. Remove it with removeProgramDir.
 */
export function makeProgramDir(o: ProgramDirOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-program-'));
  const nm = path.join(dir, 'node_modules');
  fs.mkdirSync(nm);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'test-program', version: '0.0.0', private: true, main: 'index.js' }, null, 2),
  );
  const link = (name: string, target: string) => {
    const at = path.join(nm, name);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(target, at, 'dir');
  };
  if (o.linkSelf !== false) link('pulumi-materialize-connections', REPO_ROOT);
  link('@pulumi', path.dirname(pulumiDir));
  for (const [name, target] of Object.entries(o.packages ?? {})) link(name, path.resolve(target));
  for (const [rel, content] of Object.entries(o.files ?? {})) {
    const at = path.join(dir, rel);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.writeFileSync(at, content);
  }
  return dir;
}

export function removeProgramDir(dir: string): void {
  if (dir && path.basename(dir).startsWith('pmc-program-')) fs.rmSync(dir, { recursive: true, force: true });
}

// Re-exported for tests that want to build inputs in engine form.
export { makeSecret, UNKNOWN as UNKNOWN_SENTINEL };
