/**
 * The first cycle of a directed graph, by depth-first search from each node in order: the path
 * `[a, b, …, a]`, or null when there is none. Shared by the analyzer (depends-on cycles) and the
 * compiler (its check of the wiring it is about to emit).
 */
export function findCycle(
  nodes: Iterable<string>,
  next: (node: string) => Iterable<string>
): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') {
      return null;
    }
    if (state.get(node) === 'open') {
      return [...path.slice(path.indexOf(node)), node];
    }
    state.set(node, 'open');
    path.push(node);
    for (const other of next(node)) {
      const cycle = visit(other);
      if (cycle) {
        return cycle;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of nodes) {
    const cycle = visit(node);
    if (cycle) {
      return cycle;
    }
  }
  return null;
}

/**
 * The message for a cycle `findCycle` found by following each step to the steps it depends on:
 * worded the way the graph draws its edges, from a step to the step that depends on it
 * (`[a, c, b, a]`, a depends on c, reads `a → b → c → a`).
 */
export function cycleMessage(dependsCycle: readonly string[]): string {
  return `the steps depend on each other in a cycle: ${[...dependsCycle].reverse().join(' → ')}`;
}
