//! The HEVC decoder photolift patched for speed (`patches/heifer-hevc-dec`) decodes every picture
//! exactly as the published heifer-hevc-dec 0.3.22 does: HEVC decoding is exact, so any change
//! in a single sample, or in which error a damaged stream gives, is a bug of the patch.
//!
//! Every HEVC image item (`hvc1`: primary images, grid tiles, alpha planes, gain maps, depth maps,
//! thumbnails) of every file in the corpus folders `heic`, `heic-world` and `malformed` is decoded
//! on its own, and each file's results are summed up in one SHA-256: per item its ID, then either
//! the decoded planes (sizes, bit depths, chroma format, range, matrix, then every sample as a
//! little-endian u16) or the decoder's error message.
//!
//! The digests in `EXPECTED` were recorded with the unpatched decoder by running this test with
//! `PHOTOLIFT_HEVC_RECORD=1` (which prints the table instead of checking it): with
//! heifer-hevc-dec 0.3.22 from the package registry, and again with its vendored copy before any
//! change (identical source, identical digests).

use std::path::{Path, PathBuf};

use heifer::heifer_hevc_dec::decoder::{decode_picture, DecodeOptions};
use heifer::heifer_isobmff::HeifFile;
use sha2::{Digest, Sha256};

#[rustfmt::skip]
const EXPECTED: &[(&str, &str)] = &[
    ("heic-world/canon_r8_10bit_pq.heic", "898c35724e61ad1835d6972cf370064fb59ed3b204827beaffc8775a57e60510"),
    ("heic-world/grid_missing_tiles_invalid.heic", "523cbf368a36e265cf81ae819c9a68f979efa239c17832c011b44c944d03e9d5"),
    ("heic-world/hvcc_nal_length_zero.heic", "0714bff050c30965cc5e1cbe616eb36e0daa608db55d912ce47cda7ac046f3a7"),
    ("heic-world/iphone11pro_exif_at_eof.heic", "e57f5b99f50f402fea36ee80fb7c626a90600e2f6f6043d79e5b1b088213bf41"),
    ("heic-world/iphone12mini_livephoto.heic", "baa9112c772476509b9f9861fd6159aabe9ca302d6b26fad368ea821a77e13b8"),
    ("heic-world/iphone14pro_clap.heic", "963e3efae2b7aeea46dcf643a7c780f8dbb7a43aec728801939747580e88ff4c"),
    ("heic-world/iphone15pro_edit_clap_alpha_ref.heic", "1ed1aed214ad3a018bd264a28904d5e8c0e77a370dddd5992617c12a83d06a1b"),
    ("heic-world/iphone15pro_edit_irot_clap_grid_alpha.heic", "9752be03aaf8d20daf8b08438a6ed5174db5c0fed5afe21207c3b27322f6beb8"),
    ("heic-world/iphone15pro_gainmap_tmap.heic", "cce9e054420b252e825d9b8cd506731c199b11f8bfcaac3d3ae1807ed4c83afd"),
    ("heic-world/iphone16_gainmap_24mp.heic", "d0bd395b5554f47e58c65d15bb1df5ec67a35a0979366f8a87d2617fe076a8f8"),
    ("heic-world/iphone7plus_ios11_depth_exiforient6_noirot.heic", "94e5c65dec2b00bc5b1c812d67bb0b1c78733f2300eab6af3993d9113100256f"),
    ("heic-world/multiimage_5_top_level.heic", "ad33d9a8e95d701cdb6cace6820e35fe14c6c20aad919c48aa4ffd748d8a6578"),
    ("heic-world/oneplus13.heic", "9d750b2a595e1b05b0be5442f3aa42ae15876b0aea001b161b0a771b1affe8b9"),
    ("heic-world/orient_1_irot.heic", "bdcf7496b12d92b14ef37790cfd41350bc36f90ca7bed81921e997d494167ed8"),
    ("heic-world/orient_2_imir.heic", "8f91967c52eb8778b318426ad6e1b0e14223c6a4eb081f6f7d1d59dd4e3faa5d"),
    ("heic-world/orient_3_irot.heic", "8fcf4c61484236d888ff346fe1019e5c4c871a15041d2dcd7837ec0ff21ef17b"),
    ("heic-world/orient_4_imir.heic", "d99c0bf8a1c5cebdb6019fa6fcfd258fb06643dc08e18259bd3f065d6a08f8c0"),
    ("heic-world/orient_5_irot_imir.heic", "7dfebc9895bcdc95eba1567e4010a7100094cc58b49e93b1b47570ca6a7744cb"),
    ("heic-world/orient_6_irot.heic", "d2bfcdd4936a5b0af108cfb695ef26cbb4b8785211fd87534000fed6d38e5cc6"),
    ("heic-world/orient_7_irot_imir.heic", "4e3d8676f1c6fbdca35e5ffc7e3a4d1258999212378b99d531bc884881d31b80"),
    ("heic-world/orient_8_irot.heic", "51144d5919bf76e4c863a1d8aab9abadde79ce82bfae935cf2bb188c42df5e1e"),
    ("heic-world/samsung_a32.heic", "49c842b7154413dcd1cd778ed0afa0af7c8c508f015a0d315e1effbc4c560a0a"),
    ("heic-world/samsung_s10plus_irot_imir.heic", "10b349cfef18cae2218f81c77209127ca01c15a56ff826f0a5ce62830c75e648"),
    ("heic-world/samsung_s24fe_clap_exiforient6.heic", "8fc6e72122aae28f68b4377da8190c61d90af4c06d1ce4bb914bcdc079d4a763"),
    ("heic-world/tree_alpha_small.heic", "2f3758196c53a63c15b9d0c2a9d2c69547043a26a61a7bb68e1f0d116d339d19"),
    ("heic-world/truncated_last_tile.heic", "bcbbe8cf2598e0cfa3dc311acd609207ce63936213c1af6236956ad08d97f5a0"),
    ("heic/200MP.heic", "d08c1ee195e97a35643129fb7e1a162a15c188e68a64b4e62887a713ca61c8d6"),
    ("heic/L_exif_xmp_iptc.heic", "5f9a8feb3cac8a681cbe7856d8564ce5cb28f907725b9e9364110ba4ae02c7a5"),
    ("heic/RGBA_8__128x128.heif", "6f0320cf65d2089d238e2a386fe2769dd406333b607c0942326c3d491074cdfd"),
    ("heic/RGB_10__128x128.heif", "241bd7c3f094f8e6f15fc285c39f6e3a6e45beec73e3e15e721cfc0062c62956"),
    ("heic/arrow.heic", "961bd9145084ed00087aa52805db71ce46e03e83c67a2dbece7be58966f34dd1"),
    ("heic/aux_YCbCr.heic", "7a0282e998f5f71be917217218c0b4b8c4e3fb70023f167b5518b17a087fc5c4"),
    ("heic/cat.hif", "48fdbf95a7a582ada7f25a92a7f683d82bee8bb1839d69f16a4c897cc92b752e"),
    ("heic/colors-no-alpha-thumbnail.heic", "c8336f5ff51d021f9a2d12ac372d0d52266c54d1b29d8ebacab5d8e31845ea27"),
    ("heic/colors-no-alpha.heic", "3ca7bde5040dd6c4b02981e5bf9dbb73c287fa283080d0e846ac52be02f9da91"),
    ("heic/colors-with-alpha.heic", "71ee6625ae5d9c8b49ffbed6689c8a3871465e0a07e27b789b851f5c73070d44"),
    ("heic/empty_icc.heic", "0ab9f4d0cc25c10727393ee782cae964fa9eb74e657ac0580c4cb5038e57f721"),
    ("heic/example.heic", "d943507a0d599918c7240586b3e7bc319b0678b5b15a2822c1c5c041f6b131ac"),
    ("heic/pug.heic", "06eeac5d05ec1b7f66a2349b8bddcb5700dc82e029c47b244ce94ec7c7716bd0"),
    ("heic/rainbow-451x461.heic", "60d76e9932e432eb38f20c4f74b6769ec633d5810499dc8570a1f1adb91cc393"),
    ("heic/spatial_photo.heic", "6b164d6cf5bb3f6df80bc88a42ee1082aded6158628572a2cc0a278275a2d61f"),
    ("heic/with-alpha-512x512.heic", "3783bb35956a4efd9755fc3a93a20c8abe2523f8fd6bf6ac22b6949f997136f8"),
    ("heic/xiaomi.heic", "be69284db1f810318a81b2b6969f63015d9543f758a979f72d5eadce2ad6c8a8"),
    ("heic/zPug_3.heic", "dbccc9f031db373cb11fdd9572d8f2253864bef971d29d23c535eedb14a5eb70"),
    ("malformed/clap-overflow-divide-zero.heic", "3adeb1f622fa23fe0e71901887ebb6b1914a659dbc1d0a1d5f0b808c6567db80"),
    ("malformed/clusterfuzz-testcase-minimized-color-conversion-fuzzer-6275694804467712", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-4616081830051840.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5120279175102464.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5643900194127872.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5651556035198976.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5662360964956160.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5671864958976000.heic", "d1d1fee905414ee7a41be08a689a5b6dfcc213d440685d59c89c0bb143fae078"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5686319331672064.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5718632116518912.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5720856641142784.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5724458239655936.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5732616832024576.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5752063708495872.heic", "ae43fbe81419164fc77b467a504667d09286d3dc00f9ec3837d025549139859c"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-5757633845264384.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/clusterfuzz-testcase-minimized-file-fuzzer-6045213633282048.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/crash-20ca2625096a205937b809a7841e7f019f0b2dc6.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_138.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_15.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_20.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_367_1.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_367_2.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_44.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_45.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_46_1.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_46_2.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_47.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_48.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_49.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/github_50.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/j2k-siz-segment-undersized.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
    ("malformed/region-mask-missing-refs.heic", "3cc5a76b3641576c663a5ee076c6a4c8ab4aba95a18436dcb168a891ad013aac"),
];

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// The files of the three folders, as `folder/name`, sorted.
fn files() -> Vec<String> {
    let mut names = Vec::new();
    for folder in ["heic", "heic-world", "malformed"] {
        for entry in std::fs::read_dir(corpus().join(folder)).expect("corpus folder") {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".tsv") || name.ends_with(".md") {
                continue;
            }
            names.push(format!("{folder}/{name}"));
        }
    }
    names.sort();
    names
}

/// The digest of every HEVC item of a file, or of why the file cannot be read.
fn digest(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut hash = Sha256::new();
    match HeifFile::parse(&bytes) {
        Err(error) => hash.update(format!("not HEIF: {error}")),
        Ok(file) => {
            for item in file.items.iter().filter(|i| &i.item_type.0 == b"hvc1") {
                hash.update(item.id.to_le_bytes());
                let stream = match file.hevc_bitstream(item.id) {
                    Ok(stream) => stream,
                    Err(error) => {
                        hash.update(format!("no stream: {error}"));
                        continue;
                    }
                };
                match decode_picture(&stream, DecodeOptions::default()) {
                    Err(error) => hash.update(format!("error: {error}")),
                    Ok(frame) => {
                        for v in frame.widths.iter().chain(&frame.heights) {
                            hash.update(v.to_le_bytes());
                        }
                        hash.update(frame.bit_depth);
                        hash.update([
                            frame.chroma_format,
                            u8::from(frame.full_range),
                            frame.matrix_coeffs,
                        ]);
                        for plane in &frame.planes {
                            let bytes: Vec<u8> =
                                plane.iter().flat_map(|s| s.to_le_bytes()).collect();
                            hash.update(&bytes);
                        }
                    }
                }
            }
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_corpus_picture_decodes_exactly_as_the_published_decoder_does() {
    let record = std::env::var_os("PHOTOLIFT_HEVC_RECORD").is_some();
    let mut wrong = Vec::new();
    for name in files() {
        let got = digest(&corpus().join(&name));
        if record {
            println!("    (\"{name}\", \"{got}\"),");
            continue;
        }
        match EXPECTED.iter().find(|(n, _)| *n == name) {
            None => wrong.push(format!("{name}: no recorded digest")),
            Some((_, want)) if *want != got => wrong.push(format!("{name}: {got} != {want}")),
            Some(_) => {}
        }
    }
    assert!(!record, "recorded, not checked");
    assert!(
        wrong.is_empty(),
        "decoded differently:\n{}",
        wrong.join("\n")
    );
}
