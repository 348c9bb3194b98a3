//! The `codecs` boundary: a conversion worker ↔ its codecs module, the TIFF, WebP, GIF and BMP
//! decoders, a WebAssembly module of its own that the worker loads (in the same worker) when the
//! first such file arrives (`src/web/codecs.rs`). The file's bytes ride along as `bytes`; the
//! decoded pixels come back as `rgb`, the metadata as `exif`, `xmp` and `icc` (each a
//! `Uint8Array`, absent when the photo has none).

use super::Boundary;
use crate::convert::ConvertError;
use serde::{Deserialize, Serialize};
use strum::EnumIter;

/// Conversion worker → codecs module.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum ToCodecs {
    /// Decode `bytes` to upright 8-bit RGB (`convert::decode_rare`).
    Decode {
        format: RareFormat,
        /// Images with more pixels than this are refused (`ConvertOptions::max_pixels`).
        max_pixels: u64,
    },
}

impl Boundary for ToCodecs {
    const NAME: &'static str = "codecs";
    const FROM: &'static str = "worker";
    const TO: &'static str = "codecs";
}

/// Codecs module → conversion worker.
#[derive(Debug, Clone, Serialize, Deserialize, EnumIter)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum FromCodecs {
    Decoded {
        width: u32,
        height: u32,
        /// The whole file is the EXIF source (`convert::RareImage::exif_is_tiff_file`).
        exif_is_tiff_file: bool,
    },
    Failed {
        error: ConvertError,
    },
}

impl Boundary for FromCodecs {
    const NAME: &'static str = "codecs";
    const FROM: &'static str = "codecs";
    const TO: &'static str = "worker";
}

/// The formats the codecs module decodes (`convert::Format::is_rare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RareFormat {
    #[default]
    Tiff,
    WebP,
    Gif,
    Bmp,
}

impl RareFormat {
    pub fn of(format: crate::convert::Format) -> Option<RareFormat> {
        use crate::convert::Format;
        match format {
            Format::Tiff => Some(RareFormat::Tiff),
            Format::WebP => Some(RareFormat::WebP),
            Format::Gif => Some(RareFormat::Gif),
            Format::Bmp => Some(RareFormat::Bmp),
            _ => None,
        }
    }

    pub fn format(self) -> crate::convert::Format {
        use crate::convert::Format;
        match self {
            RareFormat::Tiff => Format::Tiff,
            RareFormat::WebP => Format::WebP,
            RareFormat::Gif => Format::Gif,
            RareFormat::Bmp => Format::Bmp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::Format;

    #[test]
    fn the_rare_formats_are_the_codecs_module_s() {
        for format in [
            Format::Jpeg,
            Format::Heic,
            Format::Png,
            Format::WebP,
            Format::Gif,
            Format::Bmp,
            Format::Tiff,
            Format::Avif,
            Format::Unknown,
        ] {
            let rare = RareFormat::of(format);
            assert_eq!(rare.is_some(), format.is_rare(), "{format:?}");
            assert_eq!(rare.map(RareFormat::format), rare.map(|_| format));
        }
    }
}
