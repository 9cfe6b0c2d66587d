// Extracts the coverage items of the ABI reference (proxy-wasm-abi.md): every table row of §3
// (hostcall tables, the buffer availability table, result codes; a §3 subsection without a table
// counts as one item named after its first backticked identifier) and every item of the §8
// conformance checklist. Used by abi-coverage.test.mjs.
import { readFileSync, existsSync } from "node:fs";

/** Candidate locations of the reference: $PROXY_WASM_ABI_REFERENCE, then the team's shared copy. */
export const REFERENCE_PATHS = [
  process.env.PROXY_WASM_ABI_REFERENCE,
  new URL("../../../shared/reference/proxy-wasm-abi.md", import.meta.url).pathname,
  "/work/shared/reference/proxy-wasm-abi.md",
].filter(Boolean);

/** Reads the reference: `{ path, text }`, or null when no copy is on this machine. */
export function readReference() {
  for (const path of REFERENCE_PATHS)
    if (existsSync(path)) return { path, text: readFileSync(path, "utf8") };
  return null;
}

/**
 * One coverage item.
 * @typedef {object} Item
 * @property {string} id e.g. `§3.4 proxy_get_header_map_value`, `§3.3 buffer 4 HttpCallResponseBody`,
 *   `§3.12 11 BrokenConnection`, `§8.7`.
 * @property {string} section e.g. `3.4`, `8.7`.
 * @property {string[]} names words a test title must contain besides the section
 *   (a hostcall name may omit its `proxy_` prefix when the rest has an underscore).
 * @property {string} text the reference line the item came from.
 */

/** Returns the coverage items of the reference text, in reference order. @returns {Item[]} */
export function extractItems(text) {
  const items = [];
  let section = null; // "3.4", "8", or null when outside §3/§8
  let tableIndex = 0;
  let inTable = false;
  let sawRow = false;
  let body = [];
  const closeSection = () => {
    if (section && section !== "8" && !sawRow) {
      const name = /`([a-z_]+)/.exec(body.join("\n"))?.[1];
      if (name)
        items.push({ id: `§${section} ${name}`, section, names: [name], text: body[0] ?? "" });
    }
  };
  for (const line of text.split("\n")) {
    const h3 = /^### (3\.\d+)\b/.exec(line);
    const h2 = /^## (\d+)\./.exec(line);
    if (h3 || h2 || /^#{1,3} /.test(line)) {
      closeSection();
      section = h3 ? h3[1] : h2?.[1] === "8" ? "8" : null;
      tableIndex = 0;
      inTable = false;
      sawRow = false;
      body = [];
      continue;
    }
    if (section === null) continue;
    if (section === "8") {
      const m = /^(\d+)\. (.*)$/.exec(line);
      if (m) items.push({ id: `§8.${m[1]}`, section: `8.${m[1]}`, names: [], text: m[2] });
      continue;
    }
    body.push(line);
    if (!line.startsWith("|")) {
      if (inTable) tableIndex++;
      inTable = false;
      continue;
    }
    if (!inTable) {
      inTable = true; // header row
      continue;
    }
    if (/^\|[-| :]+\|$/.test(line)) continue; // separator row
    sawRow = true;
    const first = line.split("|")[1].trim();
    const cells = line.split("|").map((c) => c.trim());
    const codes = [...first.matchAll(/`([a-z_0-9]+)[^`]*`/g)].map((m) => m[1]);
    if (codes.length > 0) {
      items.push({ id: `§${section} ${codes.join(" / ")}`, section, names: codes, text: line });
    } else if (section === "3.3") {
      const [num, name] = first.split(" ");
      items.push({
        id: `§3.3 buffer ${num} ${name}`,
        section,
        names: [`buffer ${num}`],
        text: line,
      });
    } else if (section === "3.12") {
      items.push({
        id: `§3.12 ${first} ${cells[2]}`,
        section,
        names: [`${first} ${cells[2]}`],
        text: line,
      });
    } else {
      items.push({ id: `§${section} ${first}`, section, names: [first], text: line });
    }
  }
  closeSection();
  return items;
}

/** True when `title` contains the section token (`§3.1` does not match `§3.10`). */
export function titleHasSection(title, section) {
  const re = new RegExp(`§${section.replace(".", "\\.")}(?![0-9])`);
  return re.test(title);
}

/** True when a test title names the item: its section plus each of its names. */
export function titleNames(title, item) {
  if (!titleHasSection(title, item.section)) return false;
  return item.names.every(
    (n) =>
      title.includes(n) ||
      // "get_header_map_value" may stand for proxy_get_header_map_value; "log" or "done" may not.
      (n.startsWith("proxy_") && n.slice(6).includes("_") && title.includes(n.slice(6))),
  );
}
