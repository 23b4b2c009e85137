// @ts-check
/**
 * TypeDoc for `pnpm docs`: the API reference of the three packages, from their JSDoc, into
 * docs/api/ (git-ignored). The entry points are what each package exports — the source file
 * behind every `exports` entry (its `@tapegrad/source` condition) — so a new entry is
 * documented without touching this file. This module is also a TypeDoc plugin (`load`) that
 * names each module as users import it (`@tapegrad/nn/course`) instead of by its path.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `core/src/node` (TypeDoc's name, from the path) → `@tapegrad/core/node` (the import). */
const importNames = new Map();
const entryPoints = ['core', 'nn', 'optim'].flatMap((pkg) => {
  const manifest = JSON.parse(readFileSync(new URL(`./packages/${pkg}/package.json`, import.meta.url), 'utf8'));
  return Object.entries(manifest.exports).map(([subpath, conditions]) => {
    const source = conditions['@tapegrad/source'].replace(/^\.\//, '');
    importNames.set(`${pkg}/${source.replace(/(\/index)?\.ts$/, '')}`, `@tapegrad/${pkg}${subpath.slice(1)}`);
    return `packages/${pkg}/${source}`;
  });
});

// NOTE: TypeDoc's constants by value (Converter.EVENT_RESOLVE_BEGIN, ReflectionKind.Module): typedoc
// is a devDependency of examples/, where `pnpm docs` runs it, so this file cannot import it.
const EVENT_RESOLVE_BEGIN = 'resolveBegin';
const MODULE_KIND = 2;

/** @param {any} app TypeDoc's Application */
export function load(app) {
  app.converter.on(EVENT_RESOLVE_BEGIN, (/** @type {any} */ context) => {
    for (const module of context.project.getReflectionsByKind(MODULE_KIND)) {
      module.name = importNames.get(module.name) ?? module.name;
    }
  });
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'tapegrad',
  entryPoints,
  plugin: [fileURLToPath(import.meta.url)],
  tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
  out: fileURLToPath(new URL('./docs/api', import.meta.url)),
  readme: fileURLToPath(new URL('./README.md', import.meta.url)),
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  disableSources: true,
  disableGit: true,
};
