/**
 * Own keys of JSON objects read from user metadata: a key such as `__proto__` or `constructor` is
 * a key like any other, never the prototype's.
 */

/** A JSON object (not null, not a list). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `obj[key]` when it is the object's own key, else undefined. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `map[key] = value` as an own data property, whatever the key (`__proto__` included). */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}
