/** Every host function the mock can link, grouped by family (one file each). */
import { WASI_HOSTCALLS } from "../wasi.js";
import { BUFFER_HOSTCALLS } from "./buffers.js";
import { CALLOUT_HOSTCALLS } from "./callouts.js";
import { CONTEXT_CONTROL_HOSTCALLS } from "./context-control.js";
import { ENVOY_HOSTCALLS } from "./envoy.js";
import { FOREIGN_HOSTCALLS } from "./foreign.js";
import { HEADER_MAP_HOSTCALLS } from "./header-maps.js";
import { LOGGING_HOSTCALLS } from "./logging.js";
import { METRIC_HOSTCALLS } from "./metrics.js";
import { PROPERTY_HOSTCALLS } from "./properties.js";
import { SHARED_DATA_HOSTCALLS } from "./shared-data.js";
import { STREAM_CONTROL_HOSTCALLS } from "./stream-control.js";
import type { HostcallDef } from "./types.js";

export type { HostcallDef } from "./types.js";

/** All hostcalls; `versions` on each entry selects the ABI versions that link it. */
export const ALL_HOSTCALLS: readonly HostcallDef[] = [
  ...LOGGING_HOSTCALLS,
  ...PROPERTY_HOSTCALLS,
  ...BUFFER_HOSTCALLS,
  ...HEADER_MAP_HOSTCALLS,
  ...STREAM_CONTROL_HOSTCALLS,
  ...SHARED_DATA_HOSTCALLS,
  ...METRIC_HOSTCALLS,
  ...CONTEXT_CONTROL_HOSTCALLS,
  ...CALLOUT_HOSTCALLS,
  ...FOREIGN_HOSTCALLS,
  ...ENVOY_HOSTCALLS,
  ...WASI_HOSTCALLS,
];
