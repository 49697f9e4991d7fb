// The schema is the specs: every class a resource, every option an input of the right shape and secrecy, every
// reference resolvable; and the checked-in schema/schema.json is what the specs give now.
import * as fs from 'fs';
import * as path from 'path';
import { connectionSpecs } from '../../../provider/specs';
import { buildSchema } from '../../../provider/native/schema';
import { CLASSES, kindOfToken, tokenOf } from '../../../provider/native/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const schema = buildSchema() as Json;

test('one resource per class, and each token names its kind back', () => {
  expect(Object.keys(schema.resources).sort()).toEqual(Object.keys(CLASSES).map(tokenOf).sort());
  for (const [className, kind] of Object.entries(CLASSES)) expect(kindOfToken(tokenOf(className))).toBe(kind);
  expect(() => kindOfToken('materialize:index:Secret')).toThrow(/materialize-connections:index:Secret/);
  expect(() => kindOfToken('materialize-connections:index:Nope')).toThrow(/unknown resource type/);
});

test('every spec option is an input; sensitive ones are secret; required options are required inputs', () => {
  for (const [className, kind] of Object.entries(CLASSES)) {
    if (!(kind in connectionSpecs)) continue;
    const spec = connectionSpecs[kind as keyof typeof connectionSpecs];
    const res = schema.resources[tokenOf(className)];
    for (const opt of spec.options) {
      const p = res.inputProperties[opt.arg];
      expect(p).toBeDefined();
      expect(p.secret === true).toBe(opt.sensitive === true);
      expect(p.description).toContain(opt.keyword);
    }
    expect(res.requiredInputs).toEqual(['name', ...spec.required.map((r) => r.arg)]);
    expect(res.inputProperties.materialize.secret).toBe(true);
    for (const o of spec.catalogOutputs) expect(res.properties[o.output]).toBeDefined();
  }
  const secret = schema.resources[tokenOf('Secret')];
  expect(secret.inputProperties.value.secret).toBe(true);
  expect(secret.requiredInputs).toEqual(['name', 'value']);
  expect(schema.config.variables.password.secret).toBe(true);
});

test('every $ref names a type the schema defines, and every enum type is used', () => {
  const refs = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref') refs.add(String(x));
        else walk(x);
      }
  };
  walk(schema);
  for (const r of refs) {
    if (r.startsWith('pulumi.json#')) continue;
    expect(r.startsWith('#/types/')).toBe(true);
    expect(schema.types[r.slice('#/types/'.length)]).toBeDefined();
  }
  for (const name of Object.keys(schema.types)) expect(refs.has(`#/types/${name}`)).toBe(true);
});

test('schema/schema.json is regenerated (npm run schema:gen)', () => {
  const file = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../schema/schema.json'), 'utf8'));
  expect(file).toEqual(JSON.parse(JSON.stringify(schema)));
});
