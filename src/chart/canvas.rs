//! The drawing primitives of a chart: filled rectangles, the median diamond, the legend and
//! text set in the shipped font, on a tiny-skia pixmap.

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};
use tiny_skia::{
    Color, FillRule, LineJoin, Paint, PathBuilder, Pixmap, PremultipliedColorU8, Rect, Stroke, Transform,
};

use crate::chart::{BACKGROUND, BAR, FAINT_INK, MARGIN, MARKER, MARKER_RADIUS, SMALL_SIZE, WIDTH};

pub(super) fn colour([r, g, b]: [u8; 3]) -> Color {
    Color::from_rgba8(r, g, b, 255)
}

fn paint(rgb: [u8; 3]) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(colour(rgb));
    paint.anti_alias = true;
    paint
}

/// The picture being drawn and the font its text is set in.
pub(super) struct Canvas<'f> {
    pub(super) pixmap: Pixmap,
    pub(super) font: FontRef<'f>,
}

impl Canvas<'_> {
    /// Fills the rectangle between two corners; whole-pixel corners give crisp edges.
    pub(super) fn rect(&mut self, left: f32, top: f32, right: f32, bottom: f32, rgb: [u8; 3]) {
        if let Some(rect) = Rect::from_ltrb(left, top, right, bottom) {
            self.pixmap
                .fill_rect(rect, &paint(rgb), Transform::identity(), None);
        }
    }

    /// The figure marker: a diamond with a white rim, centred on (x, y).
    pub(super) fn diamond(&mut self, x: f32, y: f32) {
        let mut builder = PathBuilder::new();
        builder.move_to(x + 0.5, y - MARKER_RADIUS);
        builder.line_to(x + 0.5 + MARKER_RADIUS, y);
        builder.line_to(x + 0.5, y + MARKER_RADIUS);
        builder.line_to(x + 0.5 - MARKER_RADIUS, y);
        builder.close();
        let Some(path) = builder.finish() else { return };
        let rim = Stroke {
            width: 3.0,
            line_join: LineJoin::Round,
            ..Stroke::default()
        };
        self.pixmap
            .stroke_path(&path, &paint(BACKGROUND), &rim, Transform::identity(), None);
        self.pixmap.fill_path(
            &path,
            &paint(MARKER),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }

    /// The key to the marks the chart uses, right-aligned on the title's baseline.
    pub(super) fn legend(&mut self, baseline: f32, bars: bool, markers: bool) {
        const RANGE: &str = "range (low–high)";
        const TYPICAL: &str = "median, average or single figure";
        let mut x = WIDTH as f32 - MARGIN;
        if markers {
            x -= self.width_of(SMALL_SIZE, TYPICAL);
            self.text(SMALL_SIZE, x, baseline, FAINT_INK, TYPICAL);
            self.diamond((x - 14.0).round(), baseline - 4.0);
            x -= 34.0;
        }
        if bars {
            x -= self.width_of(SMALL_SIZE, RANGE);
            self.text(SMALL_SIZE, x, baseline, FAINT_INK, RANGE);
            self.rect(
                (x - 22.0).round(),
                baseline - 9.0,
                (x - 6.0).round(),
                baseline,
                BAR,
            );
        }
    }

    /// The glyphs of `text` at `size` pixels, with their pen positions from 0.
    pub(super) fn layout(&self, size: f32, text: &str) -> (Vec<(GlyphId, f32)>, f32) {
        let scaled = self.font.as_scaled(PxScale::from(size));
        let mut caret = 0.0;
        let mut previous: Option<GlyphId> = None;
        let mut glyphs = Vec::with_capacity(text.len());
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(previous) = previous {
                caret += scaled.kern(previous, id);
            }
            glyphs.push((id, caret));
            caret += scaled.h_advance(id);
            previous = Some(id);
        }
        (glyphs, caret)
    }

    pub(super) fn width_of(&self, size: f32, text: &str) -> f32 {
        self.layout(size, text).1
    }

    /// `text`, shortened with "…" to fit `max_width`.
    pub(super) fn fit(&self, size: f32, text: &str, max_width: f32) -> String {
        let (glyphs, width) = self.layout(size, text);
        if width <= max_width {
            return text.to_string();
        }
        let room = max_width - self.width_of(size, "…");
        // One glyph per char: the pen position before char k is the width of the first k.
        let keep = glyphs
            .iter()
            .take_while(|(_, offset)| *offset <= room)
            .count()
            .saturating_sub(1);
        let head: String = text.chars().take(keep).collect();
        format!("{}…", head.trim_end_matches([' ', ',', ';', '.', ':']))
    }

    /// Draws `text` with its baseline at `baseline`, starting at `x`.
    pub(super) fn text(&mut self, size: f32, x: f32, baseline: f32, rgb: [u8; 3], text: &str) {
        let (glyphs, _) = self.layout(size, text);
        let scale = PxScale::from(size);
        let (width, height) = (self.pixmap.width() as i64, self.pixmap.height() as i64);
        let pixels = self.pixmap.pixels_mut();
        for (id, offset) in glyphs {
            let glyph = id.with_scale_and_position(scale, point(x + offset, baseline));
            let Some(outline) = self.font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px < 0 || py < 0 || px >= width || py >= height {
                    return;
                }
                let pixel = &mut pixels[(py * width + px) as usize];
                *pixel = blend(*pixel, rgb, coverage.clamp(0.0, 1.0));
            });
        }
    }
}

/// Paints `rgb` over an opaque pixel with the given coverage.
fn blend(under: PremultipliedColorU8, rgb: [u8; 3], coverage: f32) -> PremultipliedColorU8 {
    let mix =
        |from: u8, to: u8| (f32::from(from) + (f32::from(to) - f32::from(from)) * coverage).round() as u8;
    PremultipliedColorU8::from_rgba(
        mix(under.red(), rgb[0]),
        mix(under.green(), rgb[1]),
        mix(under.blue(), rgb[2]),
        255,
    )
    .unwrap_or(under)
}
