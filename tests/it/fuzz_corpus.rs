//! Replays the regression corpus in `tests/data/fuzz/`: hostile questions and hostile
//! knowledge files, one per file, kept because they once broke something or nearly did.
//!
//! - `question-*.txt`: the file's bytes (lossily decoded, as a question), and each of its
//!   lines, go through every question entry point on realistic knowledge, in bounded time,
//!   and every reply stays within Discord's limits and pings nobody; the raw bytes also go
//!   through `rolecall ask --json`, which must print one JSON line per line.
//! - `role-*.md` and `comparison-*.md`: both parsers keep their contract (a file is refused
//!   exactly when a problem is reported, on a line inside the file), and so does loading the
//!   raw bytes from a knowledge directory. `role-valid-*.md` must parse, every other file must
//!   be refused; a valid role is then rendered on every aspect, alone and side by side with a
//!   twin, within Discord's limits.
//!
//! To keep an input that proptest found, save it here under a name that says what it is.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rolecall::discord::render;
use rolecall::engine::aspect::Aspect;
use rolecall::engine::knowledge::{load_with_problems, parse_role, Knowledge};
use rolecall::engine::Engine;

use crate::hostile::{answer_problems, engines, parse_problems, question_problems, reply_problems};
use crate::support::{knowledge_dir, role_file, rolecall, root};

/// How long one answer may take in a debug build; ordinary questions take milliseconds.
const ANSWER_BUDGET: Duration = Duration::from_millis(500);

fn corpus(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let dir = root().join("tests/data/fuzz");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/fuzz exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("corpus file reads"))
        })
        .collect()
}

fn fail_with(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_holds_questions_and_knowledge_files_only() {
    let all = corpus("");
    let kinds = ["question-", "role-", "comparison-"];
    for (name, _) in &all {
        let known = kinds.iter().any(|k| name.starts_with(k));
        let ext_ok = if name.starts_with("question-") {
            name.ends_with(".txt")
        } else {
            name.ends_with(".md")
        };
        assert!(
            known && ext_ok,
            "{name}: name corpus files question-*.txt, role-*.md or comparison-*.md"
        );
    }
    assert!(corpus("question-").len() >= 10 && corpus("role-").len() >= 10);
}

#[test]
fn every_corpus_question_is_answered_quickly_and_within_limits() {
    let mut failures = Vec::new();
    for (name, bytes) in corpus("question-") {
        let text = String::from_utf8_lossy(&bytes);
        let mut questions = vec![text.to_string()];
        questions.extend(text.lines().map(str::to_string));
        for engine in engines() {
            for question in &questions {
                let start = Instant::now();
                let answer = engine.answer(question);
                let took = start.elapsed();
                if took > ANSWER_BUDGET {
                    failures.push(format!("{name}: one answer took {took:?}"));
                    break;
                }
                let mut problems = answer_problems(engine, &answer);
                problems.extend(question_problems(engine, question));
                failures.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
            }
        }
    }
    fail_with("corpus questions failed", &failures);
}

#[test]
fn every_corpus_question_file_gets_one_json_line_per_line_from_ask() {
    for (name, bytes) in corpus("question-") {
        let output = rolecall(&["ask", "--json"], &bytes);
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
        let mut expected = bytes.split(|b| *b == b'\n').count();
        if bytes.is_empty() || bytes.ends_with(b"\n") {
            expected -= 1;
        }
        let printed: Vec<&str> = stdout.split_terminator('\n').collect();
        assert_eq!(printed.len(), expected, "{name}");
        for line in printed {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}: {e}: {line}"));
            assert!(v["status"].is_string() && v["text"].is_string(), "{name}: {line}");
        }
    }
}

/// Every reply about `role`, alone and beside a twin with a longer name, on every aspect.
fn render_problems(role: &rolecall::engine::knowledge::Role) -> Vec<String> {
    let mut twin = role.clone();
    twin.id = "twin".into();
    twin.name = format!("{} twin", role.name);
    twin.aliases.clear();
    let (knowledge, clashes) = Knowledge::new(vec![role.clone(), twin], vec![]);
    assert!(clashes.is_empty(), "{clashes:?}");
    let engine = Engine::new(knowledge);
    let mut problems = Vec::new();
    for aspect in Aspect::ALL {
        for ids in [vec![role.id.as_str()], vec![role.id.as_str(), "twin"]] {
            let answer = engine.answer_about(&ids, aspect).expect("known ids");
            let reply = render::answer(&engine, &answer);
            problems.extend(
                answer_problems(&engine, &answer)
                    .into_iter()
                    .chain(reply_problems(&reply))
                    .map(|p| format!("{ids:?} on {}: {p}", aspect.id())),
            );
        }
    }
    let first_word = role
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    for question in [
        format!("how much does a {} earn", role.name),
        format!("how much does a {first_word} chef earn"),
    ] {
        problems.extend(
            question_problems(&engine, &question)
                .into_iter()
                .map(|p| format!("{question:?}: {p}")),
        );
    }
    problems
}

#[test]
fn every_corpus_knowledge_file_is_parsed_or_refused_with_a_located_problem() {
    let mut failures = Vec::new();
    let mut files = corpus("role-");
    files.extend(corpus("comparison-"));
    for (name, bytes) in files {
        let path = root().join("tests/data/fuzz").join(&name);
        let text = String::from_utf8_lossy(&bytes);
        let start = Instant::now();
        failures.extend(
            parse_problems(&path, &text)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );

        // The raw bytes, read from a knowledge directory as the bot reads them.
        let folder = if name.starts_with("comparison-") {
            "comparisons"
        } else {
            "roles"
        };
        let dir = knowledge_dir(&[("roles/editor.md", role_file("editor", "Editor", &[]))]);
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        let copy = dir.path().join(folder).join(&name);
        std::fs::write(&copy, &bytes).unwrap();
        let (knowledge, problems) = load_with_problems(dir.path()).expect("the directory loads");
        let reported = problems.iter().any(|p| p.path == copy);
        let loaded = knowledge.roles.len() > 1 || knowledge.comparison_count() > 0;
        if loaded == reported {
            failures.push(format!("{name}: loaded {loaded}, problems {problems:?}"));
        }
        if start.elapsed() > Duration::from_secs(5) {
            failures.push(format!("{name}: parsing and loading took {:?}", start.elapsed()));
        }

        let must_load = name.starts_with("role-valid-");
        if loaded != must_load {
            failures.push(format!(
                "{name}: loaded {loaded}, but only role-valid-* files should: {problems:?}"
            ));
        }
        let mut problems = Vec::new();
        if let (true, Some(role)) = (must_load, parse_role(&path, &text, &mut problems)) {
            failures.extend(render_problems(&role).into_iter().map(|p| format!("{name}: {p}")));
        }
    }
    fail_with("corpus knowledge files failed", &failures);
}
