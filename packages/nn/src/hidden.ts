/**
 * Modules and Parameters kept where `Module`'s walk does not look — a plain object, a Map, a
 * Set, an array of arrays — would silently miss `parameters()`, `stateDict()` and training.
 * `checkHidden` finds them the first time a module's fields are walked and names the field.
 */
import { TapegradError } from '@tapegrad/core';
import { isParameter } from './parameter.js';

/** A module's structure that tapegrad cannot follow: a Module or Parameter hidden in a container. */
export class ModuleError extends TapegradError {}

interface Found {
  path: string;
  what: string;
  isModule: boolean;
}

type Kind = (v: unknown) => 'Module' | 'Parameter' | null;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function containerName(v: unknown): string | null {
  if (Array.isArray(v)) return 'nested arrays';
  if (v instanceof Map) return 'a Map';
  if (v instanceof Set) return 'a Set';
  if (isPlainObject(v)) return 'a plain object';
  return null;
}

function children(v: unknown): [string, unknown][] {
  if (Array.isArray(v)) return v.map((item, i) => [`[${i}]`, item]);
  if (v instanceof Map) return [...v].map(([k, item]) => [`.get(${JSON.stringify(k)})`, item]);
  if (v instanceof Set) return [...v].map((item, i) => [`[${i}]`, item]);
  return Object.entries(v as object).map(([k, item]) => [/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`, item]);
}

/** The first Module or Parameter inside container `v` (found at `path`), searched depth first. */
function search(kindOf: Kind, v: unknown, path: string, seen: Set<unknown>, walked: Set<unknown>): Found | null {
  if (containerName(v) === null || seen.has(v)) return null;
  seen.add(v);
  for (const [step, item] of children(v)) {
    const kind = kindOf(item);
    // A second reference to something a field already holds (an index by name, say) hides nothing.
    if (kind !== null && walked.has(item)) continue;
    if (kind !== null) return { path: path + step, what: kind === 'Module' ? (item as object).constructor.name : 'Parameter', isModule: kind === 'Module' };
    const deeper = search(kindOf, item, path + step, seen, walked);
    if (deeper !== null) return deeper;
  }
  return null;
}

/**
 * Throws a `ModuleError` naming the first field that hides a Module or a Parameter from the walk:
 * the walk follows fields holding a Module or a Parameter, and flat arrays of them, nothing else.
 */
export function checkHidden(owner: string, fields: Iterable<[string, unknown]>, isModule: (v: unknown) => boolean): void {
  const kindOf: Kind = (v) => (isParameter(v) ? 'Parameter' : isModule(v) ? 'Module' : null);
  const walked = new Set<unknown>();
  for (const [, value] of fields) {
    if (kindOf(value) !== null) walked.add(value);
    else if (Array.isArray(value)) for (const item of value) if (kindOf(item) !== null) walked.add(item);
  }
  for (const [key, value] of fields) {
    if (kindOf(value) !== null) continue;
    const seen = new Set<unknown>();
    // A flat array of Modules and Parameters is walked; look inside its other items only.
    const found = Array.isArray(value)
      ? value.reduce<Found | null>((hit, item, i) => hit ?? (kindOf(item) !== null ? null : search(kindOf, item, `${key}[${i}]`, seen, walked)), null)
      : search(kindOf, value, key, seen, walked);
    if (found === null) continue;
    const instead = found.isModule
      ? 'use ModuleList (an indexed list of modules) or ModuleDict (modules by name) instead, or assign it to a field of its own'
      : 'assign it to a field of its own (or registerParameter(name, value)), or keep Parameters in a flat array or in a Module';
    const inside = Array.isArray(value) ? 'nested arrays' : containerName(value)!;
    throw new ModuleError(
      `${owner}: field '${key}' holds a ${found.what} at ${found.path}, inside ${inside}, where parameters(), ` +
        `stateDict() and training do not look; ${instead}`,
    );
  }
}
