// Logging for plugin authors. The host's level is asked once per context (lazily, at the first
// log call after a context is created) and records below it are dropped without a hostcall.
// Guard expensive messages with `isLogEnabled(level)` so the string is not even built.
import { LogLevel } from "../abi/types";
import * as hostcalls from "../hostcalls/logging";

const LEVEL_UNKNOWN: i32 = -1;
let cachedLevel: i32 = LEVEL_UNKNOWN;

/** Forgets the cached host level; the dispatcher calls it when a new context is created. */
export function refreshLogLevel(): void {
  cachedLevel = LEVEL_UNKNOWN;
}

/** The host's current log level (asked at most once per context). Valid in any callback. */
export function getLogLevel(): LogLevel {
  if (cachedLevel == LEVEL_UNKNOWN) cachedLevel = <i32>hostcalls.getLogLevel();
  return <LogLevel>cachedLevel;
}

/** True when a record at `level` would be kept by the host. Use it to skip building messages. */
export function isLogEnabled(level: LogLevel): bool {
  return <i32>level >= <i32>getLogLevel();
}

/** Logs `message` at `level` if the host keeps that level. Valid in any callback. */
export function log(level: LogLevel, message: string): void {
  if (<i32>level < <i32>getLogLevel()) return;
  hostcalls.log(level, message);
}

/** Logs at trace level. */
export function logTrace(message: string): void {
  log(LogLevel.Trace, message);
}

/** Logs at debug level. */
export function logDebug(message: string): void {
  log(LogLevel.Debug, message);
}

/** Logs at info level. */
export function logInfo(message: string): void {
  log(LogLevel.Info, message);
}

/** Logs at warn level. */
export function logWarn(message: string): void {
  log(LogLevel.Warn, message);
}

/** Logs at error level. */
export function logError(message: string): void {
  log(LogLevel.Error, message);
}

/** Logs at critical level. */
export function logCritical(message: string): void {
  log(LogLevel.Critical, message);
}
