// Logging for plugin authors. The host's level is asked once per context (lazily, at the first
// log call after a context is created) and records below it are dropped without a hostcall.
// Guard expensive messages with `isLogEnabled(level)` so the string is not even built.
// Before the first context exists (top-level code, run from `_start`) the host allows only
// `proxy_log`, not `proxy_get_log_level` (reference §1.4): records are then sent unfiltered and
// the host filters them.
import { LogLevel } from "../abi/types";
import * as hostcalls from "../hostcalls/logging";

const LEVEL_UNKNOWN: i32 = -1;
let cachedLevel: i32 = <i32>LogLevel.Trace; // until a context exists: send everything
let contextSeen: bool = false;

/** Forgets the cached host level; the dispatcher calls it when a new context is created. */
export function refreshLogLevel(): void {
  cachedLevel = LEVEL_UNKNOWN;
  contextSeen = true;
}

/**
 * The host's current log level, asked at most once per context. Valid in any callback; in
 * top-level code (before any context) it is `LogLevel.Trace` without asking the host.
 */
export function getLogLevel(): LogLevel {
  if (cachedLevel == LEVEL_UNKNOWN && contextSeen) cachedLevel = <i32>hostcalls.getLogLevel();
  return <LogLevel>cachedLevel;
}

/**
 * True when a record at `level` would be kept by the host. Use it to skip building messages:
 * `if (isLogEnabled(LogLevel.Debug)) logDebug("state " + describe(state));`. Valid anywhere.
 */
export function isLogEnabled(level: LogLevel): bool {
  return <i32>level >= <i32>getLogLevel();
}

/** Logs `message` at `level` if the host keeps that level. Valid anywhere, top-level code included. */
export function log(level: LogLevel, message: string): void {
  if (<i32>level < <i32>getLogLevel()) return;
  hostcalls.log(level, message);
}

/** Logs at trace level (dropped without a hostcall below the host's level). Valid anywhere. */
export function logTrace(message: string): void {
  log(LogLevel.Trace, message);
}

/** Logs at debug level (dropped without a hostcall below the host's level). Valid anywhere. */
export function logDebug(message: string): void {
  log(LogLevel.Debug, message);
}

/** Logs at info level (dropped without a hostcall below the host's level). Valid anywhere. */
export function logInfo(message: string): void {
  log(LogLevel.Info, message);
}

/** Logs at warn level (dropped without a hostcall below the host's level). Valid anywhere. */
export function logWarn(message: string): void {
  log(LogLevel.Warn, message);
}

/** Logs at error level (dropped without a hostcall below the host's level). Valid anywhere. */
export function logError(message: string): void {
  log(LogLevel.Error, message);
}

/** Logs at critical level (dropped without a hostcall below the host's level). Valid anywhere. */
export function logCritical(message: string): void {
  log(LogLevel.Critical, message);
}
