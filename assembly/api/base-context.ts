// The part every context shares: its host-assigned id and what kind of context it is.

/** What a context is; the dispatcher uses it to route callbacks without a map per kind. */
export enum ContextKind {
  /** A plugin's root context (`RootContext`). */
  Root = 0,
  /** An HTTP stream (`HttpContext`). */
  Http = 1,
  /** A TCP connection (`StreamContext`). */
  Stream = 2,
  /** A stream the root chose not to handle (no context was created for it). */
  Declined = 3,
}

/** Base of every context. `id` is the host's context id (roots start at 1; 0 is the VM). */
export abstract class BaseContext {
  /**
   * @param id the host's id for this context
   * @param kind what kind of context this is (set by the subclass constructors)
   */
  constructor(
    public readonly id: u32,
    public readonly kind: ContextKind,
  ) {}
}

/** Placeholder the dispatcher stores for streams a root declined. */
export class DeclinedContext extends BaseContext {
  constructor(id: u32) {
    super(id, ContextKind.Declined);
  }
}
