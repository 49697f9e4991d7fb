// The canary plan covers every option that can carry a secret, derived from the specs, and says which one
// it misses when it does not.
import { connectionSpecs } from '../../provider/specs';
import {
  buildPlan,
  carrierOf,
  secretCarryingOptions,
  uncoveredOptions,
  uncoveredOtherInputs,
  VARIANTS,
  type PlanOptions,
} from './plan';

const OPTIONS: PlanOptions = {
  run: 'abcde',
  epoch: 1,
  commentFrom: 'plain',
  marker: 'm',
  endpoint: {
    host: 'h',
    port: 1,
    username: 'u',
    password: 'pw-0123456789',
    database: 'materialize',
    sslmode: 'disable',
  },
  copies: true,
  echoRegistry: 'http://127.0.0.1:1',
  role: { accountId: '123456789012', roleName: 'r' },
  bastion: {
    host: 'h',
    port: 22,
    user: 'u',
    hostKeySha256: 'SHA256:x',
    path: '/k',
    privateKey: `-----BEGIN KEY-----\n${'K'.repeat(64)}\n${'L'.repeat(64)}\n-----END KEY-----\n`,
  },
};

test('every option of every spec that can carry a secret has a canary', () => {
  expect(uncoveredOptions()).toEqual([]);
  expect(secretCarryingOptions()).toEqual(expect.arrayContaining(['kafka.saslUsername', 'gcp.serviceAccountKey']));
});

test('an option no variant plans is reported by name', () => {
  const withoutSasl = VARIANTS.map((v) =>
    v.kind === 'kafka'
      ? { ...v, args: Object.fromEntries(Object.entries(v.args).filter(([k]) => k !== 'saslUsername')) }
      : v,
  );
  expect(uncoveredOptions(withoutSasl)).toEqual(['kafka.saslUsername']);
});

test('every option is either a carrier or says why it cannot carry a secret', () => {
  for (const spec of Object.values(connectionSpecs))
    for (const o of spec.options) {
      const c = carrierOf(o);
      if (typeof c !== 'string') expect(c.none).toMatch(/\w/);
    }
});

test('the full plan gives a canary to every non-spec input, and each canary is distinct', () => {
  const built = buildPlan(OPTIONS);
  expect(uncoveredOtherInputs(built)).toEqual([]);
  const values = built.canaries.map((c) => c.value);
  const tokens = values.filter((v) => /^c[0-9a-z]{2}[a-z]abcde1[0-9a-z]{2}$/.test(v));
  expect(new Set(tokens).size).toBe(tokens.length);
  expect(tokens.length).toBeGreaterThan(60);
  // Tokens of one length, all distinct: no token is inside another, so a finding names the option that leaked.
  expect(new Set(tokens.map((t) => t.length)).size).toBe(1);
});

test('a canary has the same value in every step of one epoch, whatever else the step plans', () => {
  const full = buildPlan(OPTIONS).canaries;
  const bare = buildPlan({ ...OPTIONS, copies: false, echoRegistry: undefined }).canaries;
  const byLabel = new Map(full.map((c) => [c.label, c.value]));
  for (const c of bare) expect(byLabel.get(c.label)).toBe(c.value);
  // One value, one label: a finding names the option that leaked.
  const labels = new Map<string, Set<string>>();
  for (const c of full) labels.set(c.value, (labels.get(c.value) ?? new Set()).add(c.label));
  expect([...labels.values()].filter((l) => l.size > 1)).toEqual([]);
});

test('a plan without the diagnosis misses its inputs, and says so', () => {
  expect(uncoveredOtherInputs(buildPlan({ ...OPTIONS, echoRegistry: undefined }))).toEqual([
    'Connection.diagnose.secrets',
    'Connection.diagnose.sshPrivateKey',
  ]);
});
