// Test plugin: typed Envoy attributes. Request attributes are reported in a response header
// `x-attrs` at response headers time (where header-derived request attributes are gone) and in
// onRequestHeaders (where they exist); everything goes to the logs as `name=value`.
import {
  Connection,
  Destination,
  FilterHeadersStatus,
  HttpContext,
  lastResult,
  logInfo,
  Metadata,
  MetadataSource,
  PluginInfo,
  registerRootContext,
  Request,
  Response,
  RootContext,
  Source,
  Upstream,
  Xds,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

function show(name: string, value: string | null): void {
  logInfo(name + "=" + (value === null ? "null(" + lastResult().toString() + ")" : value));
}

class AttributeStream extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    show("request.path", Request.path());
    show("request.url_path", Request.urlPath());
    show("request.query", Request.query());
    show("request.method", Request.method());
    show("request.host", Request.host());
    show("request.scheme", Request.scheme());
    show("request.id", Request.id());
    show("request.protocol", Request.protocol());
    show("request.header", Request.header("X-Custom"));
    const headers = Request.headers();
    show("request.headers.count", headers.length.toString());
    show("request.time.positive", (Request.timeNanos() > 0).toString());
    show("request.size", Request.size().toString());
    show("source.address", Source.address());
    show("source.port", Source.port().toString());
    show("destination.address", Destination.address());
    show("destination.port", Destination.port().toString());
    show("connection.id.nonzero", (Connection.id() != 0).toString());
    show("connection.mtls", Connection.mtls().toString());
    show("connection.requested_server_name", Connection.requestedServerName());
    show("upstream.address", Upstream.address());
    show("upstream.port", Upstream.port().toString());
    show("plugin.name", PluginInfo.name());
    show("plugin.root_id", PluginInfo.rootId());
    show("plugin.vm_id", PluginInfo.vmId());
    show("xds.node.id", Xds.nodeId());
    show("xds.cluster_name", Xds.clusterName());
    show("xds.route_name", Xds.routeName());
    show("metadata.dynamic", Metadata.getString(MetadataSource.Dynamic, "ns", "user"));
    show(
      "metadata.route.weight",
      Metadata.getNumber(MetadataSource.Route, "ns", "weight").toString(),
    );
    show(
      "metadata.route.canary",
      Metadata.getBool(MetadataSource.Route, "ns", "canary").toString(),
    );
    show("metadata.missing", Metadata.getString(MetadataSource.Cluster, "ns", "nope"));
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    show("late.request.path", Request.path());
    show("response.code", Response.code().toString());
    show("response.header", Response.header("content-type"));
    return FilterHeadersStatus.Continue;
  }

  onLog(): void {
    show("log.request.path", Request.path());
    show("log.response.code", Response.code().toString());
    show("log.response.code_details", Response.codeDetails());
    show("log.response.flags", Response.flags().toString());
    show("log.request.duration.nonneg", (Request.durationNanos() >= 0).toString());
    show("log.request.total_size.positive", (Request.totalSize() > 0).toString());
    show("log.response.size", Response.size().toString());
    show("log.response.grpc_status", Response.grpcStatus().toString());
    show("log.connection.tls_version", Connection.tlsVersion());
  }
}

class AttributeRoot extends RootContext {
  onConfigure(size: u32): bool {
    show("root.plugin.name", PluginInfo.name());
    show("root.xds.node.id", Xds.nodeId());
    show("root.request.path", Request.path());
    return true;
  }
  createHttpContext(contextId: u32): HttpContext | null {
    return new AttributeStream(contextId, this);
  }
}

registerRootContext((id: u32) => new AttributeRoot(id));
