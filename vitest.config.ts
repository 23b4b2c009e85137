import { defineConfig } from 'vitest/config';
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
      // --expose-gc: the memory test measures the heap after a real collection.
      { extends: true as const, test: { name: 'core', root: root('./packages/core'), execArgv: ['--expose-gc'] } },
      { extends: true as const, test: { name: 'nn', root: root('./packages/nn') } },
      { extends: true as const, test: { name: 'optim', root: root('./packages/optim') } },
      { extends: true as const, test: { name: 'examples', root: root('./examples') } },
    ],
  },
});
