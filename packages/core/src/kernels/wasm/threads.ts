/**
 * Worker threads for the wasm kernels: each worker instantiates the same module on the same shared
 * memory, then sleeps on a control block (an Int32Array over a SharedArrayBuffer) until the calling
 * thread posts a call — a function of the module and its i32 arguments. The caller runs its own
 * share meanwhile, then waits for each worker's "done". No messages, no copies: the operands are
 * already in the shared memory, and each share writes its own rows or columns of C.
 *
 * Only where the calling thread may block (Atomics.wait) and workers start synchronously from
 * code: Node (worker_threads, reached through process.getBuiltinModule, so this file imports
 * nothing of Node's and bundles for browsers, where no team is made and everything runs on one thread).
 */

/** Slots of a worker's control block. */
const SEQ = 0; // bumped by the caller to post a call
const DONE = 1; // set to SEQ by the worker when the call returned
const READY = 2; // 1 once the worker has instantiated the module
const STATUS = 3; // 0, or 1 if the call threw
const FN = 4; // index into the worker's function list; −1 tells it to exit
const ASLEEP = 5; // 1 while the worker sleeps (or is about to) in Atomics.wait
const ARGS = 6;
const MAX_ARGS = 16;
/** How long a worker polls for the next call before it sleeps. */
const SPIN_MS = 0.2;

/**
 * The worker's program (plain JavaScript: it runs as given, not through our build).
 * NOTE: it spins on SEQ for SPIN_MS before sleeping in Atomics.wait: calls come in bursts (a
 * training step's matmuls), and waking a sleeping thread is slow (bench/results/design-measurements.md).
 * It announces sleep in ASLEEP first, so the caller pays for Atomics.notify only when someone sleeps; with
 * sequentially consistent atomics either the caller sees ASLEEP = 1 and notifies, or the worker's
 * Atomics.wait sees the new SEQ and returns at once.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, names } = workerData;
const ctl = new Int32Array(control);
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((name) => exports[name]);
const args = new Array(${MAX_ARGS});
Atomics.store(ctl, ${READY}, 1);
let seen = 0;
for (;;) {
  const spinUntil = performance.now() + ${SPIN_MS};
  while (Atomics.load(ctl, ${SEQ}) === seen && performance.now() < spinUntil);
  if (Atomics.load(ctl, ${SEQ}) === seen) {
    Atomics.store(ctl, ${ASLEEP}, 1);
    Atomics.wait(ctl, ${SEQ}, seen);
    Atomics.store(ctl, ${ASLEEP}, 0);
    continue;
  }
  seen = Atomics.load(ctl, ${SEQ});
  const fn = ctl[${FN}];
  if (fn < 0) break;
  for (let i = 0; i < ${MAX_ARGS}; i++) args[i] = ctl[${ARGS} + i];
  let status = 0;
  try { fns[fn].apply(null, args); } catch { status = 1; }
  Atomics.store(ctl, ${STATUS}, status);
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (error: unknown) => void): void;
  terminate(): Promise<number>;
}
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  env?: Record<string, string | undefined>;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** Node's Worker class, or null where there is none (browsers, Node < 20.16). */
function workerConstructor(): WorkerConstructor | null {
  const threads = nodeProcess()?.getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerConstructor } | undefined;
  return typeof threads?.Worker === 'function' ? threads.Worker : null;
}

/** True where a Team can run: Node with worker_threads, SharedArrayBuffer and Atomics. */
export const threadsSupported: boolean =
  typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' && workerConstructor() !== null;

/** The most threads a product is split between (setNumThreads refuses more; a larger TAPEGRAD_NUM_THREADS is capped). */
export const MAX_THREADS = 64;

/**
 * Threads to use when nobody said: TAPEGRAD_NUM_THREADS if set, else the cores Node reports (at
 * most 8); 1 where threads are not supported.
 */
export function defaultThreadCount(): number {
  if (!threadsSupported) return 1;
  const fromEnv = Number(nodeProcess()?.env?.['TAPEGRAD_NUM_THREADS'] ?? '');
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, MAX_THREADS);
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const cores = os?.availableParallelism?.() ?? 1;
  return Math.max(1, Math.min(8, cores));
}

interface Member {
  worker: NodeWorker;
  control: Int32Array;
  /** The SEQ of the call it is running, or 0. */
  running: number;
}

/** `workers` threads that call the exports named `names` of `module`, instantiated on `memory`. */
export class Team {
  private readonly members: Member[] = [];
  private seq = 0;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number, names: readonly string[]) {
    const Worker = workerConstructor();
    if (Worker === null) return;
    for (let i = 0; i < workers; i++) {
      const control = new Int32Array(new SharedArrayBuffer((ARGS + MAX_ARGS) * 4));
      let worker: NodeWorker;
      try {
        worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control: control.buffer, names } });
      } catch {
        return; // e.g. Node's permission model without --allow-worker: the caller runs alone
      }
      // NOTE: unref: idle workers must not keep a finished program alive; an error (a worker that
      // could not start) leaves READY at 0, so it is never given work.
      worker.unref();
      worker.on('error', () => Atomics.store(control, READY, 0));
      this.members.push({ worker, control, running: 0 });
    }
  }

  /** Workers that have started and wait for calls (they start asynchronously, in tens of ms). */
  ready(): number {
    let n = 0;
    for (const m of this.members) if (Atomics.load(m.control, READY) === 1) n++;
    return n;
  }

  /** Posts `fns[fn](...args)` to the i-th ready worker; `join` waits for it. */
  post(i: number, fn: number, args: readonly number[]): void {
    const m = this.readyMember(i);
    const c = m.control;
    for (let a = 0; a < args.length; a++) c[ARGS + a] = args[a]!;
    c[FN] = fn;
    m.running = ++this.seq;
    Atomics.store(c, SEQ, m.running);
    if (Atomics.load(c, ASLEEP) === 1) Atomics.notify(c, SEQ);
  }

  /** Waits until every posted call has returned; false if one threw (a wasm trap). */
  join(): boolean {
    let ok = true;
    for (const m of this.members) {
      if (m.running === 0) continue;
      const c = m.control;
      // NOTE: poll first: the caller's share and the workers' are about the same size, so the wait is short.
      const pollUntil = performance.now() + 1;
      while (Atomics.load(c, DONE) !== m.running && performance.now() < pollUntil);
      for (let done = Atomics.load(c, DONE); done !== m.running; done = Atomics.load(c, DONE)) Atomics.wait(c, DONE, done, 1000);
      if (c[STATUS] !== 0) ok = false;
      m.running = 0;
    }
    return ok;
  }

  /** Stops the workers (their pending calls must have been joined). */
  close(): void {
    for (const m of this.members) {
      m.control[FN] = -1;
      Atomics.store(m.control, SEQ, ++this.seq);
      Atomics.notify(m.control, SEQ);
      void m.worker.terminate();
    }
    this.members.length = 0;
  }

  private readyMember(i: number): Member {
    for (const m of this.members) {
      if (Atomics.load(m.control, READY) === 1 && i-- === 0) return m;
    }
    throw new RangeError(`Team.post: no ready worker #${i}`);
  }
}
