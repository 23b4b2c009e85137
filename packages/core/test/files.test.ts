/**
 * Checkpoint files read as untrusted and written by several writers at once: crafted JSON that
 * names Object.prototype members, headers that JSON.parse would accept but the safetensors reference
 * refuses, files that are not files, and concurrent saves.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, decodeSafetensors, encodeSafetensors, FormatError, tensor, ValueError } from '../src/index.js';
import { _setReadChunkBytes } from '../src/io/files.js';
import { load, loadSafetensors, save } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A checkpoint file whose JSON is `json` (as `save` lays it out), with optional tensors. */
function checkpointBytes(json: string, tensors: Record<string, ReturnType<typeof tensor>> = {}): Uint8Array {
  return encodeSafetensors(tensors, { format: 'tapegrad.checkpoint', version: '1', 'tapegrad.json': json });
}

/** A file from raw header bytes or text and its data. */
function craft(header: string | Uint8Array, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

describe('a crafted checkpoint cannot reach Object.prototype', () => {
  it('{"$number": "__proto__"} and other Object.prototype names are no special number (load gave Object.prototype)', () => {
    for (const name of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const bytes = checkpointBytes(`{"metadata": {"$number": "${name}"}, "step": 1}`);
      expect(() => decodeCheckpoint(bytes), name).toThrow(FormatError);
      expect(() => decodeCheckpoint(bytes), name).toThrow(new RegExp(`"${name}" is not a special number`));
    }
    // What the attack did: a later innocent write through the loaded object polluted every object.
    expect(({} as Record<string, unknown>).resumed).toBeUndefined();
  });

  it('every decoded object has no prototype, and "__proto__" as a key is refused', () => {
    const c = decodeCheckpoint(checkpointBytes('{"metadata": {"toString": "x", "nested": [{"a": 1}]}, "step": 2}'));
    expect(Object.getPrototypeOf(c)).toBeNull();
    expect(Object.getPrototypeOf(c.metadata)).toBeNull();
    expect(Object.getPrototypeOf((c.metadata!.nested as object[])[0])).toBeNull();
    expect(c.metadata!.toString).toBe('x');
    expect((c as Record<string, unknown>).constructor).toBeUndefined();
    expect(() => decodeCheckpoint(checkpointBytes('{"metadata": {"__proto__": {"polluted": true}}}'))).toThrow(/the key "__proto__", which checkpoints never hold/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The special numbers themselves still come back.
    const n = decodeCheckpoint(checkpointBytes('{"a": {"$number": "NaN"}, "b": {"$number": "-0"}}'));
    expect([Number.isNaN(n.a), Object.is(n.b, -0)]).toEqual([true, true]);
  });
});

describe('headers the safetensors reference refuses', () => {
  it('a UTF-8 byte-order mark before the header is refused (it was stripped and accepted)', () => {
    const ok = new TextEncoder().encode('{"__metadata__": {"a": "b"}}');
    expect(decodeSafetensors(craft(ok)).metadata.a).toBe('b');
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...ok]);
    expect(() => decodeSafetensors(craft(bom))).toThrow(FormatError);
    expect(() => decodeSafetensors(craft(bom))).toThrow(/does not start with '\{'/);
  });

  it('a lone surrogate in a key or a value is refused; a proper pair is fine', () => {
    expect(() => decodeSafetensors(craft('{"__metadata__": {"\\ud800": "x"}}'))).toThrow(/lone surrogate/);
    expect(() => decodeSafetensors(craft('{"__metadata__": {"k": "a\\udc00"}}'))).toThrow(FormatError);
    expect(() => decodeCheckpoint(checkpointBytes('{"metadata": {"\\ud800x": 1}}'))).toThrow(/lone surrogate/);
    expect(decodeSafetensors(craft('{"__metadata__": {"k": "\\ud83d\\ude00"}}')).metadata.k).toBe('😀');
    // Invalid UTF-8 bytes (an unpaired surrogate encoded as bytes) were already refused.
    expect(() => decodeSafetensors(craft(new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d])))).toThrow(/not valid UTF-8/);
  });

  it('duplicate keys are refused, including a second __metadata__ (the last one won silently)', () => {
    const data = new Uint8Array(new Float64Array([1, 2]).buffer);
    const t = '{"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}';
    expect(() => decodeSafetensors(craft(`{"w": ${t}, "w": ${t}}`, data.subarray(0, 8)))).toThrow(/the key "w" appears twice/);
    expect(() => decodeSafetensors(craft('{"__metadata__": {"format": "pt"}, "__metadata__": {"format": "evil"}}'))).toThrow(/"__metadata__" appears twice/);
    expect(() => decodeSafetensors(craft('{"__metadata__": {"a": "1", "a": "2"}}'))).toThrow(/"a" appears twice/);
    expect(() => decodeSafetensors(craft(`{"w": {"dtype": "F64", "dtype": "F32", "shape": [1], "data_offsets": [0, 8]}}`, data.subarray(0, 8)))).toThrow(/"dtype" appears twice/);
    expect(() => decodeCheckpoint(checkpointBytes('{"step": 1, "step": 2}'))).toThrow(/"step" appears twice/);
    // The same key in two different objects is fine.
    expect(decodeCheckpoint(checkpointBytes('{"a": {"x": 1}, "b": {"x": 2}}')).b).toEqual({ x: 2 });
  });

  it('malformed JSON is still a FormatError, and deep nesting is no stack overflow', () => {
    for (const bad of ['{"a": 1,}', '{"a" 1}', '{"a": [1,]}', '{"a": tru}', '{"a": 01}', '{"a": 1} x', '{"a": "\u0001"}']) {
      expect(() => decodeSafetensors(craft(bad)), bad).toThrow(FormatError);
    }
    const deep = `{"metadata": ${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    expect((decodeCheckpoint(checkpointBytes(deep)).metadata as unknown as unknown[]).length).toBe(1);
  });
});

describe('load reads the header first and only regular files', () => {
  it('a FIFO is refused at once (it blocked forever), and so is /dev/zero (it grew the process to 3 GB)', () => {
    const fifo = join(dir, 'pipe.ckpt');
    execFileSync('mkfifo', [fifo]);
    const t0 = performance.now();
    expect(() => load(fifo)).toThrow(ValueError);
    expect(() => load(fifo)).toThrow(/"[^"]*pipe.ckpt" is not a regular file \(a FIFO\)/);
    expect(() => loadSafetensors('/dev/zero')).toThrow(/is not a regular file \(a character device\)/);
    expect(() => load(dir)).toThrow(/is not a regular file \(a folder\)/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('a sparse 1.9 GB file with a header length of 2^53 is refused from its first 8 bytes (it took 10 s and 2 GB)', () => {
    const path = join(dir, 'huge.ckpt');
    const fd = openSync(path, 'w');
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigUint64(0, 2n ** 53n, true);
    writeSync(fd, head);
    ftruncateSync(fd, 1.9e9); // sparse: no disk used
    closeSync(fd);
    const rss = process.memoryUsage().rss;
    const t0 = performance.now();
    expect(() => load(path)).toThrow(/the header length 9007199254740992 is implausible/);
    // A header length that fits the limit but not the file is refused before the header is read.
    new DataView(head.buffer).setBigUint64(0, 99_000_000n, true);
    const fd2 = openSync(path, 'r+');
    writeSync(fd2, head, 0, 8, 0);
    ftruncateSync(fd2, 1000);
    closeSync(fd2);
    expect(() => load(path)).toThrow(/truncated: the header claims 99000000 bytes but only 992 follow/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(50e6);
  });

  it('tensors are read piece by piece into their own arrays (what a file over 2 GiB needs), bit for bit', () => {
    const path = join(dir, 'pieces.ckpt');
    const big = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e10);
    save(path, { step: 7, big, w: tensor([[1, -0, NaN]], { dtype: 'float32' }), order: new Int32Array([3, 1, 2]) });
    const whole = load(path);
    const prev = _setReadChunkBytes(7); // odd, so that every element straddles reads
    try {
      const c = load(path);
      expect(Array.from(c.big as Float64Array)).toEqual(Array.from(big));
      expect(Array.from(c.order as Int32Array)).toEqual([3, 1, 2]);
      expect(Object.is(((c.w as ReturnType<typeof tensor>).toArray() as number[][])[0]![1], -0)).toBe(true);
      expect(c.step).toBe(whole.step);
    } finally {
      _setReadChunkBytes(prev);
    }
  });

  it('a file that is shorter than its header says is a FormatError, read or not', () => {
    const path = join(dir, 'short.ckpt');
    const bytes = checkpointBytes('{"step": 1}', { a: tensor([1, 2, 3]) });
    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    expect(() => load(path)).toThrow(FormatError);
  });
});

const concurrent = fileURLToPath(new URL('./fixtures/concurrent-save.ts', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

describe('concurrent writers', () => {
  it('two worker threads saving to one path: every load sees one whole checkpoint (11 of 605 were torn)', async () => {
    const path = join(dir, 'shared.ckpt');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tapegrad/source', concurrent, path], { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`concurrent-save exited with ${code}`))));
    });
    const { loads, torn, writerErrors } = JSON.parse(out.trim().split('\n').pop()!) as { loads: number; torn: number; writerErrors: number };
    console.log(`concurrent writers: ${loads} loads, ${torn} torn, ${writerErrors} writer errors`);
    expect(loads).toBeGreaterThan(20);
    expect({ torn, writerErrors }).toEqual({ torn: 0, writerErrors: 0 });
  }, 60_000);
});
