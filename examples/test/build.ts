/**
 * Builds what the browser and packaging tests need, only when it is out of date: the three
 * packages' dist/ (`pnpm build`) and the playground's dist/ (`vite build`). A lock folder
 * keeps two test files (run side by side by vitest) from building at once.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGES = ['core', 'nn', 'optim'] as const;
export const PLAYGROUND = join(ROOT, 'examples', 'playground');

const run = promisify(execFile);
const LOCK = join(ROOT, 'node_modules', '.cache', 'tapegrad-test-build.lock');
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 10 * 60_000;

/** The newest modification time of the files at `paths` (folders walked; node_modules and dist skipped). */
function newest(paths: readonly string[]): number {
  let latest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const stat = statSync(p);
    if (!stat.isDirectory()) latest = Math.max(latest, stat.mtimeMs);
    else {
      const entries = readdirSync(p).filter((e) => e !== 'node_modules' && e !== 'dist' && e !== 'test-results');
      latest = Math.max(latest, newest(entries.map((e) => join(p, e))));
    }
  }
  return latest;
}

/** The oldest modification time of `files`, 0 if one is missing. */
function oldest(files: readonly string[]): number {
  return files.every(existsSync) ? Math.min(...files.map((f) => statSync(f).mtimeMs)) : 0;
}

type Exports = Record<string, Record<string, string | Record<string, string>>>;

/**
 * The built files a package's package.json points to: every `import` and `require` entry of its
 * `exports` (types and code), relative to the package folder (`dist/index.js`, …).
 */
export function exportedFiles(manifest: { exports: Exports }): string[] {
  const files = Object.values(manifest.exports).flatMap((conditions) =>
    ['import', 'require'].flatMap((c) => {
      const target = conditions[c] ?? {};
      return typeof target === 'string' ? [target] : Object.values(target);
    }));
  return [...new Set(files)].map((f) => f.replace(/^\.\//, ''));
}

function distFiles(pkg: (typeof PACKAGES)[number]): string[] {
  const dir = join(ROOT, 'packages', pkg);
  return exportedFiles(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).map((f) => join(dir, f));
}

function packagesStale(): boolean {
  const sources = PACKAGES.flatMap((p) => ['src', 'package.json', 'tsup.config.ts'].map((f) => join(ROOT, 'packages', p, f)));
  return oldest(PACKAGES.flatMap(distFiles)) < newest([...sources, join(ROOT, 'tsconfig.base.json')]);
}

function playgroundStale(): boolean {
  const inputs = ['index.html', 'vite.config.ts', 'src'].map((f) => join(PLAYGROUND, f));
  const packages = PACKAGES.map((p) => join(ROOT, 'packages', p, 'dist'));
  const built = oldest([join(PLAYGROUND, 'dist', 'index.html')]);
  return built < newest([...inputs, join(ROOT, 'examples', 'lib', 'digits.ts')]) || built < newestIn(packages);
}

/** newest() for dist folders themselves (newest() skips folders named dist when walking). */
function newestIn(folders: readonly string[]): number {
  return Math.max(0, ...folders.filter(existsSync).flatMap((f) => readdirSync(f).map((e) => statSync(join(f, e)).mtimeMs)));
}

/** Runs `fn` while no other test file builds (or packs) the packages. */
export async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const MAX_BUFFER = 64 * 1024 * 1024;

/** `pnpm build` unless every package's dist/ is newer than its sources. */
export async function ensurePackagesBuilt(): Promise<void> {
  await withLock(async () => {
    if (!packagesStale()) return;
    await run('npx', ['-y', 'pnpm@12.4.2', 'build'], { cwd: ROOT, maxBuffer: MAX_BUFFER });
  });
}

/** The packages, then `vite build examples/playground` unless its dist/ is newer than its inputs; returns the dist folder. */
export async function ensurePlaygroundBuilt(): Promise<string> {
  await ensurePackagesBuilt();
  await withLock(async () => {
    if (!playgroundStale()) return;
    await run(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', PLAYGROUND, '--logLevel', 'warn'], { cwd: ROOT, maxBuffer: MAX_BUFFER });
  });
  return join(PLAYGROUND, 'dist');
}
