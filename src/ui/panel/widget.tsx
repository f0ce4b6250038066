import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { parseTags } from '../../model/tags';
import { pipelineIcon } from '../icons';
import { PanelModel } from './model';

/** The deployment panel: a Lumino widget hosting the React body. */
export class PipelinePanel extends ReactWidget {
  constructor(model: PanelModel, trans: TranslationBundle) {
    super();
    this.model = model;
    this._trans = trans;
    this.id = 'cellpipe-panel';
    this.addClass('jp-cellpipe-panel');
    this.title.icon = pipelineIcon;
    this.title.caption = trans.__('Pipeline');
  }

  readonly model: PanelModel;

  dispose(): void {
    this.model.dispose();
    super.dispose();
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => <PanelBody model={this.model} trans={this._trans} />}
      </UseSignal>
    );
  }

  private _trans: TranslationBundle;
}

function PanelBody(props: { model: PanelModel; trans: TranslationBundle }): JSX.Element {
  const { model, trans } = props;
  const panel = model.notebook;
  const header = <h2 className="jp-cellpipe-title">{trans.__('Pipeline')}</h2>;
  if (!panel || !panel.model) {
    return (
      <div className="jp-cellpipe-body">
        {header}
        <p className="jp-cellpipe-empty">{trans.__('Open a notebook to see its pipeline.')}</p>
      </div>
    );
  }
  const steps: string[] = [];
  for (const cell of panel.model.cells) {
    const tags = cell.getMetadata('tags');
    const a = parseTags(Array.isArray(tags) ? tags.map(String) : []);
    if (a.kind === 'step' && a.stepName) {
      steps.push(a.stepName);
    }
  }
  return (
    <div className="jp-cellpipe-body">
      {header}
      <p className="jp-cellpipe-notebook">{panel.context.path}</p>
      <p className="jp-cellpipe-summary">
        {trans._n('%1 step', '%1 steps', steps.length, steps.length)}
      </p>
    </div>
  );
}
