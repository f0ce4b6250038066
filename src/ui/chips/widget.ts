/**
 * Draws a compact chip above each annotated cell: the kind's colour, the step name and the steps
 * it depends on; on an untagged code cell a faint "+ step" chip. Only in a notebook with cellpipe on.
 * A chip is a real button (Tab reaches it; Enter or a click opens the pencil editor of that cell) and
 * follows the tags as they change, from the editor, another collaborator or undo.
 *
 * Where: inside the cell's header widget, the first widget of the cell's layout. A node of our own
 * put straight into the cell's node is not in the layout, and JupyterLab moves the layout's widgets
 * around it: a code cell attached again (windowed notebooks attach cells lazily, as they scroll into
 * view) puts its widgets before the node it takes for its output area, the cell node's first child,
 * which was our chip — so the chip ended below the cell. The header moves with the layout; a cell
 * not rendered yet (a placeholder) has none, and gets its chip once `ready`.
 */
import type { CommandRegistry } from '@lumino/commands';
import type { Cell, ICellModel } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { PanelLayout, Widget } from '@lumino/widgets';
import { Trans, plainTrans } from '../run/trans';
import { readTags } from '../../model/tags';
import { Enablement } from '../enablement';
import { Chip, Placeholder, computeChips, computePlaceholders } from './chips';

export const CHIP_CLASS = 'jp-cellpipe-chip';
/** The cell header that holds a chip (JupyterLab's empty header has no height). */
export const CHIP_HOST_CLASS = 'jp-cellpipe-chip-host';
export const EDIT_COMMAND = 'cellpipe:edit-cell';
const HEADER_CLASS = 'jp-Cell-header';

/** Keeps the chips of every open notebook up to date. */
export class CellChips {
  constructor(tracker: INotebookTracker, commands: CommandRegistry, trans: Trans = plainTrans) {
    this._commands = commands;
    this._trans = trans;
    tracker.widgetAdded.connect((_, panel) => this._watch(panel));
    tracker.forEach(panel => this._watch(panel));
  }

  private _watch(panel: NotebookPanel): void {
    const watched = new Set<ICellModel>();
    let pending = 0;
    const schedule = () => {
      if (!pending) {
        pending = requestAnimationFrame(() => {
          pending = 0;
          if (!panel.isDisposed) {
            this._render(panel, schedule);
          }
        });
      }
    };
    const follow = () => {
      const model = panel.model;
      if (!model) {
        return;
      }
      for (const cell of model.cells) {
        if (!watched.has(cell)) {
          watched.add(cell);
          cell.metadataChanged.connect(schedule);
        }
      }
      schedule();
    };
    Enablement.of(panel).changed.connect(schedule);
    void panel.context.ready.then(() => {
      follow();
      panel.model?.cells.changed.connect(follow);
      panel.content.cellInViewportChanged.connect(schedule);
    });
  }

  /** Redraw the chips of one notebook (cheap: a handful of elements); `again` once more cells render. */
  private _render(panel: NotebookPanel, again: () => void): void {
    const notebook = panel.content;
    const model = panel.model;
    if (!model) {
      return;
    }
    if (!Enablement.of(panel).enabled) {
      notebook.node.querySelectorAll(`.${CHIP_CLASS}`).forEach(node => node.remove());
      return;
    }
    const cells = Array.from(model.cells).map(cell => ({
      cellType: cell.type,
      tags: readTags(cell.getMetadata('tags'))
    }));
    const chips = computeChips(cells, this._trans);
    const byIndex = new Map<number, Chip | Placeholder>(chips.map(c => [c.cellIndex, c]));
    for (const p of computePlaceholders(cells, chips)) {
      byIndex.set(p.cellIndex, p);
    }
    notebook.widgets.forEach((cell, index) => {
      const header = Private.header(cell);
      if (!header) {
        // Not rendered yet (a windowed notebook renders cells as they come into view).
        if (!this._waiting.has(cell)) {
          this._waiting.add(cell);
          void cell.ready.then(again);
        }
        return;
      }
      const old = header.node.querySelector<HTMLElement>(`:scope > .${CHIP_CLASS}`);
      const chip = byIndex.get(index);
      const key = chip ? JSON.stringify(chip) : '';
      if (old?.dataset.chip === key) {
        return;
      }
      old?.remove();
      header.toggleClass(CHIP_HOST_CLASS, !!chip);
      if (chip) {
        const node = 'kind' in chip ? this._chipNode(chip) : this._placeholderNode(chip);
        node.dataset.chip = key;
        node.addEventListener('click', event => {
          event.stopPropagation();
          this._edit(panel, node);
        });
        header.node.appendChild(node);
      }
    });
  }

  private _chipNode(chip: Chip): HTMLElement {
    const node = Private.button(`${CHIP_CLASS} ${CHIP_CLASS}-${chip.kind}`);
    node.setAttribute('aria-label', this._trans.__('%1. Edit annotation', chip.ariaLabel));
    node.title = this._trans.__('%1 (Enter: edit)', chip.ariaLabel);
    const label = document.createElement('span');
    label.className = `${CHIP_CLASS}-label`;
    label.textContent = chip.label;
    node.appendChild(label);
    if (chip.deps.length) {
      const deps = document.createElement('span');
      deps.className = `${CHIP_CLASS}-deps`;
      deps.textContent = `← ${chip.deps.join(', ')}`;
      node.appendChild(deps);
    }
    return node;
  }

  private _placeholderNode(placeholder: Placeholder): HTMLElement {
    const node = Private.button(`${CHIP_CLASS} ${CHIP_CLASS}-placeholder`);
    node.textContent = this._trans.__('+ step');
    const above = placeholder.continues;
    const what = above
      ? this._trans.__('Annotate cell: it runs with "%1" above', above.label)
      : this._trans.__('Annotate cell: make it a pipeline step');
    node.setAttribute('aria-label', what);
    node.title = what;
    return node;
  }

  /** Select the chip's cell and open its editor. */
  private _edit(panel: NotebookPanel, node: HTMLElement): void {
    const index = panel.content.widgets.findIndex(cell => cell.node.contains(node));
    if (index >= 0) {
      panel.content.activeCellIndex = index;
    }
    if (this._commands.hasCommand(EDIT_COMMAND)) {
      void this._commands.execute(EDIT_COMMAND);
    }
  }

  private _commands: CommandRegistry;
  private _trans: Trans;
  /** Cells not rendered yet whose `ready` will draw their chip. */
  private _waiting = new WeakSet<Cell>();
}

namespace Private {
  /** The cell's header widget, or null while the cell is a placeholder not rendered yet. */
  export function header(cell: Cell): Widget | null {
    if (cell.isPlaceholder()) {
      return null;
    }
    const layout = cell.layout as PanelLayout | null;
    return layout?.widgets.find(w => w.hasClass(HEADER_CLASS)) ?? null;
  }

  export function button(className: string): HTMLButtonElement {
    const node = document.createElement('button');
    node.type = 'button';
    node.className = className;
    return node;
  }
}
