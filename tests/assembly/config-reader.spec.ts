import { ConfigReader } from "../../assembly/util/config-reader";

describe("ConfigReader", () => {
  it("reads typed fields and defaults", () => {
    const cfg = ConfigReader.parse('{"a":"x","n":3,"f":0.5,"b":true,"o":{"m":7},"l":["p","q"]}');
    expect(cfg.string("a")).toBe("x");
    expect(cfg.integer("n")).toBe(3);
    expect(cfg.number("f")).toBe(0.5);
    expect(cfg.bool("b")).toBe(true);
    expect(cfg.object("o").positiveInteger("m", 1)).toBe(7);
    expect(cfg.stringArray("l").join(",")).toBe("p,q");
    expect(cfg.string("absent", "dflt")).toBe("dflt");
    expect(cfg.object("none").integer("k", 9)).toBe(9);
    expect(cfg.ok).toBe(true);
    expect(cfg.error).toBe("");
  });
  it("names the dotted path of a wrong nested field", () => {
    const cfg = ConfigReader.parse('{"limits":{"rps":0}}');
    expect(cfg.object("limits").positiveInteger("rps", 5)).toBe(5);
    expect(cfg.ok).toBe(false);
    expect(cfg.error).toBe('config: "limits.rps" must be a positive integer');
  });
  it("rejects non-integers, out-of-range values and wrong kinds", () => {
    const cfg = ConfigReader.parse('{"i":2.5,"r":11,"s":1,"b":"no"}');
    cfg.integer("i");
    cfg.integer("r", 0, 0, 10);
    cfg.string("s");
    cfg.bool("b");
    expect(cfg.allErrors.join("|")).toBe(
      'config: "i" must be an integer|config: "r" must be between 0 and 10|config: "s" must be a string, got number|config: "b" must be true or false, got string',
    );
  });
  it("reports invalid JSON once, and nothing for fields of an unreadable object", () => {
    const cfg = ConfigReader.parse("{");
    cfg.requiredString("name");
    expect(cfg.allErrors.length).toBe(1);
    expect(cfg.error.startsWith("config: invalid JSON at offset")).toBe(true);
  });
  it("treats an empty text as an empty object", () => {
    const cfg = ConfigReader.parse("  ");
    expect(cfg.integer("x", 4)).toBe(4);
    expect(cfg.ok).toBe(true);
  });
  it("reads arrays of objects with indexed paths", () => {
    const cfg = ConfigReader.parse('{"rules":[{"id":"a"},7,{"id":""}]}');
    const rules = cfg.objectArray("rules");
    expect(rules.length).toBe(2);
    expect(rules[0].requiredString("id")).toBe("a");
    rules[1].requiredString("id");
    expect(cfg.allErrors.join("|")).toBe(
      'config: "rules[1]" must be an object, got number|config: "rules[2].id" must not be empty',
    );
  });
});
