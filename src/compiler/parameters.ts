/**
 * Pipeline parameters: the literal assignments of the pipeline-parameters cell, typed for KFP.
 */
import { JsonValue, ParameterType, PipelineParameter } from '../analysis/types';
import { isIdentifier } from './names';
import { Problems } from './types';

export type KfpParameterType =
  'NUMBER_INTEGER' | 'NUMBER_DOUBLE' | 'STRING' | 'BOOLEAN' | 'LIST' | 'STRUCT';

const KFP_TYPE: Record<ParameterType, KfpParameterType> = {
  int: 'NUMBER_INTEGER',
  float: 'NUMBER_DOUBLE',
  str: 'STRING',
  bool: 'BOOLEAN',
  list: 'LIST',
  dict: 'STRUCT'
};

/** The Python type of a literal when the analyzer did not say; null for None and the like. */
function inferType(value: JsonValue, valueText: string): ParameterType | null {
  if (typeof value === 'boolean') {
    return 'bool';
  }
  if (typeof value === 'string') {
    return 'str';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) && !/[.eE]/.test(valueText) ? 'int' : 'float';
  }
  if (Array.isArray(value)) {
    return 'list';
  }
  return value === null ? null : 'dict';
}

export interface TypedParameter {
  name: string;
  type: KfpParameterType;
  value: JsonValue;
}

/** Typed parameters by name; a non-literal value is a problem naming the variable. */
export function typedParameters(
  parameters: readonly PipelineParameter[],
  problems: Problems
): Map<string, TypedParameter> {
  const out = new Map<string, TypedParameter>();
  for (const p of parameters) {
    const fail = (message: string) =>
      problems.add({ cellIndex: p.cellIndex, variable: p.name, message });
    if (!isIdentifier(p.name)) {
      fail(`pipeline parameter "${p.name}" is not a Python identifier`);
      continue;
    }
    if (p.value === undefined) {
      fail(
        `pipeline parameter "${p.name}" = ${p.valueText} is not a literal (a number, string, bool, list or dict)`
      );
      continue;
    }
    const type = p.type ?? inferType(p.value, p.valueText);
    if (type === null || (p.value === null && type !== 'str')) {
      fail(
        `pipeline parameter "${p.name}" = ${p.valueText} has no KFP type (use a number, string, bool, list or dict)`
      );
      continue;
    }
    out.set(p.name, { name: p.name, type: KFP_TYPE[type], value: p.value });
  }
  return out;
}

/** `root.inputDefinitions.parameters`: every parameter with its default, optional at run time. */
export function rootParameterDefinitions(
  parameters: Map<string, TypedParameter>
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of parameters.values()) {
    out[p.name] = { defaultValue: p.value, isOptional: true, parameterType: p.type };
  }
  return out;
}
