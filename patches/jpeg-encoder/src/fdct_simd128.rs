//! photolift patch: `fdct` (libjpeg's `jpeg_fdct_islow`) with wasm `simd128`.
//!
//! The scalar code in `fdct.rs` runs its 1-D transform on each of the eight rows, then on each
//! of the eight columns. This runs the very same integer steps on eight rows at once (lane `y`
//! of every vector belongs to row `y`, two `i32x4` vectors per value), transposes, and does the
//! same for the columns. Each lane computes exactly what the scalar code computes, so the
//! coefficients are bit for bit the same (photolift's `same-as-native` browser test compares the
//! browser's JPEGs with the native build's, which runs the scalar code).
#![allow(unsafe_code)]

use core::arch::wasm32::*;

use crate::encoder::AlignedBlock;
use crate::fdct::{
    CONST_BITS, FIX_0_298631336, FIX_0_390180644, FIX_0_541196100, FIX_0_765366865,
    FIX_0_899976223, FIX_1_175875602, FIX_1_501321110, FIX_1_847759065, FIX_1_961570560,
    FIX_2_053119869, FIX_2_562915447, FIX_3_072711026, PASS1_BITS,
};

/// Eight `i32` lanes, as two vectors: lanes 0–3 and 4–7.
#[derive(Clone, Copy)]
struct Lanes(v128, v128);

impl Lanes {
    #[inline(always)]
    fn add(self, other: Lanes) -> Lanes {
        Lanes(i32x4_add(self.0, other.0), i32x4_add(self.1, other.1))
    }

    #[inline(always)]
    fn sub(self, other: Lanes) -> Lanes {
        Lanes(i32x4_sub(self.0, other.0), i32x4_sub(self.1, other.1))
    }

    #[inline(always)]
    fn mul(self, k: i32) -> Lanes {
        let k = i32x4_splat(k);
        Lanes(i32x4_mul(self.0, k), i32x4_mul(self.1, k))
    }

    #[inline(always)]
    fn shl(self, n: u32) -> Lanes {
        Lanes(i32x4_shl(self.0, n), i32x4_shl(self.1, n))
    }

    /// Right shift with rounding, as the scalar `descale`.
    #[inline(always)]
    fn descale(self, n: i32) -> Lanes {
        let round = i32x4_splat(1 << (n - 1));
        Lanes(
            i32x4_shr(i32x4_add(self.0, round), n as u32),
            i32x4_shr(i32x4_add(self.1, round), n as u32),
        )
    }
}

/// One 1-D pass of the scalar code on eight lanes: `x[k]` is input `k` of every lane; the
/// result's `[u]` is output `u`. `FIRST` is pass 1 (its results scaled up by `2^PASS1_BITS`).
#[inline(always)]
fn pass<const FIRST: bool>(x: &[Lanes; 8]) -> [Lanes; 8] {
    let shift = if FIRST {
        CONST_BITS - PASS1_BITS
    } else {
        CONST_BITS + PASS1_BITS
    };

    let tmp0 = x[0].add(x[7]);
    let tmp7 = x[0].sub(x[7]);
    let tmp1 = x[1].add(x[6]);
    let tmp6 = x[1].sub(x[6]);
    let tmp2 = x[2].add(x[5]);
    let tmp5 = x[2].sub(x[5]);
    let tmp3 = x[3].add(x[4]);
    let tmp4 = x[3].sub(x[4]);

    let tmp10 = tmp0.add(tmp3);
    let tmp13 = tmp0.sub(tmp3);
    let tmp11 = tmp1.add(tmp2);
    let tmp12 = tmp1.sub(tmp2);

    let zero = Lanes(i32x4_splat(0), i32x4_splat(0));
    let mut r = [zero; 8];
    if FIRST {
        r[0] = tmp10.add(tmp11).shl(PASS1_BITS as u32);
        r[4] = tmp10.sub(tmp11).shl(PASS1_BITS as u32);
    } else {
        r[0] = tmp10.add(tmp11).descale(PASS1_BITS);
        r[4] = tmp10.sub(tmp11).descale(PASS1_BITS);
    }

    let z1 = tmp12.add(tmp13).mul(FIX_0_541196100);
    r[2] = z1.add(tmp13.mul(FIX_0_765366865)).descale(shift);
    r[6] = z1.add(tmp12.mul(-FIX_1_847759065)).descale(shift);

    let z1 = tmp4.add(tmp7);
    let z2 = tmp5.add(tmp6);
    let z3 = tmp4.add(tmp6);
    let z4 = tmp5.add(tmp7);
    let z5 = z3.add(z4).mul(FIX_1_175875602);

    let tmp4 = tmp4.mul(FIX_0_298631336);
    let tmp5 = tmp5.mul(FIX_2_053119869);
    let tmp6 = tmp6.mul(FIX_3_072711026);
    let tmp7 = tmp7.mul(FIX_1_501321110);
    let z1 = z1.mul(-FIX_0_899976223);
    let z2 = z2.mul(-FIX_2_562915447);
    let z3 = z3.mul(-FIX_1_961570560).add(z5);
    let z4 = z4.mul(-FIX_0_390180644).add(z5);

    r[7] = tmp4.add(z1).add(z3).descale(shift);
    r[5] = tmp5.add(z2).add(z4).descale(shift);
    r[3] = tmp6.add(z2).add(z3).descale(shift);
    r[1] = tmp7.add(z1).add(z4).descale(shift);
    r
}

/// Transposes a 4×4 block of `i32`: `[a, b, c, d]` are its rows.
#[inline(always)]
fn transpose4(a: v128, b: v128, c: v128, d: v128) -> [v128; 4] {
    let ab_low = i32x4_shuffle::<0, 4, 1, 5>(a, b);
    let ab_high = i32x4_shuffle::<2, 6, 3, 7>(a, b);
    let cd_low = i32x4_shuffle::<0, 4, 1, 5>(c, d);
    let cd_high = i32x4_shuffle::<2, 6, 3, 7>(c, d);
    [
        i64x2_shuffle::<0, 2>(ab_low, cd_low),
        i64x2_shuffle::<1, 3>(ab_low, cd_low),
        i64x2_shuffle::<0, 2>(ab_high, cd_high),
        i64x2_shuffle::<1, 3>(ab_high, cd_high),
    ]
}

/// Transposes an 8×8 matrix of `i32` held as eight rows of [`Lanes`].
#[inline(always)]
fn transpose8(m: &[Lanes; 8]) -> [Lanes; 8] {
    let top_left = transpose4(m[0].0, m[1].0, m[2].0, m[3].0);
    let bottom_left = transpose4(m[4].0, m[5].0, m[6].0, m[7].0);
    let top_right = transpose4(m[0].1, m[1].1, m[2].1, m[3].1);
    let bottom_right = transpose4(m[4].1, m[5].1, m[6].1, m[7].1);
    [
        Lanes(top_left[0], bottom_left[0]),
        Lanes(top_left[1], bottom_left[1]),
        Lanes(top_left[2], bottom_left[2]),
        Lanes(top_left[3], bottom_left[3]),
        Lanes(top_right[0], bottom_right[0]),
        Lanes(top_right[1], bottom_right[1]),
        Lanes(top_right[2], bottom_right[2]),
        Lanes(top_right[3], bottom_right[3]),
    ]
}

/// The forward DCT of one block, in place: what `fdct::fdct_scalar` computes.
pub fn fdct(block: &mut AlignedBlock) {
    let data = &mut block.data;
    let rows: [Lanes; 8] = core::array::from_fn(|y| {
        // SAFETY: `data` holds 64 `i16`; row `y` is the 16 bytes at `data[8 * y..8 * y + 8]`,
        // inside it. `v128_load` needs no alignment.
        let row = unsafe { v128_load(data.as_ptr().add(8 * y).cast::<v128>()) };
        Lanes(i32x4_extend_low_i16x8(row), i32x4_extend_high_i16x8(row))
    });
    // Pass 1 on the rows: lane `y` of input `k` is sample `k` of row `y`.
    let pass1 = pass::<true>(&transpose8(&rows));
    // `pass1[u]` holds output `u` of every row; pass 2 wants, for column `x`, lane `x` of input
    // `k` to be output `x` of row `k`: the transpose.
    let pass2 = pass::<false>(&transpose8(&pass1));
    for (v, out) in pass2.iter().enumerate() {
        // The scalar code keeps the low 16 bits (`as i16`); every coefficient of 8-bit samples
        // fits in 16 bits, where saturating and truncating agree.
        let packed = i16x8_narrow_i32x4(out.0, out.1);
        // SAFETY: as for the load: row `v` of `data`, 16 bytes inside it.
        unsafe { v128_store(data.as_mut_ptr().add(8 * v).cast::<v128>(), packed) };
    }
}
