/**
 * Draws a compact chip on each annotated cell: the kind's colour, the step name and the steps
 * it depends on. The chip sticks to the top of its cell while scrolling, is a real button
 * (Tab reaches it; Enter or a click opens the pencil editor of that cell) and follows the
 * tags as they change, from the editor, another collaborator or undo.
 */
import type { CommandRegistry } from '@lumino/commands';
import type { ICellModel } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Trans, plainTrans } from '../run/trans';
import { readTags } from '../../model/tags';
import { Chip, computeChips } from './chips';

export const CHIP_CLASS = 'jp-cellpipe-chip';
export const EDIT_COMMAND = 'cellpipe:edit-cell';

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
            this._render(panel);
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
    void panel.context.ready.then(() => {
      follow();
      panel.model?.cells.changed.connect(follow);
      panel.content.cellInViewportChanged.connect(schedule);
    });
  }

  /** Redraw all chips of one notebook (cheap: a handful of elements). */
  private _render(panel: NotebookPanel): void {
    const notebook = panel.content;
    const model = panel.model;
    if (!model) {
      return;
    }
    const cells = Array.from(model.cells).map(cell => ({
      cellType: cell.type,
      tags: readTags(cell.getMetadata('tags'))
    }));
    const byIndex = new Map<number, Chip>(
      computeChips(cells, this._trans).map(c => [c.cellIndex, c])
    );
    notebook.widgets.forEach((cell, index) => {
      const old = cell.node.querySelector(`:scope > .${CHIP_CLASS}`);
      const chip = byIndex.get(index);
      const key = chip ? JSON.stringify(chip) : '';
      if (old && (old as HTMLElement).dataset.chip === key) {
        return;
      }
      old?.remove();
      if (chip) {
        cell.node.insertBefore(this._chipNode(panel, chip, key), cell.node.firstChild);
      }
    });
  }

  private _chipNode(panel: NotebookPanel, chip: Chip, key: string): HTMLElement {
    const node = document.createElement('button');
    node.type = 'button';
    node.className = `${CHIP_CLASS} ${CHIP_CLASS}-${chip.kind}`;
    node.dataset.chip = key;
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
    node.addEventListener('click', event => {
      event.stopPropagation();
      const index = panel.content.widgets.findIndex(cell => cell.node.contains(node));
      if (index >= 0) {
        panel.content.activeCellIndex = index;
      }
      if (this._commands.hasCommand(EDIT_COMMAND)) {
        void this._commands.execute(EDIT_COMMAND);
      }
    });
    return node;
  }

  private _commands: CommandRegistry;
  private _trans: Trans;
}
