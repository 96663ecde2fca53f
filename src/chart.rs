//! Salary charts: a PNG with one horizontal bar per role, drawn in process.
//!
//! A salary answer reads better with a picture: each role's headline figure as a bar from
//! its low to its high end, a diamond at the median (or average, or single figure), the
//! axis in the figures' currency and the sources in small print. Drawing uses tiny-skia and
//! text uses ab_glyph with the DejaVu Sans font shipped in `assets/fonts/`, so the same
//! answer gives the same bytes on every machine. The Discord adapter attaches the PNG; the
//! `chart` command writes it to a file.

use ab_glyph::FontRef;
use tiny_skia::Pixmap;

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

    canvas.axis(&axis, &unit.currency, plot_top, plot_bottom);
    let bars = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| canvas.bar(entry, &axis, plot_top + (ROW * i as u32 + ROW / 2) as f32))
        .collect();

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

impl Canvas<'_> {
    /// The grid lines, tick labels and base line of the value axis.
    fn axis(&mut self, axis: &Axis, currency: &str, plot_top: f32, plot_bottom: f32) {
        for tick in axis.ticks() {
            let x = axis.x(tick);
            self.rect(x, plot_top, x + 1.0, plot_bottom, GRID);
            self.rect(x, plot_bottom, x + 1.0, plot_bottom + 5.0, AXIS_LINE);
            let label = money(currency, tick);
            let half = self.width_of(TICK_SIZE, &label) / 2.0;
            self.text(TICK_SIZE, x - half, plot_bottom + 20.0, FAINT_INK, &label);
        }
        self.rect(
            PLOT_LEFT,
            plot_bottom,
            PLOT_RIGHT + 1.0,
            plot_bottom + 1.0,
            AXIS_LINE,
        );
    }

    /// One role's row centred on `y`: its name, range bar, marker and the figure in words.
    fn bar(&mut self, entry: &Entry, axis: &Axis, y: f32) -> BarInfo {
        let name = self.fit(NAME_SIZE, &entry.role.name, PLOT_LEFT - 2.0 * MARGIN);
        let name_x = PLOT_LEFT - MARGIN - self.width_of(NAME_SIZE, &name);
        self.text(NAME_SIZE, name_x, y + 6.0, INK, &name);

        let range = entry
            .range
            .map(|(low, high)| (axis.x(low), axis.x(high).max(axis.x(low) + 2.0)));
        if let Some((low, high)) = range {
            self.rect(low, y - BAR_HALF_HEIGHT, high, y + BAR_HALF_HEIGHT, BAR);
        }
        let marker = entry.marker.map(|m| axis.x(m));
        if let Some(x) = marker {
            self.diamond(x, y);
        }

        // The figure in words under the bar, from its low end, or centred under a lone marker.
        let label = self.fit(SMALL_SIZE, &describe_figure(entry.figure), PLOT_RIGHT - PLOT_LEFT);
        let label_width = self.width_of(SMALL_SIZE, &label);
        let start = match (range, marker) {
            (Some((low, _)), _) => low,
            (None, Some(x)) => x - label_width / 2.0,
            (None, None) => PLOT_LEFT,
        };
        let label_x = start.clamp(PLOT_LEFT, WIDTH as f32 - MARGIN - label_width);
        self.text(SMALL_SIZE, label_x, y + BAR_HALF_HEIGHT + 14.0, FAINT_INK, &label);

        BarInfo {
            role: entry.role.name.clone(),
            y: y as u32,
            low_x: range.map(|(low, _)| low as u32),
            high_x: range.map(|(_, high)| high as u32 - 1),
            marker_x: marker.map(|x| x as u32),
        }
    }
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

mod canvas;

use crate::chart::canvas::{colour, Canvas};

#[cfg(test)]
mod tests;
