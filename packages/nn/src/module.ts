/**
 * `Module`, PyTorch-style: a subclass assigns its parameters and sub-modules to fields,
 * and the base class finds them by walking its own enumerable properties — Parameters,
 * Modules, and arrays of either (`this.layers = [...]` gives `layers.0.weight`).
 */
import { fmt, isTensor, ArgumentError, ShapeError, ValueError, type Tensor, type TensorLike } from '@tapegrad/core';
import { Parameter, isParameter } from './parameter.js';
import { decodeValue, encodeTensor, type StateDict, type StateValue } from './state.js';
import { checkHidden } from './hidden.js';

/** Any module, whatever its forward takes and returns. */
export type AnyModule = Module<any[], unknown>;

type Visit = (name: string, value: Parameter | AnyModule) => void;

/** Modules whose fields were checked for Modules and Parameters hidden where the walk does not look. */
const checked = new WeakSet<object>();

/** Where a module keeps the names of its buffers. */
const BUFFERS = Symbol('buffers');

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The base of layers and networks: assign Parameters and Modules to fields, implement `forward`.
 * @example
 *   class Net extends Module<[Tensor], Tensor> { fc = new Linear(2, 1); forward(x: Tensor) { return this.fc.forward(x); } }
 *   new Net().namedParameters().map(([name]) => name); // ['fc.weight', 'fc.bias']
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** True in training mode (the default); `eval()` turns it off, recursively. */
  training = true;

  /** The computation. Subclasses type its inputs and output. */
  abstract forward(...inputs: In): Out;

  /**
   * Stores `value` as a parameter under `name` (a field of this module) and returns it.
   * Equivalent to `this[name] = new Parameter(value)`.
   * @example
   *   class Scale extends Module<[Tensor], Tensor> { declare factor: Parameter;
   *     constructor() { super(); this.registerParameter('factor', [2]); } forward(x: Tensor) { return x.mul(this.factor); } }
   */
  registerParameter(name: string, value: TensorLike): Parameter {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new ArgumentError(`registerParameter: name must be a non-empty string without dots, got ${JSON.stringify(name)}`);
    }
    const p = isParameter(value) ? value : new Parameter(value);
    (this as unknown as Record<string, unknown>)[name] = p;
    return p;
  }

  /**
   * The fields walked for parameters and sub-modules: this object's own enumerable properties.
   * A container with storage of its own (`ModuleDict`) returns its entries instead.
   */
  protected fieldEntries(): [string, unknown][] {
    return Object.entries(this);
  }

  /** Calls `visit` for each Parameter and Module held in this module's own fields, in field order. */
  private eachField(visit: Visit): void {
    const fields = this.fieldEntries();
    if (!checked.has(this)) {
      checkHidden(this.constructor.name, fields, (v) => v instanceof Module);
      checked.add(this);
    }
    for (const [key, value] of fields) {
      if (isParameter(value) || value instanceof Module) visit(key, value);
      else if (Array.isArray(value)) {
        value.forEach((item: unknown, i) => {
          if (isParameter(item) || item instanceof Module) visit(`${key}.${i}`, item);
        });
      }
    }
  }

  /** The direct sub-modules with their field names. @example seq.namedChildren(); // [['layers.0', Linear], …] */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    this.eachField((name, v) => {
      if (v instanceof Module) out.push([name, v]);
    });
    return out;
  }

  /** The direct sub-modules. @example seq.children().length; // 4 */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every module below it, with dotted names ('' for this one). @example model.namedModules(); */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const walk = (name: string, m: AnyModule): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, sub] of m.namedChildren()) walk(join(name, child), sub);
    };
    walk(prefix, this);
    return out;
  }

  /** Parameters held directly by this module (not by its children), with their field names. */
  ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    this.eachField((name, v) => {
      if (isParameter(v)) out.push([name, v]);
    });
    return out;
  }

  /**
   * Every parameter with its dotted name. NOTE: a parameter shared by two layers is
   * listed once, under the first name (so an optimizer updates it once).
   * @example
   *   new Sequential(new Linear(2, 3)).namedParameters().map(([n]) => n); // ['layers.0.weight', 'layers.0.bias']
   */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [name, m] of this.namedModules(prefix)) {
      for (const [pname, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(name, pname), p]);
      }
    }
    return out;
  }

  /** Every parameter, for an optimizer. @example const opt = new SGD(model.parameters(), { lr: 0.1 }); */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The number of trainable numbers. @example new Linear(784, 40).numParameters(); // 31400 */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * Stores `value` as a buffer under `name` (a field of this module) and returns it: state that is
   * saved in `stateDict()` but is not a parameter (no gradient, not in `parameters()`), as
   * batch norm's running statistics. `null` declares a buffer that is absent for now.
   * @example
   *   class Counter extends Module<[Tensor], Tensor> { declare seen: Tensor;
   *     constructor() { super(); this.registerBuffer('seen', zeros([])); } forward(x: Tensor) { return x; } }
   */
  registerBuffer(name: string, value: Tensor | null): Tensor | null {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new ArgumentError(`registerBuffer: name must be a non-empty string without dots, got ${JSON.stringify(name)}`);
    }
    if (value !== null && !isTensor(value)) {
      throw new ArgumentError(`registerBuffer: '${name}' must be a Tensor or null, got ${typeof value}`);
    }
    // NOTE: the names live in a non-enumerable property, so the field walk (parameters, modules) never sees them.
    if (!Object.hasOwn(this, BUFFERS)) Object.defineProperty(this, BUFFERS, { value: new Set<string>(), enumerable: false });
    (this as unknown as Record<symbol, Set<string>>)[BUFFERS]!.add(name);
    (this as unknown as Record<string, unknown>)[name] = value;
    return value;
  }

  /** Buffers held directly by this module (absent ones skipped), with their field names. */
  ownBuffers(): [string, Tensor][] {
    const names = (this as unknown as Record<symbol, Set<string> | undefined>)[BUFFERS];
    if (names === undefined) return [];
    const out: [string, Tensor][] = [];
    for (const name of names) {
      const v = (this as unknown as Record<string, unknown>)[name];
      if (isTensor(v)) out.push([name, v]);
    }
    return out;
  }

  /**
   * Every buffer with its dotted name (batch norm's `runningMean`, …).
   * @example
   *   new BatchNorm1d(3).namedBuffers().map(([n]) => n); // ['runningMean', 'runningVar', 'numBatchesTracked']
   */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [name, m] of this.namedModules(prefix)) {
      for (const [bname, b] of m.ownBuffers()) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([join(name, bname), b]);
      }
    }
    return out;
  }

  /** Every buffer. @example model.buffers().length; */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** What the state dict holds, in PyTorch's order: per module its parameters, then its buffers. */
  private namedState(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [name, m] of this.namedModules()) {
      for (const [n, t] of [...m.ownParameters(), ...m.ownBuffers()]) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([join(name, n), t]);
      }
    }
    return out;
  }

  /** Sets training mode on this module and every module below it. @example model.train(); */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. @example model.eval(); model.training; // false */
  eval(): this {
    return this.train(false);
  }

  /** Clears the `.grad` of every parameter. @example model.zeroGrad(); */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Every parameter and buffer as plain JSON (`{ shape, dtype, data }` per dotted name); float64 values round-trip exactly.
   * @example
   *   const saved = JSON.stringify(model.stateDict());
   *   other.loadStateDict(JSON.parse(saved));
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.namedState()) out[name] = encodeTensor(t);
    return out;
  }

  /**
   * Copies values into the parameters and buffers in place (so optimizers holding them see the change).
   * Every key must match a parameter or buffer and every shape must match; NOTE: everything is checked
   * before anything is written, so a failed load changes nothing. Each
   * written tensor's version is bumped, so a graph built before the load refuses to run backward.
   * @example
   *   model.loadStateDict({ 'layers.0.weight': [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], 'layers.0.bias': [0.1, 0.2, 0.3] });
   */
  loadStateDict(state: Record<string, StateValue>): void {
    const op = `loadStateDict (${this.constructor.name})`;
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw new ArgumentError(`${op}: state must be an object mapping parameter names to values, got ${Array.isArray(state) ? 'an array' : typeof state}`);
    }
    const params = this.namedState();
    const known = new Set(params.map(([name]) => name));
    const missing = params.filter(([name]) => !Object.hasOwn(state, name)).map(([name]) => name);
    const unexpected = Object.keys(state).filter((name) => !known.has(name));
    if (missing.length > 0 || unexpected.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`missing ${missing.map((n) => `'${n}'`).join(', ')}`);
      if (unexpected.length > 0) parts.push(`unexpected ${unexpected.map((n) => `'${n}'`).join(', ')}`);
      throw new ValueError(`${op}: keys do not match the model's parameters and buffers: ${parts.join('; ')} (expected ${[...known].join(', ')})`);
    }
    const updates = params.map(([name, p]) => {
      const { shape, values } = decodeValue(name, state[name]!, p.dtype);
      if (shape.length !== p.shape.length || shape.some((d, i) => d !== p.shape[i])) {
        throw new ShapeError(`${op}: '${name}' has shape ${fmt(p.shape)} in the model but ${fmt(shape)} in the state`);
      }
      return { p, values };
    });
    for (const { p, values } of updates) {
      p.data.set(values);
      // A graph built before the load and run backward after it would use the new values: let core refuse it.
      p.bumpVersion();
    }
  }

  /** Extra text inside the parentheses of `toString` (the layer's settings). */
  protected extraRepr(): string {
    return '';
  }

  /**
   * The layers, their parameter shapes and parameter counts, one module a line.
   * @example
   *   console.log(String(new Sequential(new Linear(2, 3), new ReLU())));
   */
  toString(): string {
    const lines: string[] = [];
    this.describe('', 0, lines);
    return lines.join('\n');
  }

  private describe(name: string, depth: number, lines: string[]): void {
    const own = this.ownParameters();
    const count = this.numParameters();
    let line = `${'  '.repeat(depth)}${name === '' ? '' : `(${name}): `}${this.constructor.name}(${this.extraRepr()})`;
    if (own.length > 0) line += ` ${own.map(([n, p]) => `${n} ${fmt(p.shape)}`).join(', ')}`;
    if (count > 0) line += ` — ${plural(count, 'parameter')}`;
    lines.push(line);
    for (const [child, m] of this.namedChildren()) m.describe(child, depth + 1, lines);
  }
}
