// Test plugin: typed plugin configuration. The configuration is read with ConfigReader; a bad
// one is rejected with one log line per error; requests get the accepted values as a reply.
import {
  configAccepted,
  FilterHeadersStatus,
  HttpContext,
  readPluginConfig,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

class ConfigRoot extends RootContext {
  name: string = "";
  rps: i64 = 0;
  burst: i64 = 0;
  ratio: f64 = 0;
  enabled: bool = false;
  mode: string = "";
  paths: string[] = [];
  rules: string[] = [];

  onConfigure(size: u32): bool {
    const cfg = readPluginConfig();
    const name = cfg.requiredString("name");
    const limits = cfg.object("limits");
    const rps = limits.positiveInteger("rps", 100);
    const burst = limits.integer("burst", 0, 0, 1000);
    const ratio = cfg.numberInRange("ratio", 0.5, 0, 1);
    const enabled = cfg.bool("enabled", true);
    const mode = cfg.oneOf("mode", ["enforce", "observe"], "enforce");
    const paths = cfg.stringArray("paths");
    const rules = cfg.objectArray("rules");
    const ruleNames = new Array<string>();
    for (let i = 0; i < rules.length; i++) ruleNames.push(rules[i].requiredString("id"));
    if (!configAccepted(cfg)) return false;
    this.name = name;
    this.rps = rps;
    this.burst = burst;
    this.ratio = ratio;
    this.enabled = enabled;
    this.mode = mode;
    this.paths = paths;
    this.rules = ruleNames;
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new ConfigStream(contextId, this);
  }
}

class ConfigStream extends HttpContext {
  constructor(
    id: u32,
    public readonly config: ConfigRoot,
  ) {
    super(id, config);
  }
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const c = this.config;
    this.sendLocalResponse(
      200,
      [
        c.name,
        c.rps.toString(),
        c.burst.toString(),
        c.ratio.toString(),
        c.enabled.toString(),
        c.mode,
        c.paths.join("|"),
        c.rules.join("|"),
      ].join(" "),
    );
    return FilterHeadersStatus.StopIteration;
  }
}

registerRootContext((id: u32) => new ConfigRoot(id));
