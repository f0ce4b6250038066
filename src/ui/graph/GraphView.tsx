/**
 * The live execution graph as React SVG: nodes by type with the step name, edges labelled with
 * the variables passed (files passed: dashed, labelled with the file names), wheel zoom and drag pan, click → the step's first cell, hover → inputs
 * and outputs. `data-step` / `data-edge` attributes name what is drawn (tests read them).
 */
import * as React from 'react';
import { GraphEdge, GraphLayout, GraphNode } from './layout';

export interface GraphViewProps {
  layout: GraphLayout;
  /** Step name → run state (`RUNNING`, `SUCCEEDED`, ...) to colour nodes; optional. */
  states?: Readonly<Record<string, string>>;
  /** Steps with error diagnostics. */
  errors?: ReadonlySet<string>;
  onSelect?: (node: GraphNode) => void;
  /** Changes with each analysis result; `onRendered` runs after the render that shows it. */
  revision?: number;
  /** Called after each render of a new revision (for performance marks). */
  onRendered?: () => void;
}

/** How far a file edge is drawn beside a variable edge between the same steps. */
const FILE_EDGE_OFFSET = 4;

/** The smallest label on screen, in CSS pixels: the graph scrolls rather than shrink below it. */
export const MIN_LABEL_PX = 11;
/** The edge labels' font size (style/panel.css), the smallest text the graph draws at scale 1. */
const EDGE_LABEL_PX = 11;
/** The least zoom: one layout unit per pixel at most shrunk so an edge label stays readable. */
export const MIN_ZOOM = MIN_LABEL_PX / EDGE_LABEL_PX;
const MAX_ZOOM = 4;
const zoomed = (scale: number, factor: number) =>
  Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, scale * factor));

function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function tooltip(node: GraphNode): string {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : '—');
  const lines = [
    `${node.name} (${node.kind})`,
    `inputs: ${list(node.inputs)}`,
    `outputs: ${list(node.outputs)}`
  ];
  if (node.parameters.length) {
    lines.push(`parameters: ${list(node.parameters)}`);
  }
  return lines.join('\n');
}

/** One edge; drawn again only when the edge changed (the layout keeps unchanged ones as is). */
const EdgeShape = React.memo(function EdgeShape(props: { edge: GraphEdge }): JSX.Element {
  const { edge } = props;
  // Beside a variable edge, the file edge runs a few pixels over, its label under the other one.
  const shift = edge.variable ? FILE_EDGE_OFFSET : 0;
  return (
    <g
      className="jp-cellpipe-edge"
      data-edge={`${edge.from}->${edge.to}`}
      data-passes={edge.passes.join(',')}
      data-files={edge.files.join(',')}
    >
      {edge.variable && <path d={pathOf(edge.points)} markerEnd="url(#jp-cellpipe-arrow)" />}
      {edge.label && (
        <text x={edge.labelX} y={edge.labelY} className="jp-cellpipe-edge-label">
          {edge.label}
        </text>
      )}
      {edge.files.length > 0 && (
        <g className="jp-cellpipe-file-edge" data-file-edge={edge.files.join(',')}>
          <title>{`files ${edge.from} writes and ${edge.to} reads: ${edge.files.join(', ')}`}</title>
          <path
            d={pathOf(edge.points.map(p => ({ x: p.x + shift, y: p.y })))}
            strokeDasharray="4 3"
            markerEnd="url(#jp-cellpipe-arrow)"
          />
          <text
            x={edge.labelX + shift}
            y={edge.labelY + (edge.label ? 12 : 0)}
            className="jp-cellpipe-file-edge-label"
          >
            {edge.fileLabel}
          </text>
        </g>
      )}
    </g>
  );
});

/** One node; drawn again only when the node, its run state or its error changed. */
const NodeShape = React.memo(function NodeShape(props: {
  node: GraphNode;
  state: string | undefined;
  error: boolean;
  onSelect: (node: GraphNode) => void;
  onHover: React.Dispatch<React.SetStateAction<string | null>>;
}): JSX.Element {
  const { node, state, error, onSelect, onHover } = props;
  const classes = [
    'jp-cellpipe-node',
    `jp-cellpipe-node-${node.kind}`,
    state ? `jp-cellpipe-state-${state.toLowerCase()}` : '',
    error ? 'jp-cellpipe-node-error' : ''
  ];
  return (
    <g
      className={classes.filter(Boolean).join(' ')}
      data-step={node.name}
      data-kind={node.kind}
      data-state={state ?? ''}
      transform={`translate(${node.x - node.width / 2} ${node.y - node.height / 2})`}
      role="button"
      tabIndex={0}
      aria-label={`Step ${node.name}`}
      onClick={() => onSelect(node)}
      onKeyDown={e => (e.key === 'Enter' || e.key === ' ') && onSelect(node)}
      onMouseEnter={() => onHover(node.name)}
      onMouseLeave={() => onHover(h => (h === node.name ? null : h))}
    >
      <title>{tooltip(node)}</title>
      <rect width={node.width} height={node.height} rx={6} ry={6} />
      <text x={node.width / 2} y={node.height / 2 + 4} textAnchor="middle">
        {node.name}
      </text>
    </g>
  );
});

export function GraphView(props: GraphViewProps): JSX.Element {
  const { layout, states, errors, onRendered, revision } = props;
  const [view, setView] = React.useState({ scale: 1, dx: 0, dy: 0 });
  const [hover, setHover] = React.useState<string | null>(null);
  const drag = React.useRef<{ x: number; y: number; dx: number; dy: number } | null>(null);
  // The nodes' click handler stays the same function, so unchanged nodes are not drawn again.
  const onSelectRef = React.useRef(props.onSelect);
  onSelectRef.current = props.onSelect;
  const select = React.useCallback((node: GraphNode) => onSelectRef.current?.(node), []);

  // onRendered runs after a render that shows a new layout or revision, not when only the
  // callback changed: the latest one is read through a ref, like onSelect.
  const onRenderedRef = React.useRef(onRendered);
  onRenderedRef.current = onRendered;
  React.useEffect(() => {
    onRenderedRef.current?.();
  }, [layout, revision]);

  // React listens to wheel passively, so its onWheel cannot keep the panel from scrolling
  // while the graph zooms: a native listener can.
  const svgRef = React.useRef<SVGSVGElement>(null);
  const hasNodes = layout.nodes.length > 0;
  React.useEffect(() => {
    const svg = svgRef.current;
    if (!svg) {
      return;
    }
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const factor = event.deltaY < 0 ? 1.1 : 1 / 1.1;
      setView(v => ({ ...v, scale: zoomed(v.scale, factor) }));
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [hasNodes]);
  const onMouseDown = (event: React.MouseEvent) => {
    if ((event.target as Element).closest('[data-step]')) {
      return;
    }
    drag.current = { x: event.clientX, y: event.clientY, dx: view.dx, dy: view.dy };
  };
  const onMouseMove = (event: React.MouseEvent) => {
    const d = drag.current;
    if (d) {
      setView(v => ({ ...v, dx: d.dx + event.clientX - d.x, dy: d.dy + event.clientY - d.y }));
    }
  };
  const stop = () => (drag.current = null);

  if (!layout.nodes.length) {
    return <p className="jp-cellpipe-empty jp-cellpipe-graph-empty">No steps yet.</p>;
  }
  const hovered = hover ? layout.nodes.find(n => n.name === hover) : undefined;
  return (
    <div className="jp-cellpipe-graph">
      <div className="jp-cellpipe-graph-tools">
        <button
          className="jp-cellpipe-zoom"
          title="Zoom in"
          aria-label="Zoom in"
          disabled={view.scale >= MAX_ZOOM}
          onClick={() => setView(v => ({ ...v, scale: zoomed(v.scale, 1.2) }))}
        >
          +
        </button>
        <button
          className="jp-cellpipe-zoom"
          title="Zoom out"
          aria-label="Zoom out"
          disabled={view.scale <= MIN_ZOOM}
          onClick={() => setView(v => ({ ...v, scale: zoomed(v.scale, 1 / 1.2) }))}
        >
          −
        </button>
        <button
          className="jp-cellpipe-zoom"
          title="Reset view"
          aria-label="Reset view"
          onClick={() => setView({ scale: 1, dx: 0, dy: 0 })}
        >
          ⟲
        </button>
      </div>
      {/* Drawn one layout unit per pixel: a graph wider or taller than the panel scrolls here,
          its labels never shrunk below MIN_LABEL_PX to fit. */}
      <div className="jp-cellpipe-graph-scroll">
        <svg
          className="jp-cellpipe-graph-svg"
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label="Execution graph"
          ref={svgRef}
          onMouseDown={onMouseDown}
          onMouseMove={onMouseMove}
          onMouseUp={stop}
          onMouseLeave={stop}
        >
          <defs>
            <marker
              id="jp-cellpipe-arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="6"
              markerHeight="6"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" className="jp-cellpipe-arrowhead" />
            </marker>
          </defs>
          <g transform={`translate(${view.dx} ${view.dy}) scale(${view.scale})`}>
            {layout.edges.map(edge => (
              <EdgeShape key={`${edge.from}->${edge.to}`} edge={edge} />
            ))}
            {layout.nodes.map(node => (
              <NodeShape
                key={node.name}
                node={node}
                state={states?.[node.name]}
                error={errors?.has(node.name) ?? false}
                onSelect={select}
                onHover={setHover}
              />
            ))}
          </g>
        </svg>
      </div>
      {hovered && (
        <div className="jp-cellpipe-graph-hover" data-hover={hovered.name}>
          <strong>{hovered.name}</strong>
          <div>in: {hovered.inputs.join(', ') || '—'}</div>
          <div>out: {hovered.outputs.join(', ') || '—'}</div>
        </div>
      )}
    </div>
  );
}
