/**
 * The playground as a browser user builds it: `@tapegrad/*` resolve through their package
 * exports to the built ESM files in dist/ (run `pnpm build` first), never to the TypeScript
 * sources that the repository's tests use through the `@tapegrad/source` condition.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/** Fails the build (or the dev server's request) if a package's source file is pulled in. */
function builtPackagesOnly(): Plugin {
  return {
    name: 'tapegrad-built-packages-only',
    load(id) {
      if (/[\\/]packages[\\/][^\\/]+[\\/]src[\\/]/.test(id)) {
        this.error(`the playground must use the packages' built dist/, but ${id} was imported: run \`pnpm build\`, and check resolve.conditions`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // Vite's own browser conditions, stated so that nobody adds '@tapegrad/source' here.
  resolve: { conditions: [...defaultClientConditions] },
  plugins: [builtPackagesOnly()],
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  preview: { host: '127.0.0.1', port: 4173 },
  server: { host: '127.0.0.1' },
});
