/** fast-check with every `fc.assert`'s numRuns multiplied by TAPEGRAD_STRESS (20 by default): see vitest.stress.config.ts. */
import * as fc from 'fast-check';

export * from 'fast-check';

const scale = Number(process.env.TAPEGRAD_STRESS ?? 20);

/** fc.assert, `scale` times as many runs (fast-check's default is 100). */
export function assert<Ts extends [unknown?, ...unknown[]]>(property: fc.IRawProperty<Ts>, params: fc.Parameters<Ts> = {}): ReturnType<typeof fc.assert> {
  return fc.assert(property as never, { ...params, numRuns: (params.numRuns ?? 100) * scale } as never) as never;
}

export default { ...fc, assert };
