// basic-auth: HTTP Basic authentication (RFC 7617) against users listed in the plugin
// configuration. A request without valid credentials gets a 401 local reply with
// `www-authenticate: Basic realm="…"`; an authenticated request goes upstream without its
// Authorization header and with the user name in `x-authenticated-user`. Example configuration:
//
//   {
//     "realm": "internal",
//     "users": {
//       "alice": "sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b",
//       "bob": "plain:builder"
//     }
//   }
//
// Passwords are given as `sha256:<hex digest of the password>` (keeps them out of the config in
// clear) or `plain:<password>` (for tests and local setups).
import {
  base64Decode,
  constantTimeEqual,
  FilterHeadersStatus,
  HeaderPair,
  HttpContext,
  logError,
  logInfo,
  parseJson,
  registerRootContext,
  RootContext,
  sha256,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

/** The value of a hex digit, or -1. */
function nibble(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** Decodes a 64-character hex digest; null when it is not one. */
function hexDigest(text: string): ArrayBuffer | null {
  if (text.length != 64) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const high = nibble(text.charCodeAt(i * 2));
    const low = nibble(text.charCodeAt(i * 2 + 1));
    if (high < 0 || low < 0) return null;
    out[i] = <u8>((high << 4) | low);
  }
  return out.buffer;
}

class BasicAuthRoot extends RootContext {
  realm: string = "proxy";
  /** User name → SHA-256 digest of the password. */
  users: Map<string, ArrayBuffer> = new Map<string, ArrayBuffer>();

  onConfigure(pluginConfigurationSize: u32): bool {
    const parsed = parseJson(this.getPluginConfigurationString());
    const config = parsed.value;
    if (config === null) {
      logError("basic-auth: configuration is not JSON: " + parsed.error);
      return false;
    }
    const realm = config.get("realm");
    if (realm !== null && (realm.kindName() != "string" || realm.asString().includes('"'))) {
      logError("basic-auth: bad configuration: realm must be a string without quotes");
      return false;
    }
    const users = config.get("users");
    if (users === null || users.kindName() != "object" || users.keys.length == 0) {
      logError(
        "basic-auth: bad configuration: users must be a non-empty object of name → password",
      );
      return false;
    }
    const table = new Map<string, ArrayBuffer>();
    for (let i = 0; i < users.keys.length; i++) {
      const name = users.keys[i];
      const entry = users.values[i].asString();
      let digest: ArrayBuffer | null = null;
      if (entry.startsWith("sha256:")) digest = hexDigest(entry.substring(7));
      else if (entry.startsWith("plain:")) digest = sha256(String.UTF8.encode(entry.substring(6)));
      if (name.length == 0 || name.includes(":") || digest === null) {
        logError(
          "basic-auth: bad configuration: users." +
            name +
            ' must be "sha256:<64 hex digits>" or "plain:<password>" (names: non-empty, no ":")',
        );
        return false;
      }
      table.set(name, digest);
    }
    if (realm !== null) this.realm = realm.asString();
    this.users = table;
    logInfo("basic-auth: " + table.size.toString() + " users, realm " + this.realm);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new BasicAuth(contextId, this);
  }
}

class BasicAuth extends HttpContext {
  constructor(
    id: u32,
    private readonly config: BasicAuthRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    const header = this.requestHeaders.get("authorization");
    if (header === null) return this.deny("basic_auth_missing");
    // RFC 7617 §2: the scheme is case-insensitive, one or more spaces before the credentials.
    const space = header.indexOf(" ");
    if (space < 0 || header.substring(0, space).toLowerCase() != "basic") {
      return this.deny("basic_auth_not_basic");
    }
    const decoded = base64Decode(header.substring(space + 1).trim());
    const credentials = decoded === null ? "" : String.UTF8.decode(decoded);
    const colon = credentials.indexOf(":");
    if (colon <= 0) return this.deny("basic_auth_malformed");
    const user = credentials.substring(0, colon);
    const password = sha256(String.UTF8.encode(credentials.substring(colon + 1)));
    // The password is hashed before the user is looked up: an unknown user costs the same.
    if (!this.config.users.has(user)) return this.deny("basic_auth_unknown_user");
    if (!constantTimeEqual(password, this.config.users.get(user))) {
      return this.deny("basic_auth_wrong_password");
    }
    this.requestHeaders.remove("authorization");
    this.requestHeaders.set("x-authenticated-user", user);
    return FilterHeadersStatus.Continue;
  }

  /** 401 with the challenge; `details` tells the cases apart in Envoy's access log only. */
  private deny(details: string): FilterHeadersStatus {
    this.sendLocalResponse(
      401,
      "unauthorized\n",
      [
        new HeaderPair(
          "www-authenticate",
          'Basic realm="' + this.config.realm + '", charset="UTF-8"',
        ),
        new HeaderPair("content-type", "text/plain"),
      ],
      details,
    );
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

registerRootContext((id: u32): RootContext => new BasicAuthRoot(id), "basic-auth");
