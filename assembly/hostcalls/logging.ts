// Logging and log-level hostcalls (reference §3.1). Raw imports sit next to their wrappers.
import { LogLevel, WasmResult } from "../abi/types";
import { encodeUtf8, encodedLength, OUT_U32, SLOT_EXTRA } from "./memory";

// @ts-ignore: decorator
@external("env", "proxy_log")
declare function proxy_log(level: LogLevel, messagePtr: usize, messageSize: usize): WasmResult;

// @ts-ignore: decorator
@external("env", "proxy_get_log_level")
declare function proxy_get_log_level(levelPtr: usize): WasmResult;

/** Sends one log record to the host, whatever the host's level (the API layer filters). */
export function log(level: LogLevel, message: string): WasmResult {
  const ptr = encodeUtf8(message, SLOT_EXTRA);
  return proxy_log(level, ptr, encodedLength(SLOT_EXTRA));
}

/** Asks the host for its current log level; `LogLevel.Trace` if the host cannot tell. */
export function getLogLevel(): LogLevel {
  store<u32>(OUT_U32, 0);
  if (proxy_get_log_level(OUT_U32) != WasmResult.Ok) return LogLevel.Trace;
  return <LogLevel>load<u32>(OUT_U32);
}
