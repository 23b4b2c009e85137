/**
 * The Tensor: contiguous typed-array storage, a shape, a dtype, and — when it was
 * made by an op on tensors that require grad — the tape `node` that made it.
 * Every op is also a method here; the ops themselves live in ops/, grouped by family.
 */
import {
  TENSOR_BRAND, backward, bumpVersion, isGradEnabled, isTensor, moveVersion, noGrad, record, versionOf, type BackwardOptions, type Node,
} from './autograd.js';
import { allocate, copyInto, dtypeOf, fromSlab, slabSized, isDType, isFloat, type DType, type TypedArray } from './dtype.js';
import { ArgumentError, AutogradError, DTypeError, ShapeError, ValueError } from './errors.js';
import { formatRepr, formatTensor } from '../numpy/print.js';
import { checkShape, sameShape, sizeOf, type Shape } from './shapes.js';
import { fmt, show } from './messages.js';
import * as ew from '../ops/elementwise.js';
import * as act from '../ops/activation.js';
import * as red from '../ops/reduce.js';
import * as shp from '../ops/shape.js';
import * as mm from '../ops/matmul.js';
import * as idx from '../ops/indexing.js';
import * as arr from '../ops/arrange.js';
import * as srt from '../ops/sort.js';
import * as ein from '../ops/einsum.js';
import * as cls from '../ops/close.js';

/** Nested arrays of numbers, any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];
/** What every op accepts where a tensor is expected. */
export type TensorLike = Tensor | number | boolean | readonly NestedArray[] | TypedArray;
export type Axis = number | readonly number[];

export interface TensorOptions {
  /** Element type; default float64 (from a typed array: its own type). */
  dtype?: DType;
  /** Record ops on this tensor so that `backward` can fill its `.grad`. */
  requiresGrad?: boolean;
}

/** Marks a constructor call from inside the library (see `Tensor._of`). */
const TRUSTED: unique symbol = Symbol('trusted');

export class Tensor {
  /** @internal The storage of a tensor with no `_base`: perhaps a view into a shared slab (see `_slab`). */
  _arr: TypedArray;
  /** @internal The tensor whose storage this one shares (reshape, detach), or null. Always a root, never a view. */
  _base: Tensor | null = null;
  /** @internal `_arr` lies in a slab that other tensors share: it is copied out before a user sees it. */
  _slab: boolean;
  readonly shape: Shape;
  readonly dtype: DType;
  /** The op that made this tensor, or null for a leaf. */
  node: Node | null = null;
  /** An optional label, shown in messages and graphs. */
  name: string | undefined = undefined;
  /** @internal */
  retainsGrad = false;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`; the dtype is the typed array's.
   * Most code wants `tensor(...)` instead.
   * @example
   *   new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
   */
  constructor(data: TypedArray, shape: Shape, trusted?: typeof TRUSTED) {
    // Ops build their outputs from arrays and shapes they made themselves: only user calls are checked.
    if (trusted !== TRUSTED) {
      if (!isStorage(data) && !(data instanceof Uint8Array)) {
        throw new ArgumentError(`Tensor: data must be a Float64Array, Float32Array, Int32Array or Uint8Array (bool), got ${show(data)}`);
      }
      shape = checkShape('Tensor', shape);
      if (data instanceof Uint8Array) checkBoolStorage(data);
      if (sizeOf(shape) !== data.length) {
        throw new ValueError(`Tensor: shape ${fmt(shape)} holds ${sizeOf(shape)} elements but the data has ${data.length}`);
      }
    }
    this._arr = data;
    // NOTE: an op's output of slab size is taken to be in a slab (at worst one needless copy when a user
    // reads it); a user's own array is checked exactly, so `data` stays the very array they gave.
    this._slab = trusted === TRUSTED ? slabSized(data.byteLength) : fromSlab(data);
    this.shape = Object.freeze(shape); // readonly in the types, and in plain JavaScript too
    this.dtype = dtypeOf(data);
  }

  /** @internal An op's output: `data` and `shape` are the op's own, fresh and already consistent. */
  static _of(data: TypedArray, shape: Shape): Tensor {
    return new Tensor(data, shape, TRUSTED);
  }

  /** @internal A tensor of `shape` sharing the storage of `src` (a reshape, detach or alias). */
  static _view(src: Tensor, shape: Shape): Tensor {
    const base = src._base ?? src;
    const t = new Tensor(base._arr, shape, TRUSTED);
    t._base = base;
    t._slab = false; // only the base's flag counts
    return t;
  }

  /**
   * Row-major contiguous storage, this tensor's own (shared only with its reshapes and detached
   * copies): writing to it changes the tensor, bypassing the tape (call `bumpVersion` after), and
   * handing its buffer to a Worker affects no other tensor.
   * @example
   *   const d = tensor([1, 2]).data; // Float64Array [1, 2]
   *   postMessage(d.buffer, [d.buffer]); // transfers this tensor's own memory only
   */
  get data(): TypedArray {
    const base = this._base ?? this;
    // NOTE: small op results live in shared slabs (see dtype.ts); the first time a user sees
    // one it moves to memory of its own, so no user ever holds a view onto other tensors' values.
    if (base._slab) {
      const own = base._arr.slice();
      moveVersion(base._arr, own);
      base._arr = own;
      base._slab = false;
    }
    return base._arr;
  }

  /** @internal The storage for kernels: perhaps a slab view, so never handed to users (they get `data`). */
  get _data(): TypedArray {
    return this._base === null ? this._arr : this._base._arr;
  }

  /**
   * The gradient accumulated by `backward` (leaves, and tensors that called `retainGrad`).
   * Assigning checks, as PyTorch does: null, or a tensor of this tensor's shape and dtype.
   * @example
   *   w.grad = null; // what an optimizer's zeroGrad does
   */
  get grad(): Tensor | null {
    return this._grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!isTensor(g)) throw new ArgumentError(`grad: a gradient must be a Tensor or null, got ${show(g)}`);
      if (!sameShape(g.shape, this.shape)) {
        throw new ShapeError(`grad: a gradient of shape ${fmt(g.shape)} cannot be the gradient of a tensor of shape ${fmt(this.shape)}`);
      }
      if (g.dtype !== this.dtype) throw new DTypeError(`grad: a ${g.dtype} gradient cannot be the gradient of a ${this.dtype} tensor`);
    }
    this._grad = g;
  }

  /** The brand `isTensor` checks (a registered symbol, so it holds across copies of the library). */
  get [TENSOR_BRAND](): true {
    return true;
  }

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return this._data.length;
  }
  /** True for tensors made by the user rather than by an op on the tape. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(on: boolean) {
    if (on && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad: only float32 and float64 tensors can require grad, this one is ${this.dtype} of shape ${fmt(this.shape)}`);
    }
    if (!on && this.node !== null) {
      throw new ValueError(`requiresGrad: cannot turn off grad on a tensor made by '${this.node.op}'; use detach()`);
    }
    this._requiresGrad = on;
  }
  /** Sets `requiresGrad` and returns this tensor (PyTorch's `requires_grad_`). */
  requiresGrad_(on = true): this {
    this.requiresGrad = on;
    return this;
  }
  /** @internal */
  _markRequiresGrad(): void {
    this._requiresGrad = true;
  }

  /**
   * Reverse mode from this tensor: adds d(this)/d(leaf) into every leaf's `.grad`.
   * @example
   *   const x = tensor([1, 2], { requiresGrad: true });
   *   x.mul(x).sum().backward(); // x.grad = [2, 4]
   */
  backward(gradient?: TensorLike, opts: BackwardOptions = {}): void {
    if (opts === null || typeof opts !== 'object') throw new ArgumentError(`backward: options must be an object, got ${show(opts)}`);
    backward(this, gradient === undefined ? undefined : asTensor(gradient, this.dtype), opts);
  }
  /** Keep `.grad` on this non-leaf tensor too during backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }
  /** Sets `.grad` back to null. */
  zeroGrad(): void {
    this.grad = null;
  }
  // ---- in place (never recorded; each bumps the version so backward can catch a stale save) ----
  /** How many times this tensor's storage was modified in place. */
  get version(): number {
    return versionOf(this);
  }
  /**
   * Marks the storage as modified: call it after writing `.data` yourself, so that a
   * backward that saved this tensor earlier refuses to give a wrong gradient.
   * @example
   *   w.data[0] = 0; w.bumpVersion();
   */
  bumpVersion(): this {
    bumpVersion(this);
    return this;
  }
  /** Runs `write` on this tensor's storage, off the tape, and bumps its version. */
  private writeInPlace(op: string, write: () => void): this {
    if (this.requiresGrad && isGradEnabled()) {
      throw new AutogradError(
        `${op}: in-place ops are not recorded on the tape, so they are refused on a tensor that requires grad ` +
          `while grad mode is on; wrap the update in noGrad(() => …)`,
      );
    }
    noGrad(write);
    bumpVersion(this);
    return this;
  }
  /** Stores the result of an op on this tensor back into this tensor's storage. */
  private inPlace(op: string, fn: () => Tensor): this {
    return this.writeInPlace(op, () => {
      const result = fn();
      if (!sameShape(result.shape, this.shape)) {
        throw new ShapeError(`${op}: the result has shape ${fmt(result.shape)}, which does not fit in place into ${fmt(this.shape)}`);
      }
      // As numpy's casting='same_kind': numbers do not go into bool storage (it would hold 2 or 255).
      if (this.dtype === 'bool' && result.dtype !== 'bool') {
        throw new DTypeError(`${op}: the result is ${result.dtype}, which cannot be stored in place into a bool tensor of shape ${fmt(this.shape)}`);
      }
      this._data.set(result._data as ArrayLike<number>);
    });
  }
  /** Sets every element to `value`, in place. @example w.fill_(0); */
  fill_(value: number | boolean): this {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new ArgumentError(`fill_: value must be a number, got ${show(value)}`);
    const v = this.dtype === 'bool' ? (Number(value) !== 0 ? 1 : 0) : Number(value); // NaN fills a bool tensor with True, as numpy
    return this.writeInPlace('fill_', () => this._data.fill(v));
  }
  /** Sets every element to 0, in place. @example w.zero_(); */
  zero_(): this {
    return this.fill_(0);
  }
  /** Copies `src` (broadcast to this shape) into this tensor, in place. @example w.copy_(best); */
  copy_(src: TensorLike): this {
    return this.inPlace('copy_', () => shp.broadcastTo(asTensor(src, this.dtype), this.shape));
  }
  /** this += alpha·y, in place. @example noGrad(() => w.add_(w.grad!, -0.1)); */
  add_(y: TensorLike, alpha = 1): this {
    return this.inPlace('add_', () => ew.add(this, alpha === 1 ? y : ew.mul(asTensor(y, this.dtype), alpha)));
  }
  /** this −= alpha·y, in place. @example noGrad(() => w.sub_(w.grad!.mul(lr))); */
  sub_(y: TensorLike, alpha = 1): this {
    return this.inPlace('sub_', () => ew.sub(this, alpha === 1 ? y : ew.mul(asTensor(y, this.dtype), alpha)));
  }
  /** this ·= y, in place. @example noGrad(() => w.mul_(0.99)); */
  mul_(y: TensorLike): this {
    return this.inPlace('mul_', () => ew.mul(this, y));
  }
  /** this /= y, in place. @example noGrad(() => w.div_(2)); */
  div_(y: TensorLike): this {
    return this.inPlace('div_', () => ew.div(this, y));
  }


  // ---- conversion ----
  /** Nested arrays (a number for a 0-d tensor), like numpy's `tolist()`; a bool tensor gives booleans. */
  toArray(): NestedArray {
    const { shape } = this;
    const data: ArrayLike<number | boolean> = this.dtype === 'bool' ? Array.from(this._data, (v) => v !== 0) : this._data;
    if (shape.length === 0) return data[0]!;
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[dim]!;
      const inner = stride / n;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === shape.length - 1 ? data[offset + i]! : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, data.length);
  }
  /** The value of a one-element tensor as a number (a bool tensor gives 1 or 0; `toArray` gives true or false). */
  item(): number {
    if (this.size !== 1) throw new ValueError(`item: only a tensor of one element can be a number, this one has shape ${fmt(this.shape)}`);
    return this._data[0]!;
  }
  /** What `console.log(t)` shows in Node: numpy's repr style, `tensor([1., 2.])`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const repr = formatRepr(this._data, this.shape, this.dtype);
    return this.node !== null ? `${repr.slice(0, -1)}, gradFn=<${this.node.op}>)` : this.requiresGrad ? `${repr.slice(0, -1)}, requiresGrad=true)` : repr;
  }
  /** Prints like numpy's `print(a)`. */
  toString(): string {
    return formatTensor(this._data, this.shape, this.dtype);
  }
  /** A copy with its own storage, on the tape (its gradient flows back to this). */
  clone(): Tensor {
    return shp.clone(this);
  }
  /** The same storage, cut from the tape. */
  detach(): Tensor {
    return Tensor._view(this, this.shape);
  }
  /** A copy in another dtype (differentiable between float dtypes); to bool: true where nonzero (NaN included). */
  astype(dtype: DType): Tensor {
    return shp.astype(this, dtype);
  }
  /** @internal */
  _alias(): Tensor {
    return record('alias', [this], Tensor._view(this, this.shape), (g) => [g], []);
  }
  /** @internal */
  _onesLike(): Tensor {
    return Tensor._of(allocate(this.dtype, this.size).fill(1), this.shape);
  }
  /** @internal */
  _zerosLike(): Tensor {
    return Tensor._of(allocate(this.dtype, this.size), this.shape);
  }

  // ---- elementwise ----
  add(y: TensorLike): Tensor { return ew.add(this, y); }
  sub(y: TensorLike): Tensor { return ew.sub(this, y); }
  mul(y: TensorLike): Tensor { return ew.mul(this, y); }
  div(y: TensorLike): Tensor { return ew.div(this, y); }
  pow(y: TensorLike): Tensor { return ew.pow(this, y); }
  maximum(y: TensorLike): Tensor { return ew.maximum(this, y); }
  minimum(y: TensorLike): Tensor { return ew.minimum(this, y); }
  neg(): Tensor { return ew.neg(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  square(): Tensor { return ew.square(this); }
  abs(): Tensor { return ew.abs(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return ew.clamp(this, min, max); }
  where(cond: TensorLike, other: TensorLike): Tensor { return ew.where(cond, this, other); }
  eq(y: TensorLike): Tensor { return ew.eq(this, y); }
  ne(y: TensorLike): Tensor { return ew.ne(this, y); }
  lt(y: TensorLike): Tensor { return ew.lt(this, y); }
  le(y: TensorLike): Tensor { return ew.le(this, y); }
  gt(y: TensorLike): Tensor { return ew.gt(this, y); }
  ge(y: TensorLike): Tensor { return ew.ge(this, y); }
  /**
   * True where both are nonzero (bool, no gradient).
   * @example
   *   tensor([true, false]).logicalAnd(true); // [ True False]
   */
  logicalAnd(y: TensorLike): Tensor { return ew.logicalAnd(this, y); }
  /**
   * True where either is nonzero (bool, no gradient).
   * @example
   *   x.lt(0).logicalOr(x.isNaN()); // negative or NaN
   */
  logicalOr(y: TensorLike): Tensor { return ew.logicalOr(this, y); }
  /**
   * True where exactly one is nonzero (bool, no gradient).
   * @example
   *   tensor([true, true]).logicalXor(tensor([true, false])); // [False  True]
   */
  logicalXor(y: TensorLike): Tensor { return ew.logicalXor(this, y); }
  /**
   * True where this is zero (bool, no gradient).
   * @example
   *   tensor([true, false]).logicalNot(); // [False  True]
   */
  logicalNot(): Tensor { return ew.logicalNot(this); }
  /**
   * True where an element is NaN (bool).
   * @example
   *   tensor([1, NaN]).isNaN(); // [False  True]
   */
  isNaN(): Tensor { return ew.isNaN(this); }
  /**
   * True where an element is neither NaN nor ±Infinity (bool).
   * @example
   *   tensor([1, Infinity]).isFinite(); // [ True False]
   */
  isFinite(): Tensor { return ew.isFinite(this); }
  /**
   * True where an element is ±Infinity (bool).
   * @example
   *   tensor([1, -Infinity]).isInf(); // [False  True]
   */
  isInf(): Tensor { return ew.isInf(this); }

  // ---- activation ----
  tanh(): Tensor { return act.tanh(this); }
  sigmoid(): Tensor { return act.sigmoid(this); }
  relu(): Tensor { return act.relu(this); }
  step(): Tensor { return act.step(this); }
  softmax(axis = -1): Tensor { return act.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return act.logSoftmax(this, axis); }

  // ---- reduce ----
  sum(axis?: Axis | null, keepdims = false): Tensor { return red.sum(this, axis, keepdims); }
  mean(axis?: Axis | null, keepdims = false): Tensor { return red.mean(this, axis, keepdims); }
  max(axis?: Axis | null, keepdims = false): Tensor { return red.max(this, axis, keepdims); }
  min(axis?: Axis | null, keepdims = false): Tensor { return red.min(this, axis, keepdims); }
  logsumexp(axis?: Axis | null, keepdims = false): Tensor { return red.logsumexp(this, axis, keepdims); }
  argmax(axis?: number | null, keepdims = false): Tensor { return red.argmax(this, axis, keepdims); }
  argmin(axis?: number | null, keepdims = false): Tensor { return red.argmin(this, axis, keepdims); }

  // ---- matmul ----
  matmul(y: TensorLike): Tensor { return mm.matmul(this, y); }
  dot(y: TensorLike): Tensor { return mm.dot(this, y); }

  // ---- shape ----
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return shp.reshape(this, (shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : shape) as number[]);
  }
  flatten(): Tensor { return shp.reshape(this, [-1]); }
  transpose(axes?: readonly number[]): Tensor { return shp.transpose(this, axes); }
  /** All axes reversed, as numpy's `.T`. */
  get T(): Tensor { return shp.transpose(this); }
  /** The last two axes swapped (a batch of matrices transposed). */
  get mT(): Tensor { return shp.mT(this); }
  squeeze(axis?: Axis | null): Tensor { return shp.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return shp.unsqueeze(this, axis); }
  broadcastTo(shape: readonly number[]): Tensor { return shp.broadcastTo(this, shape); }
  slice(axis: number, start?: number | null, end?: number | null, step?: number): Tensor {
    return shp.slice(this, axis, start, end, step);
  }
  takeAlongAxis(indices: TensorLike, axis: number): Tensor { return shp.takeAlongAxis(this, indices, axis); }
  /** Joins this tensor and `others` along `axis`. @example a.concat([b], 0); // concat([a, b], 0) */
  concat(others: TensorLike | readonly TensorLike[], axis = 0): Tensor { return shp.concat([this, ...listOf(others)], axis); }
  /** Stacks this tensor and `others` along a new `axis`. @example a.stack([b]); // stack([a, b]) */
  stack(others: TensorLike | readonly TensorLike[], axis = 0): Tensor { return shp.stack([this, ...listOf(others)], axis); }
  /** Repeated along each axis (numpy's `tile`). @example tensor([1, 2]).tile(2); // [1, 2, 1, 2] */
  tile(reps: number | readonly number[]): Tensor { return arr.tile(this, reps); }
  /** Each element or slice repeated (numpy's `repeat`). @example tensor([1, 2]).repeat(2); // [1, 1, 2, 2] */
  repeat(repeats: number | readonly number[], axis?: number | null): Tensor { return arr.repeat(this, repeats, axis); }
  /** Padded (numpy's `pad`: 'constant', 'reflect', 'edge'). @example tensor([1, 2]).pad(1); // [0, 1, 2, 0] */
  pad(padWidth: number | readonly number[] | readonly (readonly number[])[], options?: arr.PadOptions): Tensor { return arr.pad(this, padWidth, options); }
  /** Cut into parts along `axis` (numpy's `split`). @example arange(6).split(3); // three tensors of 2 */
  split(indicesOrSections: number | readonly number[], axis = 0): Tensor[] { return arr.split(this, indicesOrSections, axis); }
  /** The slices along `axis`, that axis removed. @example x.unstack(); // x's rows */
  unstack(axis = 0): Tensor[] { return arr.unstack(this, axis); }
  /** Reversed along `axis` (every axis when omitted). @example tensor([1, 2, 3]).flip(); // [3, 2, 1] */
  flip(axis?: Axis | null): Tensor { return arr.flip(this, axis); }
  /** Rolled by `shift` along `axis` (numpy's `roll`). @example tensor([1, 2, 3]).roll(1); // [3, 1, 2] */
  roll(shift: number | readonly number[], axis?: Axis | null): Tensor { return arr.roll(this, shift, axis); }
  /** Axes a and b exchanged. @example ones([2, 3, 4]).swapaxes(0, 2); // shape [4, 3, 2] */
  swapaxes(a: number, b: number): Tensor { return arr.swapaxes(this, a, b); }
  /** Axes moved to new positions (numpy's `moveaxis`). @example ones([2, 3, 4]).moveaxis(0, -1); // shape [3, 4, 2] */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor { return arr.moveaxis(this, source, destination); }
  /** The lower triangle (on and below diagonal k). @example ones([2, 2]).tril(); // [[1, 0], [1, 1]] */
  tril(k = 0): Tensor { return arr.tril(this, k); }
  /** The upper triangle (on and above diagonal k). @example ones([2, 2]).triu(); // [[1, 1], [0, 1]] */
  triu(k = 0): Tensor { return arr.triu(this, k); }
  /** numpy's `diag`: 1-d to a diagonal matrix, 2-d to its diagonal. @example tensor([[1, 2], [3, 4]]).diag(); // [1, 4] */
  diag(k = 0): Tensor { return arr.diag(this, k); }
  /** The sum of diagonal k of a matrix. @example tensor([[1, 2], [3, 4]]).trace(); // 5 */
  trace(k = 0): Tensor { return arr.trace(this, k); }
  /** The outer product with y (both flattened). @example tensor([1, 2]).outer(tensor([3, 4])); // [[3, 4], [6, 8]] */
  outer(y: TensorLike): Tensor { return arr.outer(this, y); }

  // ---- indexing ----
  /** Slices along `axis` (numpy's `take`; flattened when omitted). @example x.take([2, 0], 0); // rows 2 and 0 */
  take(indices: TensorLike, axis?: number | null): Tensor { return idx.take(this, indices, axis); }
  /** A copy with `source`'s slices added at `indices` along `axis`. @example zeros([3]).indexAdd(0, [0, 0], tensor([1, 2])); // [3, 0, 0] */
  indexAdd(axis: number, indices: TensorLike, source: TensorLike): Tensor { return idx.indexAdd(this, axis, indices, source); }
  /** A copy with `values` written at `indices` along `axis`. @example zeros([1, 3]).putAlongAxis(tensor([[1]]), 5, 1); // [[0, 5, 0]] */
  putAlongAxis(indices: TensorLike, values: TensorLike, axis: number): Tensor { return idx.putAlongAxis(this, indices, values, axis); }
  /** `value` where the mask is nonzero. @example tensor([1, 2]).maskedFill(tensor([0, 1]), 0); // [1, 0] */
  maskedFill(mask: TensorLike, value: number): Tensor { return idx.maskedFill(this, mask, value); }
  /** The positions of nonzero elements, [count, ndim] int32. @example tensor([0, 3, 4]).nonzero(); // [[1], [2]] */
  nonzero(): Tensor { return idx.nonzero(this); }
  /** numpy's `x[mask]`. @example tensor([1, 2, 3]).booleanMask(tensor([1, 0, 1])); // [1, 3] */
  booleanMask(mask: TensorLike): Tensor { return idx.booleanMask(this, mask); }

  // ---- sorting ----
  /** Sorted along `axis`, stable. @example tensor([3, 1, 2]).sort(); // [1, 2, 3] */
  sort(axis = -1, options?: srt.SortOptions): Tensor { return srt.sort(this, axis, options); }
  /** The indices that sort along `axis` (int32). @example tensor([3, 1, 2]).argsort(); // [1, 2, 0] */
  argsort(axis = -1, options?: srt.SortOptions): Tensor { return srt.argsort(this, axis, options); }
  /** The k largest (or smallest) values and their indices. @example tensor([1, 5, 3]).topk(1).values; // [5] */
  topk(k: number, axis = -1, options?: srt.TopkOptions): { values: Tensor; indices: Tensor } { return srt.topk(this, k, axis, options); }

  // ---- einsum, closeness ----
  /** einsum with this tensor as the first operand. @example a.einsum('ij,jk->ik', b); // a.matmul(b) */
  einsum(subscripts: string, ...others: TensorLike[]): Tensor { return ein.einsum(subscripts, this, ...others); }
  /** numpy's `isclose` (bool, true where close). @example tensor([1]).isclose(tensor([1 + 1e-9])); // [true] */
  isclose(y: TensorLike, options?: cls.CloseOptions): Tensor { return cls.isclose(this, y, options); }
  /** numpy's `allclose`. @example tensor([1]).allclose(tensor([1 + 1e-9])); // true */
  allclose(y: TensorLike, options?: cls.CloseOptions): boolean { return cls.allclose(this, y, options); }
}

/** A method's `others`: one tensor-like or an array of them. */
function listOf(others: TensorLike | readonly TensorLike[]): readonly TensorLike[] {
  return Array.isArray(others) && (others.length === 0 || !isNumberRow(others)) ? (others as readonly TensorLike[]) : [others as TensorLike];
}
/** A flat array of numbers is one tensor's data, not a list of tensors. */
function isNumberRow(v: readonly unknown[]): boolean {
  return v.every((e) => typeof e === 'number' || typeof e === 'boolean');
}

// ---------------------------------------------------------------------------
// Creation from user data

function isStorage(data: unknown): data is Float64Array | Float32Array | Int32Array {
  return data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array;
}

/** numpy's limit on the number of axes; it also bounds the recursion that reads nested arrays. */
const MAX_DIMS = 64;

function inferShape(op: string, data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    if (shape.length === MAX_DIMS) throw new ValueError(`${op}: the data is nested more than ${MAX_DIMS} levels deep; a tensor has at most ${MAX_DIMS} axes`);
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0] as NestedArray;
  }
  return shape;
}

/** A user's Uint8Array as bool storage: it must hold only 0 and 1. */
function checkBoolStorage(data: Uint8Array): void {
  const bad = data.findIndex((v) => v > 1);
  if (bad >= 0) throw new ValueError(`Tensor: a Uint8Array is bool storage and must hold only 0 and 1, found ${data[bad]} at flat index ${bad}`);
}

/** The first number or boolean in nested arrays (undefined when there is none): booleans alone make a bool tensor. */
function firstLeaf(data: NestedArray): NestedArray | undefined {
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    if (cur.length === 0) return undefined;
    cur = cur[0] as NestedArray;
  }
  return cur;
}

/** False for NaN, ±∞ and numbers that an Int32Array would wrap around. */
function inInt32Range(v: number): boolean {
  return v >= -0x80000000 && v < 0x80000000;
}

/** Thrown by fillFlat when booleans are followed by a number: the data is then read again as float64. */
const MIXED = new Error('mixed booleans and numbers');

function fillFlat(op: string, data: NestedArray, shape: number[], out: TypedArray, onlyBooleans = false): void {
  let k = 0;
  const visit = (v: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new ValueError(`${op}: ragged nested arrays — expected a number at depth ${dim}, found an array (shape so far ${fmt(shape)})`);
      const num = typeof v === 'boolean' ? (v ? 1 : 0) : v;
      if (typeof num !== 'number') {
        throw new ValueError(`${op}: data must be numbers, found ${v === null ? 'null' : typeof v} (${show(v)})`);
      }
      if (out instanceof Uint8Array) {
        if (onlyBooleans && typeof v !== 'boolean') throw MIXED;
        out[k++] = num !== 0 ? 1 : 0; // numpy's bool(v): NaN is True
        return;
      }
      // NOTE: as numpy, NaN, ±∞ and values beyond int32 are refused rather than wrapped silently.
      if (out instanceof Int32Array && !inInt32Range(num)) throw new ValueError(`${op}: ${num} cannot be stored as int32`);
      out[k++] = num;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ValueError(
        `${op}: ragged nested arrays — expected ${shape[dim]} elements at depth ${dim}, found ${Array.isArray(v) ? v.length : 'a number'}`,
      );
    }
    for (let i = 0; i < v.length; i++) visit(v[i] as NestedArray, dim + 1);
  };
  visit(data, 0);
}

function checkDType(op: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype ${show(dtype)}; use 'float64', 'float32', 'int32' or 'bool'`);
  return dtype;
}

/** @internal Checks `{ dtype, requiresGrad }` from untyped callers (the dtype stays undefined when not given). */
export function checkOptions(op: string, options: unknown): { dtype: DType | undefined; requiresGrad: boolean } {
  if (options === undefined) return { dtype: undefined, requiresGrad: false };
  if (options === null || typeof options !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${show(options)}`);
  const { dtype, requiresGrad } = options as TensorOptions;
  return { dtype: checkDType(op, dtype), requiresGrad: Boolean(requiresGrad) };
}

/**
 * A copy of a typed array (any numeric kind) as `dtype`, or of its own kind when `dtype` is not given.
 * NOTE: a bare Uint8Array is bytes (image pixels, say), not bool: it becomes float64 like other typed arrays.
 */
function fromTypedArray(op: string, data: ArrayBufferView, dtype: DType | undefined): TypedArray {
  if (data instanceof DataView || data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw new ArgumentError(`${op}: data must be numbers; a ${data.constructor.name} is not supported`);
  }
  const src = data as unknown as ArrayLike<number>;
  const arr = allocate(dtype ?? (isStorage(data) ? dtypeOf(data) : 'float64'), src.length);
  copyInto(arr, src);
  return arr;
}

function fromNested(op: string, data: NestedArray, given: DType | undefined, shape: readonly number[] | undefined): Tensor {
  const inferred = inferShape(op, data);
  // Without a dtype: bool when the data are booleans only (numpy's rule), float64 otherwise.
  const onlyBooleans = given === undefined && typeof firstLeaf(data) === 'boolean';
  let arr = allocate(given ?? (onlyBooleans ? 'bool' : 'float64'), sizeOf(inferred));
  try {
    fillFlat(op, data, inferred, arr, onlyBooleans);
  } catch (e) {
    if (e !== MIXED) throw e;
    arr = allocate('float64', sizeOf(inferred));
    fillFlat(op, data, inferred, arr);
  }
  // NOTE: a given shape may only re-read flat data (or a number); nested data keeps its own shape.
  if (shape !== undefined && inferred.length > 1 && fmt(shape) !== fmt(inferred)) {
    throw new ValueError(`${op}: shape ${fmt(shape)} does not match the data's shape ${fmt(inferred)}`);
  }
  return withShape(op, arr, shape ?? inferred);
}

function withShape(op: string, arr: TypedArray, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== arr.length) {
    throw new ValueError(`${op}: shape ${fmt(shape)} needs ${sizeOf(shape)} elements but the data has ${arr.length}`);
  }
  return new Tensor(arr, shape);
}

/**
 * Makes a tensor from a number, nested arrays, a flat array or a typed array (copied).
 * @example
 *   const W = tensor([[0.1, 0.2], [0.3, 0.4]], { requiresGrad: true });
 *   const v = tensor(new Float32Array(6), { shape: [2, 3] });
 */
export function tensor(data: TensorLike, options: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  const op = 'tensor';
  const { dtype, requiresGrad } = checkOptions(op, options);
  const shape = options.shape === undefined ? undefined : checkShape(op, options.shape);
  let out: Tensor;
  if (isTensor(data)) {
    out = withShape(op, fromTypedArray(op, data._data, dtype ?? data.dtype), shape ?? data.shape);
  } else if (ArrayBuffer.isView(data)) {
    const arr = fromTypedArray(op, data, dtype);
    out = withShape(op, arr, shape ?? [arr.length]);
  } else if (typeof data === 'number' || typeof data === 'boolean' || Array.isArray(data)) {
    out = fromNested(op, data as NestedArray, dtype, shape);
  } else {
    throw new ArgumentError(
      `${op}: data must be a number, nested arrays, a typed array or a Tensor, got ${data === null ? 'null' : typeof data}`,
    );
  }
  if (requiresGrad) out.requiresGrad = true;
  return out;
}

/**
 * @internal Turns an op's argument into a tensor. A plain number takes the dtype of the
 * tensor it meets (numpy's weak scalars: float32 stays float32); an integer meeting int32 stays int32;
 * meeting bool, an integer is int32 and a fraction float64 (`true + 1.5` is 2.5). A plain
 * boolean is a bool tensor, which promotes to whatever it meets.
 */
export function asTensor(v: TensorLike, like?: DType): Tensor {
  if (isTensor(v)) return v;
  if (typeof v === 'boolean') {
    const arr = allocate('bool', 1);
    arr[0] = v ? 1 : 0;
    return new Tensor(arr, []);
  }
  if (typeof v === 'number') {
    const num = v;
    const wholeInt32 = Number.isInteger(num) && inInt32Range(num);
    const dtype: DType = like === undefined || (like === 'int32' && !wholeInt32) ? 'float64'
      : like === 'bool' ? (wholeInt32 ? 'int32' : 'float64') : like;
    const arr = allocate(dtype, 1);
    arr[0] = num;
    return new Tensor(arr, []);
  }
  return tensor(v);
}
