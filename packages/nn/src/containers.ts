/**
 * PyTorch's `ModuleList` and `ModuleDict`: sub-modules held in a list or by name, which
 * `parameters()`, `stateDict()`, `train()` and `toString()` find (`blocks.0.weight`,
 * `heads.digits.weight`), where a plain array of arrays, an object or a Map would hide them.
 */
import { ArgumentError, IndexError } from '@tapegrad/core';
import { ModuleError } from './hidden.js';
import { Module, type AnyModule } from './module.js';

function checkModule(op: string, m: unknown): void {
  if (!(m instanceof Module)) throw new ArgumentError(`${op}: expected a Module, got ${m === null ? 'null' : typeof m === 'object' ? m.constructor.name : typeof m}`);
}

function noForward(name: string): never {
  throw new ModuleError(`${name} has no forward: call its modules from your module's forward`);
}

/**
 * Modules in order, indexed as an array (`list[0]`), named `0`, `1`, … in parameter names.
 * Unlike `Sequential` it has no forward: your module calls the modules as it needs.
 * @example
 *   const blocks = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 *   blocks[1]!.forward(blocks[0]!.forward(x)); // parameters: 0.weight, 0.bias, 1.weight, 1.bias
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<unknown[], never> {
  readonly [index: number]: M | undefined;
  #length = 0;

  /** @example new ModuleList([new Linear(2, 3), new ReLU()]); */
  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** How many modules. @example new ModuleList([new ReLU()]).length; // 1 */
  get length(): number {
    return this.#length;
  }

  /** The module at `index` (negative counts from the end). @example blocks.at(-1); */
  at(index: number): M {
    const i = index < 0 ? index + this.#length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      throw new IndexError(`ModuleList.at: index ${index} is out of range for a list of ${this.#length}`);
    }
    return this[i]!;
  }

  /** Adds a module at the end and returns this. @example blocks.append(new Linear(4, 4)); */
  append(module: M): this {
    checkModule('ModuleList.append', module);
    (this as unknown as M[])[this.#length++] = module;
    return this;
  }

  /** Adds each module at the end and returns this. @example blocks.extend([new ReLU(), new Linear(4, 2)]); */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** Inserts a module before `index` and returns this. @example blocks.insert(0, new Linear(2, 4)); */
  insert(index: number, module: M): this {
    checkModule('ModuleList.insert', module);
    if (!Number.isInteger(index) || index < -this.#length || index > this.#length) {
      throw new IndexError(`ModuleList.insert: index ${index} is out of range for a list of ${this.#length}`);
    }
    const items = [...this];
    items.splice(index < 0 ? index + this.#length : index, 0, module);
    items.forEach((m, i) => ((this as unknown as M[])[i] = m));
    this.#length = items.length;
    return this;
  }

  /** The modules in order. @example for (const block of blocks) x = block.forward(x); */
  *[Symbol.iterator](): IterableIterator<M> {
    for (let i = 0; i < this.#length; i++) yield this[i]!;
  }

  forward(): never {
    return noForward('ModuleList');
  }
}

/**
 * Modules by name (`dict.get('digits')`), named `digits.weight`, … in parameter names, in
 * insertion order. Names are non-empty and without dots.
 * @example
 *   const heads = new ModuleDict({ digits: new Linear(40, 10), parity: new Linear(40, 2) });
 *   heads.get('digits')!.forward(h); // parameters: digits.weight, digits.bias, parity.weight, parity.bias
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<unknown[], never> {
  readonly #modules = new Map<string, M>();

  /** @example new ModuleDict({ encoder: new Linear(4, 2) }); new ModuleDict([['a', new ReLU()]]); */
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? modules : Object.entries(modules);
    for (const [name, m] of entries as Iterable<[string, M]>) this.set(name, m);
  }

  /** The module named `name`, or undefined. @example heads.get('digits'); */
  get(name: string): M | undefined {
    return this.#modules.get(name);
  }

  /** Adds or replaces the module named `name` and returns this. @example heads.set('parity', new Linear(40, 2)); */
  set(name: string, module: M): this {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new ArgumentError(`ModuleDict.set: a name must be a non-empty string without dots, got ${JSON.stringify(name)}`);
    }
    checkModule(`ModuleDict.set('${name}')`, module);
    this.#modules.set(name, module);
    return this;
  }

  /** Whether a module is named `name`. @example heads.has('digits'); // true */
  has(name: string): boolean {
    return this.#modules.has(name);
  }

  /** Removes the module named `name`; true if there was one. @example heads.delete('parity'); */
  delete(name: string): boolean {
    return this.#modules.delete(name);
  }

  /** How many modules. @example heads.size; // 2 */
  get size(): number {
    return this.#modules.size;
  }

  /** The names, in insertion order. @example [...heads.keys()]; // ['digits', 'parity'] */
  keys(): IterableIterator<string> {
    return this.#modules.keys();
  }

  /** The modules, in insertion order. @example for (const head of heads.values()) head.eval(); */
  values(): IterableIterator<M> {
    return this.#modules.values();
  }

  /** `[name, module]` pairs, in insertion order. @example for (const [name, head] of heads.entries()) … */
  entries(): IterableIterator<[string, M]> {
    return this.#modules.entries();
  }

  /** The same pairs as `entries()`. @example for (const [name, head] of heads) … */
  [Symbol.iterator](): IterableIterator<[string, M]> {
    return this.#modules.entries();
  }

  protected override fieldEntries(): [string, unknown][] {
    return [...this.#modules];
  }

  forward(): never {
    return noForward('ModuleDict');
  }
}
