/**
 * A pipeline parameter's value: a Python literal read into JSON (int, float, str, bool, None,
 * list, tuple → list, dict with str keys, signed numbers). Anything else has no value.
 */
import type { SyntaxNode } from './syntax';
import type { JsonValue, ParameterType } from './types';

export interface Literal {
  value: JsonValue;
  type?: ParameterType;
}

const NOT_LITERAL = Symbol('not a literal');

/** Node types `readLiteral` may read as a value: any other type is not a literal, whatever it holds. */
export const LITERAL_TYPES: ReadonlySet<string> = new Set([
  'integer',
  'float',
  'true',
  'false',
  'none',
  'parenthesized_expression',
  'unary_operator',
  'string',
  'concatenated_string',
  'list',
  'tuple',
  'dictionary'
]);
type Result = JsonValue | typeof NOT_LITERAL;

export function readLiteral(node: SyntaxNode, code: string): Literal | null {
  const value = literal(node, code);
  if (value === NOT_LITERAL) {
    return null;
  }
  return { value, type: typeOf(node, value, code) };
}

function typeOf(node: SyntaxNode, value: JsonValue, code: string): ParameterType | undefined {
  if (value === null) {
    return undefined;
  }
  if (Array.isArray(value)) {
    return 'list';
  }
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
    case 'number':
      return isFloat(innermost(node), code) ? 'float' : 'int';
    default:
      return 'dict';
  }
}

function innermost(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (
    (current.type === 'parenthesized_expression' || current.type === 'unary_operator') &&
    current.children.length
  ) {
    current = current.children[current.children.length - 1];
  }
  return current;
}

function isFloat(node: SyntaxNode, code: string): boolean {
  return node.type === 'float' && !/[jJ]$/.test(code.slice(node.start, node.end));
}

function literal(node: SyntaxNode, code: string): Result {
  const text = code.slice(node.start, node.end);
  switch (node.type) {
    case 'integer':
      return integer(text);
    case 'float':
      return /[jJ]$/.test(text) ? NOT_LITERAL : Number(text.replace(/_/g, ''));
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'parenthesized_expression':
      return node.children.length === 1 ? literal(node.children[0], code) : NOT_LITERAL;
    case 'unary_operator': {
      const operand = node.children.find(c => c.field === 'argument');
      const operator = text.trimStart()[0];
      const inner = operand ? literal(operand, code) : NOT_LITERAL;
      if (typeof inner !== 'number' || (operator !== '-' && operator !== '+')) {
        return NOT_LITERAL;
      }
      return operator === '-' ? -inner : inner;
    }
    case 'string':
      return stringValue(node, code);
    case 'concatenated_string': {
      let joined = '';
      for (const part of node.children) {
        const piece = part.type === 'string' ? stringValue(part, code) : NOT_LITERAL;
        if (typeof piece !== 'string') {
          return NOT_LITERAL;
        }
        joined += piece;
      }
      return joined;
    }
    case 'list':
    case 'tuple': {
      const items: JsonValue[] = [];
      for (const child of node.children) {
        if (child.type === 'comment') {
          continue;
        }
        const item = literal(child, code);
        if (item === NOT_LITERAL) {
          return NOT_LITERAL;
        }
        items.push(item);
      }
      return items;
    }
    case 'dictionary': {
      const dict: { [k: string]: JsonValue } = {};
      for (const pair of node.children) {
        if (pair.type === 'comment') {
          continue;
        }
        const key = pair.type === 'pair' ? pair.children.find(c => c.field === 'key') : null;
        const value = pair.type === 'pair' ? pair.children.find(c => c.field === 'value') : null;
        const k = key ? literal(key, code) : NOT_LITERAL;
        const v = value ? literal(value, code) : NOT_LITERAL;
        if (typeof k !== 'string' || v === NOT_LITERAL) {
          return NOT_LITERAL;
        }
        dict[k] = v;
      }
      return dict;
    }
    default:
      return NOT_LITERAL;
  }
}

function integer(text: string): Result {
  const clean = text.replace(/_/g, '').toLowerCase();
  if (/[jl]$/.test(clean)) {
    return NOT_LITERAL;
  }
  const value = /^0[box]/.test(clean) ? Number(clean) : /^0+$/.test(clean) ? 0 : Number(clean);
  // Past 2**53 a JSON number loses digits: keep it out rather than change the value silently.
  return Number.isSafeInteger(value) ? value : NOT_LITERAL;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v'
};

function stringValue(node: SyntaxNode, code: string): Result {
  const text = code.slice(node.start, node.end);
  const prefix = /^[A-Za-z]*/.exec(text)![0].toLowerCase();
  if (prefix.includes('b') || prefix.includes('f') || prefix.includes('t')) {
    return NOT_LITERAL;
  }
  if (node.children.some(c => c.type === 'interpolation')) {
    return NOT_LITERAL;
  }
  const quote = /^("""|'''|"|')/.exec(text.slice(prefix.length));
  if (!quote) {
    return NOT_LITERAL;
  }
  const body = text.slice(prefix.length + quote[0].length, text.length - quote[0].length);
  return prefix.includes('r') ? body : unescape(body);
}

function unescape(body: string): Result {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) {
      return NOT_LITERAL;
    }
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
    } else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(digits, 8));
      i += digits.length - 1;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) {
        return NOT_LITERAL;
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += length;
    } else if (next === 'N') {
      // \N{NAME} needs the Unicode name table: not resolved here.
      return NOT_LITERAL;
    } else {
      out += '\\' + next;
    }
  }
  return out;
}
