import { describe, expect, it } from 'vitest';
import { ArgumentError, decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors, FormatError, tensor } from '../src/index.js';

/** A checkpoint's bytes with its JSON (in __metadata__) and metadata edited. */
function withMetadata(edit: (m: Record<string, string>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(encodeCheckpoint({ loss: [1, 2], step: 2 }));
  const m = { ...metadata };
  edit(m);
  return encodeSafetensors({ ...tensors }, m);
}

describe('checkpoint bytes', () => {
  it('numbers JSON cannot hold, arrays and tensors round-trip; paths name the tensors', () => {
    const c = { step: NaN, scores: { best: -Infinity, last: -0 }, loss: [0.1, NaN], runs: [[1, 2], []], w: tensor([1]), layers: [{ b: new Float32Array([1.5]) }] };
    const bytes = encodeCheckpoint(c);
    expect(decodeCheckpoint(bytes)).toEqual(c);
    expect(Object.keys(decodeSafetensors(bytes).tensors).sort()).toEqual(['layers.0.b', 'loss', 'runs.0', 'w']);
    // two paths that spell the same name get distinct tensors
    const same = encodeCheckpoint({ 'a.b': [1], a: { b: [2] }, '': [3], __metadata__: [4] });
    expect(decodeCheckpoint(same)).toEqual({ 'a.b': [1], a: { b: [2] }, '': [3], __metadata__: [4] });
    expect(Object.keys(decodeSafetensors(same).tensors).sort()).toEqual(['#2', '__metadata__#2', 'a.b', 'a.b#2']);
  });

  it('refuses non-objects, and reads only its own format and version', () => {
    expect(() => encodeCheckpoint([1] as never)).toThrow(ArgumentError);
    expect(() => encodeCheckpoint({ f: () => 1 })).toThrow(/'f' is a function/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m.version = '2')))).toThrow(new FormatError('decodeCheckpoint: checkpoint version "2"; this tapegrad reads version 1'));
    expect(() => decodeCheckpoint(withMetadata((m) => (m['tapegrad.json'] = '{"loss": {"$array": "elsewhere"}}')))).toThrow(/refers to a tensor "elsewhere" that the file does not hold/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m['tapegrad.json'] = '{"x": {"$number": "1e999"}}')))).toThrow(/"1e999" is not a special number/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m['tapegrad.json'] = '{"x": {"$typed": 5}}')))).toThrow(/a \$typed reference must be a string/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m['tapegrad.json'] = '[1]')))).toThrow(/must be an object/);
    expect(() => decodeCheckpoint(withMetadata((m) => (m['tapegrad.json'] = '{"a":')))).toThrow(/JSON is malformed/);
    expect(() => decodeCheckpoint(encodeSafetensors({ w: tensor([1]) }))).toThrow(/not a tapegrad checkpoint/);
  });
});
