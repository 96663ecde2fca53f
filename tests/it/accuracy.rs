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

fn labelled() -> Vec<Labelled> {
    let text = ["questions.jsonl", "questions-more.jsonl", "questions-third.jsonl"]
        .map(|name| std::fs::read_to_string(root().join("tests/data").join(name)).unwrap())
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

#[test]
fn at_least_95_percent_of_labelled_questions_are_answered_exactly() {
    let set = labelled();
    assert!(
        set.len() >= 200,
        "the labelled set has only {} questions",
        set.len()
    );
    let input: String = set.iter().map(|q| format!("{}\n", q.question)).collect();
    let output = rolecall(&["ask", "--json"], input.as_bytes());
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
    let accuracy = 1.0 - misses.len() as f64 / set.len() as f64;
    assert!(
        accuracy >= 0.95,
        "accuracy {accuracy:.3}; misses:\n{}",
        misses.join("\n")
    );
}
