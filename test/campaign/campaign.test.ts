// The campaign's own parts, without the CLI: a seed replays the same program changes, the bastion-file
// check (I5) fires on any change outside the block and on broken markers but not on the block's own
// changes, and the proxy's cut really breaks connections.
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { BastionWatcher, outsideBlock } from './bastion-file';
import { ModelGen, Rng } from './model';
import type { Model } from './program/model-types';
import { CutProxy } from '../services/cut-proxy';

const env = {} as Model['env'];

function draw(seed: number): string[] {
  const gen = new ModelGen(new Rng(seed), { seed, schemas: ['s_a', 's_b'] });
  const m: Model = { resources: [], env };
  const out: string[] = [];
  for (let i = 0; i < 40; i++) out.push(gen.change(m, new Set()) ?? '-');
  out.push(JSON.stringify(m), JSON.stringify(gen.canaries));
  return out;
}

test('a seed replays the same program changes and canaries; another seed draws others', () => {
  expect(draw(7)).toEqual(draw(7));
  expect(draw(8)).not.toEqual(draw(7));
});

test('program changes keep names unique per schema and references pointing at declared resources', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const gen = new ModelGen(new Rng(seed), { seed, schemas: ['s_a', 's_b'] });
    const m: Model = { resources: [], env };
    for (let i = 0; i < 30; i++) {
      gen.change(m, new Set());
      const places = m.resources
        .filter((r) => r.kind !== 'role' && r.kind !== 'bastion')
        .map((r) => `${r.schema}.${r.name}`);
      expect(new Set(places).size).toBe(places.length);
      for (const [i, r] of m.resources.entries())
        for (const ref of [r.password, r.tunnel, r.connection].filter(Boolean))
          expect(m.resources.findIndex((x) => x.key === ref)).toBeLessThan(i);
    }
  }
});

test('--without: a change left out is never drawn', () => {
  const gen = new ModelGen(new Rng(3), { seed: 3, schemas: ['s_a', 's_b'] }, new Set(['spelling']));
  const m: Model = { resources: [], env };
  for (let i = 0; i < 300; i++) expect(gen.change(m, new Set()) ?? '').not.toMatch(/materialize\.host/);
});

describe('I5: the bastion file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-unit-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const block = (token: string, keys: string[]) => [
    `# BEGIN pulumi-materialize-connections block=b id=${token} (managed by Pulumi: edit outside this block)`,
    ...keys,
    '# END pulumi-materialize-connections block=b',
  ];

  test('changes inside the block pass; any byte outside, a lost line or broken markers fire', () => {
    const w = new BastionWatcher(path.join(dir, 'ak'), 'b', ['# mine', 'ssh-ed25519 AAAA x  ', '']);
    expect(w.check()).toBeUndefined();
    expect(w.check(['# mine', 'ssh-ed25519 AAAA x  ', ...block('t1', ['k1', 'k2']), ''].join('\n'))).toBeUndefined();
    expect(w.check(['# mine', 'ssh-ed25519 AAAA x  ', ...block('t2', ['k3']), ''].join('\n'))).toBeUndefined();
    expect(w.check(['# mine', 'ssh-ed25519 AAAA x ', ...block('t1', ['k1']), ''].join('\n'))).toMatch(/outside/);
    expect(w.check(['ssh-ed25519 AAAA x  ', ...block('t1', ['k1']), ''].join('\n'))).toMatch(/outside/);
    expect(w.check('')).toMatch(/outside/);
    expect(w.check(['# mine', 'ssh-ed25519 AAAA x  ', block('t1', [])[0], 'k1', ''].join('\n'))).toMatch(/markers/);
  });

  test('an edit by hand outside the block becomes the expected text and keeps the block', () => {
    const w = new BastionWatcher(path.join(dir, 'ak2'), 'b', ['# mine', '']);
    fs.writeFileSync(w.path, ['# mine', ...block('t1', ['k1']), ''].join('\n'));
    w.editOutside((lines) => ['# added', ...lines]);
    const got = outsideBlock(fs.readFileSync(w.path, 'latin1'), 'b');
    expect(got).toEqual({ lines: ['# added', '# mine', ''], blockLines: ['k1'] });
    expect(w.check()).toBeUndefined();
  });
});

test('the proxy passes bytes, and a cut breaks open connections and refuses new ones for its duration', async () => {
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const proxy = await new CutProxy('127.0.0.1', (echo.address() as net.AddressInfo).port).start();
  const talk = () =>
    new Promise<string>((resolve) => {
      const c = net.connect(proxy.port, '127.0.0.1');
      let got = '';
      c.on('data', (d) => {
        got += d;
        c.end();
      });
      c.on('error', () => resolve('error'));
      c.on('close', () => resolve(got));
      c.write('ping');
    });
  try {
    expect(await talk()).toBe('ping');
    const open = net.connect(proxy.port, '127.0.0.1');
    await new Promise((r) => open.on('connect', r));
    await new Promise((r) => setTimeout(r, 50));
    const closed = new Promise((r) => open.on('close', r));
    proxy.cut(60_000);
    await closed;
    expect(await talk()).toBe('');
    expect(proxy.cuts).toBeGreaterThanOrEqual(2);
    proxy.cut(0);
    expect(await talk()).toBe('ping');
  } finally {
    await proxy.close();
    echo.close();
  }
});
