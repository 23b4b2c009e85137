/**
 * Every property test, run deeper: `pnpm test:stress` (TAPEGRAD_STRESS=100 for 100×; 20× by default).
 * Each run draws new seeds, so a property that fails once in 2,000 samples passes CI most days; run this before
 * landing a new property or a new tolerance. It found the numeric gradient's rounding at logcumsumexp(x + 500)
 * and adaptiveAvgPool2d's unchecked output size, each once in 10,000+ samples.
 */
import { defineConfig, type Plugin } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import base from './vitest.config.js';

const wrapper = fileURLToPath(new URL('./vitest.stress.fast-check.ts', import.meta.url));

/** Tests that import fast-check get the wrapper; the wrapper itself gets fast-check. */
const deeper: Plugin = {
  name: 'tapegrad-stress',
  enforce: 'pre',
  resolveId(source, importer) {
    return source === 'fast-check' && importer !== wrapper ? wrapper : null;
  },
};

export default defineConfig({
  ...base,
  plugins: [deeper],
  test: {
    ...base.test,
    // The playground's browser tests and the benchmarks' have no properties worth the time here.
    projects: base.test!.projects!.filter((p) => typeof p === 'object' && 'test' in p && !['playground', 'bench'].includes(String(p.test?.name))),
    testTimeout: 3_600_000,
    outputFile: { json: fileURLToPath(new URL('./.ci/out/stress.json', import.meta.url)) },
  },
});
