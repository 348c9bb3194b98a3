//! photolift patch: a block's end trimmed where its last coefficients cost more bits than the
//! error they save (change 8 in PATCHES.md).
//!
//! A coefficient that rounds to ±1 from just over half a step is worth little: coded, it leaves
//! an error of `(1 − r)` steps; dropped, `r` steps (`r = |coefficient| / step`), so dropping it
//! adds `(2r − 1)` steps squared of error. When it is the last non-zero coefficient of the block,
//! dropping it also saves its whole code: the run of zeros before it (16 at a time, each a ZRL
//! code), its own code and its one extra bit. Such isolated high-frequency ±1s are common in a
//! decoded photo and cost far more bits than the error they remove. Rounding to nearest, as
//! libjpeg does, minimises the error alone; this weighs the error against the bits, with the
//! weight scaled by each coefficient's own step, as rate-distortion encoders do.

use crate::encoder::nonzero_mask;
use crate::huffman::HuffmanTable;
use crate::quantization::QuantizationTable;
use crate::writer::ZIGZAG;

/// A trailing ±1 is dropped while `(2r − 1) × BITS_PER_STEP_SQUARED < bits saved`: one bit is
/// worth 1/200 of a step squared of error. Measured on the benchmark's 12 MP photos (docs/SPEED.md
/// of photolift, step 20): 0.6–1.5 % smaller JPEGs for at most 0.005 dB of luma PSNR; 1/100
/// loses three times that for a third more bytes.
const BITS_PER_STEP_SQUARED: i64 = 200;

/// The length in bits of each AC symbol's code: the rate model. The tables actually written are
/// optimised for each image after the trimming, so the standard tables of T.81 Annex K stand in
/// for them (a symbol they leave out would be given 16 bits).
pub(crate) struct AcCodeLengths([u8; 256]);

impl AcCodeLengths {
    pub(crate) fn luma() -> Self {
        Self::of(&HuffmanTable::default_luma_ac())
    }

    pub(crate) fn chroma() -> Self {
        Self::of(&HuffmanTable::default_chroma_ac())
    }

    fn of(table: &HuffmanTable) -> Self {
        AcCodeLengths(core::array::from_fn(|symbol| {
            match table.code_length(symbol as u8) {
                0 => 16,
                length => length,
            }
        }))
    }

    fn bits(&self, symbol: u8) -> i64 {
        i64::from(self.0[usize::from(symbol)])
    }
}

/// Drops `quantized`'s trailing ±1 AC coefficients (zigzag order) while each costs more bits than
/// its error is worth; `coefficients` is the block before quantisation (natural order, as the
/// DCT left it), `table` the quantisation that made `quantized`. The DC coefficient and every
/// coefficient of magnitude 2 or more are left as they are.
pub(crate) fn trim_block_end(
    coefficients: &[i16; 64],
    quantized: &mut [i16; 64],
    table: &QuantizationTable,
    lengths: &AcCodeLengths,
) {
    let end_of_block = lengths.bits(0x00);
    let zero_run_16 = lengths.bits(0xF0);
    let mut mask = nonzero_mask(quantized) & !1;
    while mask != 0 {
        let last = 63 - mask.leading_zeros() as usize;
        if quantized[last].unsigned_abs() != 1 {
            return;
        }
        let rest = mask & !(1u64 << last);
        let previous = if rest == 0 {
            0
        } else {
            63 - rest.leading_zeros() as usize
        };
        let run = last - previous - 1;
        let mut saved =
            (run / 16) as i64 * zero_run_16 + lengths.bits(((run % 16) << 4) as u8 | 1) + 1;
        if last == 63 {
            // The block had no end-of-block code; without its last coefficient it needs one.
            saved -= end_of_block;
        }
        let natural = usize::from(ZIGZAG[last] & 0x3f);
        let step = i64::from(table.step(natural));
        let magnitude = i64::from(coefficients[natural].unsigned_abs());
        // (2r − 1) × W < saved, with r = magnitude / step, in integers.
        if (2 * magnitude - step) * BITS_PER_STEP_SQUARED >= saved * step {
            return;
        }
        quantized[last] = 0;
        mask = rest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantization::QuantizationTableType;

    fn luma_q92() -> QuantizationTable {
        QuantizationTable::new_with_quality(&QuantizationTableType::Default, 92, true)
    }

    /// A block whose coefficients (natural order) are `step × ratio` at the given zigzag
    /// positions, with a large DC; returns it and its quantisation.
    fn block(table: &QuantizationTable, ratios: &[(usize, f64)]) -> ([i16; 64], [i16; 64]) {
        let mut coefficients = [0i16; 64];
        coefficients[0] = 2000;
        for &(zigzag, ratio) in ratios {
            let natural = usize::from(ZIGZAG[zigzag] & 0x3f);
            coefficients[natural] = (f64::from(table.step(natural)) * ratio).round() as i16;
        }
        let mut quantized = [0i16; 64];
        table.quantize_block(&coefficients, &ZIGZAG, &mut quantized);
        (coefficients, quantized)
    }

    fn trimmed(ratios: &[(usize, f64)]) -> [i16; 64] {
        let table = luma_q92();
        let (coefficients, mut quantized) = block(&table, ratios);
        trim_block_end(
            &coefficients,
            &mut quantized,
            &table,
            &AcCodeLengths::luma(),
        );
        quantized
    }

    #[test]
    fn an_isolated_one_from_just_over_half_a_step_is_dropped() {
        let ratios = [(1, 3.0), (40, 0.52)];
        assert_eq!(
            block(&luma_q92(), &ratios).1[40],
            1,
            "rounded to nearest, it is a 1"
        );
        let q = trimmed(&ratios);
        assert_eq!(q[40], 0);
        assert_eq!(q[1], 3);
        assert_ne!(q[0], 0, "the DC is kept");
    }

    #[test]
    fn a_one_worth_its_bits_is_kept() {
        // Right after the previous coefficient its code is short; at 0.9 of a step its error is large.
        assert_eq!(trimmed(&[(1, 3.0), (2, 0.9)])[2], 1);
        assert_eq!(trimmed(&[(1, 3.0), (40, 1.2)])[40], 1);
        assert_eq!(trimmed(&[(1, 3.0), (40, -1.2)])[40], -1);
    }

    #[test]
    fn only_trailing_ones_are_dropped_and_never_larger_values() {
        // The ±1 at 30 is not last: the 2 at 40 ends the block, and a 2 is never dropped.
        let q = trimmed(&[(1, 3.0), (30, 0.51), (40, 1.6)]);
        assert_eq!((q[30], q[40]), (1, 2));
        // Once the last is dropped, the one before it is weighed in turn.
        let q = trimmed(&[(1, 3.0), (30, -0.51), (50, 0.51)]);
        assert_eq!((q[30], q[50]), (0, 0));
    }

    #[test]
    fn a_block_of_dc_alone_is_unchanged() {
        let table = luma_q92();
        let (coefficients, mut quantized) = block(&table, &[]);
        let before = quantized;
        trim_block_end(
            &coefficients,
            &mut quantized,
            &table,
            &AcCodeLengths::luma(),
        );
        assert_eq!(quantized, before);
    }

    #[test]
    fn code_lengths_are_the_annex_k_tables() {
        let luma = AcCodeLengths::luma();
        // T.81 Table K.5: EOB 4 bits, 0/1 2 bits, ZRL 11 bits, 15/10 16 bits.
        assert_eq!(
            (
                luma.bits(0x00),
                luma.bits(0x01),
                luma.bits(0xF0),
                luma.bits(0xFA)
            ),
            (4, 2, 11, 16)
        );
        let chroma = AcCodeLengths::chroma();
        // Table K.6: EOB 2 bits, 0/1 2 bits, ZRL 10 bits.
        assert_eq!(
            (chroma.bits(0x00), chroma.bits(0x01), chroma.bits(0xF0)),
            (2, 2, 10)
        );
    }
}
