/**
 * A strict JSON reader for untrusted files (safetensors headers, checkpoints). Unlike
 * `JSON.parse` it refuses a key that appears twice in one object (JSON.parse keeps the last
 * one silently, so two readers could disagree about a file) and strings that are not valid
 * Unicode (a lone surrogate such as "\ud800", which UTF-8 cannot hold), as the safetensors
 * reference implementation does; every object it builds has no prototype, so no key of the
 * file can reach `Object.prototype`. It is iterative: deep nesting cannot overflow the stack.
 */
import { FormatError } from '../tape/errors.js';

/** A plain object from a file: no prototype, so `obj.toString` is undefined unless the file has that key. */
export type JsonObject = { [key: string]: unknown };

type Frame = { obj: JsonObject; key: string | null } | { arr: unknown[] };

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * The value of `text`. `what` starts every message (`decodeSafetensors: the header is not valid JSON`);
 * `onObject` may replace each object once it is complete (the checkpoint's references).
 */
export function parseJson(text: string, what: string, onObject?: (obj: JsonObject) => unknown): unknown {
  const fail = (at: number, why: string): never => {
    throw new FormatError(`${what}: ${why} at character ${at}`);
  };
  const stack: Frame[] = [];
  let i = 0;
  let result: unknown;
  let done = false;
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const readString = (): string => {
    STRING.lastIndex = i;
    const m = STRING.exec(text);
    if (m === null) fail(i, 'a malformed string');
    const s = JSON.parse(m![0]) as string;
    if (LONE_SURROGATE.test(s)) fail(i, `the string ${m![0].slice(0, 40)} holds a lone surrogate, which is not valid Unicode`);
    i += m![0].length;
    return s;
  };
  /** Puts a finished value into the enclosing object or array, or makes it the result. */
  const emit = (v: unknown): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      result = v;
      done = true;
    } else if ('arr' in top) top.arr.push(v);
    else {
      top.obj[top.key!] = v;
      top.key = null;
    }
  };
  /** After a value inside a container: ',' or the closing bracket (which may finish containers). */
  const afterValue = (): void => {
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return;
      const c = text[i];
      if (c === ',') {
        i++;
        if (!('arr' in top)) readKey(top);
        return;
      }
      if ('arr' in top ? c === ']' : c === '}') {
        i++;
        stack.pop();
        emit('arr' in top ? top.arr : onObject === undefined ? top.obj : onObject(top.obj));
        if (done) return;
        continue;
      }
      fail(i, `expected ',' or '${'arr' in top ? ']' : '}'}'`);
    }
  };
  const readKey = (top: { obj: JsonObject; key: string | null }): void => {
    ws();
    if (text[i] !== '"') fail(i, 'expected a key in double quotes');
    const key = readString();
    if (Object.hasOwn(top.obj, key)) fail(i, `the key ${JSON.stringify(key)} appears twice in one object`);
    ws();
    if (text[i] !== ':') fail(i, "expected ':'");
    i++;
    top.key = key;
  };
  while (!done) {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const frame = { obj: Object.create(null) as JsonObject, key: null };
      ws();
      if (text[i] === '}') {
        i++;
        emit(onObject === undefined ? frame.obj : onObject(frame.obj));
        afterValue();
        continue;
      }
      stack.push(frame);
      readKey(frame);
      continue;
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        emit([]);
        afterValue();
        continue;
      }
      stack.push({ arr: [] });
      continue;
    }
    if (c === '"') emit(readString());
    else if (text.startsWith('true', i)) (i += 4), emit(true);
    else if (text.startsWith('false', i)) (i += 5), emit(false);
    else if (text.startsWith('null', i)) (i += 4), emit(null);
    else {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (m === null) fail(i, c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
      i += m![0].length;
      emit(Number(m![0]));
    }
    afterValue();
  }
  ws();
  if (i < text.length) fail(i, 'unexpected text after the value');
  return result;
}
