import { parseJson } from "../../assembly/util/json";
import {
  formatJsonNumber,
  jsonObject,
  jsonString,
  quoteJson,
  setMember,
  stringifyJson,
} from "../../assembly/util/json-write";

describe("JSON writer", () => {
  it("round-trips a parsed document compactly, in member order", () => {
    const text = '{"b":[1,-2.5,true,false,null],"a":{"x":"y"},"e":[],"o":{}}';
    expect(stringifyJson(parseJson(text).value!)).toBe(text);
  });
  it("formats integers without a fraction and non-finite numbers as null", () => {
    expect(formatJsonNumber(3)).toBe("3");
    expect(formatJsonNumber(-0.5)).toBe("-0.5");
    expect(formatJsonNumber(1e300)).toBe("1e+300");
    expect(formatJsonNumber(NaN)).toBe("null");
  });
  it("escapes quotes, backslashes and control characters", () => {
    expect(quoteJson('a"b\\c\n\u0001')).toBe('"a\\"b\\\\c\\n\\u0001"');
    expect(stringifyJson(parseJson(quoteJson("é\t")).value!)).toBe('"é\\t"');
  });
  it("sets a member in place or appends it", () => {
    const obj = parseJson('{"k":1,"z":2}').value!;
    expect(setMember(obj, "k", jsonString("v"))).toBe(true);
    expect(setMember(obj, "new", jsonObject())).toBe(true);
    expect(stringifyJson(obj)).toBe('{"k":"v","z":2,"new":{}}');
    expect(setMember(jsonString("s"), "k", jsonString("v"))).toBe(false);
  });
});
