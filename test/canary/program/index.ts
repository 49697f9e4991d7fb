// The canary program: builds the resources of plan.json (written by test/canary/canary.cli.test.ts for each
// step). `{ $secret: v }` is given as pulumi.secret(v) in code, so the engine's masking of secret config values
// cannot hide a leak; `{ $ref: key }` is another resource of the plan; `{ $comment: true }` is the comment,
// plain or taken from the marker's id (unknown in preview while the marker is replaced).
import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as mz from 'pulumi-materialize-connections';

interface PlanResource {
  key: string;
  type: string;
  args: Record<string, unknown>;
  opts?: { deleteBeforeReplace?: boolean; replaceOnChanges?: string[] };
}
interface Plan {
  commentFrom: 'plain' | 'marker';
  resources: PlanResource[];
}

const plan = JSON.parse(fs.readFileSync(path.join(__dirname, 'plan.json'), 'utf8')) as Plan;
const built: Record<string, pulumi.Resource & { id: pulumi.Output<string> }> = {};
type Ctor = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const classes = mz as unknown as Record<string, Ctor>;

function comment(): pulumi.Input<string> {
  const marker = built.marker;
  return plan.commentFrom === 'marker' && marker ? marker.id.apply((id) => `after ${id}`) : 'plain comment';
}

function value(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(value);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('$secret' in o) return pulumi.secret(value(o.$secret));
  if ('$ref' in o) {
    const r = built[String(o.$ref)];
    if (!r) throw new Error(`plan: ${String(o.$ref)} is not built yet`);
    return r;
  }
  if ('$comment' in o) return comment();
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, value(x)]));
}

for (const r of plan.resources) {
  const Class = classes[r.type];
  if (!Class) throw new Error(`plan: no class ${r.type}`);
  built[r.key] = new Class(r.key, value(r.args), r.opts) as (typeof built)[string];
}

export const resources = Object.keys(built);
