// The provider's own configuration: rules checked at CheckConfig with the native key names; a change of place
// replaces the provider.
import { asDynamicConfig, checkConfig, diffConfig, settingsOf } from '../../../provider/native/config';

test('CheckConfig names the native key and the rule, and refuses unknown settings', () => {
  expect(checkConfig({ host: 'mz.example.com', port: '6875', password: 'x' })).toEqual([]);
  expect(checkConfig({ port: 6875, connectTimeout: 30 })).toEqual([]);
  const bad = checkConfig({ port: 'seventy', sslmode: 'sometimes', hots: 'typo' });
  expect(bad.map((f) => f.property).sort()).toEqual(['hots', 'port', 'sslmode']);
  for (const f of bad) expect(f.reason).toMatch(/materialize-connections:(port|sslmode|hots)/);
  expect(bad.map((f) => f.reason).join(' ')).not.toMatch(/\bmaterialize:/);
});

test('a password never appears in a CheckConfig failure', () => {
  const failures = checkConfig({ password: 'pw-\u0000-Qz81', port: '0' });
  expect(JSON.stringify(failures)).not.toContain('Qz81');
});

test('DiffConfig: host, port and database replace; the rest update', () => {
  expect(diffConfig({ host: 'a', password: 'x' }, { host: 'a', password: 'x' })).toEqual({ changed: [], replaces: [] });
  expect(diffConfig({ host: 'a', port: 6875 }, { host: 'a', port: '6875' })).toEqual({ changed: [], replaces: [] });
  expect(diffConfig({ host: 'a', password: 'x' }, { host: 'b', password: 'y' })).toEqual({
    changed: ['host', 'password'],
    replaces: ['host'],
  });
  expect(diffConfig({ database: 'a' }, { database: 'b', poolSize: '4' })).toEqual({
    changed: ['database', 'poolSize'],
    replaces: ['database'],
  });
});

test('Configure: args first, then the variables map, seen by the lifecycle under its own keys', () => {
  const settings = settingsOf(
    { host: 'from-args', port: 7000 },
    { 'materialize-connections:config:host': 'from-vars', 'materialize-connections:config:username': 'u' },
  );
  expect(settings).toEqual({ host: 'from-args', port: '7000', username: 'u' });
  const config = asDynamicConfig(settings).config;
  expect(config.get('materialize:host')).toBe('from-args');
  expect(config.get('materialize:port')).toBe('7000');
  expect(config.get('materialize-connections:host')).toBeUndefined();
});

test('DiffConfig from the dynamic provider (an alias): its materialize:* settings are the old ones', () => {
  const dynamic = { 'materialize:host': 'mz', 'materialize:port': '6875', 'materialize:password': 'x', other: 'y' };
  expect(diffConfig(dynamic, { host: 'mz', port: '6875', password: 'x' })).toEqual({ changed: [], replaces: [] });
  expect(diffConfig(dynamic, { host: 'elsewhere', port: '6875', password: 'x' })).toEqual({
    changed: ['host'],
    replaces: ['host'],
  });
});
