import { createHash } from 'node:crypto';

export interface CacheStats {
  hits: number;
  misses: number;
  size: number;
}

/**
 * Answers already given, in memory, bounded by age and count (least recently used goes first).
 * The key is a hash of everything that changes an answer; only complete, valid replies are stored.
 */
export class InferenceCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 200,
    private readonly now: () => number = Date.now,
  ) {}

  static key(parts: unknown): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expires <= this.now()) {
      if (entry) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }

  get stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }
}
