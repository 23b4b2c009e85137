import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  // NOTE: members marked @internal (the ops' own helpers) stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // One copy of the shared modules for both entries (index and node), in CJS too, so that a tensor
  // made by one entry and passed to the other shares one tape (grad mode, version counters) and
  // `instanceof Tensor` holds. (`isTensor` holds even across the ESM and CJS copies.)
  splitting: true,
});
