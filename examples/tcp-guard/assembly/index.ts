// tcp-guard: a TCP (network) filter. Refuses connections from denied client addresses
// (attribute `source.address`, exact IPs or IPv4 CIDR ranges), optionally caps the connections
// open at once across all workers (a counter in shared data), and keeps metrics: connections
// accepted / denied, connections open, bytes in each direction. Example configuration:
//
//   { "deny": ["203.0.113.7", "10.66.0.0/16"], "maxConnections": 1000 }
import {
  configAccepted,
  Counter,
  CounterFamily,
  FilterStatus,
  Gauge,
  logInfo,
  readPluginConfig,
  registerRootContext,
  RootContext,
  SharedData,
  Source,
  StreamContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

const connections = new CounterFamily("tcp_guard_connections_total", ["decision"]);
const open = new Gauge("tcp_guard_connections_open");
const bytesIn = new Counter("tcp_guard_downstream_bytes_total");
const bytesOut = new Counter("tcp_guard_upstream_bytes_total");

/** Shared-data key of the connections open on every worker (u64, CAS-updated). */
const OPEN_KEY = "tcp-guard:open";
/** -1 as a u64 delta (wrapping add). */
const MINUS_ONE: u64 = 0xffffffffffffffff;

/** The IP part of "ip:port" or "[ipv6]:port". */
function hostOf(address: string): string {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    return end > 0 ? address.substring(1, end) : address;
  }
  const colon = address.lastIndexOf(":");
  return colon > 0 && address.indexOf(":") == colon ? address.substring(0, colon) : address;
}

/** An IPv4 address as a u32, or -1 when `text` is not one. */
function parseIpv4(text: string): i64 {
  const parts = text.split(".");
  if (parts.length != 4) return -1;
  let value: i64 = 0;
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (part.length == 0 || part.length > 3) return -1;
    let n: i64 = 0;
    for (let j = 0; j < part.length; j++) {
      const c = part.charCodeAt(j);
      if (c < 0x30 || c > 0x39) return -1;
      n = n * 10 + (c - 0x30);
    }
    if (n > 255) return -1;
    value = (value << 8) | n;
  }
  return value;
}

/** One deny entry: an exact address, or an IPv4 network. */
class DenyRule {
  constructor(
    public readonly exact: string,
    public readonly network: i64,
    public readonly mask: i64,
  ) {}

  matches(ip: string, ipv4: i64): bool {
    if (this.network < 0) return ip == this.exact;
    return ipv4 >= 0 && (ipv4 & this.mask) == this.network;
  }
}

class GuardRoot extends RootContext {
  rules: DenyRule[] = [];
  maxConnections: i64 = 0;

  onConfigure(size: u32): bool {
    const cfg = readPluginConfig();
    const deny = cfg.stringArray("deny");
    const maxConnections = cfg.integer("maxConnections", 0, 0, 1_000_000_000);
    const rules = new Array<DenyRule>();
    for (let i = 0; i < deny.length; i++) {
      const entry = deny[i];
      const slash = entry.indexOf("/");
      if (slash < 0) {
        rules.push(new DenyRule(entry, -1, 0));
        continue;
      }
      const base = parseIpv4(entry.substring(0, slash));
      const bitsText = entry.substring(slash + 1);
      const bits = bitsText.length > 0 && bitsText.length <= 2 ? I32.parseInt(bitsText) : -1;
      if (base < 0 || bits < 0 || bits > 32 || bits.toString() != bitsText) {
        cfg.fail(
          "deny[" + i.toString() + "]",
          "must be an IP address or an IPv4 CIDR like 10.0.0.0/8",
        );
        continue;
      }
      const mask: i64 = bits == 0 ? 0 : (0xffffffff << (32 - bits)) & 0xffffffff;
      rules.push(new DenyRule(entry, base & mask, mask));
    }
    if (!configAccepted(cfg)) return false;
    connections.with(["accepted"]); // known series: defined in this root callback (M5)
    connections.with(["denied"]);
    connections.with(["over_limit"]);
    this.rules = rules;
    this.maxConnections = maxConnections;
    logInfo(
      "tcp-guard: " + rules.length.toString() + " deny rules, max " + maxConnections.toString(),
    );
    return true;
  }

  denied(ip: string): bool {
    const ipv4 = parseIpv4(ip);
    for (let i = 0; i < this.rules.length; i++) if (this.rules[i].matches(ip, ipv4)) return true;
    return false;
  }

  createStreamContext(contextId: u32): StreamContext | null {
    return new Guard(contextId, this);
  }
}

class Guard extends StreamContext {
  /** This connection is in the shared open-connections count. */
  private counted: bool = false;
  /** This connection was let through (and raised the open gauge). */
  private accepted: bool = false;

  constructor(
    id: u32,
    private readonly config: GuardRoot,
  ) {
    super(id, config);
  }

  onNewConnection(): FilterStatus {
    const address = Source.address();
    const ip = address === null ? "" : hostOf(address);
    if (this.config.denied(ip)) return this.refuse("denied", ip);
    if (this.config.maxConnections > 0) {
      const nowOpen = SharedData.addU64(OPEN_KEY, 1);
      this.counted = true;
      if (nowOpen > <u64>this.config.maxConnections) return this.refuse("over_limit", ip);
    }
    connections.with(["accepted"]).increment();
    open.add(1);
    this.accepted = true;
    return FilterStatus.Continue;
  }

  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    bytesIn.increment(dataSize);
    return FilterStatus.Continue;
  }

  onUpstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    bytesOut.increment(dataSize);
    return FilterStatus.Continue;
  }

  /** The connection is finished (accepted or refused): give back what it held. */
  onDone(): void {
    if (this.counted) SharedData.addU64(OPEN_KEY, MINUS_ONE);
    if (this.accepted) open.add(-1);
  }

  private refuse(reason: string, ip: string): FilterStatus {
    connections.with([reason]).increment();
    logInfo("tcp-guard: refused " + ip + " (" + reason + ")");
    this.closeDownstream();
    return FilterStatus.StopIteration;
  }
}

registerRootContext((id: u32) => new GuardRoot(id), "tcp-guard");
