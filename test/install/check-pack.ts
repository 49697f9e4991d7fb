// Static check of the packed package (an unpacked `npm pack` tarball): everything the SDK and the provider load
// at run time is in it, and every bare module they require is a dependency, a peer dependency or a Node builtin
// (under pnpm's isolated node_modules nothing else is reachable). Also checks that lib/ holds no compiled file
// whose source is gone (npm run build does not clean lib/, and such files would be published).
//
// Usage: node scripts/run-ts.js test/install/check-pack.ts <unpacked package dir>
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface PackageJson {
  name: string;
  main?: string;
  types?: string;
  version: string;
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  typesVersions?: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

export function checkPack(pkgDir: string): string[] {
  const problems: string[] = [];
  const pj: PackageJson = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const exists = (rel: string) => fs.existsSync(path.join(pkgDir, rel));

  // 1. Entry points.
  const targets: string[] = [];
  if (pj.main) targets.push(pj.main);
  if (pj.types) targets.push(pj.types);
  for (const [sub, t] of Object.entries(pj.exports ?? {})) {
    for (const target of typeof t === 'string' ? [t] : Object.values(t)) {
      targets.push(target);
      if (!exists(target)) problems.push(`exports["${sub}"] -> ${target} is not in the package`);
    }
  }
  for (const t of [pj.main, pj.types]) if (t && !exists(t)) problems.push(`${t} (main/types) is not in the package`);
  for (const needed of [
    'lib/sdk/index.js',
    'lib/sdk/shim.js',
    'lib/provider/index.js',
    // The policy pack: what `--policy-pack node_modules/pulumi-materialize-connections/policy` runs.
    'policy/PulumiPolicy.yaml',
    'policy/package.json',
    'policy/index.js',
    'lib/pipeline/policy/pack.js',
  ]) {
    if (!exists(needed)) problems.push(`${needed} is not in the package`);
  }

  for (const [bin, target] of Object.entries(pj.bin ?? {})) {
    if (!exists(target)) problems.push(`bin ${bin} -> ${target} is not in the package`);
    else if (!fs.readFileSync(path.join(pkgDir, target), 'utf8').startsWith('#!/usr/bin/env node'))
      problems.push(`bin ${bin} -> ${target} has no #!/usr/bin/env node line`);
  }
  for (const [sub, targets] of Object.entries(pj.typesVersions?.['*'] ?? {}))
    for (const t of targets) if (!exists(t)) problems.push(`typesVersions["${sub}"] -> ${t} is not in the package`);
  const policyVersion = JSON.parse(fs.readFileSync(path.join(pkgDir, 'policy/package.json'), 'utf8')).version;
  if (policyVersion !== pj.version)
    problems.push(`policy/package.json has version ${policyVersion}, not ${pj.version}`);

  // 2. What the shipped code loads.
  const allowed = new Set([...Object.keys(pj.dependencies ?? {}), ...Object.keys(pj.peerDependencies ?? {})]);
  const builtins = new Set(builtinModules);
  const files = [...walk(path.join(pkgDir, 'lib')), path.join(pkgDir, 'policy/index.js')].filter(
    (f) => f.endsWith('.js') || f.endsWith('.d.ts'),
  );
  const requireRe = /\brequire\(\s*["']([^"']+)["']\s*\)/g;
  const importRe = /\b(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/g;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const rel = path.relative(pkgDir, f);
    const specs = new Set<string>();
    for (const m of text.matchAll(f.endsWith('.d.ts') ? importRe : requireRe)) specs.add(m[1]);
    for (const spec of specs) {
      if (spec.startsWith('.')) {
        const base = path.resolve(path.dirname(f), spec);
        const candidates = f.endsWith('.d.ts')
          ? [`${base}.d.ts`, path.join(base, 'index.d.ts')]
          : [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')];
        if (!candidates.some((c) => fs.existsSync(c) && fs.statSync(c).isFile())) {
          problems.push(`${rel}: ${spec} is not in the package`);
        }
        continue;
      }
      const bare = spec.replace(/^node:/, '');
      if (builtins.has(bare) || builtins.has(bare.split('/')[0])) continue;
      const name = packageName(spec);
      if (name === pj.name) {
        const sub = '.' + spec.slice(name.length);
        if (!(pj.exports ?? {})[sub]) problems.push(`${rel}: self-reference ${spec} is not in "exports"`);
        continue;
      }
      if (!allowed.has(name)) {
        problems.push(`${rel}: requires ${name}, which is neither a dependency nor a peer dependency`);
      }
    }
  }

  // 3. Stale build output that would be published (compiled files without a source).
  for (const f of walk(path.join(pkgDir, 'lib')).filter((x) => x.endsWith('.js'))) {
    const rel = path.relative(path.join(pkgDir, 'lib'), f);
    if (!fs.existsSync(path.join(REPO_ROOT, rel.replace(/\.js$/, '.ts')))) {
      problems.push(
        `lib/${rel} has no source (${rel.replace(/\.js$/, '.ts')}): stale build output; rm -rf lib and rebuild`,
      );
    }
  }
  return problems;
}

// Run as a script (scripts/run-ts.js puts the entry point in argv[1]; require.main is run-ts.js itself).
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: check-pack.ts <unpacked package dir>');
    process.exit(2);
  }
  const problems = checkPack(path.resolve(dir));
  const count = walk(path.join(dir, 'lib')).length;
  if (problems.length) {
    console.error(`[check-pack] ${problems.length} problem(s) in the packed package:`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  console.log(`[check-pack] ok: ${count} files under lib/, entry points present, requires covered`);
}
