//! Salary charts: a PNG with one horizontal bar per role, drawn in process.
//!
//! A salary answer reads better with a picture: each role's headline figure as a bar from
//! its low to its high end, a diamond at the median (or average, or single figure), the
//! axis in the figures' currency and the sources in small print. Drawing uses tiny-skia and
//! text uses ab_glyph with the DejaVu Sans font shipped in `assets/fonts/`, so the same
//! answer gives the same bytes on every machine. The Discord adapter attaches the PNG; the
//! `chart` command writes it to a file.

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};
use tiny_skia::{
    Color, FillRule, LineJoin, Paint, PathBuilder, Pixmap, PremultipliedColorU8, Rect, Stroke, Transform,
};

use crate::engine::answer::{describe_figure, money, Answer};
use crate::engine::knowledge::{Role, SalaryFigure};
use crate::engine::Engine;

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE-DejaVu.txt`).
const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// The width of every chart, in pixels.
pub const WIDTH: u32 = 800;
/// The title band above the bars.
const HEADER: u32 = 52;
/// The height of one role's row; the bar is centred in it, its figure written below.
const ROW: u32 = 60;
/// The axis line, its tick labels and the space after them.
const AXIS: u32 = 40;
/// One line of small print (a source or a note).
const SMALL_LINE: u32 = 16;
const BOTTOM_PAD: u32 = 10;

/// Where the axis runs: role names sit left of it, right-aligned.
const PLOT_LEFT: f32 = 200.0;
const PLOT_RIGHT: f32 = 760.0;
const MARGIN: f32 = 12.0;
const BAR_HALF_HEIGHT: f32 = 11.0;
const MARKER_RADIUS: f32 = 8.0;

const TITLE_SIZE: f32 = 20.0;
const NAME_SIZE: f32 = 16.0;
const TICK_SIZE: f32 = 13.0;
const SMALL_SIZE: f32 = 12.0;

const BACKGROUND: [u8; 3] = [255, 255, 255];
const BAR: [u8; 3] = [76, 120, 168];
const MARKER: [u8; 3] = [232, 125, 30];
const GRID: [u8; 3] = [229, 231, 235];
const AXIS_LINE: [u8; 3] = [107, 114, 128];
const INK: [u8; 3] = [31, 41, 51];
const FAINT_INK: [u8; 3] = [82, 96, 109];

/// A rendered salary chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The picture, PNG-encoded.
    pub png: Vec<u8>,
    /// The picture's width in pixels (always [`WIDTH`]).
    pub width: u32,
    /// The picture's height in pixels: a fixed band plus one row per bar and one line per
    /// source and note.
    pub height: u32,
    /// One per charted role, top to bottom (highest typical figure first).
    pub bars: Vec<BarInfo>,
    /// Roles of the answer left off the chart, and why ("Assistant producer is left out:
    /// …"). The same lines are printed in the picture.
    pub notes: Vec<String>,
}

/// Where one role's figure was drawn, in pixels, so callers and tests can find it.
#[derive(Debug, Clone, PartialEq)]
pub struct BarInfo {
    /// The role's name.
    pub role: String,
    /// The pixel row through the middle of the bar.
    pub y: u32,
    /// The first pixel column of the bar (the low figure); `None` when the figure has no
    /// range.
    pub low_x: Option<u32>,
    /// The last pixel column of the bar (the high figure); `None` when the figure has no
    /// range.
    pub high_x: Option<u32>,
    /// The centre of the marker (median, average or single figure), if the figure has one.
    pub marker_x: Option<u32>,
}

/// Why an answer has no chart; the message is meant for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoChart {
    /// The answer is not about any known role.
    #[error("This answer is not about a role, so there is no chart.")]
    NoRoles,
    /// None of the roles has a salary figure of its own.
    #[error("No role-specific salary figures for {}, so there is no chart.", roles.join(" or "))]
    NoFigures {
        /// The roles' names.
        roles: Vec<String>,
    },
    /// Drawing or encoding failed (not expected with the fixed sizes used here).
    #[error("The chart could not be drawn: {0}")]
    Render(String),
}

/// One role's headline figure, ready to draw.
struct Entry<'k> {
    role: &'k Role,
    figure: &'k SalaryFigure,
    range: Option<(f64, f64)>,
    marker: Option<f64>,
    typical: f64,
}

impl<'k> Entry<'k> {
    /// The role's headline figure, if it has one with a number in it.
    fn of(role: &'k Role) -> Option<Entry<'k>> {
        let figure = role.headline_salary()?;
        let typical = figure.typical()?;
        let range = figure.low.zip(figure.high);
        let marker = figure
            .median
            .or(figure.average)
            .or(figure.amount)
            .or(if range.is_none() { Some(typical) } else { None });
        Some(Entry {
            role,
            figure,
            range,
            marker,
            typical,
        })
    }

    fn largest(&self) -> f64 {
        let high = self.range.map_or(0.0, |(_, h)| h);
        high.max(self.marker.unwrap_or(0.0))
    }
}

/// Charts the headline salary figure of each role the answer is about (whatever aspect
/// the answer is on): one bar per role, highest typical figure first.
///
/// Only figures in the same currency and period share an axis: the first charted role
/// sets the unit, and roles in another unit, or with no figure of their own, are left out
/// with a note. When no role has a figure, the error says so.
pub fn salary_chart(engine: &Engine, answer: &Answer) -> Result<Chart, NoChart> {
    let knowledge = engine.knowledge();
    let roles: Vec<&Role> = answer.roles.iter().filter_map(|id| knowledge.role(id)).collect();
    if roles.is_empty() {
        return Err(NoChart::NoRoles);
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut notes = Vec::new();
    let mut missing = Vec::new();
    for role in roles {
        let Some(entry) = Entry::of(role) else {
            missing.push(role.name.clone());
            notes.push(format!(
                "{} is left out: the knowledge has no salary figure specific to it.",
                role.name
            ));
            continue;
        };
        if let Some(unit) = entries.first().map(|e| e.figure) {
            let figure = entry.figure;
            if figure.currency != unit.currency || figure.period != unit.period {
                notes.push(format!(
                    "{} is left out: its figure is in {} per {}, which cannot share an axis with {} per {}.",
                    role.name, figure.currency, figure.period, unit.currency, unit.period
                ));
                continue;
            }
        }
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(NoChart::NoFigures { roles: missing });
    }
    entries.sort_by(|a, b| b.typical.total_cmp(&a.typical));
    draw(&entries, notes)
}

/// Maps amounts to pixel columns along the axis.
struct Axis {
    top: f64,
    step: f64,
}

impl Axis {
    /// An axis from zero to a round number at or above `largest`, with about five ticks.
    fn new(largest: f64) -> Axis {
        let largest = if largest.is_finite() && largest > 0.0 {
            largest
        } else {
            1.0
        };
        let raw = largest / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        Axis {
            top: (largest / step).ceil() * step,
            step,
        }
    }

    fn x(&self, amount: f64) -> f32 {
        let share = (amount / self.top).clamp(0.0, 1.0) as f32;
        (PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT)).round()
    }

    fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let count = (self.top / self.step).round() as u32;
        (0..=count).map(move |i| f64::from(i) * self.step)
    }
}

fn draw(entries: &[Entry], notes: Vec<String>) -> Result<Chart, NoChart> {
    let font = FontRef::try_from_slice(FONT).map_err(|e| NoChart::Render(format!("font: {e}")))?;
    let count = entries.len() as u32;
    let height = HEADER + ROW * count + AXIS + SMALL_LINE * (count + notes.len() as u32) + BOTTOM_PAD;
    let mut canvas = Canvas {
        pixmap: Pixmap::new(WIDTH, height)
            .ok_or_else(|| NoChart::Render(format!("no {WIDTH}×{height} canvas")))?,
        font,
    };
    canvas.pixmap.fill(colour(BACKGROUND));

    let unit = entries[0].figure;
    let axis = Axis::new(entries.iter().map(Entry::largest).fold(0.0, f64::max));
    let plot_top = HEADER as f32;
    let plot_bottom = (HEADER + ROW * count) as f32;

    canvas.text(
        TITLE_SIZE,
        MARGIN,
        30.0,
        INK,
        &format!("Salary per {} ({})", unit.period, unit.currency),
    );
    canvas.legend(
        30.0,
        entries.iter().any(|e| e.range.is_some()),
        entries.iter().any(|e| e.marker.is_some()),
    );

    for tick in axis.ticks() {
        let x = axis.x(tick);
        canvas.rect(x, plot_top, x + 1.0, plot_bottom, GRID);
        canvas.rect(x, plot_bottom, x + 1.0, plot_bottom + 5.0, AXIS_LINE);
        let label = money(&unit.currency, tick);
        let half = canvas.width_of(TICK_SIZE, &label) / 2.0;
        canvas.text(TICK_SIZE, x - half, plot_bottom + 20.0, FAINT_INK, &label);
    }
    canvas.rect(
        PLOT_LEFT,
        plot_bottom,
        PLOT_RIGHT + 1.0,
        plot_bottom + 1.0,
        AXIS_LINE,
    );

    let mut bars = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let y = plot_top + (ROW * i as u32 + ROW / 2) as f32;
        let name = canvas.fit(NAME_SIZE, &entry.role.name, PLOT_LEFT - 2.0 * MARGIN);
        let name_x = PLOT_LEFT - MARGIN - canvas.width_of(NAME_SIZE, &name);
        canvas.text(NAME_SIZE, name_x, y + 6.0, INK, &name);

        let range = entry
            .range
            .map(|(low, high)| (axis.x(low), axis.x(high).max(axis.x(low) + 2.0)));
        if let Some((low, high)) = range {
            canvas.rect(low, y - BAR_HALF_HEIGHT, high, y + BAR_HALF_HEIGHT, BAR);
        }
        let marker = entry.marker.map(|m| axis.x(m));
        if let Some(x) = marker {
            canvas.diamond(x, y);
        }

        // The figure in words under the bar, from its low end, or centred under a lone marker.
        let label = canvas.fit(SMALL_SIZE, &describe_figure(entry.figure), PLOT_RIGHT - PLOT_LEFT);
        let label_width = canvas.width_of(SMALL_SIZE, &label);
        let start = match (range, marker) {
            (Some((low, _)), _) => low,
            (None, Some(x)) => x - label_width / 2.0,
            (None, None) => PLOT_LEFT,
        };
        let label_x = start.clamp(PLOT_LEFT, WIDTH as f32 - MARGIN - label_width);
        canvas.text(SMALL_SIZE, label_x, y + BAR_HALF_HEIGHT + 14.0, FAINT_INK, &label);

        bars.push(BarInfo {
            role: entry.role.name.clone(),
            y: y as u32,
            low_x: range.map(|(low, _)| low as u32),
            high_x: range.map(|(_, high)| high as u32 - 1),
            marker_x: marker.map(|x| x as u32),
        });
    }

    let small_print = entries.iter().map(source_line).chain(notes.iter().cloned());
    for (i, line) in small_print.enumerate() {
        let baseline = plot_bottom + AXIS as f32 + 8.0 + (SMALL_LINE * i as u32) as f32;
        let line = canvas.fit(SMALL_SIZE, &line, WIDTH as f32 - 2.0 * MARGIN);
        canvas.text(SMALL_SIZE, MARGIN, baseline, FAINT_INK, &line);
    }

    let png = canvas
        .pixmap
        .encode_png()
        .map_err(|e| NoChart::Render(format!("PNG encoding: {e}")))?;
    Ok(Chart {
        png,
        width: WIDTH,
        height,
        bars,
        notes,
    })
}

/// "Source for Line producer: CareersInFilm. US typical range; …".
fn source_line(entry: &Entry) -> String {
    let figure = entry.figure;
    let mut line = format!("Source for {}: {}", entry.role.name, figure.source);
    if figure.year != "no year" {
        line.push_str(&format!(" ({})", figure.year));
    }
    if let Some(note) = &figure.note {
        line.push_str(&format!(". {note}"));
    }
    line
}

fn colour([r, g, b]: [u8; 3]) -> Color {
    Color::from_rgba8(r, g, b, 255)
}

fn paint(rgb: [u8; 3]) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(colour(rgb));
    paint.anti_alias = true;
    paint
}

/// The picture being drawn and the font its text is set in.
struct Canvas<'f> {
    pixmap: Pixmap,
    font: FontRef<'f>,
}

impl Canvas<'_> {
    /// Fills the rectangle between two corners; whole-pixel corners give crisp edges.
    fn rect(&mut self, left: f32, top: f32, right: f32, bottom: f32, rgb: [u8; 3]) {
        if let Some(rect) = Rect::from_ltrb(left, top, right, bottom) {
            self.pixmap
                .fill_rect(rect, &paint(rgb), Transform::identity(), None);
        }
    }

    /// The figure marker: a diamond with a white rim, centred on (x, y).
    fn diamond(&mut self, x: f32, y: f32) {
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
    fn legend(&mut self, baseline: f32, bars: bool, markers: bool) {
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
    fn layout(&self, size: f32, text: &str) -> (Vec<(GlyphId, f32)>, f32) {
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

    fn width_of(&self, size: f32, text: &str) -> f32 {
        self.layout(size, text).1
    }

    /// `text`, shortened with "…" to fit `max_width`.
    fn fit(&self, size: f32, text: &str, max_width: f32) -> String {
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
    fn text(&mut self, size: f32, x: f32, baseline: f32, rgb: [u8; 3], text: &str) {
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

#[cfg(test)]
mod tests;
