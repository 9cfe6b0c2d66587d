import { JsonKind, parseJson } from "../../assembly/util/json";

describe("parseJson", () => {
  it("parses objects, arrays and scalars", () => {
    const result = parseJson(' {"a": [1, -2.5e1, true, false, null], "b": {"c": "d"}} ');
    expect(result.ok).toBe(true);
    const root = result.value!;
    expect(root.kind).toBe(JsonKind.Object);
    const a = root.get("a")!.asArray();
    expect(a.length).toBe(5);
    expect(a[0].asNumber()).toBe(1);
    expect(a[1].asNumber()).toBe(-25);
    expect(a[2].asBool()).toBe(true);
    expect(a[3].asBool(true)).toBe(false);
    expect(a[4].isNull()).toBe(true);
    expect(root.get("b")!.get("c")!.asString()).toBe("d");
    expect(root.keys).toStrictEqual(["a", "b"]);
  });

  it("decodes escapes", () => {
    const value = parseJson('"q\\"b\\\\s\\/n\\nt\\tu\\u00e9"').value!;
    expect(value.asString()).toBe('q"b\\s/n\nt\tué');
  });

  it("returns fallbacks on kind mismatch", () => {
    const value = parseJson('{"n": 1}').value!;
    expect(value.get("n")!.asString("x")).toBe("x");
    expect(value.get("missing")).toBeNull();
    expect(value.asArray().length).toBe(0);
  });

  it("reports errors with positions", () => {
    const cases = ['{"a" 1}', "[1, 2", '{"a": tru}', "01", '"unterminated', "{} x", "", '{"a":1,}'];
    for (let i = 0; i < cases.length; i++) {
      const result = parseJson(cases[i]);
      expect(result.ok).toBe(false, cases[i]);
      expect(result.error.length).toBeGreaterThan(0);
    }
    const bad = parseJson('{"a": [1, }');
    expect(bad.position).toBe(10);
    expect(bad.error).toBe("unexpected character '}'");
  });

  it("limits nesting depth", () => {
    let deep = "";
    for (let i = 0; i < 200; i++) deep += "[";
    expect(parseJson(deep).error).toBe("nesting deeper than 128");
  });
});
