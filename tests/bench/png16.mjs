// A 16-bit PNG's samples rounded to 8 bits, written as an 8-bit PNG, for the benchmark's reference.
//
// heif-convert writes a 10-bit HEIC's decode as a 16-bit PNG holding each sample shifted left
// (`v << 6`, no sBIT chunk), and the browser reads a 16-bit PNG into a canvas by dropping the low
// byte: `v >> 2`, a truncation, 0.375 of a level darker on average than the sample's value
// (measured on RGB_10__128x128.heif). The reference is each sample's own value, rounded:
// `round(v × 255 / (2^bits − 1))`, with `bits` the significant bits (16 less the trailing zero
// bits every sample shares). Only non-interlaced greyscale, RGB and RGBA (as heif-convert
// writes them) are read.
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';
import { pngChunk } from '../e2e/bulk-fixtures.mjs';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** The rows of a PNG's image data without their filters (PNG spec, section 9). */
function unfilter(data, height, stride, bpp) {
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const type = data[y * (stride + 1)];
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const at = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[at + x - bpp] : 0;
      const b = y > 0 ? out[at - stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[at - stride + x - bpp] : 0;
      let predicted = 0;
      if (type === 1) predicted = a;
      else if (type === 2) predicted = b;
      else if (type === 3) predicted = (a + b) >> 1;
      else if (type === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (type !== 0) throw new Error(`PNG filter ${type}`);
      out[at + x] = (row[x] + predicted) & 0xff;
    }
  }
  return out;
}

/** Rewrites the PNG at `path` with 8-bit samples if it has 16-bit ones; returns whether it did. */
export function roundTo8Bits(path) {
  const png = readFileSync(path);
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${path}: not a PNG`);
  let header = null;
  const idat = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const [width, height, depth, colour, interlace] = [header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9], header[12]];
  if (depth !== 16) return false;
  if (!CHANNELS[colour] || interlace) throw new Error(`${path}: colour type ${colour}, interlace ${interlace}`);
  const channels = CHANNELS[colour];
  const samples = unfilter(inflateSync(Buffer.concat(idat)), height, width * channels * 2, channels * 2);
  let shared = 0xffff; // the low bits no sample sets
  for (let i = 0; i < samples.length; i += 2) shared &= ~samples.readUInt16BE(i);
  let shift = 0;
  while (shift < 8 && shared & (1 << shift)) shift += 1;
  const max = 2 ** (16 - shift) - 1;
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1)); // filter type 0 on every row
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < stride; x++) {
      const value = samples.readUInt16BE((y * stride + x) * 2) >> shift;
      raw[y * (stride + 1) + 1 + x] = Math.round((value * 255) / max);
    }
  }
  const ihdr = Buffer.from(header);
  ihdr[8] = 8;
  writeFileSync(path, Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]));
  return true;
}
