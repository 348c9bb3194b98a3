// The boxes of an ISO BMFF (HEIF) file, for the benchmark's readers of HEIC files.

/** The boxes between `start` and `end` of `bytes`: where each starts, its type, body and end. */
export function* boxes(bytes, start, end) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = start; at + 8 <= end;) {
    const size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const header = size === 1 ? 16 : 8;
    const length = size === 1 ? Number(view.getBigUint64(at + 8)) : size === 0 ? end - at : size;
    if (length < header) return;
    yield { at, type, body: at + header, end: Math.min(at + length, end) };
    at += length;
  }
}

/** The first box of `type` between `start` and `end`, or undefined. */
export const find = (bytes, type, start, end) => [...boxes(bytes, start, end)].find((box) => box.type === type);
