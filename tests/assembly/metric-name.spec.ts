import {
  composeMetricName,
  sanitizeTagValue,
  seriesKey,
  TagStyle,
} from "../../assembly/util/metric-name";

describe("metric names with tags (reference §6.13)", () => {
  it("writes Istio's tag=.=value;.; groups before the name", () => {
    expect(composeMetricName("requests", ["route", "code"], ["api", "200"], TagStyle.Istio)).toBe(
      "route=.=api;.;code=.=200;.;requests",
    );
  });
  it("writes dotted tags after the name", () => {
    expect(composeMetricName("requests", ["route", "code"], ["api", "200"], TagStyle.Dotted)).toBe(
      "requests.route.api.code.200",
    );
  });
  it("leaves a name without tags alone", () => {
    expect(composeMetricName("plain", [], [], TagStyle.Istio)).toBe("plain");
  });
  it("sanitizes the separator of each layout and marks empty or missing values", () => {
    expect(sanitizeTagValue("a;.;b", TagStyle.Istio)).toBe("a_._b");
    expect(sanitizeTagValue("a.b", TagStyle.Istio)).toBe("a.b");
    expect(sanitizeTagValue("eu.west", TagStyle.Dotted)).toBe("eu_west");
    expect(sanitizeTagValue("", TagStyle.Dotted)).toBe("-");
    expect(composeMetricName("m", ["a", "b"], ["x"], TagStyle.Istio)).toBe("a=.=x;.;b=.=-;.;m");
  });
  it("keys series by their values without ambiguity", () => {
    expect(seriesKey(["a", "bc"])).not.toBe(seriesKey(["ab", "c"]));
  });
});
