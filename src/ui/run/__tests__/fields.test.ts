import { fieldText, parametersOfSpec, parseField, parseFields } from '../fields';

describe('parameter fields', () => {
  it('starts each field from the notebook default', () => {
    expect(fieldText({ name: 'n', type: 'NUMBER_INTEGER', value: 10 })).toBe('10');
    expect(fieldText({ name: 'r', type: 'NUMBER_DOUBLE', value: 0.5 })).toBe('0.5');
    expect(fieldText({ name: 's', type: 'STRING', value: 'a b' })).toBe('a b');
    expect(fieldText({ name: 'b', type: 'BOOLEAN', value: true })).toBe(true);
    expect(fieldText({ name: 'l', type: 'LIST', value: [1, 'x'] })).toBe('[1,"x"]');
    expect(fieldText({ name: 'd', type: 'STRUCT', value: { a: 1 } })).toBe('{"a":1}');
    expect(fieldText({ name: 'z', type: 'NUMBER_DOUBLE', value: null })).toBe('');
  });

  it('parses typed values', () => {
    expect(parseField('n', 'NUMBER_INTEGER', ' -12 ')).toEqual({ ok: true, value: -12 });
    expect(parseField('r', 'NUMBER_DOUBLE', '1e-3')).toEqual({ ok: true, value: 0.001 });
    expect(parseField('s', 'STRING', ' keep spaces ')).toEqual({
      ok: true,
      value: ' keep spaces '
    });
    expect(parseField('b', 'BOOLEAN', false)).toEqual({ ok: true, value: false });
    expect(parseField('l', 'LIST', '[1, [2]]')).toEqual({ ok: true, value: [1, [2]] });
    expect(parseField('d', 'STRUCT', '{"k": [1]}')).toEqual({ ok: true, value: { k: [1] } });
  });

  it('refuses values of the wrong type, naming the parameter', () => {
    expect(parseField('n', 'NUMBER_INTEGER', '1.5')).toEqual({
      ok: false,
      error: '"n" must be a whole number'
    });
    expect(parseField('r', 'NUMBER_DOUBLE', '')).toEqual({
      ok: false,
      error: '"r" must be a number'
    });
    expect(parseField('r', 'NUMBER_DOUBLE', 'abc')).toEqual({
      ok: false,
      error: '"r" must be a number'
    });
    expect(parseField('l', 'LIST', '{"a": 1}')).toMatchObject({
      ok: false,
      error: '"l" must be a JSON list, e.g. [1, 2]'
    });
    expect(parseField('d', 'STRUCT', '[1]')).toMatchObject({ ok: false });
    expect(parseField('d', 'STRUCT', 'null')).toMatchObject({ ok: false });
    expect(parseField('l', 'LIST', '[1,')).toMatchObject({ ok: false });
  });

  it('parses a whole form into runtime parameters and errors', () => {
    const parameters = [
      { name: 'rows', type: 'NUMBER_INTEGER' as const, value: 10 },
      { name: 'rate', type: 'NUMBER_DOUBLE' as const, value: 0.5 },
      { name: 'shuffle', type: 'BOOLEAN' as const, value: true }
    ];
    expect(parseFields(parameters, { rows: '20' })).toEqual({
      values: { rows: 20, rate: 0.5, shuffle: true },
      errors: {}
    });
    expect(parseFields(parameters, { rows: 'x' }).errors).toEqual({
      rows: '"rows" must be a whole number'
    });
  });

  it('reads the parameters of a compiled PipelineSpec', () => {
    const spec = {
      root: {
        inputDefinitions: {
          parameters: {
            rows: { parameterType: 'NUMBER_INTEGER', defaultValue: 10 },
            label: { parameterType: 'STRING', defaultValue: 'x' },
            extra: { parameterType: 'LIST' }
          }
        }
      }
    };
    expect(parametersOfSpec(spec)).toEqual([
      { name: 'extra', type: 'LIST', value: null },
      { name: 'label', type: 'STRING', value: 'x' },
      { name: 'rows', type: 'NUMBER_INTEGER', value: 10 }
    ]);
    expect(parametersOfSpec({})).toEqual([]);
  });
});
