// jwt-auth: accepts a request only with a valid HS256 JSON Web Token (RFC 7519) in
// `Authorization: Bearer <token>`: the HMAC-SHA-256 signature is verified with the configured
// secret, `exp` and `nbf` are checked against the host clock (with a leeway), and `iss` / `aud`
// when configured. Chosen claims are passed upstream as headers. Every failure gets a 401 with
// an RFC 6750 challenge and its own response-code details. Example configuration:
//
//   {
//     "secret": "a-string-of-at-least-32-bytes-0123456789",
//     "issuer": "https://auth.example.com",
//     "audience": "orders-api",
//     "leewaySeconds": 30,
//     "claimHeaders": { "sub": "x-user-id", "scope": "x-scopes" }
//   }
import {
  base64UrlDecode,
  constantTimeEqual,
  FilterHeadersStatus,
  getCurrentTimeNanoseconds,
  HeaderPair,
  hmacSha256,
  HttpContext,
  JsonValue,
  logError,
  logInfo,
  parseJson,
  registerRootContext,
  RootContext,
} from "proxy-wasm-as/assembly";
export * from "proxy-wasm-as/assembly/exports";

/** Why a token was refused: response-code details and the RFC 6750 error description. */
class Refusal {
  constructor(
    public details: string,
    public description: string,
  ) {}
}

class JwtRoot extends RootContext {
  secret: ArrayBuffer = new ArrayBuffer(0);
  issuer: string | null = null;
  audience: string | null = null;
  leewaySeconds: f64 = 0;
  claimNames: string[] = [];
  claimHeaders: string[] = [];

  onConfigure(pluginConfigurationSize: u32): bool {
    const error = this.configure(this.getPluginConfigurationString());
    if (error.length > 0) {
      logError("jwt-auth: bad configuration: " + error);
      return false;
    }
    logInfo(
      "jwt-auth: HS256, " +
        (this.issuer === null ? "any issuer" : "issuer " + this.issuer!) +
        ", " +
        (this.audience === null ? "any audience" : "audience " + this.audience!),
    );
    return true;
  }

  /** Applies the configuration; returns an error text or "". */
  private configure(text: string): string {
    const parsed = parseJson(text);
    const config = parsed.value;
    if (config === null) return "not JSON: " + parsed.error;
    const secret = config.get("secret");
    const jwk = config.get("secretBase64Url");
    if ((secret === null) == (jwk === null)) {
      return "give exactly one of secret (text) or secretBase64Url (a JWK's k)";
    }
    let key: ArrayBuffer | null = null;
    if (secret !== null && secret.kindName() == "string")
      key = String.UTF8.encode(secret.asString());
    if (jwk !== null && jwk.kindName() == "string") key = base64UrlDecode(jwk.asString());
    if (key === null) return "secret must be a string, secretBase64Url a base64url string";
    // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (32 bytes).
    if (key.byteLength < 32) return "the key must be at least 32 bytes (RFC 7518 §3.2)";
    const issuer = optionalString(config, "issuer");
    const audience = optionalString(config, "audience");
    if (issuer == "!" || audience == "!") return "issuer and audience must be strings";
    const leeway = config.get("leewaySeconds");
    if (leeway !== null && (leeway.kindName() != "number" || leeway.asNumber() < 0)) {
      return "leewaySeconds must be a number >= 0";
    }
    const names = new Array<string>();
    const headers = new Array<string>();
    const claims = config.get("claimHeaders");
    if (claims !== null) {
      if (claims.kindName() != "object") return "claimHeaders must be an object of claim → header";
      for (let i = 0; i < claims.keys.length; i++) {
        if (claims.values[i].kindName() != "string") {
          return "claimHeaders." + claims.keys[i] + " must be a header name";
        }
        names.push(claims.keys[i]);
        headers.push(claims.values[i].asString().toLowerCase());
      }
    }
    this.secret = key!;
    this.issuer = issuer;
    this.audience = audience;
    this.leewaySeconds = leeway === null ? 0 : leeway.asNumber();
    this.claimNames = names;
    this.claimHeaders = headers;
    return "";
  }

  createHttpContext(contextId: u32): HttpContext | null {
    return new JwtCheck(contextId, this);
  }
}

/** The string member `key`, null when absent, "!" when present but not a string. */
function optionalString(config: JsonValue, key: string): string | null {
  const value = config.get(key);
  if (value === null) return null;
  return value.kindName() == "string" ? value.asString() : "!";
}

/** Decodes a base64url JSON object segment; null when it is not one. */
function decodeSegment(segment: string): JsonValue | null {
  const bytes = base64UrlDecode(segment);
  if (bytes === null) return null;
  const value = parseJson(String.UTF8.decode(bytes)).value;
  return value !== null && value.kindName() == "object" ? value : null;
}

class JwtCheck extends HttpContext {
  private claims: JsonValue | null = null;

  constructor(
    id: u32,
    private readonly config: JwtRoot,
  ) {
    super(id, config);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): FilterHeadersStatus {
    // Claim headers come only from a verified token: drop any the client sent.
    for (let i = 0; i < this.config.claimHeaders.length; i++) {
      this.requestHeaders.remove(this.config.claimHeaders[i]);
    }
    const header = this.requestHeaders.get("authorization");
    if (header === null || !header.toLowerCase().startsWith("bearer ")) {
      // RFC 6750 §3.1: no error code when the request carried no token.
      return this.deny(new Refusal("jwt_missing", ""));
    }
    const token = header.substring(7).trim();
    const refusal = this.verify(token);
    if (refusal !== null) return this.deny(refusal);
    const claims = this.claims!;
    for (let i = 0; i < this.config.claimNames.length; i++) {
      const value = claimText(claims.get(this.config.claimNames[i]));
      if (value !== null) this.requestHeaders.set(this.config.claimHeaders[i], value);
    }
    return FilterHeadersStatus.Continue;
  }

  /** Why `token` is refused, or null after storing its verified claims in `claims`. */
  private verify(token: string): Refusal | null {
    const parts = token.split(".");
    if (parts.length != 3) return new Refusal("jwt_malformed", "token is not three segments");
    const header = decodeSegment(parts[0]);
    const payload = decodeSegment(parts[1]);
    const signature = base64UrlDecode(parts[2]);
    if (header === null || payload === null || signature === null) {
      return new Refusal("jwt_malformed", "segment is not base64url JSON");
    }
    // RFC 8725 §3.1: the algorithm is fixed by configuration, never taken from the token
    // ("none" and RS256-with-the-secret tricks are refused here).
    const alg = header.get("alg");
    if (alg === null || alg.kindName() != "string" || alg.asString() != "HS256") {
      return new Refusal("jwt_unsupported_alg", "only HS256 is accepted");
    }
    const signingInput = String.UTF8.encode(parts[0] + "." + parts[1]);
    if (!constantTimeEqual(hmacSha256(this.config.secret, signingInput), signature)) {
      return new Refusal("jwt_bad_signature", "signature does not match");
    }
    // Claims are read only after the signature is verified.
    const now = <f64>getCurrentTimeNanoseconds() / 1e9;
    const leeway = this.config.leewaySeconds;
    const exp = payload.get("exp");
    if (exp !== null) {
      if (exp.kindName() != "number") return new Refusal("jwt_malformed", "exp is not a number");
      if (now >= exp.asNumber() + leeway) return new Refusal("jwt_expired", "token expired");
    }
    const nbf = payload.get("nbf");
    if (nbf !== null) {
      if (nbf.kindName() != "number") return new Refusal("jwt_malformed", "nbf is not a number");
      if (now + leeway < nbf.asNumber()) {
        return new Refusal("jwt_not_yet_valid", "token not valid yet");
      }
    }
    const issuer = this.config.issuer;
    if (issuer !== null) {
      const iss = payload.get("iss");
      if (iss === null || iss.kindName() != "string" || iss.asString() != issuer) {
        return new Refusal("jwt_bad_issuer", "issuer not accepted");
      }
    }
    const audience = this.config.audience;
    if (audience !== null && !hasAudience(payload.get("aud"), audience)) {
      return new Refusal("jwt_bad_audience", "audience not accepted");
    }
    this.claims = payload;
    return null;
  }

  private deny(refusal: Refusal): FilterHeadersStatus {
    let challenge = 'Bearer realm="jwt-auth"';
    if (refusal.description.length > 0) {
      challenge += ', error="invalid_token", error_description="' + refusal.description + '"';
    }
    this.sendLocalResponse(
      401,
      '{"error":"unauthorized"}',
      [
        new HeaderPair("www-authenticate", challenge),
        new HeaderPair("content-type", "application/json"),
      ],
      refusal.details,
    );
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

/** A claim as header text: strings as they are, numbers and booleans printed; else null. */
function claimText(claim: JsonValue | null): string | null {
  if (claim === null) return null;
  const kind = claim.kindName();
  if (kind == "string") return claim.asString();
  if (kind == "boolean") return claim.asBool() ? "true" : "false";
  if (kind != "number") return null;
  const n = claim.asNumber();
  return Math.floor(n) == n && Math.abs(n) < 9e15 ? (<i64>n).toString() : n.toString();
}

/** RFC 7519 §4.1.3: `aud` is one string or an array of strings. */
function hasAudience(aud: JsonValue | null, audience: string): bool {
  if (aud === null) return false;
  if (aud.kindName() == "string") return aud.asString() == audience;
  if (aud.kindName() != "array") return false;
  const list = aud.asArray();
  for (let i = 0; i < list.length; i++) {
    if (list[i].kindName() == "string" && list[i].asString() == audience) return true;
  }
  return false;
}

registerRootContext((id: u32): RootContext => new JwtRoot(id), "jwt-auth");
