/**
 * The catalogue of plugin pitfalls (`/work/shared/reference/plugin-pitfalls.md`) as strict mode
 * knows it: every id, its one-line mistake, and whether a single host run can check it.
 */

/** Ids of the 39 catalogued pitfalls. */
export const PITFALL_IDS = [
  "S1",
  "S2",
  "S3",
  "S4",
  "S5",
  "S6",
  "Q1",
  "Q2",
  "Q3",
  "Q4",
  "Q5",
  "Q6",
  "Q7",
  "Q8",
  "Q9",
  "P1",
  "P2",
  "P3",
  "C1",
  "C2",
  "C3",
  "C4",
  "C5",
  "C6",
  "C7",
  "T1",
  "T2",
  "D1",
  "D2",
  "D3",
  "M1",
  "M2",
  "M3",
  "M4",
  "M5",
  "X1",
  "X2",
  "X3",
  "X4",
] as const;

/** A pitfall id such as `"Q2"`. */
export type PitfallId = (typeof PITFALL_IDS)[number];

/** One-line description of each pitfall (the catalogue's "Mistake"). */
export const PITFALL_TITLES: Readonly<Record<PitfallId, string>> = {
  S1: "hostcalls from the wasm start function / _start / _initialize",
  S2: "assuming on_vm_start/on_configure run once per process",
  S3: "reading plugin configuration outside on_configure",
  S4: "trapping (or accepting garbage) in on_configure instead of returning false",
  S5: "root id registered by the plugin differs from the configured root_id",
  S6: "module-global state while several roots share one VM; vm_id assumptions",
  Q1: "pausing a stream and never resuming it",
  Q2: "returning Continue after send_local_response",
  Q3: "sending a local response twice",
  Q4: "mutating request headers after they were forwarded",
  Q5: "deciding on one body chunk instead of the whole body",
  Q6: "assuming a body callback with end_of_stream = true always arrives",
  Q7: "unbounded body buffering",
  Q8: "producing invalid headers",
  Q9: "reading a header map or buffer outside the phase where it exists",
  P1: "send_local_response after response headers went downstream",
  P2: "changing a body's length without dropping Content-Length",
  P3: "treating compressed bodies as plaintext",
  C1: "http_call without :method/:path/:authority",
  C2: "http_call upstream given as URL/hostname instead of a cluster name",
  C3: "dispatching a callout without pausing the stream it should gate",
  C4: "acting on a stream from a root callback without set_effective_context",
  C5: "not handling callout failure, timeout or 'no timeout'",
  C6: "callout answer acted on after the stream is gone",
  C7: "assuming resume/continue runs synchronously",
  T1: "tick work duplicated on every worker",
  T2: "shared-queue registration/resolution mistakes",
  D1: "global variables assumed shared across workers",
  D2: "shared-data read-modify-write without CAS or without retry",
  D3: "unbounded shared-data keys",
  M1: "per-request state never released",
  M2: "blocking, sleeping or spinning per request",
  M3: "using traps as error handling",
  M4: "abort routed to WASI proc_exit",
  M5: "defining metrics per request / unbounded metric names",
  X1: "depending on imports the host does not provide",
  X2: "using hostcalls or phases a given host does not support",
  X3: "wrong property path encoding / stream attributes from a root context",
  X4: "failure policy and rollout assumptions",
};

/** True if `id` is a catalogued pitfall id. */
export function isPitfallId(id: string): id is PitfallId {
  return (PITFALL_IDS as readonly string[]).includes(id);
}
