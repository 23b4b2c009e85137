/**
 * The packages as users get them: `pnpm pack` of core, nn and optim, the tarballs installed
 * with npm into a fresh project outside the workspace (only our tarballs: npm runs --offline),
 * and the README's quick start compiled by that project's `tsc` (its types checked against the
 * packed .d.ts/.d.cts) and run as ESM and as CommonJS.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES, ROOT, ensurePackagesBuilt, exportedFiles, withLock } from './build.js';
import { expectedOutput, tsBlocks } from './markdown.js';

const run = promisify(execFile);
const VERSION = '0.1.0';

interface Manifest {
  name: string;
  version: string;
  license: string;
  type: string;
  sideEffects: boolean;
  engines: { node: string };
  types: string;
  main: string;
  module: string;
  exports: Record<string, Record<string, string | Record<string, string>>>;
  dependencies?: Record<string, string>;
}

const quickStart = tsBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8')).find((b) => b.heading === 'Quick start')!.code;

/** All three packages in one program, in the syntax of either module system; prints one line. */
const SMOKE = {
  esm: `import { tensor } from '@tapegrad/core';
import { Linear } from '@tapegrad/nn';
import { relu } from '@tapegrad/nn/course';
import { SGD } from '@tapegrad/optim';`,
  cjs: `const { tensor } = require('@tapegrad/core');
const { Linear } = require('@tapegrad/nn');
const { relu } = require('@tapegrad/nn/course');
const { SGD } = require('@tapegrad/optim');`,
  body: `
const layer = new Linear(2, 1, { weight: [[0.5], [-0.25]], bias: [0.1] });
const optimizer = new SGD(layer.parameters(), { lr: 0.1 });
const x = tensor([[1, 2]]);
const loss = () => relu(layer.forward(x)).sub(1).square().sum();
const before = loss().item();
for (let i = 0; i < 20; i++) { optimizer.zeroGrad(); loss().backward(); optimizer.step(); }
console.log(before.toFixed(4), loss().item().toFixed(4));
`,
};
// (0.5 − 0.5 + 0.1 − 1)² = 0.81 before; 20 steps of lr 0.1 on a convex problem: 0.81·(1 − 2·0.1·(1 + 4 + 1))^40 ≈ 0
const SMOKE_OUTPUT = '0.8100 0.0000';

/** The ESM and the CommonJS build side by side: two copies of core, each recognising the other's tensors. */
const BRAND = `import { createRequire } from 'node:module';
import * as esm from '@tapegrad/core';
const cjs = createRequire(import.meta.url)('@tapegrad/core');
const t = cjs.tensor([1, 2]);
console.log(esm.Tensor !== cjs.Tensor, t instanceof esm.Tensor, esm.isTensor(t), cjs.isTensor(esm.tensor(1)), esm.add(t, 1).toArray().join(','));
`;

let packs: string;
let project: string;
const tarballs = new Map<string, string>();
/** What the project's `tsc -p tsconfig.json` printed (its errors), and whether it exited 0. */
let typecheck: { stdout: string; ok: boolean };

async function tarList(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  return stdout.trim().split('\n');
}

async function packedManifest(tarball: string): Promise<Manifest> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Manifest;
}

const node = (file: string) => run(process.execPath, [file], { cwd: project, encoding: 'utf8' });

beforeAll(async () => {
  await ensurePackagesBuilt();
  packs = mkdtempSync(join(tmpdir(), 'tapegrad-packs-'));
  project = mkdtempSync(join(tmpdir(), 'tapegrad-user-'));
  await withLock(async () => {
    for (const pkg of PACKAGES) {
      const { stdout } = await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', packs, '--json'], { cwd: join(ROOT, 'packages', pkg) });
      tarballs.set(pkg, (JSON.parse(stdout) as { filename: string }).filename);
    }
  });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tapegrad-user', private: true, type: 'module' }, null, 2));
  // --offline: nothing may come from a registry; nn and optim's dependencies are met by the core tarball.
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...tarballs.values()], { cwd: project });
  writeFileSync(join(project, 'quickstart.mts'), quickStart);
  writeFileSync(join(project, 'quickstart.cts'), quickStart); // the same code: tsc emits require() calls for a .cts
  writeFileSync(join(project, 'smoke.mjs'), SMOKE.esm + SMOKE.body);
  writeFileSync(join(project, 'smoke.cjs'), SMOKE.cjs + SMOKE.body);
  writeFileSync(join(project, 'brand.mjs'), BRAND);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [],
      strict: true, noUncheckedIndexedAccess: true, skipLibCheck: false, outDir: 'out',
    },
    files: ['quickstart.mts', 'quickstart.cts'],
  }));
  // TypeScript's older resolution (moduleResolution node10, which ignores `exports`) finds the subpaths through typesVersions.
  writeFileSync(join(project, 'node10.ts'), [
    "import { tensor } from '@tapegrad/core';", "import { save } from '@tapegrad/core/node';", "import { Linear } from '@tapegrad/nn';",
    "import { relu } from '@tapegrad/nn/course';", "import { SGD } from '@tapegrad/optim';",
    'export const used = [tensor, save, Linear, relu, SGD];', '',
  ].join('\n'));
  writeFileSync(join(project, 'tsconfig.node10.json'), JSON.stringify({
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, skipLibCheck: true, noEmit: true, ignoreDeprecations: '6.0' },
    files: ['node10.ts'],
  }));
  // Emits out/quickstart.mjs and out/quickstart.cjs, which the tests below run.
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  typecheck = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' })
    .then(({ stdout }) => ({ stdout, ok: true }), (e: { stdout: string }) => ({ stdout: e.stdout, ok: false }));
}, 300_000);

afterAll(() => {
  for (const dir of [packs, project]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(PACKAGES)('the packed @tapegrad/%s', (pkg) => {
  it('holds only dist, README, LICENSE and package.json, and every file its exports name', async () => {
    const files = await tarList(tarballs.get(pkg)!);
    expect(files.filter((f) => !/^package\/(dist\/.+|README\.md|LICENSE|package\.json)$/.test(f))).toEqual([]);
    expect(files).toContain('package/LICENSE');
    expect(files.includes('package/README.md')).toBe(existsSync(join(ROOT, 'packages', pkg, 'README.md')));
    const manifest = await packedManifest(tarballs.get(pkg)!);
    const named = [...exportedFiles(manifest), manifest.main, manifest.module, manifest.types].map((f) => `package/${f.replace(/^\.\//, '')}`);
    expect(named.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('has a package.json with exports, types, sideEffects: false, engines, and real versions for workspace dependencies', async () => {
    const manifest = await packedManifest(tarballs.get(pkg)!);
    expect(manifest).toMatchObject({ name: `@tapegrad/${pkg}`, version: VERSION, license: 'MIT', type: 'module', sideEffects: false, types: './dist/index.d.ts' });
    expect(manifest.engines.node).toBe('>=20.19');
    expect(Object.keys(manifest.exports)).toContain('.');
    for (const conditions of Object.values(manifest.exports)) expect(Object.keys(conditions)).toEqual(expect.arrayContaining(['import', 'require']));
    // pnpm pack rewrites workspace:* to the version of the workspace package.
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      expect(name).toMatch(/^@tapegrad\//);
      expect(range).toBe(VERSION);
    }
  });
});

describe('a project outside the workspace, with the tarballs installed by npm', () => {
  it('type-checks the README quick start with tsc, as ESM (.mts) and as CommonJS (.cts)', () => {
    expect(typecheck.stdout).toBe('');
    expect(typecheck.ok).toBe(true);
    expect(readFileSync(join(project, 'out', 'quickstart.cjs'), 'utf8')).toMatch(/require\("@tapegrad\/core"\)/);
    expect(readFileSync(join(project, 'out', 'quickstart.mjs'), 'utf8')).toMatch(/from '@tapegrad\/core'/);
  });

  it('type-checks imports of every entry, @tapegrad/core/node and @tapegrad/nn/course included, under moduleResolution node10', async () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.node10.json'], { cwd: project, encoding: 'utf8' })
      .then(({ stdout }) => stdout, (e: { stdout: string }) => e.stdout);
    expect(result).toBe('');
  }, 60_000);

  it.each(['quickstart.mjs', 'quickstart.cjs'])('runs the quick start compiled to %s and prints what the README says', async (file) => {
    const { stdout } = await node(join('out', file));
    expect(stdout.trimEnd().split('\n')).toEqual(expectedOutput(quickStart));
  });

  it.each(['smoke.mjs', 'smoke.cjs'])('loads core, nn, nn/course and optim together in %s and trains', async (file) => {
    const { stdout } = await node(file);
    expect(stdout.trim()).toBe(SMOKE_OUTPUT);
  });

  it('recognises a tensor of the CommonJS build in the ESM build (isTensor, where instanceof fails), and computes with it', async () => {
    const { stdout } = await node('brand.mjs');
    expect(stdout.trim()).toBe('true false true true 2,3');
  });

  it('the published Tensor type documents its ops and hides the library\'s own helpers', () => {
    const dist = join(project, 'node_modules', '@tapegrad', 'core', 'dist');
    const declaring = readdirSync(dist).filter((f) => f.endsWith('.d.ts') && readFileSync(join(dist, f), 'utf8').includes('declare class Tensor'));
    expect(declaring).toHaveLength(1);
    const text = readFileSync(join(dist, declaring[0]!), 'utf8');
    const cls = text.slice(text.indexOf('declare class Tensor'), text.indexOf('\n}', text.indexOf('declare class Tensor')));
    for (const internal of ['_of(', '_alias(', '_markRequiresGrad(', '_onesLike(', '_zerosLike(', 'retainsGrad', '_isTensor']) expect(cls).not.toContain(internal);
    expect(cls).toMatch(/@example(?:(?!\*\/)[\s\S])*\*\/\s*add\(y: TensorLike\): Tensor;/);
  });

  it('resolved every @tapegrad package from the tarballs into node_modules, nothing from the workspace', () => {
    for (const pkg of PACKAGES) {
      const installed = JSON.parse(readFileSync(join(project, 'node_modules', '@tapegrad', pkg, 'package.json'), 'utf8')) as Manifest;
      expect(installed.version).toBe(VERSION);
      expect(existsSync(join(project, 'node_modules', '@tapegrad', pkg, 'src'))).toBe(false);
    }
  });
});
