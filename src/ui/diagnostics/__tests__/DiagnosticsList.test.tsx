import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { DiagnosticsList } from '../DiagnosticsList';

describe('DiagnosticsList', () => {
  it('says where with the one numbering: cells from 1, with their step', () => {
    const html = renderToStaticMarkup(
      <DiagnosticsList
        diagnostics={[
          { code: 'x', severity: 'error', message: 'broken', cellIndex: 3, step: 'train' },
          { code: 'y', severity: 'warning', message: 'odd', cellIndex: -1 }
        ]}
        onSelect={() => undefined}
        onFix={() => undefined}
      />
    );
    expect(html).toContain(
      '<span class="jp-cellpipe-diagnostic-where">cell 4 (step &quot;train&quot;):</span> broken'
    );
    expect(html).toContain('<span class="jp-cellpipe-diagnostic-where">notebook:</span> odd');
  });

  it('says each severity in words, for a screen reader (the eye sees its shape and colour)', () => {
    const html = renderToStaticMarkup(
      <DiagnosticsList
        diagnostics={[
          { code: 'x', severity: 'error', message: 'broken', cellIndex: 3 },
          { code: 'y', severity: 'warning', message: 'odd', cellIndex: 4 },
          { code: 'z', severity: 'info', message: 'fyi', cellIndex: 5 }
        ]}
        onSelect={() => undefined}
        onFix={() => undefined}
      />
    );
    const said = [
      ...html.matchAll(/<span class="jp-cellpipe-diagnostic-severity">([^<]*)<\/span>/g)
    ];
    expect(said.map(m => m[1])).toEqual(['Error: ', 'Warning: ', 'Note: ']);
  });
});
