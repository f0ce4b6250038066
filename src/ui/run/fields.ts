/**
 * Typed run parameters: the text a person types in a field ⇄ the JSON value KFP expects.
 */
import type { KfpParameterType, TypedParameter } from '../../compiler/parameters';

export type { KfpParameterType, TypedParameter };

/** What a field holds while being edited: text, or a checked state for booleans. */
export type FieldValue = string | boolean;

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** The field's starting content for a parameter's default. */
export function fieldText(parameter: TypedParameter): FieldValue {
  const { type, value } = parameter;
  if (type === 'BOOLEAN') {
    return value === true;
  }
  if (type === 'STRING') {
    return typeof value === 'string' ? value : '';
  }
  if (value === null || value === undefined) {
    return '';
  }
  return type === 'LIST' || type === 'STRUCT' ? JSON.stringify(value) : String(value);
}

/** Parses one field as its KFP type; the error names the parameter. */
export function parseField(name: string, type: KfpParameterType, input: FieldValue): Parsed {
  const fail = (what: string): Parsed => ({
    ok: false,
    error: `"${name}" must be ${what}`
  });
  if (type === 'BOOLEAN') {
    return typeof input === 'boolean' ? { ok: true, value: input } : fail('true or false');
  }
  const text = String(input);
  switch (type) {
    case 'STRING':
      return { ok: true, value: text };
    case 'NUMBER_INTEGER': {
      const t = text.trim();
      return /^[-+]?\d+$/.test(t) ? { ok: true, value: Number(t) } : fail('a whole number');
    }
    case 'NUMBER_DOUBLE': {
      const t = text.trim();
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? { ok: true, value: n } : fail('a number');
    }
    case 'LIST':
    case 'STRUCT': {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return fail(type === 'LIST' ? 'a JSON list, e.g. [1, 2]' : 'a JSON object, e.g. {"a": 1}');
      }
      const isList = Array.isArray(value);
      const isObject = typeof value === 'object' && value !== null && !isList;
      if (type === 'LIST' ? isList : isObject) {
        return { ok: true, value };
      }
      return fail(type === 'LIST' ? 'a JSON list, e.g. [1, 2]' : 'a JSON object, e.g. {"a": 1}');
    }
  }
  return fail(`a value of type ${String(type)}`);
}

/** All fields parsed: the values for `runtime_config.parameters`, or the errors by parameter. */
export function parseFields(
  parameters: readonly TypedParameter[],
  fields: Readonly<Record<string, FieldValue>>
): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const p of parameters) {
    const parsed = parseField(p.name, p.type, fields[p.name] ?? fieldText(p));
    if (parsed.ok) {
      values[p.name] = parsed.value;
    } else {
      errors[p.name] = parsed.error;
    }
  }
  return { values, errors };
}

/** The pipeline's parameters as declared in a compiled PipelineSpec (root input definitions). */
export function parametersOfSpec(pipelineSpec: Record<string, unknown>): TypedParameter[] {
  const defs = objectAt(objectAt(objectAt(pipelineSpec, 'root'), 'inputDefinitions'), 'parameters');
  return Object.keys(defs)
    .sort()
    .map(name => {
      const def = objectAt(defs, name);
      return {
        name,
        type: (def.parameterType ?? 'STRING') as KfpParameterType,
        // Parsed from the package's YAML/JSON: JSON values.
        value: (def.defaultValue ?? null) as TypedParameter['value']
      };
    });
}

/** The object at `key` of parsed YAML/JSON, or {} when there is none. */
function objectAt(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const found = value[key];
  return found && typeof found === 'object' ? (found as Record<string, unknown>) : {};
}
