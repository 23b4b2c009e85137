/**
 * `Module`, PyTorch-style: a subclass assigns its parameters and sub-modules to fields,
 * and the base class finds them by walking its own enumerable properties — Parameters,
 * Modules, and arrays of either (`this.layers = [...]` gives `layers.0.weight`).
 */
import { fmt, ArgumentError, ShapeError, ValueError, type Tensor, type TensorLike } from '@tapegrad/core';
import { Parameter, isParameter } from './parameter.js';
import { decodeValue, encodeTensor, type StateDict, type StateValue } from './state.js';

/** Any module, whatever its forward takes and returns. */
export type AnyModule = Module<any[], unknown>;

type Visit = (name: string, value: Parameter | AnyModule) => void;

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

  /** Calls `visit` for each Parameter and Module held in this module's own fields, in field order. */
  private eachField(visit: Visit): void {
    for (const [key, value] of Object.entries(this)) {
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
   * Every parameter as plain JSON (`{ shape, dtype, data }` per dotted name); float64 values round-trip exactly.
   * @example
   *   const saved = JSON.stringify(model.stateDict());
   *   other.loadStateDict(JSON.parse(saved));
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.namedParameters()) out[name] = encodeTensor(p);
    return out;
  }

  /**
   * Copies values into the parameters in place (so optimizers holding them see the change).
   * Every key must match a parameter and every shape must match; NOTE: everything is checked
   * before anything is written, so a failed load changes nothing. Each parameter's version is
   * bumped, so a graph built before the load refuses to run backward with the new values.
   * @example
   *   model.loadStateDict({ 'layers.0.weight': [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]], 'layers.0.bias': [0.1, 0.2, 0.3] });
   */
  loadStateDict(state: Record<string, StateValue>): void {
    const op = `loadStateDict (${this.constructor.name})`;
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw new ArgumentError(`${op}: state must be an object mapping parameter names to values, got ${Array.isArray(state) ? 'an array' : typeof state}`);
    }
    const params = this.namedParameters();
    const known = new Set(params.map(([name]) => name));
    const missing = params.filter(([name]) => !Object.hasOwn(state, name)).map(([name]) => name);
    const unexpected = Object.keys(state).filter((name) => !known.has(name));
    if (missing.length > 0 || unexpected.length > 0) {
      const parts = [];
      if (missing.length > 0) parts.push(`missing ${missing.map((n) => `'${n}'`).join(', ')}`);
      if (unexpected.length > 0) parts.push(`unexpected ${unexpected.map((n) => `'${n}'`).join(', ')}`);
      throw new ValueError(`${op}: keys do not match the model's parameters: ${parts.join('; ')} (expected ${[...known].join(', ')})`);
    }
    const updates = params.map(([name, p]) => {
      const { shape, values } = decodeValue(name, state[name]!);
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
