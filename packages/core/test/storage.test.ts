/**
 * Storage: small op results are carved from shared slabs for speed, but no user ever holds a view
 * onto memory that other tensors own, and keeping small results alive pins only their own memory.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AutogradError, tensor, type Tensor } from '../src/index.js';

/** Ten values from an op: the size the tape overhead is measured at, carved from a slab. */
const ten = (v: number): Tensor => tensor(Array.from({ length: 10 }, (_, i) => i + v)).mul(1);

describe('no user sees memory that other tensors own', () => {
  it("t.data.buffer is the tensor's own: it holds no other tensor's values (it was a 64 KB slab)", () => {
    const secret = ten(1000);
    const t = ten(0);
    const buf = t.data.buffer;
    expect(buf.byteLength).toBe(t.data.byteLength);
    expect(Array.from(new Float64Array(buf))).toEqual(t.toArray());
    expect(Array.from(secret.data)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
  });

  it('transferring t.data.buffer (as postMessage does) leaves every other tensor working (they became empty and threw)', () => {
    const secret = ten(1000);
    const t = ten(0);
    structuredClone(t.data.buffer, { transfer: [t.data.buffer] });
    expect(t.data.byteLength).toBe(0); // the user gave this tensor's memory away, and only its
    expect(secret.size).toBe(10);
    expect(secret.add(1).toArray()).toEqual(Array.from({ length: 10 }, (_, i) => 1001 + i));
    expect(ten(5).sum().item()).toBe(95);
  });

  it('views share storage before and after their values move out of the slab; versions move with them', () => {
    const x = tensor(Array.from({ length: 10 }, (_, i) => i), { requiresGrad: true });
    const y = x.mul(2);
    const r = y.reshape([2, 5]);
    const d = y.detach();
    const z = y.mul(y); // saves y
    r.data[0] = 42; // the first user read: y's values move to memory of their own
    expect([y.data, d.data]).toEqual([r.data, r.data]);
    expect(y.data).toBe(r.data);
    expect((y.toArray() as number[])[0]).toBe(42);
    expect((d.toArray() as number[])[0]).toBe(42);
    d.bumpVersion();
    expect([y.version, r.version, d.version]).toEqual([1, 1, 1]);
    expect(() => z.sum().backward()).toThrow(AutogradError);
    // A version counted while still in the slab survives the move.
    const w = x.mul(3);
    w.bumpVersion();
    void w.data;
    expect(w.version).toBe(1);
  });
});

const child = fileURLToPath(new URL('./fixtures/retained-scalars.ts', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

describe('memory', () => {
  it('keeping 20,000 scalars alive pins their own memory only (160 KB of data pinned 94 MB)', () => {
    // A process of its own: ArrayBuffer memory is counted per process, and other test files run beside this one.
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', child], { cwd: here, encoding: 'utf8' });
    const { count, dataBytes, buffers, heap, last } = JSON.parse(out.trim().split('\n').pop()!) as { count: number; dataBytes: number; buffers: number; heap: number; last: number };
    const total = buffers + heap;
    console.log(`retained scalars: ${dataBytes} bytes of data; ArrayBuffers +${buffers} bytes, heap + ArrayBuffers +${total} bytes (${(total / count).toFixed(0)} per tensor)`);
    // The elements themselves: nothing beyond the data (slab memory is counted here).
    expect(buffers).toBeLessThan(2 * dataBytes);
    // Everything, Tensor objects and their shapes included: a few hundred bytes per scalar.
    expect(total).toBeLessThan(1000 * count);
    expect(last).toBeGreaterThan(0);
  }, 30_000);
});
