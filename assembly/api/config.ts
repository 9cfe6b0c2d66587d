// Plugin configuration for authors: the JSON configuration as a typed `ConfigReader`, and one
// call that logs every error and tells `onConfigure` what to return.
import { BufferType } from "../abi/types";
import * as buffers from "../hostcalls/buffers";
import { ConfigReader } from "../util/config-reader";
import { logError } from "./log";

/**
 * The plugin configuration parsed as JSON into a `ConfigReader`. Valid only in `onConfigure`
 * (the host offers the buffer only then). An empty configuration is an empty object (every
 * field takes its default); invalid JSON or a non-object is recorded as an error.
 */
export function readPluginConfig(): ConfigReader {
  const text = buffers.getBufferString(BufferType.PluginConfiguration, 0, 0xffffffff);
  return ConfigReader.parse(text === null ? "" : text);
}

/**
 * Logs every error of `config` at error level (one line each, e.g.
 * `config: "limits.rps" must be a positive integer`) and returns whether it is valid — return
 * that from `onConfigure`, so a bad configuration is rejected (Envoy keeps the previous one, or
 * fails the plugin at start). Valid anywhere.
 */
export function configAccepted(config: ConfigReader): bool {
  const errors = config.allErrors;
  for (let i = 0; i < errors.length; i++) logError(unchecked(errors[i]));
  return errors.length == 0;
}
