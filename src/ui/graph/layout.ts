/**
 * Layout of the execution graph: the analyzer's steps and edges placed by dagre (top to bottom,
 * parallel branches side by side). Pure: no DOM, so it is tested under jest.
 */
import type { AnalysisResult } from '../../analysis/types';
import { dagreLibrary } from '../lazy';

export interface GraphNode {
  name: string;
  kind: 'step' | 'metrics';
  x: number;
  y: number;
  width: number;
  height: number;
  inputs: string[];
  outputs: string[];
  parameters: string[];
  firstCell: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  passes: string[];
  /** Files `from` writes and `to` reads (file edges), drawn dashed beside the variables. */
  files: string[];
  /** Whether a variable or ordering edge joins the two steps too (drawn solid). */
  variable: boolean;
  fileLabel: string;
  /** Polyline from the source's bottom to the target's top. */
  points: { x: number; y: number }[];
  label: string;
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_HEIGHT = 36;
const CHAR_WIDTH = 7;

/** Edge label: the variables passed, shortened when long. */
export function edgeLabel(passes: string[]): string {
  if (!passes.length) {
    return '';
  }
  const text = passes.join(', ');
  return text.length > 32 ? `${passes.slice(0, 2).join(', ')} +${passes.length - 2}` : text;
}

/** File edge label: the file names (not their folders), shortened when long. */
export function fileLabel(files: string[]): string {
  if (!files.length) {
    return '';
  }
  const names = files.map(f => f.slice(f.lastIndexOf('/') + 1));
  const text = names.join(', ');
  return text.length > 28 ? `${names[0]} +${names.length - 1}` : text;
}

/** A layout with what it shows, so the next analysis can reuse what did not change. */
export interface Laidout extends GraphLayout {
  /** `layoutKey` of what is shown. */
  key: string;
  /** The steps and edges shown. */
  source: Pick<AnalysisResult, 'steps' | 'edges'>;
  /**
   * Edges were added, removed or relabelled over positions kept from before (new ones drawn
   * straight): `settle` lays the graph out again.
   */
  provisional: boolean;
}

/** The steps that become nodes: names and kinds. */
function nodesKey(steps: AnalysisResult['steps']): string {
  return JSON.stringify(steps.map(s => [s.name, s.kind]));
}

/** What decides the positions: step names and kinds, edges and their labels. */
export function layoutKey(result: Pick<AnalysisResult, 'steps' | 'edges'>): string {
  return JSON.stringify([
    result.steps.map(s => [s.name, s.kind]),
    drawnEdges(result).map(e => [e.from, e.to, edgeLabel(e.passes), fileLabel(e.files)])
  ]);
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a === b || (a.length === b.length && a.every((x, i) => x === b[i]));

/**
 * The layout of `result`, reusing `previous` as far as it can. Same shape (most keystrokes):
 * positions kept, only the nodes' inputs/outputs and the edges' variables refreshed, and every
 * node and edge whose data did not change is the very object it was (views compare identity).
 * Same steps but other edges or labels (typing a name another step makes): positions kept, new
 * edges drawn straight, the layout provisional until `settle`. Other steps: dagre.
 */
export function relayout(
  result: Pick<AnalysisResult, 'steps' | 'edges'>,
  previous: Laidout | null
): Laidout {
  if (
    previous &&
    previous.source.steps === result.steps &&
    previous.source.edges === result.edges
  ) {
    return previous;
  }
  const key = layoutKey(result);
  if (!previous || nodesKey(previous.source.steps) !== nodesKey(result.steps)) {
    return { ...layoutGraph(result), key, source: result, provisional: false };
  }
  const steps = new Map(result.steps.map(s => [s.name, s]));
  const nodes = previous.nodes.map(n => {
    const s = steps.get(n.name)!;
    const firstCell = s.cellIndices.length ? s.cellIndices[0] : -1;
    return sameList(n.inputs, s.inputs) &&
      sameList(n.outputs, s.outputs) &&
      sameList(n.parameters, s.parameters) &&
      n.firstCell === firstCell
      ? n
      : { ...n, inputs: s.inputs, outputs: s.outputs, parameters: s.parameters, firstCell };
  });
  const before = new Map(previous.edges.map(e => [`${e.from}->${e.to}`, e]));
  const at = new Map(nodes.map(n => [n.name, n]));
  const edges = drawnEdges(result).map(edge => {
    const old = before.get(`${edge.from}->${edge.to}`);
    const label = edgeLabel(edge.passes);
    if (!old) {
      return straightEdge(edge, label, at.get(edge.from)!, at.get(edge.to)!);
    }
    return old.label === label &&
      sameList(old.passes, edge.passes) &&
      sameList(old.files, edge.files) &&
      old.variable === edge.variable
      ? old
      : {
          ...old,
          passes: edge.passes,
          label,
          files: edge.files,
          variable: edge.variable,
          fileLabel: fileLabel(edge.files)
        };
  });
  return {
    nodes,
    edges,
    width: previous.width,
    height: previous.height,
    key,
    source: result,
    provisional: previous.provisional || key !== previous.key
  };
}

/** `layout` laid out by dagre when it is provisional; else itself. */
export function settle(layout: Laidout): Laidout {
  return layout.provisional
    ? { ...layoutGraph(layout.source), key: layout.key, source: layout.source, provisional: false }
    : layout;
}

/** One drawn edge per pair of steps: the variables and the files passed between them. */
interface DrawnEdge {
  from: string;
  to: string;
  passes: string[];
  files: string[];
  variable: boolean;
}

/**
 * The edges drawn: between known steps, no self loops; a file edge and a variable edge between the
 * same two steps are one drawn edge (one dagre edge: no extra layout work), drawn both ways.
 */
function drawnEdges(result: Pick<AnalysisResult, 'steps' | 'edges'>): DrawnEdge[] {
  const known = new Set(result.steps.map(s => s.name));
  const byPair = new Map<string, DrawnEdge>();
  const drawn: DrawnEdge[] = [];
  for (const e of result.edges) {
    if (!known.has(e.from) || !known.has(e.to) || e.from === e.to) {
      continue;
    }
    const pair = `${e.from}->${e.to}`;
    let edge = byPair.get(pair);
    if (!edge) {
      edge = { from: e.from, to: e.to, passes: [], files: [], variable: false };
      byPair.set(pair, edge);
      drawn.push(edge);
    }
    if (e.kind === 'file') {
      edge.files = edge.files.length
        ? [...new Set([...edge.files, ...(e.files ?? [])])].sort()
        : (e.files ?? []);
    } else {
      edge.passes = edge.passes.length
        ? [...new Set([...edge.passes, ...e.passes])].sort()
        : e.passes;
      edge.variable = true;
    }
  }
  return drawn;
}

/** An edge from the bottom of `from` to the top of `to`, its label half way. */
function straightEdge(edge: DrawnEdge, label: string, from: GraphNode, to: GraphNode): GraphEdge {
  const points = [
    { x: from.x, y: from.y + from.height / 2 },
    { x: to.x, y: to.y - to.height / 2 }
  ];
  return {
    from: edge.from,
    to: edge.to,
    passes: edge.passes,
    files: edge.files,
    variable: edge.variable,
    fileLabel: fileLabel(edge.files),
    points,
    label,
    labelX: (points[0].x + points[1].x) / 2,
    labelY: (points[0].y + points[1].y) / 2
  };
}

/** Needs dagre loaded (`dagreLibrary.load()`): it is fetched with the first graph, not at start-up. */
export function layoutGraph(result: Pick<AnalysisResult, 'steps' | 'edges'>): GraphLayout {
  const dagre = dagreLibrary.now;
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 48, edgesep: 12, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const step of result.steps) {
    g.setNode(step.name, {
      width: Math.max(80, step.name.length * CHAR_WIDTH + 28),
      height: NODE_HEIGHT
    });
  }
  const edges = drawnEdges(result);
  for (const edge of edges) {
    const label = edgeLabel(edge.passes);
    const files = fileLabel(edge.files);
    g.setEdge(edge.from, edge.to, {
      width: Math.max(label.length, files.length) * 6,
      height: (label ? 14 : 0) + (files ? 14 : 0),
      labelpos: 'c'
    });
  }
  dagre.layout(g);
  const nodes: GraphNode[] = result.steps.map(step => {
    const n = g.node(step.name);
    return {
      name: step.name,
      kind: step.kind,
      x: n.x,
      y: n.y,
      width: n.width,
      height: n.height,
      inputs: step.inputs,
      outputs: step.outputs,
      parameters: step.parameters,
      firstCell: step.cellIndices.length ? step.cellIndices[0] : -1
    };
  });
  /** An edge as dagre lays it out: its route, and its label's centre when it has one. */
  type LaidEdge = { points?: { x: number; y: number }[]; x?: unknown; y?: unknown };
  const laidEdges: GraphEdge[] = edges.map(edge => {
    const e = g.edge(edge.from, edge.to) as LaidEdge;
    const points: { x: number; y: number }[] = (e.points ?? []).map(p => ({
      x: p.x,
      y: p.y
    }));
    const mid = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    return {
      from: edge.from,
      to: edge.to,
      passes: edge.passes,
      files: edge.files,
      variable: edge.variable,
      fileLabel: fileLabel(edge.files),
      points,
      label: edgeLabel(edge.passes),
      labelX: typeof e.x === 'number' ? e.x : mid.x,
      labelY: typeof e.y === 'number' ? e.y : mid.y
    };
  });
  const graph = g.graph();
  return {
    nodes,
    edges: laidEdges,
    width: Math.max(graph.width ?? 0, 1),
    height: Math.max(graph.height ?? 0, 1)
  };
}
