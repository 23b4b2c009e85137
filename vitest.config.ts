import { configDefaults, defineConfig } from 'vitest/config';
import { defaultServerConditions } from 'vite';
import { fileURLToPath } from 'node:url';

const root = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  ssr: { resolve: { conditions: ['@tapegrad/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@tapegrad/source'] },
  test: {
    // The JSON report is what .ci/run counts (vitest's own summary line is not a stable format).
    reporters: ['default', 'json'],
    outputFile: { json: fileURLToPath(new URL('./.ci/out/tests.json', import.meta.url)) },
    projects: [
      // --expose-gc: the memory tests (core's graphs, optim's training) measure the heap after a real collection.
      { extends: true as const, test: { name: 'core', root: root('./packages/core'), execArgv: ['--expose-gc'] } },
      { extends: true as const, test: { name: 'nn', root: root('./packages/nn') } },
      { extends: true as const, test: { name: 'optim', root: root('./packages/optim'), execArgv: ['--expose-gc'] } },
      // The playground has a project of its own (browser tests, with their own timeouts).
      { extends: true as const, test: { name: 'examples', root: root('./examples'), exclude: [...configDefaults.exclude, 'playground/**'] } },
      { extends: true as const, test: { name: 'bench', root: root('./bench') } },
      // Chromium (Debian's /usr/bin/chromium) driven by playwright-core; builds the packages and the page if stale.
      { extends: true as const, test: { name: 'playground', root: root('./examples/playground'), testTimeout: 90_000, hookTimeout: 300_000 } },
    ],
  },
});
