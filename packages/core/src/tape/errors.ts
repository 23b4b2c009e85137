/**
 * Every error tapegrad throws extends `TapegradError`, so callers can tell our
 * messages (which name the op and the shapes or values involved) from bugs.
 * @example
 *   try { a.matmul(b); } catch (e) { if (e instanceof ShapeError) console.log(e.message); }
 */
export class TapegradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: `matmul: cannot multiply [2,3] by [4,3]`. */
export class ShapeError extends TapegradError {}

/** An axis or index outside its range: `sum: axis 2 is out of range for a 2-d tensor`. */
export class IndexError extends TapegradError {}

/** An argument of the right kind with a bad value: negative sizes, NaN counts, non-numeric data. */
export class ValueError extends TapegradError {}

/** An argument of the wrong kind (from untyped JavaScript callers, for example). */
export class ArgumentError extends TapegradError {}

/** A dtype that an op does not accept: gradients of integer tensors, for example. */
export class DTypeError extends TapegradError {}

/** Misuse of the tape: backward on a tensor that needs no grad, twice through a freed graph. */
export class AutogradError extends TapegradError {}

/** A NaN or Infinity caught by anomaly mode (`detectAnomaly`), naming the op and where it was called. */
export class AnomalyError extends TapegradError {}

/**
 * Bytes that are not what they claim to be: a truncated or corrupt safetensors file, a
 * header with an implausible length, shape or offsets, a checkpoint of an unknown layout.
 * Thrown before anything large is allocated and before any model is changed.
 * @example
 *   try { decodeSafetensors(bytes); } catch (e) { if (e instanceof FormatError) console.log(e.message); }
 */
export class FormatError extends TapegradError {}
