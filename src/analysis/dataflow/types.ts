/** The records the flow stage's phases hand on: each made once by one phase, never changed after. */
import type { CellAnalysis } from '../cell';
import type { Diagnostic } from '../types';
import type { NameAt } from '../scopes';

/** The analysis of code cell `index` (the caller caches); null for non-code cells. */
export type CellSource = (index: number) => CellAnalysis | null;

/** A step as Kale's grouping makes it: its cells and what its `prev:` tags say. */
export interface Step {
  name: string;
  kind: 'step' | 'metrics';
  /** In notebook order. */
  cells: number[];
  /** Immediate upstream steps (`prev:`), in order; the graph drops the ones that name no step. */
  depends: string[];
  /** Where each `prev:` tag was first written, for messages. */
  prevCell: ReadonlyMap<string, number>;
}

export interface Where {
  cellIndex: number;
  ref: NameAt;
}

/** What one step reads from outside itself and what it produces (its cells' facts alone). */
export interface Flow {
  /** Names read before the step binds them (or never bound by it), first place. */
  reads: Map<string, Where>;
  /** Names the step binds or changes at module level. */
  produces: Set<string>;
  /** For each produced name, the cells (ascending) that bind or change it: where a user saw it set. */
  producedAt: Map<string, number[]>;
  /** Names the step binds by importing them (its last binding of the name is an import). */
  imports: Set<string>;
  mutates: Set<string>;
}

/** A step with its flow. */
export interface StepFlow extends Flow {
  step: Step;
}

/** What the shared code (imports and functions cells) defines, for every step. */
export interface Shared {
  /** The shared cells, in order. */
  cells: number[];
  defs: Set<string>;
  /** For each shared def/class: the module names its body reads. */
  defReads: Map<string, Set<string>>;
  starImport: boolean;
}

/** A step's inputs resolved to their producers, and the diagnostics found on the way. */
export interface Resolution {
  inputs: string[];
  inputSources: Record<string, string>;
  parameters: string[];
  diagnostics: Diagnostic[];
}
