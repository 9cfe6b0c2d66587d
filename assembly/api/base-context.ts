// The part every context shares: its host-assigned id.

/** Base of every context. `id` is the host's context id (roots start at 1; 0 is the VM). */
export abstract class BaseContext {
  /** @param id the host's id for this context */
  constructor(public readonly id: u32) {}
}
