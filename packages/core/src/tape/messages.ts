/**
 * How values and shapes appear in messages: every error of every package uses these two.
 */

/**
 * A shape as every message of every package shows it.
 * @example
 *   fmt([2, 3]); // '[2,3]'
 */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * A user-supplied value as it should appear in a message. Safe for anything untyped
 * JavaScript can pass (symbols, BigInts, null-prototype objects), where `String(v)`,
 * a template literal or `JSON.stringify` would throw a TypeError of their own.
 * @example
 *   show('a'); // '"a"'
 *   show({});  // 'an object'
 */
export function show(v: unknown, depth = 0): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return depth > 2 ? '[…]' : `[${v.map((e) => show(e, depth + 1)).join(',')}]`;
  if (typeof v === 'object' && v !== null) return ArrayBuffer.isView(v) ? `a ${v.constructor?.name ?? 'typed array'}` : 'an object';
  return String(v);
}
