/**
 * Walking the tape: the one post-order walk that backward (autograd.ts) and the graph drawing
 * (debug/graph.ts) share, kept apart so that neither imports the other.
 */
import type { Tensor } from './tensor.js';

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
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: { t: Tensor; next: number }[] = [{ t: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.t.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const x = inputs[top.next++]!;
      if (follow(x) && !seen.has(x)) {
        seen.add(x);
        stack.push({ t: x, next: 0 });
      }
    } else {
      stack.pop();
      order.push(top.t);
    }
  }
  return order;
}
