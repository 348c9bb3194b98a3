// Whether a HEIF file's pictures are coded in limited range (video levels, luma 16–235), as libheif
// reads them: the `nclx` colour property when the file has one, otherwise each HEVC picture's own
// VUI (`video_full_range_flag`, which H.265 infers as 0, limited, when the SPS leaves it out).
//
// The benchmark needs it because libheif (1.15, and its current source) converts limited-range
// YCbCr to RGB with 256/219 and 256/224 where BT.601 and BT.709 say 255/219 and 255/224: its
// RGB of such a picture is 256/255 of the standard's (docs/SPEED.md, step 20).

import { boxes, find } from './heif-boxes.mjs';

/** The item properties (`meta`/`iprp`/`ipco`'s children) of a HEIF file, or []. */
function properties(bytes) {
  const meta = find(bytes, 'meta', 0, bytes.length);
  // `meta` is a full box: 4 bytes of version and flags before its children.
  const iprp = meta && find(bytes, 'iprp', meta.body + 4, meta.end);
  const ipco = iprp && find(bytes, 'ipco', iprp.body, iprp.end);
  return ipco ? [...boxes(bytes, ipco.body, ipco.end)] : [];
}

/** An RBSP bit reader (emulation prevention bytes removed first). */
function bitReader(nal) {
  const rbsp = [];
  for (let i = 0; i < nal.length; i++) {
    if (i >= 2 && nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0 && rbsp.at(-1) === 0 && rbsp.at(-2) === 0) continue;
    rbsp.push(nal[i]);
  }
  let bit = 0;
  const u = (n) => {
    let value = 0;
    for (let i = 0; i < n; i++, bit++) {
      if (bit >> 3 >= rbsp.length) throw new Error('SPS ends early');
      value = value * 2 + ((rbsp[bit >> 3] >> (7 - (bit & 7))) & 1);
    }
    return value;
  };
  const ue = () => {
    let zeros = 0;
    while (u(1) === 0) if (++zeros > 31) throw new Error('bad Exp-Golomb code');
    return 2 ** zeros - 1 + u(zeros);
  };
  const se = () => {
    const k = ue();
    return k % 2 ? (k + 1) / 2 : -k / 2;
  };
  return { u, ue, se };
}

/**
 * `video_full_range_flag` of an HEVC SPS NAL unit (H.265 7.3.2.2 and E.2.1), 0 when the SPS has
 * no VUI or no video signal type. Throws on an SPS that ends before its VUI.
 */
export function spsFullRange(nal) {
  const { u, ue, se } = bitReader(nal);
  u(16); // NAL unit header
  u(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = u(3);
  u(1);
  // profile_tier_level(1, maxSubLayersMinus1)
  u(96);
  const present = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push([u(1), u(1)]);
  if (maxSubLayersMinus1 > 0) for (let i = maxSubLayersMinus1; i < 8; i++) u(2);
  for (const [profile, level] of present) u((profile ? 88 : 0) + (level ? 8 : 0));
  ue(); // sps_seq_parameter_set_id
  if (ue() === 3) u(1); // chroma_format_idc, separate_colour_plane_flag
  ue();
  ue(); // width, height
  if (u(1)) for (let i = 0; i < 4; i++) ue(); // conformance window
  ue();
  ue(); // bit depths
  const pocBits = ue() + 4;
  const ordering = u(1);
  for (let i = ordering ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) for (let j = 0; j < 3; j++) ue();
  for (let i = 0; i < 6; i++) ue(); // block and transform sizes, hierarchy depths
  if (u(1) && u(1)) {
    // scaling_list_data()
    for (let size = 0; size < 4; size++) {
      for (let matrix = 0; matrix < 6; matrix += size === 3 ? 3 : 1) {
        if (!u(1)) ue();
        else {
          if (size > 1) se();
          for (let i = 0; i < Math.min(64, 1 << (4 + (size << 1))); i++) se();
        }
      }
    }
  }
  u(2); // amp, sao
  if (u(1)) {
    u(8);
    ue();
    ue();
    u(1); // pcm
  }
  // st_ref_pic_set(i) for each set (7.3.7): only their lengths matter here.
  const deltaPocs = [];
  for (let i = 0, sets = ue(); i < sets; i++) {
    if (i !== 0 && u(1)) {
      u(1);
      ue(); // delta_rps_sign, abs_delta_rps_minus1
      let count = 0;
      for (let j = 0; j <= deltaPocs[i - 1]; j++) if (u(1) || u(1)) count++; // used_by_curr_pic_flag, use_delta_flag
      deltaPocs.push(count);
    } else {
      const [negative, positive] = [ue(), ue()];
      for (let j = 0; j < negative + positive; j++) {
        ue();
        u(1);
      }
      deltaPocs.push(negative + positive);
    }
  }
  if (u(1)) for (let i = ue(); i > 0; i--) u(pocBits + 1); // long-term reference pictures
  u(2); // temporal MVP, strong intra smoothing
  if (!u(1)) return 0; // no VUI
  if (u(1) && u(8) === 255) u(32); // aspect ratio
  if (u(1)) u(1); // overscan
  if (!u(1)) return 0; // no video signal type
  u(3); // video_format
  return u(1);
}

/** The SPS NAL units of an `hvcC` box body (ISO/IEC 14496-15 8.3.3.1). */
function hvcCSps(bytes, box) {
  const found = [];
  let at = box.body + 22;
  const arrays = bytes[at++];
  for (let a = 0; a < arrays; a++) {
    const type = bytes[at] & 0x3f;
    const count = (bytes[at + 1] << 8) | bytes[at + 2];
    at += 3;
    for (let n = 0; n < count; n++) {
      const length = (bytes[at] << 8) | bytes[at + 1];
      if (type === 33) found.push(bytes.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
  }
  return found;
}

/**
 * true when libheif decodes the file's pictures as limited range, false when as full range, null
 * when it cannot be told (an SPS cut short).
 */
export function heifLimitedRange(bytes) {
  const props = properties(bytes);
  const nclx = props.find((box) => box.type === 'colr' && String.fromCharCode(...bytes.subarray(box.body, box.body + 4)) === 'nclx');
  if (nclx) return (bytes[nclx.body + 10] & 0x80) === 0;
  try {
    const ranges = props.filter((box) => box.type === 'hvcC').flatMap((box) => hvcCSps(bytes, box)).map(spsFullRange);
    return ranges.length > 0 && ranges.every((full) => full === 0);
  } catch {
    return null;
  }
}
