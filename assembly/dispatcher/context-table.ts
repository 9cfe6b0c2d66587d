// The dispatcher's table of live contexts, by host context id. Hosts hand out context ids in
// sequence (Envoy: one counter per VM), so `id & mask` spreads them evenly without hashing;
// linear probing resolves the rare collision (a long-lived root or connection whose id is a
// multiple of the capacity away from a new stream's). Cheaper per request than a general
// `Map<u32, BaseContext>`: no hash, no entry objects to rehash or compact, one array store per
// insert and a short backward shift per delete; and about half the code.
import { BaseContext } from "../api/base-context";

const INITIAL_CAPACITY: i32 = 16;

/**
 * Contexts by id. Id 0 (the VM context) is never stored: 0 marks an empty slot. The ids live in
 * unmanaged memory (plain loads, and no shadow-stack frame in the probe loop); the contexts in a
 * managed array, which keeps them alive for the garbage collector.
 */
export class ContextTable {
  private ids: usize = heap.alloc(INITIAL_CAPACITY << 2);
  private contexts: StaticArray<BaseContext | null> = new StaticArray<BaseContext | null>(
    INITIAL_CAPACITY,
  );
  private mask: i32 = INITIAL_CAPACITY - 1;
  private count: i32 = 0;

  /** Number of contexts stored. */
  get size(): i32 {
    return this.count;
  }

  constructor() {
    memory.fill(this.ids, 0, INITIAL_CAPACITY << 2);
  }

  /** The slot of `id`, or of the empty slot where it would go. */
  private slot(id: u32): i32 {
    const ids = this.ids;
    const mask = this.mask;
    let i = (<i32>id) & mask;
    while (true) {
      const stored = load<u32>(ids + ((<usize>i) << 2));
      if (stored == id || stored == 0) return i;
      i = (i + 1) & mask;
    }
  }

  /** The id stored in slot `i` (0: empty). */
  // @ts-ignore: decorator
  @inline
  private idAt(i: i32): u32 {
    return load<u32>(this.ids + ((<usize>i) << 2));
  }

  // @ts-ignore: decorator
  @inline
  private setIdAt(i: i32, id: u32): void {
    store<u32>(this.ids + ((<usize>i) << 2), id);
  }

  /** The context `id`, or null. */
  get(id: u32): BaseContext | null {
    const i = this.slot(id);
    return this.idAt(i) == 0 ? null : unchecked(this.contexts[i]);
  }

  /** Stores (or replaces) the context `id` (not 0). */
  set(id: u32, context: BaseContext): void {
    let i = this.slot(id);
    if (this.idAt(i) == 0) {
      // keep at least half the slots empty so that probes stay short
      if ((this.count + 1) << 1 > this.mask + 1) {
        this.grow();
        i = this.slot(id);
      }
      this.setIdAt(i, id);
      this.count++;
    }
    unchecked((this.contexts[i] = context));
  }

  /** Forgets the context `id` (no-op when absent). */
  delete(id: u32): void {
    const contexts = this.contexts;
    const mask = this.mask;
    let hole = this.slot(id);
    if (this.idAt(hole) == 0) return;
    this.count--;
    // Backward-shift deletion: move later members of the probe run into the hole so that
    // every remaining id stays reachable from its home slot without tombstones.
    let i = hole;
    while (true) {
      i = (i + 1) & mask;
      const moving = this.idAt(i);
      if (moving == 0) break;
      const home = (<i32>moving) & mask;
      // `moving` may fill the hole when its home is not cyclically within (hole, i]
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        this.setIdAt(hole, moving);
        unchecked((contexts[hole] = unchecked(contexts[i])));
        hole = i;
      }
    }
    this.setIdAt(hole, 0);
    unchecked((contexts[hole] = null));
  }

  private grow(): void {
    const oldIds = this.ids;
    const oldContexts = this.contexts;
    const oldCapacity = this.mask + 1;
    const capacity = oldCapacity << 1;
    this.ids = heap.alloc((<usize>capacity) << 2);
    memory.fill(this.ids, 0, (<usize>capacity) << 2);
    this.contexts = new StaticArray<BaseContext | null>(capacity);
    this.mask = capacity - 1;
    for (let j = 0; j < oldCapacity; j++) {
      const id = load<u32>(oldIds + ((<usize>j) << 2));
      if (id != 0) {
        const i = this.slot(id);
        this.setIdAt(i, id);
        unchecked((this.contexts[i] = unchecked(oldContexts[j])));
      }
    }
    heap.free(oldIds);
  }
}
