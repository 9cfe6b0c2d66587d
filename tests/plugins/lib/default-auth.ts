// A context class exported as the module's default export (used by sdk-transform.ts): the
// used-callbacks transform must see its overrides.
import { FilterHeadersStatus, HttpContext } from "proxy-wasm-as/assembly";

export default class DefaultExportedAuth extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    if (this.requestHeaders.get("authorization") === null) {
      this.sendLocalResponse(403, "denied");
    }
    return FilterHeadersStatus.Continue;
  }
}
