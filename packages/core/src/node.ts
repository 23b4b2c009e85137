/**
 * `@tapegrad/core/node`: checkpoints and safetensors files on disk (Node only; the main entry
 * has no Node APIs, so that core runs in browsers). The functions live in io/files.ts.
 */
export { save, load, saveSafetensors, loadSafetensors, exists, writeFileAtomic } from './io/files.js';
export type { Checkpoint, TensorEntry } from './io/checkpoint.js';
