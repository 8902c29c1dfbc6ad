/**
 * A small LRU of secret values keyed by (secret, version). Safe because a version's value is
 * immutable in Secrets Manager; bounded so a long-lived container cannot grow without limit.
 */
class VersionCache {
  private readonly entries = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get(secretId: string, versionId: string): string | undefined {
    const key = `${secretId}\u0000${versionId}`;
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(secretId: string, versionId: string, value: string): void {
    if (this.capacity <= 0) return;
    const key = `${secretId}\u0000${versionId}`;
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

export { VersionCache };
