import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/course.ts'],
  format: ['esm', 'cjs'],
  // NOTE: members marked @internal (the ops' own helpers) stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
