/** Containers this process has created and not yet removed, for cleanup on interrupt. */
class LiveContainers {
  #removers = new Map<string, () => Promise<unknown>>();

  /** Registers a container; returns a function that forgets it. */
  add(id: string, remove: () => Promise<unknown>): () => void {
    this.#removers.set(id, remove);
    return () => this.#removers.delete(id);
  }

  get size(): number {
    return this.#removers.size;
  }

  /** Removes every live container (force), ignoring ones already gone. */
  async removeAll(): Promise<number> {
    const all = [...this.#removers.values()];
    this.#removers.clear();
    await Promise.all(all.map((r) => r().catch(() => {})));
    return all.length;
  }
}

/** The process-wide registry. */
export const liveContainers = new LiveContainers();
