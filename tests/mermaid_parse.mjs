// Parses Mermaid diagrams with mermaid's own parser. Run from the folder whose node_modules has mermaid and
// jsdom (`make mermaid`): node --input-type=module -e "$(cat tests/mermaid_parse.mjs)" <diagrams.json>
// Input: a JSON list of diagram texts. Output: a JSON list with, for each, {"type": ...} or {"error": ...}.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

const diagrams = JSON.parse(readFileSync(process.argv[1], "utf8"));
const results = [];
for (const text of diagrams) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ type: parsed.diagramType });
  } catch (error) {
    results.push({ error: String(error && error.message ? error.message : error).split("\n").join(" ") });
  }
}
process.stdout.write(JSON.stringify(results));
