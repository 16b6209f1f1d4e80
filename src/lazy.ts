/**
 * A value made on first use, then kept: how the composition root loads a bundle only when something
 * needs it, e.g. `lazy(() => require('./features.js') as typeof import('./features'))`. `loaded`
 * peeks without loading (for deactivation: nothing to flush if it never loaded).
 */
export interface Lazy<T> {
  (): T;
  readonly loaded: T | undefined;
}

export function lazy<T>(make: () => T): Lazy<T> {
  let value: { made: T } | undefined;
  const get = () => (value ??= { made: make() }).made;
  return Object.defineProperty(get, 'loaded', { get: () => value?.made }) as Lazy<T>;
}
