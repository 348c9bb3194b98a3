// Reads a gain-map JPEG with an independent reader, @monogrid/gainmap-js (the decoder behind
// three.js's HDRJPGLoader), and prints what it found as JSON: the gain-map metadata from the
// ISO 21496-1 segment and from the Ultra HDR XMP, and the two images the MPF index points at
// (sizes, and the gain map's bytes written next to the input as NAME.gainmap.jpg).
//
// Usage: node gainmap_extract.mjs NODE_MODULES_DIR INPUT.jpg
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, input] = process.argv.slice(2);
const gainmap = await import(
  pathToFileURL(join(modules, "@monogrid/gainmap-js/dist/decode.js")).href
);
// A fresh buffer: the MPF reader addresses the whole underlying ArrayBuffer from offset 0.
const jpeg = new Uint8Array(readFileSync(input));
const report = { iso: gainmap.extractISO(jpeg) ?? null, xmp: gainmap.extractXMP(jpeg) ?? null };
try {
  const { sdr, gainMap, metadata } = await gainmap.extractGainmapFromJPEG(jpeg);
  writeFileSync(`${input}.gainmap.jpg`, gainMap);
  report.extracted = { metadata, sdrBytes: sdr.length, gainMapBytes: gainMap.length };
} catch (error) {
  report.error = `${error.constructor.name}: ${error.message}`;
}
console.log(JSON.stringify(report));
