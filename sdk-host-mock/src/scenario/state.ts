/** What a scenario run knows about its streams and connections (read by the expectations). */
import type { HttpStream } from "../http-stream.js";
import type { TcpStream } from "../tcp-stream.js";

/** A named HTTP stream of the scenario. */
export interface HttpEntry {
  kind: "http";
  stream: HttpStream;
  /** Status (or Held / Skipped) of the last step on this stream. */
  lastStatus: string | null;
  /** Which header maps the scenario sent (shown in the final state). */
  sent: Set<string>;
  /** The body buffer as the last body callback left it, per direction. */
  bodies: { request?: Uint8Array; response?: Uint8Array };
  destroyed: boolean;
  localResponseRecorded: boolean;
}

/** A named TCP connection of the scenario. */
export interface TcpEntry {
  kind: "tcp";
  stream: TcpStream;
  lastStatus: string | null;
  destroyed: boolean;
}

/** A stream or connection by scenario name. */
export type StreamEntry = HttpEntry | TcpEntry;
