//! The knowledge parser is total: it never panics on any text, it refuses exactly what it
//! reports, every problem points at a line inside the file, valid files parse, and a valid
//! file with one definite fault is refused on the faulty line.

use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::select;

use rolecall::engine::knowledge::{parse_comparison, parse_role, Diagnostic};

use super::{assert_no_problems, config};
use crate::support::{arg, knowledge_dir, role_file, rolecall, RoleFile, Salary};

/// Checks the parser's contract on `text`: it refuses exactly what it reports, and every
/// problem points into the file.
pub fn parse_problems(path: &Path, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines = text.lines().count() + 1;
    let mut check = |kind: &str, parsed: bool, problems: &[Diagnostic]| {
        if parsed != problems.is_empty() {
            out.push(format!("{kind}: parsed {parsed} with problems {problems:?}"));
        }
        for p in problems {
            let shown = p.to_string();
            let prefix = format!("{}:{}: ", path.display(), p.line.max(1));
            if p.line > lines || p.message.trim().is_empty() || !shown.starts_with(&prefix) {
                out.push(format!(
                    "{kind}: a problem outside the file's {lines} lines: {shown}"
                ));
            }
        }
    };
    let mut problems = Vec::new();
    let role = parse_role(path, text, &mut problems);
    check("role", role.is_some(), &problems);
    let mut problems = Vec::new();
    let comparison = parse_comparison(path, text, &mut problems);
    check("comparison", comparison.is_some(), &problems);
    out
}

fn front_matter_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        select(
            &[
                "+++",
                "id = \"producer\"",
                "name = \"Producer\"",
                "aliases = [\"EP\"]",
                "sources = [\"s\"]",
                "roles = [\"a\", \"b\"]",
                "[[salary]]",
                "median = 1",
                "currency = \"USD\"",
                "period = \"year\"",
                "year = \"2024\"",
                "source = \"s\"",
                "low = -1",
                "high = nan",
                "## Overview",
                "## Salary",
                "## Duties",
                "## Requirements",
                "## Work environment",
                "## Skills",
                "## Nonsense",
                "In short: x",
                "**In short:** y",
                "",
                "text",
                "\u{feff}+++",
                "+++ ",
                "id = ",
                "name = \"\"\"",
                "'''",
                "[a.b.c]",
                "x = {y = {z = 1}}",
                "[[",
                "]]",
                "\"\\u0000\"",
                "id = \"Bad Id\"",
                "sources = []",
            ][..]
        )
        .prop_map(str::to_string),
        "(?s).{0,20}",
    ];
    proptest::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn role_parser_is_total_on_arbitrary_text(text in prop_oneof!["(?s).{0,400}", front_matter_like()]) {
        assert_no_problems(&format!("{text:?}"), &parse_problems(Path::new("roles/producer.md"), &text))?;
    }

    #[test]
    fn role_parser_accepts_valid_files(
        id in "[a-z][a-z0-9-]{0,20}[a-z0-9]",
        name in "[A-Z][a-z]{3,10}( [a-z]{2,10}){0,3}",
        alias in "[a-z]{4,8}( [a-z]{2,8}){0,2}",
    ) {
        // Connectors ("versus") are not names: a name or alias needs one other word.
        prop_assume!(!starts_with_connector(&name) && !starts_with_connector(&alias));
        let path = format!("roles/{id}.md");
        let mut problems = Vec::new();
        let role = parse_role(Path::new(&path), &role_file(&id, &name, &[&alias]), &mut problems);
        prop_assert!(problems.is_empty(), "{problems:?}");
        let role = role.unwrap();
        prop_assert_eq!((role.id, role.name, role.aliases), (id, name, vec![alias]));
    }

    /// A valid file with one definite fault is refused, with a problem on the faulty line
    /// when the fault has one.
    #[test]
    fn role_parser_refuses_broken_files_with_a_located_problem(
        fault in 0usize..14,
        section in 0usize..6,
        depth in 1usize..20_000,
        garbage in "(?s).{0,30}",
    ) {
        let (text, expected_line, what) = broken_role_file(fault, section, depth, &garbage);
        let path = Path::new("roles/producer.md");
        let mut problems = Vec::new();
        let role = parse_role(path, &text, &mut problems);
        prop_assert!(role.is_none() && !problems.is_empty(), "{what} accepted:\n{text}");
        if let Some(line) = expected_line {
            prop_assert!(
                problems.iter().any(|p| p.line == line),
                "{what}: expected line {line}, got {problems:?}"
            );
        }
        assert_no_problems(what, &parse_problems(path, &text))?;
    }
}

/// Whether a phrase's first word is a connector ("versus"), which is no name.
fn starts_with_connector(phrase: &str) -> bool {
    let first = phrase.split(' ').next().unwrap_or_default().to_lowercase();
    ["versus", "compared", "against"].contains(&first.as_str())
}

/// A valid role file with one definite fault: the text, the line the fault is on (when it
/// has one) and what the fault is.
fn broken_role_file(
    fault: usize,
    section: usize,
    depth: usize,
    garbage: &str,
) -> (String, Option<usize>, &'static str) {
    let valid = role_file("producer", "Producer", &["EP"]);
    let mut lines: Vec<String> = valid.lines().map(str::to_string).collect();
    // role_file's layout: 1 `+++`, 2 id, 3 name, 4 aliases, 5 sources, 6 `+++`, 7 blank,
    // then each section as heading, text, blank from line 8.
    let heading = 8 + 3 * section;
    let (line, what) = match fault {
        0 => {
            lines.remove(5);
            (Some(1), "unclosed front matter")
        }
        1 => {
            lines.remove(0);
            (Some(1), "no front matter")
        }
        2 => {
            lines.remove(4);
            (None, "no sources")
        }
        3 => {
            lines.insert(2, "bogus = 1".into());
            (Some(3), "unknown key")
        }
        4 => {
            lines.insert(
                2,
                format!("aliases2 = {}{}", "[".repeat(depth), "]".repeat(depth)),
            );
            (Some(3), "nested arrays")
        }
        5 => {
            lines.insert(2, format!("x = {}1{}", "{a=".repeat(depth), "}".repeat(depth)));
            (Some(3), "nested tables")
        }
        6 => {
            lines.remove(heading - 1);
            (None, "missing section")
        }
        7 => {
            let copy = lines[heading - 1].clone();
            lines.push(copy);
            lines.push("again".into());
            (Some(lines.len() - 1), "duplicate section")
        }
        8 => {
            lines[heading - 1] = "## Bogus".into();
            (Some(heading), "unknown section")
        }
        9 => {
            lines[heading] = String::new();
            (Some(heading), "empty section")
        }
        10 => {
            lines[1] = "id = \"Not An Id!\"".into();
            (Some(1), "invalid id")
        }
        11 => {
            lines.insert(6, format!("stray {garbage}x"));
            (Some(7), "text before the first section")
        }
        12 => {
            // A quote would close the string and a line break would move the error.
            let garbage = garbage.replace(['"', '\n', '\r'], "");
            lines.insert(2, format!("name2 = \"{garbage}"));
            (Some(3), "unterminated string")
        }
        _ => {
            let entry = "[[salary]]\nmedian = 1\ncurrency = \"USD\"\nperiod = \"fortnight\"\n\
                         year = \"2024\"\nsource = \"s\"";
            lines.insert(5, entry.to_string());
            (Some(1), "bad salary period")
        }
    };
    (lines.join("\n") + "\n", line, what)
}

/// A TOML error is reported on the line that holds the fault (found by the large proptest
/// run: a string ending in a backslash at the end of its line).
#[test]
fn a_front_matter_error_points_at_its_line() {
    for (toml, line) in [
        ("a = 1\nb = \"\\q\"\nc = 2\n", 3),
        ("a = 1\nb = \"abc\nc = 2\n", 3),
        ("a = 1\nb = \"\\\nc = 2\n", 3),
        ("a = 1\r\nb = \"\\\r\nc = 2\r\n", 3),
    ] {
        let text = format!("+++\n{toml}+++\n");
        let mut problems = Vec::new();
        assert!(parse_role(Path::new("roles/x.md"), &text, &mut problems).is_none());
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [line], "{text:?}: {problems:?}");
    }
}

#[test]
fn role_parser_survives_deep_nesting_and_huge_strings() {
    let path = Path::new("roles/producer.md");
    let front = |toml: String| format!("+++\n{toml}\n+++\n## Overview\nx\n");
    let deep = |open: &str, inner: &str, close: &str, n: usize| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let cases = [
        (
            "10,000 nested arrays",
            front(format!("id = {}", deep("[", "", "]", 10_000))),
        ),
        (
            "100,000 nested arrays",
            front(format!("id = {}", deep("[", "1", "]", 100_000))),
        ),
        (
            "10,000 nested inline tables",
            front(format!("id = {}", deep("{a = ", "1", "}", 10_000))),
        ),
        (
            "unclosed nesting",
            front(format!("id = {}", "[{a=".repeat(20_000))),
        ),
        (
            "a 10,000-part table header",
            front(format!("[{}]", vec!["a"; 10_000].join("."))),
        ),
        (
            "a 10,000-part dotted key",
            front(format!("{} = 1", vec!["a"; 10_000].join("."))),
        ),
        ("10,000 arrays of tables", front("[[salary]]\n".repeat(10_000))),
        (
            "a 1 MB string",
            front(format!("id = \"{}\"", "x".repeat(1 << 20))),
        ),
        (
            "a 1 MB unterminated string",
            front(format!("id = \"{}", "x".repeat(1 << 20))),
        ),
        (
            "a 1 MB multi-line string",
            front(format!("id = '''{}'''", "x\n".repeat(1 << 19))),
        ),
        (
            "100,000 headings",
            format!("+++\n+++\n{}", "## Overview\n".repeat(100_000)),
        ),
        ("100,000 fences", "+++\n".repeat(100_000)),
        ("a NUL in TOML", front("id = \"a\0b\"".into())),
    ];
    for (what, text) in cases {
        let start = Instant::now();
        let mut problems = Vec::new();
        let role = parse_role(path, &text, &mut problems);
        assert!(
            role.is_none() && !problems.is_empty(),
            "{what} is refused with a problem"
        );
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what}: {:?}",
            start.elapsed()
        );
        let problems = parse_problems(path, &text);
        assert!(problems.is_empty(), "{what}: {problems:?}");
    }
}

/// Every part the role-file builder writes is valid knowledge: aliases, career links both
/// ways, several salary figures, quotes and backslashes in strings, a replaced section.
#[test]
fn the_role_file_builder_writes_what_check_accepts() {
    let figure = |median: u32| {
        Salary::new()
            .number("median", median)
            .text("currency", "USD")
            .text("period", "year")
            .text("year", "2024")
            .text("source", "Guild \"rate card\" 2024")
    };
    let assistant = RoleFile::new("assistant-editor", "Assistant editor")
        .aliases(&["AE", "assistant cutter"])
        .leads_to(&["editor"])
        .sources(&["Guild survey", "A source with a \\ backslash"])
        .salary(figure(40_000))
        .salary(figure(38_000).text("note", "a second figure"))
        .section("Duties", "Logs the footage and keeps the bins in order.")
        .text();
    let editor = RoleFile::new("editor", "Editor")
        .comes_from(&["assistant-editor"])
        .salary(figure(70_000))
        .text();
    let dir = knowledge_dir(&[
        ("roles/assistant-editor.md", assistant),
        ("roles/editor.md", editor),
    ]);
    let output = rolecall(&["check", "--knowledge", arg(dir.path())], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("OK, 2 roles and 0 comparisons"), "{stdout}");
}
