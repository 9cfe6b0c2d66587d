import { HttpCallRequest } from "../../assembly/api/http-call";

function describeHeaders(request: HttpCallRequest): string {
  let out = "";
  for (let i = 0; i < request.headers.length; i++) {
    out += (i > 0 ? " " : "") + request.headers[i].name + "=" + request.headers[i].value;
  }
  return out;
}

describe("HttpCallRequest (reference §3.6, §5.4)", () => {
  it("always starts with :method, :path and :authority (pitfall C1)", () => {
    expect(describeHeaders(HttpCallRequest.get("api.internal", "/v1?x=1"))).toBe(
      ":method=GET :path=/v1?x=1 :authority=api.internal",
    );
    expect(describeHeaders(HttpCallRequest.post("a", "/"))).toBe(
      ":method=POST :path=/ :authority=a",
    );
  });

  it("pseudo-header setters replace in place", () => {
    const request = HttpCallRequest.get("a", "/").setMethod("PUT").setPath("/p").setAuthority("b");
    expect(describeHeaders(request)).toBe(":method=PUT :path=/p :authority=b");
  });

  it("addHeader keeps duplicates; setHeader replaces the first entry (any case) and drops the rest", () => {
    const request = HttpCallRequest.get("a", "/")
      .addHeader("x-a", "1")
      .addHeader("X-A", "2")
      .addHeader("x-b", "3")
      .setHeader("x-a", "9");
    expect(describeHeaders(request)).toBe(":method=GET :path=/ :authority=a x-a=9 x-b=3");
    expect(request.getHeader("X-B")).toBe("3");
    expect(request.getHeader("x-none")).toBeNull();
    request.setHeader("x-new", "n");
    expect(request.getHeader("x-new")).toBe("n");
  });

  it("body, trailers and timeout", () => {
    const request = HttpCallRequest.post("a", "/").setBodyString("héllo").addTrailer("x-t", "1");
    expect(request.body!.byteLength).toBe(6);
    expect(request.trailers!.length).toBe(1);
    expect(request.timeoutMs).toBe(5000, "a default timeout: Envoy's 0 means none (pitfall C5)");
    expect(request.setTimeout(0).timeoutMs).toBe(0);
    expect(HttpCallRequest.get("a", "/").trailers).toBeNull();
    expect(HttpCallRequest.get("a", "/").body).toBeNull();
  });
});
