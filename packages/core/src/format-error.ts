import { TapegradError } from './errors.js';

/**
 * Bytes that are not what they claim to be: a truncated or corrupt safetensors file, a
 * header with an implausible length, shape or offsets, a checkpoint of an unknown layout.
 * Thrown before anything large is allocated and before any model is changed.
 * @example
 *   try { decodeSafetensors(bytes); } catch (e) { if (e instanceof FormatError) console.log(e.message); }
 */
export class FormatError extends TapegradError {}
