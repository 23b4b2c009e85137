/**
 * Storage: small op results are carved from shared slabs for speed, but no user ever holds a view
 * onto memory that other tensors own, and keeping small results alive pins only their own memory.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AutogradError, tensor, type Tensor } from '../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

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

describe('memory', () => {
  it('keeping 20,000 scalars alive pins their own memory only (160 KB of data pinned 94 MB)', () => {
    const big = tensor(Array.from({ length: 256 }, (_, i) => i)); // 2 KB: slab-sized
    const keep: Tensor[] = [];
    gc();
    const before = process.memoryUsage();
    for (let i = 0; i < 20_000; i++) {
      // Garbage of slab sizes between the scalars kept: each kept scalar sat in a slab full of it.
      const g = big.mul(i).add(1).sqrt();
      keep.push(g.sum());
    }
    gc();
    const after = process.memoryUsage();
    const data = 20_000 * 8;
    const buffers = after.arrayBuffers - before.arrayBuffers;
    const total = buffers + after.heapUsed - before.heapUsed;
    console.log(`retained scalars: ${data} bytes of data; ArrayBuffers +${buffers} bytes, heap + ArrayBuffers +${total} bytes (${(total / 20_000).toFixed(0)} per tensor)`);
    // The elements themselves: nothing beyond the data (slab memory counted here).
    expect(buffers).toBeLessThan(2 * data);
    // Everything, Tensor objects and their shapes included: a few hundred bytes per scalar.
    expect(total).toBeLessThan(1000 * 20_000);
    expect(keep[19_999]!.item()).toBeGreaterThan(0);
  });
});
