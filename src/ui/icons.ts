import { LabIcon } from '@jupyterlab/ui-components';

/** Three connected boxes: a pipeline. Uses theme variables through `jp-icon3`. */
const PIPELINE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="2" y="3" width="7" height="5" rx="1"/>
    <rect x="15" y="3" width="7" height="5" rx="1"/>
    <rect x="8.5" y="16" width="7" height="5" rx="1"/>
    <path d="M5 8v3.5h14V8h1.6v5.1h-7.8V16h-1.6v-2.9H3.4V8z"/>
  </g>
</svg>`;

export const pipelineIcon = new LabIcon({ name: 'cellpipe:pipeline', svgstr: PIPELINE_SVG });
