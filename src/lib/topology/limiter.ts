/** Caps concurrent calls per key (service and Region), so wide topologies read fast without tripping throttling. */
export class KeyedLimiter {
  private readonly active = new Map<string, number>()
  private readonly waiting = new Map<string, (() => void)[]>()

  constructor(private readonly limit: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if ((this.active.get(key) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(key) ?? []
        queue.push(resolve)
        this.waiting.set(key, queue)
      })
    }
    this.active.set(key, (this.active.get(key) ?? 0) + 1)
    try {
      return await task()
    } finally {
      this.active.set(key, (this.active.get(key) ?? 1) - 1)
      this.waiting.get(key)?.shift()?.()
    }
  }
}
