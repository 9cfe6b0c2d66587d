// Why a callout failed or a gRPC stream closed, read from the host (`proxy_get_status`) only
// when the handler asks.
import * as context from "../hostcalls/context";

/**
 * The status of a failed HTTP callout, a failed unary gRPC call or a closed gRPC stream. Valid
 * only inside the handler method that received it (the host keeps the status for that callback
 * only); one instance is reused for every event.
 *
 * HTTP callouts (reference §6.7): Envoy reports a reset (or a response over the buffer limit)
 * as code `WasmResult.BrokenConnection` (11) with message "reset". gRPC: `code` is the gRPC
 * status (`GrpcStatus`), `message` the status message the peer or Envoy gave.
 */
export class CalloutStatus {
  private codeValue: u32 = 0;
  private codeKnown: bool = false;
  private messageValue: string = "";
  private messageKnown: bool = false;

  /** @internal Resets the view for a new event; `code` is known for gRPC, read later for HTTP. */
  reset(code: u32, codeKnown: bool): CalloutStatus {
    this.codeValue = code;
    this.codeKnown = codeKnown;
    this.messageKnown = false;
    this.messageValue = "";
    return this;
  }

  /** The status code: `WasmResult` for HTTP callouts, `GrpcStatus` for gRPC. */
  get code(): u32 {
    if (!this.codeKnown) this.read();
    return this.codeValue;
  }

  /** The host's status message ("reset", a gRPC status message, or ""). */
  get message(): string {
    if (!this.messageKnown) this.read();
    return this.messageValue;
  }

  private read(): void {
    const code = context.getStatus();
    if (!this.codeKnown) {
      this.codeValue = code;
      this.codeKnown = true;
    }
    this.messageValue = context.lastStatusMessage;
    this.messageKnown = true;
  }
}

let status: CalloutStatus | null = null;

/** @internal The one status view handed to callout handlers (created when first needed). */
export function calloutStatus(): CalloutStatus {
  let view = status;
  if (view === null) {
    view = new CalloutStatus();
    status = view;
  }
  return view;
}
