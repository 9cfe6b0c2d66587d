// Paths of the compiled test plugins (built by `npm run build:plugins`).
export function plugin(name, { debug = false } = {}) {
  return new URL(`../plugins/build/${name}${debug ? ".debug" : ""}.wasm`, import.meta.url).pathname;
}

/** A minimal GET request. */
export function get(path = "/", extra = []) {
  return [[":method", "GET"], [":path", path], [":authority", "example.com"], ...extra];
}
