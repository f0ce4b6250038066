/**
 * Layout of the execution graph: the analyzer's steps and edges placed by dagre (top to bottom,
 * parallel branches side by side). Pure: no DOM, so it is tested under jest.
 */
import * as dagre from '@dagrejs/dagre';
import type { AnalysisResult } from '../../analysis/types';

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

/** What decides the positions: step names and kinds, edges and their labels. */
export function layoutKey(result: Pick<AnalysisResult, 'steps' | 'edges'>): string {
  return JSON.stringify([
    result.steps.map(s => [s.name, s.kind]),
    result.edges.map(e => [e.from, e.to, edgeLabel(e.passes)])
  ]);
}

/**
 * The layout of `result`, reusing `previous` positions when the shape is unchanged (most
 * keystrokes): only the nodes' inputs/outputs and the edges' variables are refreshed.
 */
export function relayout(
  result: Pick<AnalysisResult, 'steps' | 'edges'>,
  previous: (GraphLayout & { key?: string }) | null
): GraphLayout & { key: string } {
  const key = layoutKey(result);
  if (previous && previous.key === key) {
    const steps = new Map(result.steps.map(s => [s.name, s]));
    const passes = new Map(result.edges.map(e => [`${e.from}->${e.to}`, e.passes]));
    return {
      ...previous,
      key,
      nodes: previous.nodes.map(n => {
        const s = steps.get(n.name)!;
        return {
          ...n,
          inputs: s.inputs,
          outputs: s.outputs,
          parameters: s.parameters,
          firstCell: s.cellIndices.length ? s.cellIndices[0] : -1
        };
      }),
      edges: previous.edges.map(e => ({
        ...e,
        passes: passes.get(`${e.from}->${e.to}`) ?? e.passes
      }))
    };
  }
  return { ...layoutGraph(result), key };
}

export function layoutGraph(result: Pick<AnalysisResult, 'steps' | 'edges'>): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 48, edgesep: 12, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set<string>();
  for (const step of result.steps) {
    known.add(step.name);
    g.setNode(step.name, {
      width: Math.max(80, step.name.length * CHAR_WIDTH + 28),
      height: NODE_HEIGHT
    });
  }
  const edges = result.edges.filter(e => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  for (const edge of edges) {
    const label = edgeLabel(edge.passes);
    g.setEdge(edge.from, edge.to, {
      width: label.length * 6,
      height: label ? 14 : 0,
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
  const laidEdges: GraphEdge[] = edges.map(edge => {
    const e = g.edge(edge.from, edge.to) as any;
    const points: { x: number; y: number }[] = (e.points ?? []).map((p: any) => ({
      x: p.x,
      y: p.y
    }));
    const mid = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    return {
      from: edge.from,
      to: edge.to,
      passes: edge.passes,
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
