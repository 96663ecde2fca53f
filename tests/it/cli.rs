//! The `rolecall` command line, driven as a user or a scorer drives it.

use serde_json::Value;

use crate::support::{arg, knowledge_dir, role_file, rolecall};

fn ask_json(args: &[&str], question: &str) -> Value {
    let mut full = vec!["ask", "--json"];
    full.extend_from_slice(args);
    full.push(question);
    let output = rolecall(&full, b"");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

/// A knowledge directory about another field, to show nothing is tied to producers.
fn nursing() -> tempfile::TempDir {
    knowledge_dir(&[
        (
            "roles/registered-nurse.md",
            role_file("registered-nurse", "Registered nurse", &[]),
        ),
        (
            "roles/nurse-practitioner.md",
            role_file("nurse-practitioner", "Nurse practitioner", &[]),
        ),
        (
            "roles/licensed-practical-nurse.md",
            role_file("licensed-practical-nurse", "Licensed practical nurse", &["LVN"]),
        ),
        ("roles/midwife.md", role_file("midwife", "Midwife", &[])),
    ])
}

#[test]
fn a_question_is_answered_as_json_with_the_agreed_fields() {
    let answer = ask_json(&[], "how much does an executive producer earn?");
    assert_eq!(answer["status"], "answered");
    assert_eq!(answer["roles"], serde_json::json!(["executive-producer"]));
    assert_eq!(answer["aspect"], "salary");
    assert!(
        answer["text"].as_str().unwrap().contains("$95,884"),
        "{}",
        answer["text"]
    );
    assert_eq!(answer["suggestions"], serde_json::json!([]));
}

#[test]
fn who_earns_more_names_the_higher_paid_role_with_sources() {
    let answer = ask_json(&[], "who earns more, a PA or an EP?");
    assert_eq!(answer["aspect"], "salary");
    let text = answer["text"].as_str().unwrap();
    assert!(
        text.contains("a executive producer earns more")
            || text.contains("an executive producer earns more")
            || text.contains("executive producer earns more"),
        "{text}"
    );
    assert!(text.contains("Study.com"), "{text}");
}

#[test]
fn any_knowledge_directory_works_with_abbreviations_made_from_names() {
    let dir = nursing();
    let dir = arg(dir.path());
    let answer = ask_json(&["--knowledge", dir], "how much does an RN make");
    assert_eq!(answer["roles"], serde_json::json!(["registered-nurse"]));
    assert_eq!(answer["aspect"], "salary");
    let answer = ask_json(
        &["--knowledge", dir],
        "registered vs licensed practical nurses: hours?",
    );
    assert_eq!(
        answer["roles"],
        serde_json::json!(["registered-nurse", "licensed-practical-nurse"])
    );
    assert_eq!(answer["aspect"], "environment");
    let answer = ask_json(&["--knowledge", dir], "what does a nurse practicioner do");
    assert_eq!(answer["roles"], serde_json::json!(["nurse-practitioner"]));
    assert!(answer["text"]
        .as_str()
        .unwrap()
        .contains("Read \"nurse practicioner\" as Nurse practitioner"));
}

#[test]
fn an_abbreviation_shared_by_two_roles_asks_which_one() {
    let answer = ask_json(&[], "AP salary");
    assert_eq!(answer["status"], "not_understood");
    let mut suggestions: Vec<&str> = answer["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    suggestions.sort();
    assert_eq!(suggestions, ["assistant-producer", "associate-producer"]);
}

#[test]
fn an_unknown_role_gets_close_suggestions() {
    let answer = ask_json(&[], "how much does an executive director earn");
    assert_eq!(answer["status"], "unknown_role");
    assert_eq!(answer["suggestions"][0], "executive-producer");
    let answer = ask_json(&[], "what's the weather like today");
    assert_eq!(answer["status"], "not_understood");
}

#[test]
fn batch_mode_answers_every_line_even_broken_ones() {
    let mut input = Vec::new();
    input.extend_from_slice(b"line producer salary\n\n");
    input.extend_from_slice(b"\xff\xfe producer \xff\n");
    input.extend_from_slice(&vec![b'a'; 1_000_000]);
    input.extend_from_slice(b"\n\x00\x07\x1b[31m<@123> EP duties\r\n");
    let output = rolecall(&["ask", "--json"], &input);
    assert!(output.status.success());
    let lines: Vec<Value> = std::str::from_utf8(&output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let statuses: Vec<&str> = lines.iter().map(|v| v["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        [
            "answered",
            "not_understood",
            "not_understood",
            "not_understood",
            "answered"
        ]
    );
    assert_eq!(lines[4]["roles"], serde_json::json!(["executive-producer"]));
    assert_eq!(lines[4]["aspect"], "duties");
}

#[test]
fn a_missing_knowledge_directory_is_a_clear_error() {
    let output = rolecall(&["ask", "--knowledge", "/nonexistent/kb", "hi"], b"");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("rolecall: loading knowledge from /nonexistent/kb: cannot read"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn check_passes_on_the_shipped_knowledge() {
    let output = rolecall(&["check"], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("OK, 10 roles and 6 comparisons"), "{stdout}");
}

#[test]
fn check_lists_every_problem_with_file_and_line() {
    let broken = role_file("b", "B", &["EP"]).replace("## Skills", "## Hobbies");
    let dir = knowledge_dir(&[
        ("roles/a.md", role_file("a", "A", &["EP"])),
        ("roles/b.md", broken),
        ("roles/c.md", "+++\nid = \"c\"\nname = [\n+++\n".to_string()),
        (
            "comparisons/a--z.md",
            role_file("a", "A", &[])
                .replace("id = \"a\"\nname = \"A\"\naliases = []", "roles = [\"a\", \"z\"]"),
        ),
    ]);
    let output = rolecall(&["check", "--knowledge", arg(dir.path())], b"");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let root = dir.path().display();
    for expected in [
        format!("{root}/roles/b.md:20: unknown section \"Hobbies\""),
        format!("{root}/roles/c.md:4: front matter: invalid array"),
        "comparison names unknown role id \"z\"".to_string(),
    ] {
        assert!(stdout.contains(&expected), "missing {expected:?} in:\n{stdout}");
    }
    let with_aliases = role_file("b", "B", &["EP"]);
    let dir = knowledge_dir(&[
        ("roles/a.md", role_file("a", "A", &["EP"])),
        ("roles/b.md", with_aliases),
    ]);
    let output = rolecall(&["check", "--knowledge", arg(dir.path())], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("roles/b.md:1: alias \"EP\" is also a name or alias of role \"a\""),
        "{stdout}"
    );
}

#[test]
fn a_link_out_of_the_knowledge_directory_is_not_followed() {
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), role_file("secret", "Secret", &[])).unwrap();
    let dir = knowledge_dir(&[("roles/a.md", role_file("a", "A", &[]))]);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("roles/secret.md")).unwrap();
    let output = rolecall(&["check", "--knowledge", arg(dir.path())], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains("secret.md:1: links outside the knowledge directory"),
        "{stdout}"
    );
}

#[test]
fn roles_lists_ids_names_and_aliases() {
    let output = rolecall(&["roles"], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("executive-producer") && l.contains("EP")),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 10);
}

#[test]
fn without_a_token_the_default_run_answers_in_the_terminal() {
    let output = rolecall(&[], b"what does a line producer do\nquit\n");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("No DISCORD_TOKEN is set"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Line producer — Duties"), "{stdout}");
}

#[test]
fn a_rendered_comparison_reads_well() {
    let dir = knowledge_dir(&[
        ("roles/cook.md", role_file("cook", "Line cook", &[])),
        (
            "roles/chef.md",
            role_file("chef", "Head chef", &["chef de cuisine"]),
        ),
    ]);
    let output = rolecall(
        &[
            "ask",
            "--knowledge",
            arg(dir.path()),
            "Head chefs vs line cook: skills?",
        ],
        b"",
    );
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn chart_writes_a_png_of_the_reported_size_or_says_why_there_is_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let png = dir.path().join("c.png");
    let output = rolecall(
        &[
            "chart",
            "executive producer vs production assistant salary",
            "-o",
            arg(&png),
        ],
        b"",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = std::fs::read(&png).expect("the chart was written");
    assert_eq!(bytes[..8], *b"\x89PNG\r\n\x1a\n");
    // The IHDR chunk comes first: width and height as big-endian u32 at bytes 16..24.
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!(
        stdout.trim(),
        format!("wrote {} ({width}×{height}, 2 bars)", png.display())
    );
    assert_eq!(width, 800);

    let none = dir.path().join("none.png");
    let output = rolecall(&["chart", "assistant producer salary", "-o", arg(&none)], b"");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("No role-specific salary figures for Assistant producer, so there is no chart."),
        "{stderr}"
    );
    assert!(!none.exists());
}

#[test]
fn chat_markup_copied_with_a_question_is_ignored() {
    for question in [
        "<@123456789012345678> how much does a line producer earn?",
        "<@!42> <#77> how much does a line producer earn? <:wave:123>",
    ] {
        let answer = ask_json(&[], question);
        assert_eq!(answer["status"], "answered", "{question}: {answer}");
        assert_eq!(
            answer["roles"],
            serde_json::json!(["line-producer"]),
            "{question}"
        );
        assert_eq!(answer["aspect"], "salary", "{question}");
    }
    let only_markup = ask_json(&[], "<@123456789012345678>");
    assert_eq!(only_markup["status"], "not_understood");
}

#[test]
fn a_folders_own_vocabulary_adds_aspect_words_and_check_reports_its_problems() {
    let dir = nursing();
    let path = dir.path().join("vocabulary.toml");
    std::fs::write(
        &path,
        "[requirements]\nstrong = [\"nmc pin\"]\n\n[salary]\nstrong = [\"agenda for change\"]\n",
    )
    .unwrap();
    let answer = ask_json(
        &["--knowledge", arg(dir.path())],
        "does a midwife need an NMC pin",
    );
    assert_eq!(answer["aspect"], "requirements", "{answer}");
    let answer = ask_json(&["--knowledge", arg(dir.path())], "midwife agenda for change");
    assert_eq!(answer["aspect"], "salary", "{answer}");
    let check = rolecall(&["check", "--knowledge", arg(dir.path())], b"");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    std::fs::write(
        &path,
        "[requirements]\nstrong = [\"nmc pin\"]\n\n[pay]\nstrong = [\"band 5\"]\n\n[salary]\nstrong = [\"nmc pin\", \"midwife\"]\n",
    )
    .unwrap();
    let check = rolecall(&["check", "--knowledge", arg(dir.path())], b"");
    let report = String::from_utf8_lossy(&check.stdout).to_string() + &String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "{report}");
    for expected in [
        "vocabulary.toml:4: unknown aspect \"pay\"",
        "vocabulary.toml:8: \"nmc pin\" is listed under requirements and salary",
        "vocabulary.toml:8: \"midwife\" names the role Midwife",
    ] {
        assert!(report.contains(expected), "{expected} not in:\n{report}");
    }
}
