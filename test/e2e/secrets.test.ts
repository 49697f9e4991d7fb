// No secret value ever reaches what Pulumi users see or keep: the checkpoint (secrets are ciphertext there),
// the provider's logs, gRPC errors, the serialized `__provider`. Secret values go to Materialize byte-exact.
//
// What counts as a leak: our state, logs and errors. Materialize's statement log is Materialize's, not ours;
// CREATE/ALTER SECRET must carry the value, and the provider sends it as `decode('<base64>', 'base64')`, so
// the base64 of a Secret value may appear there and only there. Plaintext Secret values never do (not even
// in the statement text), and the Materialize password never appears in any form (SCRAM never sends it).
//
// Against the stand-in this suite runs a private instance with a distinctive password (the shared one uses
// `materialize`, which is also the database name and would make the search meaningless) and injected errors
// that echo secret values, as a database echoing the failing statement would. With MZ_TEST_URL it uses that
// Materialize and its password, and skips what needs the stand-in (faults, statement log, value backdoor).
import * as pulumi from '@pulumi/pulumi';
import { Client } from 'pg';
import * as mz from '../../sdk';
import { EngineError, makeProgramDir, removeProgramDir, startEngine, type Engine } from '../engine';
import { startStandin, type Standin } from '../standin';
import { isRealMaterialize, materializeUrl } from '../support/materialize';
import { materializeConfig } from './harness';

const schema = 'e2e_secrets';
const real = isRealMaterialize();
const onlyStandin = real ? test.skip : test;

/** Secret values with everything that breaks naive quoting or encoding. */
const VALUES = {
  quotes: `it's "quoted" ''doubled'' \`back\` $$dollar$$ $tag$x$tag$`,
  backslashes: "C:\\path\\to\\key \\\\ \\n \\x00 \\u0041 E'\\047'",
  unicode: 'ünïcødé ∑ 密码 🔑 \u200b zero-width \u202e rtl',
  newlines: '-----BEGIN PRIVATE KEY-----\nline one\r\nline two\ttab\n-----END PRIVATE KEY-----\n',
  sql: `x'); DROP SECRET pw; -- /* decode('AAAA', 'base64') */`,
};
const ROTATED = { ...VALUES, quotes: `rotated 'again' "and" \\ again ${Date.now()}` };
const LATE = `late-secret "value" \\ ü ${process.pid}`;

let standin: Standin | undefined;
let url: string;
let password: string;
let engine: Engine;
let dir: string;
let client: Client;
const errors: string[] = [];

beforeAll(async () => {
  if (real) {
    url = materializeUrl();
  } else {
    standin = await startStandin({ port: 0, password: `Pw'"\\$-${process.pid}-${Date.now().toString(36)}-zz` });
    url = standin.url;
  }
  password = decodeURIComponent(new URL(url).password);
  client = new Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.query(`CREATE SCHEMA "${schema}"`);
  dir = makeProgramDir();
  engine = await startEngine({ projectDir: dir, config: materializeConfig(url) });
}, 60_000);

afterAll(async () => {
  await engine?.stop();
  await client?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await client?.end();
  await standin?.close();
  if (dir) removeProgramDir(dir);
});

function endpoint() {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6875),
    username: decodeURIComponent(u.username),
    password,
    database: u.pathname.replace(/^\//, '') || 'materialize',
    sslmode: 'disable',
  };
}

const seen: { valueIsSecret?: boolean; materializeIsSecret?: boolean } = {};

function program(values: typeof VALUES, opts: { late?: boolean } = {}) {
  return () => {
    const secrets = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        k,
        // Half the resources name their Materialize themselves (materialize.password), half use the stack config.
        new mz.Secret(k, {
          name: `s_${k}`,
          schemaName: schema,
          value: pulumi.secret(v),
          materialize: k.length % 2 ? endpoint() : undefined,
        }),
      ]),
    );
    const pg = new mz.PostgresConnection('pg', {
      name: 'pg',
      schemaName: schema,
      host: 'db.example.com',
      database: 'app',
      user: secrets.quotes,
      password: secrets.backslashes,
      sslCertificateAuthority: secrets.newlines,
      validate: false,
      materialize: endpoint(),
    });
    if (opts.late) new mz.Secret('late', { name: 'late', schemaName: schema, value: LATE });
    void pulumi.isSecret(secrets.unicode.value).then((v) => (seen.valueIsSecret = v));
    return { pg: pg.qualifiedName };
  };
}

/** Every secret value in every form the provider might let slip. */
function needles(): { what: string; text: string }[] {
  const plain = [...Object.values(VALUES), ...Object.values(ROTATED), LATE].map((v) => ({ what: 'value', text: v }));
  // Multi-line values also in parts: a log line may carry one line of a PEM.
  const lines = plain.flatMap((p) =>
    p.text
      .split(/\r?\n/)
      .filter((l) => l.length >= 8 && !/^-----(BEGIN|END) PRIVATE KEY-----$/.test(l))
      .map((l) => ({ what: 'value line', text: l })),
  );
  const pw = [{ what: 'password', text: password }];
  const b64 = [...plain, ...pw].map((p) => ({
    what: `base64 of ${p.what}`,
    text: Buffer.from(p.text, 'utf8').toString('base64'),
  }));
  return [...plain, ...lines, ...pw, ...b64];
}

/** The secret values found in a haystack, with JSON escaping undone where the haystack is JSON. */
function leaks(haystack: string): string[] {
  const forms = (t: string) => [t, JSON.stringify(t).slice(1, -1)];
  return needles()
    .filter((n) => forms(n.text).some((f) => haystack.includes(f)))
    .map((n) => `${n.what}: ${JSON.stringify(n.text)}`);
}

function providers(): string {
  return engine.state.deployment.resources
    .flatMap((r) => [r.inputs.__provider, r.outputs.__provider])
    .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
    .join('\n');
}

function expectClean(stage: string) {
  expect({ stage, state: leaks(JSON.stringify(engine.state)) }).toEqual({ stage, state: [] });
  expect({ stage, logs: leaks(engine.logs.join('\n')) }).toEqual({ stage, logs: [] });
  expect({ stage, errors: leaks(errors.join('\n')) }).toEqual({ stage, errors: [] });
  expect({ stage, provider: leaks(providers()) }).toEqual({ stage, provider: [] });
}

async function expectFailure(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  expect(e).toBeInstanceOf(EngineError);
  const err = e as EngineError;
  errors.push(err.message, ...err.errors.map((x) => `${x.message}\n${x.stack ?? ''}`));
  return err;
}

test('up, preview, update, refresh, failures and destroy leave no secret in state, logs, errors or __provider', async () => {
  const up = await engine.up(program(VALUES));
  expect(up.steps.every((s) => s.op === 'create')).toBe(true);
  expectClean('create');

  // The secret markers: value and materialize are secret inputs and outputs, and listed as such.
  const s = engine.state.deployment.resources.find((r) => r.urn.endsWith('::quotes'))!;
  expect(s.additionalSecretOutputs).toEqual(expect.arrayContaining(['materialize', 'value']));
  const pgState = engine.state.deployment.resources.find((r) => r.urn.endsWith('::pg'))!;
  expect(pgState.additionalSecretOutputs).toContain('materialize');
  for (const name of Object.keys(VALUES)) {
    const view = engine.resource(name)!;
    expect(view.secretInputs).toContain('value');
    expect(view.secretOutputs).toContain('value');
    if (name.length % 2) {
      expect(view.secretInputs).toContain('materialize');
      expect(view.secretOutputs).toContain('materialize');
    }
    // Planned SQL is masked.
    expect(view.outputs.plannedSql).toEqual([expect.stringMatching(/^CREATE SECRET .* AS '\*\*\*\*\*\*\*\*'$/)]);
  }
  expect(engine.resource('pg')!.secretOutputs).toContain('materialize');
  expect(seen.valueIsSecret).toBe(true);

  // Byte-exact round trip of every value.
  if (standin)
    for (const [k, v] of Object.entries(VALUES)) expect(standin.secretValue('materialize', schema, `s_${k}`)).toBe(v);

  const same = await engine.preview(program(VALUES));
  expect(same.steps.every((x) => x.op === 'same')).toBe(true);
  const preview = await engine.preview(program(ROTATED));
  expect(preview.step('quotes')!.op).toBe('update');
  expect(preview.step('quotes')!.inputs!.plannedSql).toEqual([expect.stringMatching(/ AS '\*\*\*\*\*\*\*\*'$/)]);
  expectClean('preview');

  const updated = await engine.up(program(ROTATED));
  expect(updated.step('quotes')!.op).toBe('update');
  if (standin) expect(standin.secretValue('materialize', schema, 's_quotes')).toBe(ROTATED.quotes);
  expectClean('update');

  const refreshed = await engine.refresh();
  expect(refreshed.steps.every((x) => x.op === 'same')).toBe(true);
  expect(engine.resource('quotes')!.outputs.value).toBe(ROTATED.quotes); // kept: Materialize never returns it
  expectClean('refresh');
  const destroyed = await engine.destroy();
  expect(destroyed.steps).toHaveLength(Object.keys(VALUES).length + 1);
  expectClean('destroy');
}, 60_000);

onlyStandin(
  'errors that echo the statement are scrubbed (plaintext and base64)',
  async () => {
    await engine.up(program(VALUES));
    // CREATE fails with Materialize echoing the value in plaintext.
    standin!.faults.failNext(1, { code: '42601', message: `syntax error at or near "${LATE}"` });
    const createErr = await expectFailure(engine.up(program(VALUES, { late: true })));
    expect(createErr.message).toMatch(/creating secret "materialize"."e2e_secrets"."late": syntax error at or near/);
    expect(createErr.message).toContain('********');
    expect(createErr.message).toContain('SQLSTATE 42601');

    // ALTER SECRET fails echoing the statement, value in base64.
    const b64 = Buffer.from(ROTATED.quotes, 'utf8').toString('base64');
    standin!.faults.failNext(
      1,
      { code: 'XX000', message: `cannot run ALTER SECRET ... AS decode('${b64}', 'base64')` },
      'ALTER SECRET',
    );
    const alterErr = await expectFailure(engine.up(program(ROTATED))); // one statement: ALTER SECRET s_quotes
    expect(alterErr.message).toMatch(/^update .*::quotes: /);
    expect(alterErr.message).toContain(`AS decode('********', 'base64')`);
    expect(engine.logs.some((l) => l.startsWith('[grpc error]'))).toBe(true);
    expectClean('failed create and update');

    // A wrong per-resource password: the connection error must not echo it either.
    await engine.up(program(VALUES, { late: true }));
    const wrong = { ...endpoint(), password: `${password}-wrong` };
    const err = await expectFailure(
      engine.up(() => {
        const outputs = program(VALUES, { late: true })();
        new mz.Secret('wrongpw', { name: 'wrongpw', schemaName: schema, value: VALUES.unicode, materialize: wrong });
        return outputs;
      }),
    );
    expect(err.message).toMatch(/password|authentication/i);
    expect(leaks(err.message.split(`${password}-wrong`).join(''))).toEqual([]);
    expect(err.message).not.toContain(`${password}-wrong`);
    await engine.destroy();
    expectClean('after errors');
  },
  60_000,
);

onlyStandin("Materialize's statement log: Secret values only as base64 inside CREATE/ALTER SECRET", async () => {
  const log = standin!.log();
  expect(log.length).toBeGreaterThan(0);
  const plainValues = [...Object.values(VALUES), ...Object.values(ROTATED), LATE];
  for (const e of log) {
    for (const v of plainValues) expect(e.sql.includes(v)).toBe(false);
    expect(e.sql.includes(password)).toBe(false);
    expect(e.sql.includes(Buffer.from(password).toString('base64'))).toBe(false);
    for (const v of plainValues) {
      const b64 = Buffer.from(v, 'utf8').toString('base64');
      if (e.sql.includes(b64))
        expect(e.sql).toMatch(/^(CREATE|ALTER) SECRET .* AS decode\('[A-Za-z0-9+/=]+', 'base64'\)$/s);
    }
  }
  // The values did travel (as base64), for every value set.
  for (const v of [...Object.values(VALUES), ROTATED.quotes])
    expect(log.some((e) => e.sql.includes(Buffer.from(v, 'utf8').toString('base64')))).toBe(true);
});

test('the leak search finds every form it looks for (control)', () => {
  const forms = needles();
  expect(leaks(JSON.stringify({ v: VALUES.newlines }))).toContain(`value: ${JSON.stringify(VALUES.newlines)}`);
  const b64 = Buffer.from(LATE).toString('base64');
  expect(leaks(`x ${b64} y`)).toEqual([`base64 of value: ${JSON.stringify(b64)}`]);
  expect(leaks(`login failed for ${password}`)).toContain(`password: ${JSON.stringify(password)}`);
  expect(forms.length).toBeGreaterThan(20);
  expect(leaks('nothing secret here: materialize e2e_secrets ********')).toEqual([]);
});
