//! Input bytes on the command line: `rolecall ask --json` prints exactly one JSON line per input
//! line, whatever the bytes, and a question or alias that is one word of thousands of letters
//! is answered within bounds of time and memory.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use super::questions::hostile_question;
use super::{config, hostile_bytes, shipped};
use crate::support::{arg, knowledge_dir, role_file, rolecall, without_token};

fn input_lines(input: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
    if input.is_empty() || input.ends_with(b"\n") {
        lines.pop();
    }
    lines
}

/// Checks that `ask --json` answered each line of `input` as the engine does.
fn check_ask_json(input: &[u8]) -> Result<(), TestCaseError> {
    let output = rolecall(&["ask", "--json"], input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    prop_assert!(output.status.success(), "exit {:?}: {stderr}", output.status);
    let stdout = String::from_utf8(output.stdout)
        .map_err(|e| TestCaseError::fail(format!("stdout is not UTF-8: {e}")))?;
    let printed: Vec<&str> = stdout.split_terminator('\n').collect();
    let lines = input_lines(input);
    prop_assert_eq!(
        printed.len(),
        lines.len(),
        "one JSON line per input line; stdout: {}",
        stdout
    );
    let engine = shipped();
    for (line, json) in lines.iter().zip(&printed) {
        let v: Value = serde_json::from_str(json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
        prop_assert!(v.is_object(), "{json}");
        match std::str::from_utf8(line) {
            Ok(question) => {
                // The CLI removes chat markup before the engine reads the line; a trailing
                // CR is not a letter, so it cannot change the answer.
                let answer = engine.answer(&rolecall::markup::strip_markup(question));
                prop_assert_eq!(&v["status"], answer.status.id(), "{:?}", question);
                prop_assert_eq!(&v["roles"], &serde_json::json!(answer.roles));
                prop_assert_eq!(&v["aspect"], &serde_json::json!(answer.aspect.map(|a| a.id())));
                prop_assert_eq!(&v["suggestions"], &serde_json::json!(answer.suggestions));
                prop_assert_eq!(&v["notes"], &serde_json::json!(answer.notes));
                prop_assert_eq!(&v["text"], &serde_json::json!(engine.render_text(&answer)));
            }
            Err(_) => {
                prop_assert_eq!(&v["status"], "not_understood", "invalid UTF-8 {:?}", line);
                prop_assert!(v["text"].as_str().is_some_and(|t| !t.is_empty()), "{json}");
            }
        }
    }
    Ok(())
}

fn input_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        hostile_bytes(12),
        hostile_question().prop_map(String::into_bytes),
        select(
            &[
                "how much does an EP earn?\r",
                "producer vs line producer\r\r",
                "\0",
                ""
            ][..]
        )
        .prop_map(|s| s.as_bytes().to_vec()),
    ]
    .prop_map(|mut line| {
        line.retain(|b| *b != b'\n');
        line
    })
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn cli_ask_json_prints_one_json_line_per_input_line(
        lines in proptest::collection::vec(input_line(), 0..12),
        final_newline in any::<bool>(),
    ) {
        let mut input = lines.join(&b'\n');
        if final_newline && !lines.is_empty() {
            input.push(b'\n');
        }
        check_ask_json(&input)?;
    }
}

#[test]
fn ask_json_reads_surrogates_nul_and_cr_line_by_line() {
    let input: &[u8] =
        b"how much does an EP earn?\r\n\xed\xa0\x80\n\0\n\rproducer\r\n\n\xed\xa0\x80 producer\n\
        no final newline";
    assert_eq!(input_lines(input).len(), 7);
    check_ask_json(input).unwrap();
    let output = rolecall(&["ask", "--json"], input);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let statuses: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(statuses[0], "answered");
    assert_eq!(
        statuses[1], "not_understood",
        "a lone surrogate is not a question"
    );
    assert_eq!(statuses[3], "answered", "CR around a word is no part of it");
}

/// Runs the real binary with a memory cap (`ulimit -v`) and a time limit, killing it past the
/// limit, so that a blow-up fails this test instead of taking the machine down.
fn rolecall_bounded(args: &[&str], memory_mib: u64, limit: Duration) -> Result<(Output, Duration), String> {
    let mut child = without_token("sh")
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", memory_mib * 1024))
        .arg(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            let output = child.wait_with_output().expect("output");
            return Ok((output, start.elapsed()));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {limit:?}; killed"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A word of `n` letters that repeats no pattern (so its typo deletions do not collapse).
fn random_word(n: usize) -> String {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (b'a' + (x % 26) as u8) as char
        })
        .collect()
}

fn assert_answers_within_bounds(args: &[&str], what: &str) {
    match rolecall_bounded(args, 1024, Duration::from_secs(10)) {
        Ok((output, took)) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success(),
                "{what}: exit {:?} after {took:?}: {stderr}",
                output.status
            );
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert_eq!(stdout.lines().count(), 1, "{what}: {stdout}");
            assert!(took < Duration::from_secs(5), "{what}: took {took:?}");
        }
        Err(e) => panic!("{what}: {e}"),
    }
}

/// One "word" of 2,000 letters: as long as a Discord message. Expected: answered (as not
/// understood) at once. The typo index builds every two-letter deletion of the word (about
/// n²/2 copies of n characters), so time and memory grow with n³.
#[test]
fn a_long_single_word_question_is_answered_within_bounds() {
    let question = format!("how much does a {} earn?", random_word(2000));
    assert_answers_within_bounds(&["ask", "--json", &question], "a 2,000-letter word in a question");
}

/// The same blow-up at load time: a role alias that is one 3,000-letter word.
#[test]
fn a_long_single_word_alias_loads_within_bounds() {
    let alias = random_word(3000);
    let dir = knowledge_dir(&[
        ("roles/producer.md", role_file("producer", "Producer", &[&alias])),
        ("roles/editor.md", role_file("editor", "Editor", &[])),
    ]);
    assert_answers_within_bounds(
        &["ask", "--json", "--knowledge", arg(dir.path()), "producer pay"],
        "a 3,000-letter alias in a role file",
    );
}
