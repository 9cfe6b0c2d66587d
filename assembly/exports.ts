// Everything a Proxy-Wasm host calls. A plugin's entry file re-exports this module:
//
//   export * from "proxy-wasm-as/assembly/exports";
//
// (AssemblyScript exports only what the entry file exports.)

/** ABI version marker (reference §1.1): this SDK speaks Proxy-Wasm ABI 0.2.1. */
export function proxy_abi_version_0_2_1(): void {}

export * from "./dispatcher/callbacks-memory";
export * from "./dispatcher/callbacks-lifecycle";
export * from "./dispatcher/callbacks-http";
export * from "./dispatcher/callbacks-tcp";
export * from "./dispatcher/callbacks-callouts";
