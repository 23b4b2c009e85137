/**
 * einsum, lowered to the ops it is made of: repeated labels in one operand take a diagonal
 * (take), labels no one else needs are summed early, and each pair of operands is one batched
 * matmul between transposes and reshapes. Its gradient is theirs, so it differentiates again.
 */
import { ArgumentError, ShapeError, ValueError } from '../tape/errors.js';
import { sizeOf } from '../tape/shapes.js';
import { fmt, show } from '../tape/messages.js';
import { Tensor, asTensor, type TensorLike } from '../tape/tensor.js';
import { take } from './indexing.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { reshape, transpose } from './shape.js';

/** A term's labels: letters, and one label per axis the ellipsis covers (not letters, so they cannot clash). */
interface Term {
  t: Tensor;
  labels: string[];
}

const ELLIPSIS_BASE = 0x100;
const isLetter = (c: string) => /^[a-zA-Z]$/.test(c);

function parseTerm(term: string, where: string): { letters: string[]; ellipsis: number } {
  const at = term.indexOf('...');
  if (at >= 0 && term.indexOf('...', at + 1) >= 0) throw new ValueError(`einsum: more than one '...' in ${where} '${term}'`);
  const letters: string[] = [];
  let ellipsis = -1;
  for (let i = 0; i < term.length; i++) {
    if (i === at) {
      ellipsis = letters.length;
      i += 2;
      continue;
    }
    const c = term[i]!;
    if (!isLetter(c)) throw new ValueError(`einsum: '${c}' in ${where} '${term}' is not a letter (subscripts are a-z, A-Z and '...')`);
    letters.push(c);
  }
  return { letters, ellipsis };
}

/** The labels of an ellipsis covering `e` of the `total` broadcast axes (aligned from the right). */
function ellipsisLabels(e: number, total: number): string[] {
  return Array.from({ length: e }, (_, j) => String.fromCharCode(ELLIPSIS_BASE + total - e + j));
}

/** The diagonal over the two axes labelled `label`: those axes become one, at the end. */
function diagonal(term: Term, label: string): Term {
  const [i, j] = term.labels.flatMap((l, k) => (l === label ? [k] : []));
  const n = term.t.shape[i!]!;
  if (term.t.shape[j!] !== n) {
    throw new ShapeError(`einsum: label '${label}' is repeated in an operand of shape ${fmt(term.t.shape)} over axes of sizes ${n} and ${term.t.shape[j!]}`);
  }
  const rest = term.labels.map((_, k) => k).filter((k) => k !== i && k !== j);
  const moved = transpose(term.t, [...rest, i!, j!]);
  const flat = reshape(moved, [...rest.map((k) => term.t.shape[k]!), n * n]);
  const idx = Int32Array.from({ length: n }, (_, k) => k * (n + 1));
  return { t: take(flat, idx, -1), labels: [...rest.map((k) => term.labels[k]!), label] };
}

/** Sums the axes whose labels `drop` says to. */
function sumOut(term: Term, drop: (l: string) => boolean): Term {
  const axes = term.labels.flatMap((l, k) => (drop(l) ? [k] : []));
  if (axes.length === 0) return term;
  return { t: sum(term.t, axes), labels: term.labels.filter((l) => !drop(l)) };
}

/** Permutes `term` so its labels read `order` (a permutation of them). */
function arrange(term: Term, order: readonly string[]): Tensor {
  return transpose(term.t, order.map((l) => term.labels.indexOf(l)));
}

/** Contracts two terms as one batched matmul: [batch, m, k] · [batch, k, n]. */
function contract(a: Term, b: Term, needed: (l: string) => boolean): Term {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed(l));
  const summed = a.labels.filter((l) => inB.has(l) && !needed(l));
  const m = a.labels.filter((l) => !inB.has(l));
  const n = b.labels.filter((l) => !inA.has(l));
  const size = (t: Term, ls: string[]) => ls.map((l) => t.t.shape[t.labels.indexOf(l)]!);
  const bs = size(a, batch);
  const ms = size(a, m);
  const ks = size(a, summed);
  const ns = size(b, n);
  const lead = bs.length > 0 ? [sizeOf(bs)] : [];
  const x = reshape(arrange(a, [...batch, ...m, ...summed]), [...lead, sizeOf(ms), sizeOf(ks)]);
  const y = reshape(arrange(b, [...batch, ...summed, ...n]), [...lead, sizeOf(ks), sizeOf(ns)]);
  return { t: reshape(matmul(x, y), [...bs, ...ms, ...ns]), labels: [...batch, ...m, ...n] };
}

/**
 * Einstein summation, as numpy's and PyTorch's `einsum`: explicit (`'ij,jk->ik'`) and implicit
 * (`'ij,jk'`: the labels used once, sorted) outputs, repeated labels in one operand (`'ii->i'`
 * the diagonal, `'ii'` the trace), `...` for broadcast axes, and size-1 axes broadcasting.
 * Pairs of operands become batched matmuls; the gradient is theirs.
 * @example einsum('ij,jk->ik', a, b); // matmul(a, b)
 *   einsum('bi,bi->b', x, y); // row-wise dot products
 */
export function einsum(subscripts: string, ...operands: TensorLike[]): Tensor {
  if (typeof subscripts !== 'string') throw new ArgumentError(`einsum: subscripts must be a string, got ${show(subscripts)}`);
  if (operands.length === 0) throw new ArgumentError('einsum: needs at least one operand');
  const spec = subscripts.replace(/\s+/g, '');
  const arrow = spec.indexOf('->');
  const lhs = arrow >= 0 ? spec.slice(0, arrow) : spec;
  const rhs = arrow >= 0 ? spec.slice(arrow + 2) : null;
  if (rhs !== null && rhs.includes('->')) throw new ValueError(`einsum: more than one '->' in '${subscripts}'`);
  const terms = lhs.split(',');
  if (terms.length !== operands.length) {
    throw new ValueError(`einsum: '${subscripts}' names ${terms.length} operand(s) but ${operands.length} were given`);
  }
  const xs = operands.map((o, i) => {
    if (o === null || o === undefined || typeof o === 'string') throw new ArgumentError(`einsum: operand ${i} must be a Tensor, got ${show(o)}`);
    return asTensor(o);
  });
  const parsed = terms.map((term, i) => {
    const p = parseTerm(term, `operand ${i}`);
    const x = xs[i]!;
    const e = x.ndim - p.letters.length;
    if (p.ellipsis < 0 ? e !== 0 : e < 0) {
      throw new ShapeError(`einsum: operand ${i} has shape ${fmt(x.shape)} (${x.ndim} axes) but its subscripts '${term}' name ${p.letters.length}`);
    }
    return { ...p, e: p.ellipsis < 0 ? 0 : e };
  });
  const total = Math.max(0, ...parsed.map((p) => p.e));
  let list: Term[] = parsed.map((p, i) => {
    const labels = p.letters.slice();
    if (p.ellipsis >= 0) labels.splice(p.ellipsis, 0, ...ellipsisLabels(p.e, total));
    return { t: xs[i]!, labels };
  });

  // The output's labels.
  const counts = new Map<string, number>();
  for (const p of parsed) for (const l of p.letters) counts.set(l, (counts.get(l) ?? 0) + 1);
  let out: string[];
  const broadcast = ellipsisLabels(total, total);
  if (rhs === null) {
    out = [...broadcast, ...[...counts].filter(([, c]) => c === 1).map(([l]) => l).sort()];
  } else {
    const p = parseTerm(rhs, 'the output');
    if (p.ellipsis < 0 && total > 0) {
      throw new ValueError(`einsum: the operands have broadcast axes ('...') but the output '${rhs}' has no '...' for them`);
    }
    out = p.letters.slice();
    if (p.ellipsis >= 0) out.splice(p.ellipsis, 0, ...broadcast);
    for (const l of p.letters) {
      if (!counts.has(l)) throw new ValueError(`einsum: output label '${l}' does not appear in the operands of '${subscripts}'`);
      if (p.letters.indexOf(l) !== p.letters.lastIndexOf(l)) throw new ValueError(`einsum: output label '${l}' appears more than once in '${rhs}'`);
    }
  }

  // Each label's size; size 1 broadcasts against any other.
  const sizes = new Map<string, number>();
  for (const term of list) {
    term.labels.forEach((l, k) => {
      const d = term.t.shape[k]!;
      const s = sizes.get(l);
      if (s === undefined || s === 1) sizes.set(l, d);
      else if (d !== 1 && d !== s) {
        const name = l.charCodeAt(0) >= ELLIPSIS_BASE ? `the '...' axes` : `label '${l}'`;
        throw new ShapeError(`einsum: ${name} has sizes ${s} and ${d} in operands of shapes ${xs.map((x) => fmt(x.shape)).join(', ')}`);
      }
    });
  }

  // Per operand: diagonals of repeated labels, size-1 axes that broadcast dropped (their label lives on elsewhere).
  list = list.map((term0) => {
    let term = term0;
    for (let l = term.labels.find((x, k) => term.labels.indexOf(x) !== k); l !== undefined; l = term.labels.find((x, k) => term.labels.indexOf(x) !== k)) {
      term = diagonal(term, l);
    }
    const keep = term.labels.map((l, k) => !(term.t.shape[k] === 1 && sizes.get(l)! > 1));
    if (keep.every(Boolean)) return term;
    return { t: reshape(term.t, term.t.shape.filter((_, k) => keep[k])), labels: term.labels.filter((_, k) => keep[k]) };
  });

  const outSet = new Set(out);
  while (list.length > 1) {
    const [a0, b0, ...rest] = list as [Term, Term, ...Term[]];
    const later = new Set([...outSet, ...rest.flatMap((t) => t.labels)]);
    const needed = (l: string) => later.has(l);
    // Labels that only one side has and no one needs later are summed before the product.
    const a = sumOut(a0, (l) => !needed(l) && !b0.labels.includes(l));
    const b = sumOut(b0, (l) => !needed(l) && !a.labels.includes(l));
    list = [contract(a, b, needed), ...rest];
  }
  const last = sumOut(list[0]!, (l) => !outSet.has(l));
  return arrange(last, out);
}
