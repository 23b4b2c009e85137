/**
 * Walking the tape: the one post-order walk that backward (autograd.ts) and the graph drawing
 * (debug/graph.ts) share, kept apart so that neither imports the other.
 */
import type { Tensor } from './tensor.js';

const NO_INPUTS: readonly Tensor[] = [];

/**
 * Every tensor reachable from `root` through the inputs that `follow` accepts, each once,
 * inputs before the outputs that use them and `root` last (a post-order depth-first walk).
 * Iterative, so a chain of any length fits: no call stack grows with the graph.
 * @internal
 * @example
 *   postOrder(loss, () => true);            // the whole graph, constants too
 *   postOrder(loss, (x) => x.requiresGrad); // what backward visits
 */
export function postOrder(root: Tensor, follow: (input: Tensor) => boolean): Tensor[] {
  // NOTE: a tensor seen by this walk carries the walk's own mark object (fresh per walk, so no
  // other walk, and no other copy of the library, can mistake it) instead of going into a Set,
  // and its place in `order` (`_at`, for backward's walk).
  const mark = {};
  const order: Tensor[] = [];
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  root._seen = mark;
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top]!;
    const inputs = t.node?.inputs ?? NO_INPUTS;
    if (next[top]! < inputs.length) {
      const x = inputs[next[top]!++]!;
      if (x._seen !== mark && follow(x)) {
        x._seen = mark;
        stack.push(x);
        next.push(0);
      }
    } else {
      stack.pop();
      next.pop();
      t._at = order.push(t) - 1;
    }
  }
  return order;
}
