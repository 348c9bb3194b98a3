//! Row thumbnails: the browser decodes the JPEG already scaled down (off the main
//! thread), and a tiny canvas turns it into a small data URL that outlives the JPEG's bytes.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap, ImageBitmapOptions,
    ResizeQuality,
};

/// Edge of the square thumbnail in CSS pixels ×2 (sharp on high-density screens).
const EDGE: u32 = 80;

/// A JPEG data URL of `blob` (an image the browser can decode: a converted JPEG, or the user's own
/// file), scaled to fill EDGE × EDGE.
pub async fn thumbnail(blob: &Blob) -> Result<String, JsValue> {
    let resize = ImageBitmapOptions::new();
    resize.set_resize_height(EDGE);
    resize.set_resize_quality(ResizeQuality::Medium);
    let window = web_sys::window().ok_or("no window")?;
    let bitmap: ImageBitmap = JsFuture::from(
        window.create_image_bitmap_with_blob_and_image_bitmap_options(blob, &resize)?,
    )
    .await?
    .unchecked_into();
    let canvas: HtmlCanvasElement = super::dom::document()
        .create_element("canvas")?
        .unchecked_into();
    canvas.set_width(EDGE);
    canvas.set_height(EDGE);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .unchecked_into();
    // Centre-crop to a square, as photo grids do.
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let side = w.min(h);
    context.draw_image_with_image_bitmap_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        &bitmap,
        (w - side) / 2.0,
        (h - side) / 2.0,
        side,
        side,
        0.0,
        0.0,
        f64::from(EDGE),
        f64::from(EDGE),
    )?;
    bitmap.close();
    canvas.to_data_url_with_type_and_encoder_options("image/jpeg", &JsValue::from_f64(0.7))
}
