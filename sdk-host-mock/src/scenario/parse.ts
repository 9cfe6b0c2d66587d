/**
 * Reading a scenario file: YAML or JSON (JSON is parsed by the same YAML 1.2 parser, so both get
 * source positions). Syntax errors become {@link ScenarioError}s naming the file line.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, type Document } from "yaml";

/** An invalid scenario (syntax or validation): every message starts with `file:line:`. */
export class ScenarioError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join("\n"));
    this.name = "ScenarioError";
  }
}

/** A parsed scenario document with the means to turn offsets into line numbers. */
export interface ParsedScenario {
  file: string;
  doc: Document.Parsed;
  /** 1-based line of a source offset. */
  lineOf(offset: number): number;
}

/** Parses scenario text; throws {@link ScenarioError} on a syntax error. */
export function parseScenarioText(text: string, file: string): ParsedScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => `${file}:${lineOf(e.pos[0])}: ${e.message.split("\n")[0]}`),
    );
  }
  return { file, doc, lineOf };
}

/** Reads and parses a scenario file. */
export function parseScenarioFile(path: string): ParsedScenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ScenarioError([`${path}: cannot read the scenario: ${(e as Error).message}`]);
  }
  return parseScenarioText(text, path);
}
