/**
 * A bounded memo of a pure function of a text: the `size` most recently used results. The stand-in
 * reads the same texts again and again (the planner, then each specialist call of each task, reads the
 * shopper's message and the earlier ones), so without it a conversation of long messages costs work
 * that grows with its history on every call. Results are shared, so they are frozen: copy one to change it.
 */
export function memoByText<T>(fn: (text: string) => T, size: number): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) {
      // Most recently used last: the first key is the one to drop.
      cache.delete(text);
      cache.set(text, hit);
      return hit;
    }
    const value = deepFreeze(fn(text));
    cache.set(text, value);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
