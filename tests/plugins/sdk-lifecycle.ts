// Test plugin: root lifecycle, configuration, logging, properties and time.
// The plugin configuration selects behaviour: "reject" makes onConfigure return false,
// "vm-reject" makes onVmStart return false; anything else is logged back.
import {
  getCurrentTimeNanoseconds,
  getPropertyBool,
  getPropertyInt64,
  getPropertyString,
  HttpContext,
  isLogEnabled,
  LogLevel,
  logCritical,
  logDebug,
  logError,
  logInfo,
  logTrace,
  logWarn,
  registerRootContext,
  RootContext,
  setPropertyString,
  FilterHeadersStatus,
  getProperty,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

// Top-level code runs in _start: allowed to allocate, not to make proxy_* hostcalls.
const started = new Array<string>();
started.push("top-level");
logInfo("logged from top-level code");

function describe(value: string | null): string {
  return value === null ? "(null)" : value;
}

class LifecycleRoot extends RootContext {
  onVmStart(vmConfigurationSize: u32): bool {
    logInfo(
      "onVmStart " +
        this.id.toString() +
        " vm_config=" +
        this.getVmConfigurationString() +
        " size=" +
        vmConfigurationSize.toString(),
    );
    return this.getVmConfigurationString() != "vm-reject";
  }

  onConfigure(pluginConfigurationSize: u32): bool {
    const config = this.getPluginConfigurationString();
    logInfo(
      "onConfigure size=" +
        pluginConfigurationSize.toString() +
        " config=" +
        config +
        " " +
        started.join(","),
    );
    logInfo("plugin_name=" + describe(getPropertyString(["plugin_name"])));
    logInfo("plugin_root_id=" + describe(getPropertyString(["plugin_root_id"])));
    logInfo("plugin_vm_id=" + describe(getPropertyString(["plugin_vm_id"])));
    logInfo("request.path in root=" + describe(getPropertyString(["request", "path"])));
    const now = getCurrentTimeNanoseconds();
    logInfo("now_ms=" + (now / 1_000_000).toString());
    return config != "reject";
  }

  onDone(): bool {
    logInfo("root onDone " + this.id.toString());
    return true;
  }

  onDelete(): void {
    logInfo("root onDelete " + this.id.toString());
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new LifecycleHttp(contextId, this);
  }
}

class LifecycleHttp extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const op = this.requestHeaders.get("x-op");
    if (op == "log-levels") {
      logTrace("at trace");
      logDebug("at debug");
      logInfo("at info");
      logWarn("at warn");
      logError("at error");
      logCritical("at critical");
      if (isLogEnabled(LogLevel.Debug)) logInfo("debug is enabled");
    } else if (op == "properties") {
      logInfo("request.path=" + describe(getPropertyString(["request", "path"])));
      logInfo("request.method=" + describe(getPropertyString(["request", "method"])));
      logInfo("source.port=" + getPropertyInt64(["source", "port"], -1).toString());
      logInfo(
        "connection.mtls=" + (getPropertyBool(["connection", "mtls"], false) ? "true" : "false"),
      );
      logInfo("missing=" + (getProperty(["no", "such"]) === null ? "null" : "present"));
      logInfo("set=" + setPropertyString(["my_state"], "hello").toString());
      logInfo("get back=" + describe(getPropertyString(["my_state"])));
    }
    return FilterHeadersStatus.Continue;
  }
}

registerRootContext((id: u32): RootContext => new LifecycleRoot(id));
