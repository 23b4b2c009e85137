/**
 * The Tensor: contiguous typed-array storage, a shape, a dtype, and — when it was
 * made by an op on tensors that require grad — the tape `node` that made it.
 * Every op is also a method here; the ops themselves live in ops/, grouped by family.
 */
import {
  TENSOR_BRAND, backward, bumpVersion, isGradEnabled, isTensor, moveVersion, noGrad, record, versionOf, type BackwardOptions, type Node,
} from './autograd.js';
import { allocate, copyAs, dtypeOf, fromSlab, markSeen, slabSized, isDType, isFloat, type DType, type TypedArray } from './dtype.js';
import { ArgumentError, AutogradError, DTypeError, ShapeError, ValueError } from './errors.js';
import { formatRepr, formatTensor } from '../numpy/print.js';
import { checkShape, sameShape, sizeOf, type Shape } from './shapes.js';
import { fmt, show } from './messages.js';
import * as ew from '../ops/elementwise.js';
import * as act from '../ops/activation.js';
import * as red from '../ops/reduce.js';
import * as shp from '../ops/shape.js';
import * as mm from '../ops/matmul.js';
import * as mth from '../ops/math.js';
import * as st from '../ops/statistics.js';
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

/** Marks a constructor call from inside the library (see `Tensor._of`)… */
const TRUSTED: unique symbol = Symbol('trusted');
/** …whose shape is another tensor's, frozen already (see `Tensor._like`). */
const SHARED_SHAPE: unique symbol = Symbol('shared shape');

export class Tensor {
  /** @internal The storage of a tensor with no `_base`: perhaps a view into a shared slab (see `_slab`). */
  _arr: TypedArray;
  /** @internal The tensor whose storage this one shares (reshape, detach), or null. Always a root, never a view. */
  _base: Tensor | null = null;
  /** @internal `_arr` lies in a slab that other tensors share: it is copied out before a user sees it. */
  _slab: boolean;
  /** The size of each axis, frozen. @example tensor([[1, 2, 3]]).shape; // [1, 3] */
  readonly shape: Shape;
  /** The element type: 'float64', 'float32' or 'int32'. @example tensor([1]).dtype; // 'float64' */
  readonly dtype: DType;
  /** The op that made this tensor, or null for a leaf. @example w.mul(3).node?.op; // 'mul' */
  node: Node | null = null;
  /** An optional label, shown in messages and graphs. @example w.name = 'W1'; */
  name: string | undefined = undefined;
  /** @internal */
  retainsGrad = false;
  /** @internal The mark of the last graph walk that reached this tensor (see `postOrder`)… */
  _seen: object | null = null;
  /** @internal …and its place in that walk's order. */
  _at = 0;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`; the dtype is the typed array's.
   * Most code wants `tensor(...)` instead.
   * @example
   *   new Tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
   */
  constructor(data: TypedArray, shape: Shape, trusted?: typeof TRUSTED | typeof SHARED_SHAPE) {
    // Ops build their outputs from arrays and shapes they made themselves: only user calls are checked.
    if (trusted === undefined) {
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
    this._slab = trusted === undefined ? fromSlab(data) : slabSized(data.byteLength);
    // Readonly in the types, and in plain JavaScript too. NOTE: Object.freeze costs a call into the
    // engine even on a frozen array (tens of ns, per op), so a shared shape is not frozen again.
    this.shape = trusted === SHARED_SHAPE ? shape : Object.freeze(shape);
    this.dtype = dtypeOf(data);
  }

  /** @internal An op's output: `data` and `shape` are the op's own, fresh and already consistent. */
  static _of(data: TypedArray, shape: Shape): Tensor {
    return new Tensor(data, shape, TRUSTED);
  }

  /** @internal An op's output of the shape of `like`, which it shares (elementwise ops). */
  static _like(data: TypedArray, like: Tensor): Tensor {
    return new Tensor(data, like.shape, SHARED_SHAPE);
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
    markSeen(base._arr);
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

  /** @internal The brand `isTensor` checks (a registered symbol, so it holds across copies of the library). */
  get [TENSOR_BRAND](): true {
    return true;
  }

  /** The number of axes. @example tensor([[1, 2]]).ndim; // 2 */
  get ndim(): number {
    return this.shape.length;
  }
  /** The number of elements. @example tensor([[1, 2]]).size; // 2 */
  get size(): number {
    return this._data.length;
  }
  /** True for tensors made by the user rather than by an op on the tape. @example x.mul(2).isLeaf; // false */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /**
   * Whether ops on this tensor are recorded so that `backward` fills its `.grad` (float dtypes only).
   * @example
   *   const w = tensor([1, 2]); w.requiresGrad = true;
   */
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
  /** Sets `requiresGrad` and returns this tensor (PyTorch's `requires_grad_`). @example const w = randn([2, 3]).requiresGrad_(); */
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
  /** Keep `.grad` on this non-leaf tensor too during backward. @example const h = x.mul(2).retainGrad(); */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }
  /** Sets `.grad` back to null. @example w.zeroGrad(); */
  zeroGrad(): void {
    this.grad = null;
  }
  // ---- in place (never recorded; each bumps the version so backward can catch a stale save) ----
  /** How many times this tensor's storage was modified in place. @example w.fill_(0).version; // 1 */
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
  /**
   * Nested arrays (a number for a 0-d tensor), like numpy's `tolist()`; a bool tensor gives booleans. Name the
   * type you know the tensor has to use it without a cast (the shape is not known to the type checker).
   * @example
   *   tensor([[1, 2], [3, 4]]).toArray<number[][]>().map((row) => row[0]); // [1, 3]
   */
  toArray<T extends NestedArray = NestedArray>(): T {
    const { shape } = this;
    const data: ArrayLike<number | boolean> = this.dtype === 'bool' ? Array.from(this._data, (v) => v !== 0) : this._data;
    if (shape.length === 0) return data[0]! as T;
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[dim]!;
      const inner = stride / n;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === shape.length - 1 ? data[offset + i]! : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, data.length) as unknown as T;
  }
  /**
   * What `JSON.stringify` writes: the values as nested arrays, as `toArray()` (NaN and ±Infinity become null, as JSON has no such numbers).
   * @example
   *   JSON.stringify({ w: tensor([[1, 2]]) }); // '{"w":[[1,2]]}'
   */
  toJSON(): NestedArray {
    return this.toArray();
  }
  /** The value of a one-element tensor as a number (a bool tensor gives 1 or 0; `toArray` gives true or false). @example tensor([[3]]).item(); // 3 */
  item(): number {
    if (this.size !== 1) throw new ValueError(`item: only a tensor of one element can be a number, this one has shape ${fmt(this.shape)}`);
    return this._data[0]!;
  }
  /** What `console.log(t)` shows in Node: numpy's repr style. @example console.log(tensor([1, 2])); // tensor([1., 2.]) */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const repr = formatRepr(this._data, this.shape, this.dtype);
    return this.node !== null ? `${repr.slice(0, -1)}, gradFn=<${this.node.op}>)` : this.requiresGrad ? `${repr.slice(0, -1)}, requiresGrad=true)` : repr;
  }
  /** Prints like numpy's `print(a)`. @example tensor([1, 2]).toString(); // '[1. 2.]' */
  toString(): string {
    return formatTensor(this._data, this.shape, this.dtype);
  }
  /** A copy with its own storage, on the tape (its gradient flows back to this). @example const saved = w.clone(); */
  clone(): Tensor {
    return shp.clone(this);
  }
  /** The same storage, cut from the tape. @example const y = model.forward(x).detach(); // no grad flows back */
  detach(): Tensor {
    return Tensor._view(this, this.shape);
  }
  /** A copy in another dtype (differentiable between float dtypes); to bool: true where nonzero (NaN included). @example tensor([1.7]).astype('int32'); // [1] */
  astype(dtype: DType): Tensor {
    return shp.astype(this, dtype);
  }
  /** @internal */
  _alias(): Tensor {
    return record('alias', [this], Tensor._view(this, this.shape), (g) => [g], []);
  }
  /** @internal */
  _onesLike(): Tensor {
    return Tensor._like(allocate(this.dtype, this.size).fill(1), this);
  }
  /** @internal */
  _zerosLike(): Tensor {
    return Tensor._like(allocate(this.dtype, this.size), this);
  }

  // ---- elementwise ----
  /**
   * Elementwise `this + y`, broadcast by numpy's rules.
   * @example
   *   tensor([1, 2]).add(10); // [11, 12]
   */
  add(y: TensorLike): Tensor { return ew.add(this, y); }
  /**
   * Elementwise `this − y`, broadcast.
   * @example
   *   tensor([1, 2]).sub([[1], [2]]); // [[0, 1], [-1, 0]]
   */
  sub(y: TensorLike): Tensor { return ew.sub(this, y); }
  /**
   * Elementwise `this · y`, broadcast.
   * @example
   *   tensor([1, 2]).mul(3); // [3, 6]
   */
  mul(y: TensorLike): Tensor { return ew.mul(this, y); }
  /**
   * Elementwise `this / y`, broadcast.
   * @example
   *   tensor([1, 2]).div(4); // [0.25, 0.5]
   */
  div(y: TensorLike): Tensor { return ew.div(this, y); }
  /**
   * Elementwise `this ** y`, broadcast.
   * @example
   *   tensor([2, 3]).pow(2); // [4, 9]
   */
  pow(y: TensorLike): Tensor { return ew.pow(this, y); }
  /**
   * Elementwise larger of `this` and `y`, broadcast (numpy's `maximum`).
   * @example
   *   tensor([-1, 2]).maximum(0); // [0, 2]
   */
  maximum(y: TensorLike): Tensor { return ew.maximum(this, y); }
  /**
   * Elementwise smaller of `this` and `y`, broadcast (numpy's `minimum`).
   * @example
   *   tensor([-1, 2]).minimum(0); // [-1, 0]
   */
  minimum(y: TensorLike): Tensor { return ew.minimum(this, y); }
  /**
   * Elementwise `−this`.
   * @example
   *   tensor([1, -2]).neg(); // [-1, 2]
   */
  neg(): Tensor { return ew.neg(this); }
  /**
   * Elementwise e to the power of each element.
   * @example
   *   tensor([0, 1]).exp(); // [1, 2.71828183]
   */
  exp(): Tensor { return ew.exp(this); }
  /**
   * Elementwise natural logarithm.
   * @example
   *   tensor([1, Math.E]).log(); // [0, 1]
   */
  log(): Tensor { return ew.log(this); }
  /**
   * Elementwise square root.
   * @example
   *   tensor([4, 9]).sqrt(); // [2, 3]
   */
  sqrt(): Tensor { return ew.sqrt(this); }
  /**
   * Elementwise `this²`.
   * @example
   *   tensor([-2, 3]).square(); // [4, 9]
   */
  square(): Tensor { return ew.square(this); }
  /**
   * Elementwise absolute value.
   * @example
   *   tensor([-2, 3]).abs(); // [2, 3]
   */
  abs(): Tensor { return ew.abs(this); }
  /**
   * Each element limited to [min, max] (null or omitted: no bound on that side).
   * @example
   *   tensor([-2, 0.5, 3]).clamp(0, 1); // [0, 0.5, 1]
   */
  clamp(min?: number | null, max?: number | null): Tensor { return ew.clamp(this, min, max); }
  /**
   * `this` where `cond` is true (or non-zero), else `other`, broadcast (numpy's `where(cond, this, other)`).
   * @example
   *   tensor([1, 2]).where([true, false], 0); // [1, 0]
   */
  where(cond: TensorLike, other: TensorLike): Tensor { return ew.where(cond, this, other); }
  /**
   * Elementwise `this == y`, a bool tensor (no gradient).
   * @example
   *   tensor([1, 2]).eq(2); // [false, true]
   */
  eq(y: TensorLike): Tensor { return ew.eq(this, y); }
  /**
   * Elementwise `this != y`, a bool tensor (no gradient).
   * @example
   *   tensor([1, 2]).ne(2); // [true, false]
   */
  ne(y: TensorLike): Tensor { return ew.ne(this, y); }
  /**
   * Elementwise `this < y`, a bool tensor (no gradient).
   * @example
   *   tensor([1, 2]).lt(2); // [true, false]
   */
  lt(y: TensorLike): Tensor { return ew.lt(this, y); }
  /**
   * Elementwise `this <= y`, a bool tensor (no gradient).
   * @example
   *   tensor([1, 2]).le(2); // [true, true]
   */
  le(y: TensorLike): Tensor { return ew.le(this, y); }
  /**
   * Elementwise `this > y`, a bool tensor (no gradient).
   * @example
   *   tensor([1, 2]).gt(1); // [false, true]
   */
  gt(y: TensorLike): Tensor { return ew.gt(this, y); }
  /**
   * Elementwise `this >= y`, a bool tensor (no gradient).
   * @example
   *   tensor([1, 2]).ge(1); // [true, true]
   */
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
  /**
   * Elementwise hyperbolic tangent.
   * @example
   *   tensor([0]).tanh(); // [0]
   */
  tanh(): Tensor { return act.tanh(this); }
  /**
   * Elementwise `1 / (1 + e^−x)`, without overflow for large |x|.
   * @example
   *   tensor([0]).sigmoid(); // [0.5]
   */
  sigmoid(): Tensor { return act.sigmoid(this); }
  /**
   * Elementwise `max(0, x)` (gradient 0 at 0).
   * @example
   *   tensor([-1, 2]).relu(); // [0, 2]
   */
  relu(): Tensor { return act.relu(this); }
  /**
   * Elementwise step function: 1 where x > 0, else 0 (gradient 0).
   * @example
   *   tensor([-1, 2]).step(); // [0, 1]
   */
  step(): Tensor { return act.step(this); }
  /**
   * Softmax along `axis` (default the last), stable for large inputs.
   * @example
   *   tensor([1, 2, 3]).softmax(); // [0.09003057, 0.24472847, 0.66524096]
   */
  softmax(axis = -1): Tensor { return act.softmax(this, axis); }
  /**
   * Log of the softmax along `axis` (default the last), computed stably.
   * @example
   *   tensor([0, 0]).logSoftmax(); // [-0.69314718, -0.69314718]
   */
  logSoftmax(axis = -1): Tensor { return act.logSoftmax(this, axis); }

  // ---- reduce ----
  /**
   * Sum over `axis` (one, several, or all when omitted), as numpy's `sum`.
   * @example
   *   tensor([[1, 2], [3, 4]]).sum(0); // [4, 6]
   */
  sum(axis?: Axis | null, keepdims = false): Tensor { return red.sum(this, axis, keepdims); }
  /**
   * Mean over `axis` (all when omitted).
   * @example
   *   tensor([[1, 2], [3, 4]]).mean(1); // [1.5, 3.5]
   */
  mean(axis?: Axis | null, keepdims = false): Tensor { return red.mean(this, axis, keepdims); }
  /**
   * Largest element over `axis` (all when omitted).
   * @example
   *   tensor([[1, 5], [3, 4]]).max(0); // [3, 5]
   */
  max(axis?: Axis | null, keepdims = false): Tensor { return red.max(this, axis, keepdims); }
  /**
   * Smallest element over `axis` (all when omitted).
   * @example
   *   tensor([[1, 5], [3, 4]]).min(1); // [1, 3]
   */
  min(axis?: Axis | null, keepdims = false): Tensor { return red.min(this, axis, keepdims); }
  /**
   * `log(sum(exp(x)))` over `axis`, computed stably.
   * @example
   *   tensor([0, 0]).logsumexp(); // 0.69314718
   */
  logsumexp(axis?: Axis | null, keepdims = false): Tensor { return red.logsumexp(this, axis, keepdims); }
  /**
   * Index of the largest element along `axis` (of the flattened tensor when omitted), int32.
   * @example
   *   tensor([[1, 5], [3, 4]]).argmax(1); // [1, 1]
   */
  argmax(axis?: number | null, keepdims = false): Tensor { return red.argmax(this, axis, keepdims); }
  /**
   * Index of the smallest element along `axis` (of the flattened tensor when omitted), int32.
   * @example
   *   tensor([[1, 5], [3, 4]]).argmin(0); // [0, 1]
   */
  argmin(axis?: number | null, keepdims = false): Tensor { return red.argmin(this, axis, keepdims); }

  // ---- elementwise math (ops/math.ts) ----
  /** Largest integer ≤ each value (zero gradient). @example tensor([-1.5, 1.5]).floor(); // [-2, 1] */
  floor(): Tensor { return mth.floor(this); }
  /** Smallest integer ≥ each value (zero gradient). @example tensor([-1.5, 1.5]).ceil(); // [-1, 2] */
  ceil(): Tensor { return mth.ceil(this); }
  /** Nearest integer, halves to even as numpy (zero gradient). @example tensor([0.5, 1.5]).round(); // [0, 2] */
  round(): Tensor { return mth.round(this); }
  /** Rounded toward 0 (zero gradient). @example tensor([-1.5, 1.5]).trunc(); // [-1, 1] */
  trunc(): Tensor { return mth.trunc(this); }
  /** −1, 0 or 1; NaN stays NaN as numpy (zero gradient). @example tensor([-2, 0, 3]).sign(); // [-1, 0, 1] */
  sign(): Tensor { return mth.sign(this); }
  /** Sine. @example tensor([0]).sin(); // [0] */
  sin(): Tensor { return mth.sin(this); }
  /** Cosine. @example tensor([0]).cos(); // [1] */
  cos(): Tensor { return mth.cos(this); }
  /** Tangent. @example tensor([0]).tan(); // [0] */
  tan(): Tensor { return mth.tan(this); }
  /** Inverse sine. @example tensor([1]).asin(); // [1.57079633] */
  asin(): Tensor { return mth.asin(this); }
  /** Inverse cosine. @example tensor([1]).acos(); // [0] */
  acos(): Tensor { return mth.acos(this); }
  /** Inverse tangent. @example tensor([1]).atan(); // [0.78539816] */
  atan(): Tensor { return mth.atan(this); }
  /** Hyperbolic sine. @example tensor([0]).sinh(); // [0] */
  sinh(): Tensor { return mth.sinh(this); }
  /** Hyperbolic cosine. @example tensor([0]).cosh(); // [1] */
  cosh(): Tensor { return mth.cosh(this); }
  /** Inverse hyperbolic sine. @example tensor([0]).asinh(); // [0] */
  asinh(): Tensor { return mth.asinh(this); }
  /** Inverse hyperbolic cosine. @example tensor([1]).acosh(); // [0] */
  acosh(): Tensor { return mth.acosh(this); }
  /** Inverse hyperbolic tangent. @example tensor([0]).atanh(); // [0] */
  atanh(): Tensor { return mth.atanh(this); }
  /** 1 / x. @example tensor([2]).reciprocal(); // [0.5] */
  reciprocal(): Tensor { return mth.reciprocal(this); }
  /** 1 / √x. @example tensor([4]).rsqrt(); // [0.5] */
  rsqrt(): Tensor { return mth.rsqrt(this); }
  /** log(1 + x), accurate for tiny x. @example tensor([0]).log1p(); // [0] */
  log1p(): Tensor { return mth.log1p(this); }
  /** eˣ − 1, accurate for tiny x. @example tensor([0]).expm1(); // [0] */
  expm1(): Tensor { return mth.expm1(this); }
  /** Base-2 logarithm. @example tensor([8]).log2(); // [3] */
  log2(): Tensor { return mth.log2(this); }
  /** Base-10 logarithm. @example tensor([1000]).log10(); // [3] */
  log10(): Tensor { return mth.log10(this); }
  /** 2ˣ. @example tensor([3]).exp2(); // [8] */
  exp2(): Tensor { return mth.exp2(this); }
  /** The error function. @example tensor([0]).erf(); // [0] */
  erf(): Tensor { return mth.erf(this); }
  /** 1 − erf(x), accurate where erf is near 1. @example tensor([0]).erfc(); // [1] */
  erfc(): Tensor { return mth.erfc(this); }
  /** atan2(this, x): the angle of the point (x, this). @example tensor([1]).atan2(0); // [1.57079633] */
  atan2(x: TensorLike): Tensor { return mth.atan2(this, x); }
  /** numpy's remainder: the divisor's sign. @example tensor([-1]).mod(3); // [2] */
  mod(y: TensorLike): Tensor { return mth.mod(this, y); }
  /** C's fmod: the dividend's sign. @example tensor([-1]).fmod(3); // [-1] */
  fmod(y: TensorLike): Tensor { return mth.fmod(this, y); }
  /** floor(this / y), as numpy's // (zero gradient). @example tensor([-7]).floorDivide(2); // [-4] */
  floorDivide(y: TensorLike): Tensor { return mth.floorDivide(this, y); }
  /** (this − y)². @example tensor([1]).squaredDifference(3); // [4] */
  squaredDifference(y: TensorLike): Tensor { return mth.squaredDifference(this, y); }
  /** log(eˣ + eʸ) without overflow. @example tensor([0]).logaddexp(0); // [0.69314718] */
  logaddexp(y: TensorLike): Tensor { return mth.logaddexp(this, y); }

  // ---- PyTorch's activations ----
  /** x for x > 0, else negativeSlope·x. @example tensor([-2, 3]).leakyRelu(); // [-0.02, 3] */
  leakyRelu(negativeSlope = 0.01): Tensor { return act.leakyRelu(this, negativeSlope); }
  /** x for x > 0, else alpha·(eˣ − 1). @example tensor([2]).elu(); // [2] */
  elu(alpha = 1): Tensor { return act.elu(this, alpha); }
  /** PyTorch's scaled elu. @example tensor([1]).selu(); // [1.05070099] */
  selu(): Tensor { return act.selu(this); }
  /** max(0, x) + min(0, alpha·(e^(x/alpha) − 1)). @example tensor([2]).celu(); // [2] */
  celu(alpha = 1): Tensor { return act.celu(this, alpha); }
  /** log(1 + e^(beta·x)) / beta; x above the threshold. @example tensor([0]).softplus(); // [0.69314718] */
  softplus(beta = 1, threshold = 20): Tensor { return act.softplus(this, beta, threshold); }
  /** log σ(x), finite for large |x|. @example tensor([0]).logSigmoid(); // [-0.69314718] */
  logSigmoid(): Tensor { return act.logSigmoid(this); }
  /** min(max(x, 0), 6). @example tensor([9]).relu6(); // [6] */
  relu6(): Tensor { return act.relu6(this); }
  /** x limited to [min, max]. @example tensor([2]).hardtanh(); // [1] */
  hardtanh(min = -1, max = 1): Tensor { return act.hardtanh(this, min, max); }
  /** 0 below −3, 1 above 3, x/6 + 1/2 between. @example tensor([0]).hardSigmoid(); // [0.5] */
  hardSigmoid(): Tensor { return act.hardSigmoid(this); }
  /** x · hardSigmoid(x). @example tensor([4]).hardSwish(); // [4] */
  hardSwish(): Tensor { return act.hardSwish(this); }
  /** x·Φ(x), through erf or PyTorch's tanh approximation. @example tensor([1]).gelu(); // [0.84134475] */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return act.gelu(this, approximate); }
  /** x · σ(x). @example tensor([0]).silu(); // [0] */
  silu(): Tensor { return act.silu(this); }
  /** x · tanh(softplus(x)). @example tensor([0]).mish(); // [0] */
  mish(): Tensor { return act.mish(this); }
  /** x for x > 0, else weight·x (one weight, or one per channel on axis 1). @example tensor([[-2, 3]]).prelu(0.25); // [[-0.5, 3]] */
  prelu(weight: TensorLike): Tensor { return act.prelu(this, weight); }

  // ---- statistics and scans (ops/statistics.ts) ----
  /** The product over `axis` (all axes when omitted). @example tensor([[1, 2], [3, 4]]).prod(1); // [2, 12] */
  prod(axis?: Axis | null, keepdims = false): Tensor { return st.prod(this, axis, keepdims); }
  /** The variance, numpy's ddof = 0 by default (PyTorch's is 1). @example tensor([1, 2, 3, 4]).var(); // 1.25 */
  var(axis?: Axis | null, keepdims = false, ddof = 0): Tensor { return st.variance(this, axis, keepdims, ddof); }
  /** The standard deviation, numpy's ddof = 0 by default. @example tensor([1, 2, 3, 4]).std(); // 1.11803399 */
  std(axis?: Axis | null, keepdims = false, ddof = 0): Tensor { return st.std(this, axis, keepdims, ddof); }
  /** The vector norm over `axis` (ord 1, 2, ±Infinity, 0, 'fro'). @example tensor([3, 4]).norm(); // 5 */
  norm(ord: st.NormOrd = 2, axis?: Axis | null, keepdims = false): Tensor { return st.norm(this, ord, axis, keepdims); }
  /** The median over `axis`, numpy's (the mean of the middle two). @example tensor([3, 1, 4, 2]).median(); // 2.5 */
  median(axis?: Axis | null, keepdims = false): Tensor { return st.median(this, axis, keepdims); }
  /** True where some value over `axis` is nonzero. @example tensor([0, 2]).any(); // true */
  any(axis?: Axis | null, keepdims = false): Tensor { return st.any(this, axis, keepdims); }
  /** True where every value over `axis` is nonzero. @example tensor([0, 2]).all(); // false */
  all(axis?: Axis | null, keepdims = false): Tensor { return st.all(this, axis, keepdims); }
  /** How many values over `axis` are nonzero (int32). @example tensor([0, 2, 3]).countNonzero(); // 2 */
  countNonzero(axis?: Axis | null, keepdims = false): Tensor { return st.countNonzero(this, axis, keepdims); }
  /** The running sum along `axis` (flattened when omitted). @example tensor([1, 2, 3]).cumsum(0); // [1, 3, 6] */
  cumsum(axis?: number | null): Tensor { return st.cumsum(this, axis); }
  /** The running product along `axis` (flattened when omitted). @example tensor([1, 2, 3]).cumprod(0); // [1, 2, 6] */
  cumprod(axis?: number | null): Tensor { return st.cumprod(this, axis); }
  /** The running log Σ exp along `axis`. @example tensor([0, 0]).logcumsumexp(0); // [0, 0.69314718] */
  logcumsumexp(axis?: number | null): Tensor { return st.logcumsumexp(this, axis); }

  // ---- matmul ----
  /**
   * Matrix product with numpy's `matmul` rules (1-d, 2-d, batched with broadcast batch axes).
   * @example
   *   tensor([[1, 2]]).matmul([[3], [4]]); // [[11]]
   */
  matmul(y: TensorLike): Tensor { return mm.matmul(this, y); }
  /**
   * numpy's `dot`: inner product of vectors, matrix product of matrices, scalar product of 0-d.
   * @example
   *   tensor([1, 2]).dot([3, 4]); // 11
   */
  dot(y: TensorLike): Tensor { return mm.dot(this, y); }

  // ---- shape ----
  /**
   * The same elements in another shape (one size may be −1); a new tensor on the same storage.
   * @example
   *   arange(6).reshape(2, 3); arange(6).reshape([3, -1]); // shapes [2, 3] and [3, 2]
   */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return shp.reshape(this, (shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : shape) as number[]);
  }
  /**
   * The elements as a 1-d tensor, in row-major order.
   * @example
   *   tensor([[1, 2], [3, 4]]).flatten(); // [1, 2, 3, 4]
   */
  flatten(): Tensor { return shp.reshape(this, [-1]); }
  /**
   * Permutes the axes (reverses them when omitted), as numpy's `transpose`.
   * @example
   *   ones([2, 3, 4]).transpose([1, 0, 2]).shape; // [3, 2, 4]
   */
  transpose(axes?: readonly number[]): Tensor { return shp.transpose(this, axes); }
  /** All axes reversed, as numpy's `.T`. @example ones([2, 3]).T.shape; // [3, 2] */
  get T(): Tensor { return shp.transpose(this); }
  /** The last two axes swapped (a batch of matrices transposed). @example ones([5, 2, 3]).mT.shape; // [5, 3, 2] */
  get mT(): Tensor { return shp.mT(this); }
  /**
   * Removes axes of size 1 (the given ones, or all).
   * @example
   *   ones([1, 3, 1]).squeeze().shape; // [3]
   */
  squeeze(axis?: Axis | null): Tensor { return shp.squeeze(this, axis); }
  /**
   * Inserts an axis of size 1 at `axis`.
   * @example
   *   tensor([1, 2]).unsqueeze(0).shape; // [1, 2]
   */
  unsqueeze(axis: number): Tensor { return shp.unsqueeze(this, axis); }
  /**
   * This tensor broadcast to `shape` by numpy's rules (its gradient sums back).
   * @example
   *   tensor([1, 2]).broadcastTo([2, 2]); // [[1, 2], [1, 2]]
   */
  broadcastTo(shape: readonly number[]): Tensor { return shp.broadcastTo(this, shape); }
  /**
   * Elements `start:end:step` along `axis`, as numpy's slice on that axis.
   * @example
   *   arange(6).reshape(2, 3).slice(1, 0, 2); // [[0, 1], [3, 4]]
   */
  slice(axis: number, start?: number | null, end?: number | null, step?: number): Tensor {
    return shp.slice(this, axis, start, end, step);
  }
  /**
   * Picks elements by index along `axis`, as numpy's `take_along_axis`.
   * @example
   *   tensor([[1, 2], [3, 4]]).takeAlongAxis([[1], [0]], 1); // [[2], [3]]
   */
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
  return copyAs(dtype ?? (isStorage(data) ? dtypeOf(data) : 'float64'), data as ArrayBufferView & ArrayLike<number>);
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
