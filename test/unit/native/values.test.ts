// Secrets on the wire: whatever the nesting, unwrapping gives the plain value and names exactly the top-level keys
// that held a secret; the keys sent back as secrets cover every input given as one.
import fc from 'fast-check';
import { connectionKinds, connectionSpecs } from '../../../provider/specs';
import { isSecretValue, secret, secretOutputKeys, unwrapSecrets, wrapSecrets } from '../../../provider/native/values';

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Wraps a random part of a value as a secret; says whether it did. */
function hide(value: unknown, choice: number[]): { wire: unknown; hidden: boolean } {
  const pick = choice.shift() ?? 0;
  if (pick % 4 === 0) return { wire: secret(value), hidden: true };
  if (Array.isArray(value)) {
    const parts = value.map((v) => hide(v, choice));
    return { wire: parts.map((p) => p.wire), hidden: parts.some((p) => p.hidden) };
  }
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => [k, hide(v, choice)] as const);
    return { wire: Object.fromEntries(parts.map(([k, p]) => [k, p.wire])), hidden: parts.some(([, p]) => p.hidden) };
  }
  return { wire: value, hidden: false };
}

test('unwrapSecrets returns the plain value and exactly the keys that held a secret at any depth', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), json, { maxKeys: 5 }),
      fc.array(fc.nat(7), { maxLength: 40 }),
      (plain, choice) => {
        const wire: Record<string, unknown> = {};
        const expected = new Set<string>();
        for (const [k, v] of Object.entries(plain)) {
          const h = hide(v, choice);
          wire[k] = h.wire;
          if (h.hidden) expected.add(k);
        }
        const out = unwrapSecrets(wire);
        expect(out.plain).toEqual(plain);
        expect([...out.secretKeys].sort()).toEqual([...expected].sort());
        // What goes back out for those keys is a secret again.
        const back = wrapSecrets(out.plain, out.secretKeys);
        for (const k of expected) if (plain[k] !== null) expect(isSecretValue(back[k])).toBe(true);
      },
    ),
  );
});

test('a Secret: value and materialize always secret; plannedSql secret only when an unmasked input was', () => {
  expect([...secretOutputKeys('secret', [])].sort()).toEqual(['materialize', 'value']);
  expect(secretOutputKeys('secret', ['value']).has('plannedSql')).toBe(false);
  expect(secretOutputKeys('secret', ['comment']).has('plannedSql')).toBe(true);
});

test('every connection kind: sensitive options always secret, and a secret option taints plannedSql and createSql', () => {
  for (const kind of connectionKinds) {
    const sensitive = connectionSpecs[kind].options.filter((o) => o.sensitive).map((o) => o.arg);
    const plain = connectionSpecs[kind].options.find((o) => !o.sensitive)!.arg;
    const none = secretOutputKeys(kind, []);
    for (const k of ['materialize', 'diagnose', ...sensitive]) expect(none.has(k)).toBe(true);
    expect(none.has('plannedSql')).toBe(false);
    const tainted = secretOutputKeys(kind, [plain]);
    expect(tainted.has(plain)).toBe(true);
    expect(tainted.has('plannedSql')).toBe(true);
    expect(tainted.has('createSql')).toBe(true);
  }
});
