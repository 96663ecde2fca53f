//! Answer quality on the project's own labelled questions (`tests/data/*.jsonl`, written
//! independently of the code), measured through the real binary as users and scorers call it.

use serde_json::Value;

use crate::support::{rolecall, root};

struct Labelled {
    id: String,
    question: String,
    status: String,
    roles: Vec<String>,
    aspect: Option<String>,
}

/// The producer sets, answered from the shipped knowledge.
const PRODUCER_SETS: [&str; 4] = [
    "questions.jsonl",
    "questions-more.jsonl",
    "questions-third.jsonl",
    "questions-chat.jsonl",
];

fn labelled(names: &[&str]) -> Vec<Labelled> {
    let text = names
        .iter()
        .map(|name| std::fs::read_to_string(root().join("tests/data").join(name)).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            Labelled {
                id: v["id"].as_str().unwrap().to_string(),
                question: v["q"].as_str().unwrap().to_string(),
                status: v["status"].as_str().unwrap().to_string(),
                roles: sorted(&v["roles"]),
                aspect: v["aspect"].as_str().map(str::to_string),
            }
        })
        .collect()
}

fn sorted(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

/// The share of `set` answered exactly by `rolecall ask --json` with `args`, and the misses.
fn score(set: &[Labelled], args: &[&str]) -> (f64, Vec<String>) {
    let input: String = set.iter().map(|q| format!("{}\n", q.question)).collect();
    let mut full = vec!["ask", "--json"];
    full.extend_from_slice(args);
    let output = rolecall(&full, input.as_bytes());
    assert!(output.status.success());
    let lines: Vec<&str> = std::str::from_utf8(&output.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), set.len(), "one answer line per question");
    let mut misses = Vec::new();
    for (q, line) in set.iter().zip(lines) {
        let got: Value = serde_json::from_str(line).unwrap();
        let status_ok = got["status"] == q.status.as_str();
        let exact = status_ok
            && (q.status != "answered"
                || (sorted(&got["roles"]) == q.roles && got["aspect"].as_str() == q.aspect.as_deref()));
        if !exact {
            misses.push(format!(
                "{} {:?}: want {} {:?} {:?}, got {} {} {}",
                q.id, q.question, q.status, q.roles, q.aspect, got["status"], got["roles"], got["aspect"]
            ));
        }
    }
    (1.0 - misses.len() as f64 / set.len() as f64, misses)
}

fn assert_at_least(name: &str, set: &[Labelled], args: &[&str], floor: f64) {
    assert!(set.len() >= 100, "{name} has only {} questions", set.len());
    let (accuracy, misses) = score(set, args);
    println!("{name}: {accuracy:.3} of {}", set.len());
    assert!(
        accuracy >= floor,
        "{name}: accuracy {accuracy:.3}; misses:\n{}",
        misses.join("\n")
    );
}

#[test]
fn at_least_95_percent_of_each_producer_set_is_answered_exactly() {
    for name in PRODUCER_SETS {
        assert_at_least(name, &labelled(&[name]), &[], 0.95);
    }
}

#[test]
fn at_least_95_percent_of_the_hospitality_set_is_answered_exactly() {
    let dir = root().join("tests/data/fields/hospitality");
    let set = labelled(&["questions-hospitality.jsonl"]);
    assert_at_least(
        "questions-hospitality.jsonl",
        &set,
        &["--knowledge", dir.to_str().unwrap()],
        0.95,
    );
}

/// The console and `ask` are one engine: every labelled question gets the same text from
/// both (the console reads each line as typed, like `ask`). The labelled questions are
/// unrelated, so the console reads each on its own (`--independent`), as `ask` does.
#[test]
fn the_console_and_ask_give_the_same_answers() {
    let commands = ["", "quit", "exit", "roles", "help"];
    let set: Vec<Labelled> = labelled(&PRODUCER_SETS)
        .into_iter()
        .filter(|q| !q.question.contains(['\n', '\r']))
        .filter(|q| !commands.contains(&q.question.trim().to_lowercase().as_str()))
        .collect();
    let input: String = set.iter().map(|q| format!("{}\n", q.question)).collect();
    let asked = rolecall(&["ask", "--json"], input.as_bytes());
    let texts: Vec<String> = std::str::from_utf8(&asked.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(texts.len(), set.len());
    let console = rolecall(&["console", "--independent"], input.as_bytes());
    let printed = String::from_utf8(console.stdout).unwrap();
    let replies: Vec<&str> = printed
        .strip_prefix("> ")
        .unwrap()
        .split("\n\n> ")
        .take(set.len())
        .collect();
    assert_eq!(replies.len(), set.len());
    for ((q, text), reply) in set.iter().zip(&texts).zip(replies) {
        assert_eq!(reply.trim_end(), text.trim_end(), "{} {:?}", q.id, q.question);
    }
}

/// The console reads a question after an answered one as a possible follow-up.
#[test]
fn the_console_answers_follow_ups() {
    let console = rolecall(
        &["console"],
        b"what does a line producer do?\nand their salary?\nwhat about co-producers?\n",
    );
    let printed = String::from_utf8(console.stdout).unwrap();
    let titles: Vec<&str> = printed
        .split("> ")
        .filter_map(|reply| reply.lines().next())
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(
        titles,
        [
            "Line producer — Duties",
            "Line producer — Salary",
            "Co-producer — Salary"
        ]
    );
}
