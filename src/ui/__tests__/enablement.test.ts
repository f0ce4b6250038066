import { enabledFrom } from '../enablement';

describe('enabledFrom', () => {
  it('is off for a new notebook: no Kale tags, no Kale or cellpipe metadata', () => {
    expect(enabledFrom(undefined, undefined, [[], ['my-own-tag'], []])).toBe(false);
    expect(enabledFrom({}, undefined, [])).toBe(false);
  });

  it('is on for a notebook with a Kale tag on any cell, or Kale notebook metadata', () => {
    expect(enabledFrom(undefined, undefined, [[], ['step:load', 'prev:x']])).toBe(true);
    expect(enabledFrom(undefined, undefined, [['imports']])).toBe(true);
    expect(enabledFrom(undefined, undefined, [['block:legacy']])).toBe(true);
    expect(enabledFrom(undefined, { pipeline_name: 'p' }, [])).toBe(true);
    expect(enabledFrom({ defaults: { requests: { cpu: '1' } } }, undefined, [])).toBe(true);
  });

  it("follows the user's choice over what the notebook holds", () => {
    expect(enabledFrom({ enabled: false }, { pipeline_name: 'p' }, [['step:a']])).toBe(false);
    expect(enabledFrom({ enabled: true }, undefined, [])).toBe(true);
  });
});
