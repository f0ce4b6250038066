/** The flow stage's caches between analyses: ancestor sets, per-step flows and resolutions. */
import { ancestorSets } from './graph';
import type { Flow, Resolution, Step } from './types';

/**
 * What a step reads and produces depends only on its cells' facts and the shared code's facts:
 * kept between analyses so an edit recomputes the edited step only.
 */
export class FlowMemo {
  private readonly byStep = new Map<string, { key: unknown[]; flow: Flow }>();
  private seen = new Set<string>();
  private readonly graph = new AncestorsMemo();
  /** What each step produced when last computed, and a counter bumped when any of it changes. */
  private readonly produced = new Map<string, string>();
  private producedVersion = 0;
  private readonly resolved = new Map<string, { key: unknown[]; result: Resolution }>();

  /** The checked steps' ancestor sets, before the metrics step is placed (`stepGraph` adds it). */
  ancestors(steps: Step[]): Map<string, Set<string>> {
    return this.graph.of(steps);
  }

  get(name: string, key: unknown[], compute: () => Flow): Flow {
    this.seen.add(name);
    const known = this.byStep.get(name);
    if (known && sameKey(known.key, key)) {
      return known.flow;
    }
    const flow = compute();
    this.byStep.set(name, { key, flow });
    // Where a name is produced matters too: messages name the producing cell.
    const produced =
      [...flow.produces].sort().join(',') +
      '|' +
      [...flow.imports].sort().join(',') +
      '|' +
      JSON.stringify([...flow.producedAt]);
    if (this.produced.get(name) !== produced) {
      this.produced.set(name, produced);
      this.producedVersion++;
    }
    return flow;
  }

  /**
   * A step's inputs depend on its own flow, on who produces what (the version), on the graph
   * and on parameters and shared code: unchanged, the last resolution is replayed.
   */
  resolve(name: string, context: unknown[], compute: () => Resolution): Resolution {
    const key = [this.byStep.get(name)?.flow, this.producedVersion, this.graph.key, ...context];
    const known = this.resolved.get(name);
    if (known && sameKey(known.key, key)) {
      return known.result;
    }
    const result = compute();
    this.resolved.set(name, { key, result });
    return result;
  }

  /** Forget steps that were not asked for since the last sweep. */
  sweep(): void {
    for (const name of this.byStep.keys()) {
      if (!this.seen.has(name)) {
        this.byStep.delete(name);
        this.resolved.delete(name);
        this.produced.delete(name);
        this.producedVersion++;
      }
    }
    this.seen = new Set();
  }
}

/**
 * Ancestor sets (`ancestorSets`) of the steps as given, computed again only when a step's name or
 * dependencies change, i.e. when tags do. Each stage keeps its own, asked with its own steps: the flow
 * stage before the metrics step is placed, the files stage with the result's steps (the metrics step
 * depending on the leaves), so the two differ for the metrics step when steps form a cycle.
 */
export class AncestorsMemo {
  private last: { key: string; ancestors: Map<string, Set<string>> } | null = null;

  /** What the last sets were computed from; undefined before the first. */
  get key(): string | undefined {
    return this.last?.key;
  }

  of(steps: ReadonlyArray<Pick<Step, 'name' | 'depends'>>): Map<string, Set<string>> {
    const key = JSON.stringify(steps.map(s => [s.name, s.depends]));
    if (this.last?.key !== key) {
      this.last = { key, ancestors: ancestorSets(steps) };
    }
    return this.last.ancestors;
  }
}

/** Keys of a memo entry are equal when each part is the same value or the very same object. */
export function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
