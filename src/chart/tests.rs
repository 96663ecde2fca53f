use std::path::Path;

use super::*;
use crate::engine::aspect::Aspect;

/// A role file with the given salary figures: each a `[[salary]]` body in TOML, given a
/// yearly period in USD unless it names its own period.
fn role_file<'a>(id: &'a str, name: &str, figures: &[&str]) -> (&'a str, String) {
    let mut text = format!("+++\nid = \"{id}\"\nname = \"{name}\"\nsources = [\"Test survey\"]\n");
    for figure in figures {
        text.push_str(&format!(
            "\n[[salary]]\n{figure}\ncurrency = \"USD\"\nyear = \"2024\"\nsource = \"Test survey\"\n"
        ));
        if !figure.contains("period") {
            text.push_str("period = \"year\"\n");
        }
    }
    text.push_str("+++\n");
    for aspect in Aspect::ALL {
        text.push_str(&format!(
            "\n## {}\n{name}: {} text.\n",
            aspect.heading(),
            aspect.id()
        ));
    }
    (id, text)
}

/// Five roles: two with ranges (one with a median), one with a single median, one with
/// only an occupation-wide baseline figure, and one paid by the hour.
fn engine() -> Engine {
    const BASELINE: &str = "median = 70000\nbaseline = true";
    let dir = tempfile::tempdir().expect("temp dir");
    let roles = [
        role_file("runner", "Runner", &["low = 25000\nhigh = 70000"]),
        role_file(
            "director",
            "Director",
            &[BASELINE, "low = 60000\nhigh = 150000\nmedian = 90000"],
        ),
        role_file("editor", "Editor", &["median = 55000"]),
        role_file("assistant", "Assistant", &[BASELINE]),
        role_file("grip", "Grip", &["low = 10\nhigh = 20\nperiod = \"hour\""]),
    ];
    std::fs::create_dir(dir.path().join("roles")).expect("roles folder");
    for (id, text) in roles {
        std::fs::write(dir.path().join(format!("roles/{id}.md")), text).expect("role file");
    }
    Engine::load(dir.path()).expect("the test knowledge loads")
}

fn chart_of(engine: &Engine, ids: &[&str]) -> Result<Chart, NoChart> {
    let answer = engine.answer_about(ids, Aspect::Salary).expect("known roles");
    salary_chart(engine, &answer)
}

fn decode(chart: &Chart) -> Pixmap {
    Pixmap::decode_png(&chart.png).expect("a valid PNG")
}

fn rgb(pixmap: &Pixmap, x: u32, y: u32) -> [u8; 3] {
    let p = pixmap.pixel(x, y).expect("inside the picture");
    [p.red(), p.green(), p.blue()]
}

/// How many separate runs of `colour` a column crosses in the bars' rows, top to bottom.
fn runs_in_column(chart: &Chart, pixmap: &Pixmap, x: u32, colour: [u8; 3]) -> usize {
    let mut runs = 0;
    let mut inside = false;
    for y in HEADER..HEADER + ROW * chart.bars.len() as u32 {
        let hit = rgb(pixmap, x, y) == colour;
        if hit && !inside {
            runs += 1;
        }
        inside = hit;
    }
    runs
}

#[test]
fn a_pair_is_a_picture_of_the_reported_size_with_ink_on_it() {
    let engine = engine();
    let chart = chart_of(&engine, &["runner", "director"]).unwrap();
    assert_eq!(chart.png[..8], *b"\x89PNG\r\n\x1a\n");
    let pixmap = decode(&chart);
    assert_eq!((pixmap.width(), pixmap.height()), (chart.width, chart.height));
    assert_eq!(
        (chart.width, chart.height),
        (WIDTH, HEADER + 2 * ROW + AXIS + 2 * SMALL_LINE + BOTTOM_PAD)
    );
    let inked = (0..pixmap.height())
        .flat_map(|y| (0..pixmap.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| rgb(&pixmap, x, y) != BACKGROUND)
        .count();
    let share = inked as f64 / f64::from(pixmap.width() * pixmap.height());
    assert!(share > 0.03 && share < 0.6, "{share}");
    // The title, and each role's name left of its bar, are drawn in ink.
    let dark = |x0: u32, x1: u32, y0: u32, y1: u32| {
        (y0..y1).any(|y| (x0..x1).any(|x| rgb(&pixmap, x, y).iter().all(|&c| c < 120)))
    };
    assert!(dark(0, 300, 10, 35), "no title");
    for bar in &chart.bars {
        assert!(
            dark(0, PLOT_LEFT as u32, bar.y - 10, bar.y + 10),
            "no name for {}",
            bar.role
        );
    }
}

#[test]
fn each_role_gets_one_bar_and_the_higher_paid_role_comes_first_and_reaches_further() {
    let engine = engine();
    let chart = chart_of(&engine, &["runner", "director"]).unwrap();
    let pixmap = decode(&chart);
    let names: Vec<&str> = chart.bars.iter().map(|b| b.role.as_str()).collect();
    assert_eq!(names, ["Director", "Runner"]);
    let (director, runner) = (&chart.bars[0], &chart.bars[1]);
    assert!(director.y < runner.y);
    let (d_low, d_high) = (director.low_x.unwrap(), director.high_x.unwrap());
    let (r_low, r_high) = (runner.low_x.unwrap(), runner.high_x.unwrap());
    assert!(d_high > r_high + 100 && d_low > r_low, "{director:?} {runner:?}");

    // A column through both bars crosses exactly two runs of the bar colour.
    let both = (d_low + 2..r_high - 1).find(|&x| runs_in_column(&chart, &pixmap, x, BAR) == 2);
    assert!(
        both.is_some(),
        "no column crosses both bars: {director:?} {runner:?}"
    );

    // Along each bar's row the bar colour runs exactly from its low to its high end,
    // apart from the marker on it.
    for bar in &chart.bars {
        let row: Vec<u32> = (0..pixmap.width())
            .filter(|&x| rgb(&pixmap, x, bar.y - BAR_HALF_HEIGHT as u32 + 1) == BAR)
            .collect();
        assert_eq!(row.first(), bar.low_x.as_ref(), "{bar:?}");
        assert_eq!(row.last(), bar.high_x.as_ref(), "{bar:?}");
    }
    // Beyond the runner's high end only the director's row is still blue.
    let x = (r_high + d_high) / 2;
    assert_eq!(rgb(&pixmap, x, director.y + 5), BAR);
    assert_ne!(rgb(&pixmap, x, runner.y), BAR);
}

#[test]
fn the_median_is_a_marker_on_the_bar_and_a_single_figure_is_a_marker_alone() {
    let engine = engine();
    let chart = chart_of(&engine, &["director", "editor"]).unwrap();
    let pixmap = decode(&chart);
    let (director, editor) = (&chart.bars[0], &chart.bars[1]);
    let marker = director.marker_x.expect("the director's figure has a median");
    assert!(director.low_x.unwrap() < marker && marker < director.high_x.unwrap());
    assert_eq!(rgb(&pixmap, marker, director.y), MARKER);
    assert_eq!(rgb(&pixmap, marker + 20, director.y), BAR);

    assert_eq!((editor.low_x, editor.high_x), (None, None));
    let marker = editor.marker_x.expect("the editor's single figure is a marker");
    assert_eq!(rgb(&pixmap, marker, editor.y), MARKER);
    assert_eq!(
        runs_in_column(&chart, &pixmap, marker, BAR),
        0,
        "no bar for a single figure"
    );
    assert!(marker < director.marker_x.unwrap());
}

#[test]
fn a_role_with_no_figure_of_its_own_has_no_chart_and_a_clear_message() {
    let engine = engine();
    let error = chart_of(&engine, &["assistant"]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "No role-specific salary figures for Assistant, so there is no chart."
    );
    let answer = engine.answer("what's the capital of France?");
    assert_eq!(salary_chart(&engine, &answer), Err(NoChart::NoRoles));
}

#[test]
fn roles_left_out_are_named_with_the_reason() {
    let engine = engine();
    let chart = chart_of(&engine, &["assistant", "runner"]).unwrap();
    assert_eq!(chart.bars.len(), 1);
    assert_eq!(
        chart.notes,
        ["Assistant is left out: the knowledge has no salary figure specific to it."]
    );
    assert_eq!(
        decode(&chart).height(),
        HEADER + ROW + AXIS + 2 * SMALL_LINE + BOTTOM_PAD
    );

    let chart = chart_of(&engine, &["runner", "grip"]).unwrap();
    let names: Vec<&str> = chart.bars.iter().map(|b| b.role.as_str()).collect();
    assert_eq!(names, ["Runner"]);
    assert_eq!(
        chart.notes,
        ["Grip is left out: its figure is in USD per hour, which cannot share an axis with USD per year."]
    );
}

#[test]
fn the_same_answer_gives_the_same_bytes() {
    let engine = engine();
    let first = chart_of(&engine, &["runner", "director"]).unwrap();
    let second = chart_of(&engine, &["runner", "director"]).unwrap();
    assert_eq!(first, second);
}

#[test]
fn the_axis_ends_on_a_round_number_at_or_above_the_largest_figure() {
    let axis = Axis::new(150_000.0);
    assert_eq!((axis.top, axis.step), (150_000.0, 50_000.0));
    let axis = Axis::new(26.65);
    assert_eq!((axis.top, axis.step), (30.0, 10.0));
    let axis = Axis::new(95_884.0);
    assert_eq!((axis.top, axis.step), (100_000.0, 20_000.0));
    assert_eq!(Axis::new(0.0).top, 1.0);
    assert_eq!(axis.x(0.0), PLOT_LEFT);
    assert_eq!(axis.x(100_000.0), PLOT_RIGHT);
}

#[test]
fn the_shipped_knowledge_charts_a_producer_comparison() {
    let engine = Engine::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap();
    let answer = engine.answer("who earns more, a PA or an EP?");
    let chart = salary_chart(&engine, &answer).unwrap();
    let names: Vec<&str> = chart.bars.iter().map(|b| b.role.as_str()).collect();
    assert_eq!(names, ["Executive producer", "Production assistant"]);
    assert!(chart.bars[0].marker_x > chart.bars[1].marker_x);
    assert!(chart.notes.is_empty());

    let answer = engine.answer("line producer vs co-producer salary");
    let chart = salary_chart(&engine, &answer).unwrap();
    assert_eq!(chart.bars.len(), 2);
    assert!(chart.bars.iter().all(|b| b.low_x.is_some() && b.high_x.is_some()));

    let answer = engine.answer("assistant producer salary");
    let error = salary_chart(&engine, &answer).unwrap_err();
    assert_eq!(
        error.to_string(),
        "No role-specific salary figures for Assistant producer, so there is no chart."
    );
}
