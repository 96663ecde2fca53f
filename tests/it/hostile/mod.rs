//! Hostile and broken input, as property tests: proptest is the fuzzer here. One file a concern:
//!
//! - `questions`: questions of any shape (arbitrary Unicode, control and zero-width characters,
//!   right-to-left overrides, combining marks, emoji, markdown, Discord mention syntax, lossily
//!   decoded bytes, 100 KB strings) are answered without panicking, and the Discord replies made
//!   from them stay within Discord's limits and can ping nobody.
//! - `rendering`: the renderer's pieces, and every reply from knowledge written to be as hard
//!   to render as the rules allow, within Discord's limits.
//! - `cli_input`: `rolecall ask --json` prints exactly one JSON line per input line, whatever
//!   the bytes.
//! - `knowledge_files`: the knowledge parser is total: it never panics, and it refuses exactly
//!   what it reports.
//! - `file_system`: knowledge directories with huge, non-UTF-8, symlinked and special files are
//!   refused file by file with a `file:line: message`, and 3,000 role files load in bounded time.
//!
//! This file holds what they share: the engines, the checks of answers and replies, and hostile
//! bytes.
//!
//! A question word of hundreds of letters once made the typo index blow up (time and memory
//! grew with the cube of the word's length). That is tested on its own, in a child process
//! with a memory cap (`cli_input::a_long_single_word_question_is_answered_within_bounds`), so
//! the generated questions keep single words short (at most 48 characters): a regression then
//! fails that one test instead of exhausting the machine under every property.
//!
//! Set `PROPTEST_CASES` to run every property with a larger budget, e.g.
//! `PROPTEST_CASES=5000 cargo test --test it hostile::question`.

mod cli_input;
mod file_system;
mod knowledge_files;
mod questions;
mod rendering;

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use rolecall::discord::limits;
use rolecall::discord::render::{self, Reply};
use rolecall::engine::answer::{Answer, Status};
use rolecall::engine::knowledge::load_with_problems;
use rolecall::engine::Engine;

use crate::support::{knowledge_dir, role_file, root};

pub use knowledge_files::parse_problems;

/// The proptest configuration: `cases` unless `PROPTEST_CASES` says otherwise, and no
/// regression files written next to the sources (found inputs go to `tests/data/fuzz/`).
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The engine on the shipped knowledge.
pub fn shipped() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| load_or_explain(&root().join("knowledge")))
}

/// The engine on ordinary knowledge about another field, with overlapping names,
/// abbreviations, accents, full-width letters and a name in CJK.
pub fn varied() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let roles: [(&str, &str, &[&str]); 12] = [
            ("director", "Director", &["film director"]),
            ("assistant-director", "Assistant director", &["AD", "first AD"]),
            (
                "director-of-photography",
                "Director of photography",
                &["DP", "DoP", "cinematographer"],
            ),
            ("script-supervisor", "Script supervisor", &["continuity"]),
            ("key-grip", "Key grip", &[]),
            ("best-boy", "Best boy", &["best boy electric"]),
            ("gaffer", "Gaffer", &["chief lighting technician"]),
            ("regisseur", "Régisseur", &["régisseuse"]),
            ("maitre-d", "Maître d'hôtel", &["maitre d"]),
            ("stunt-coordinator", "Ｓｔｕｎｔ coordinator", &[]),
            ("zhi-pian-ren", "制片人", &[]),
            ("co-producer", "Co-producer", &["coproducer"]),
        ];
        let files: Vec<(String, String)> = roles
            .iter()
            .map(|(id, name, aliases)| (format!("roles/{id}.md"), role_file(id, name, aliases)))
            .collect();
        let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
        load_or_explain(knowledge_dir(&files).path())
    })
}

/// The engines the question properties ask: realistic knowledge, so that a failure there is
/// about the question. Hostile knowledge is rendered exhaustively by its own tests.
pub fn engines() -> [&'static Engine; 2] {
    [shipped(), varied()]
}

/// The engine on the knowledge in `dir`; panics with every problem found if it does not load.
fn load_or_explain(dir: &Path) -> Engine {
    Engine::load(dir).unwrap_or_else(|e| {
        let problems = load_with_problems(dir)
            .map(|(_, p)| p.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        panic!("knowledge at {} loads: {e}\n{problems}", dir.display())
    })
}

/// Mention syntax, markdown, bidi overrides, zero-width and combining characters, emoji and
/// right-to-left scripts in one sentence.
pub const NASTY: &str = "Pay is high. @everyone look <@123> and <@!42> or <@&7> in <#9>; @here **bold** \
__under__ ~~gone~~ ||spoiler|| `code` > quote [link](https://example.com) \u{202e}desrever\u{202c} \
zero\u{200b}width\u{200d}join\u{feff}bom e\u{301}\u{302}\u{303} 👩\u{200d}💻 🏳\u{fe0f}\u{200d}🌈 منتج מפיק. ";

fn long_text(chars: usize) -> String {
    NASTY
        .repeat(chars / NASTY.chars().count() + 1)
        .chars()
        .take(chars)
        .collect()
}

/// Everything in `reply` that Discord would refuse, or that could ping someone.
pub fn reply_problems(reply: &Reply) -> Vec<String> {
    let v = serde_json::json!({
        "content": reply.content,
        "embeds": reply.embeds,
        "components": reply.components,
    });
    let mut found = ReplyProblems::default();
    found.over("content", chars(&v["content"]), limits::CONTENT);
    let embeds = v["embeds"].as_array().cloned().unwrap_or_default();
    found.over("embeds", embeds.len(), limits::EMBEDS);
    for embed in &embeds {
        found.embed(embed);
    }
    let rows = v["components"].as_array().cloned().unwrap_or_default();
    found.over("action rows", rows.len(), limits::ACTION_ROWS);
    for row in &rows {
        found.action_row(row);
    }
    let mut problems = found.over_limits;
    problems.extend(found.empty);
    let text = v.to_string();
    for needle in ["@everyone", "@here", "<@"] {
        if let Some(at) = text.find(needle) {
            let start = boundary(&text, at.saturating_sub(60), false);
            let end = boundary(&text, at + 60, true);
            problems.push(format!(
                "unescaped {needle:?} in the reply: …{}…",
                &text[start..end]
            ));
        }
    }
    problems
}

/// The characters of a JSON string (0 for anything else).
fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// What `reply_problems` finds, by kind: parts over Discord's limits, then empty parts.
#[derive(Default)]
struct ReplyProblems {
    over_limits: Vec<String>,
    empty: Vec<String>,
}

impl ReplyProblems {
    fn over(&mut self, what: &str, n: usize, max: usize) {
        if n > max {
            self.over_limits
                .push(format!("{what} has {n}; the limit is {max}"));
        }
    }

    fn embed(&mut self, embed: &Value) {
        self.over("embed title", chars(&embed["title"]), limits::TITLE);
        self.over(
            "embed description",
            chars(&embed["description"]),
            limits::DESCRIPTION,
        );
        self.over("embed footer", chars(&embed["footer"]["text"]), limits::FOOTER);
        let fields = embed["fields"].as_array().cloned().unwrap_or_default();
        self.over("fields", fields.len(), limits::FIELDS);
        let mut total = chars(&embed["title"])
            + chars(&embed["description"])
            + chars(&embed["footer"]["text"])
            + chars(&embed["author"]["name"]);
        for field in &fields {
            self.over("field name", chars(&field["name"]), limits::FIELD_NAME);
            self.over("field value", chars(&field["value"]), limits::FIELD_VALUE);
            for part in ["name", "value"] {
                if field[part].as_str().is_none_or(|s| s.trim().is_empty()) {
                    self.empty.push(format!("field {part} is empty: {field}"));
                }
            }
            total += chars(&field["name"]) + chars(&field["value"]);
        }
        self.over("embed text in total", total, limits::EMBED_TOTAL);
    }

    fn action_row(&mut self, row: &Value) {
        let components = row["components"].as_array().cloned().unwrap_or_default();
        self.over("components in a row", components.len(), limits::BUTTONS_PER_ROW);
        for component in &components {
            self.over("custom_id", chars(&component["custom_id"]), limits::CUSTOM_ID);
            match component["type"].as_u64() {
                Some(2) => {
                    self.over("button label", chars(&component["label"]), limits::BUTTON_LABEL);
                    if chars(&component["label"]) == 0 {
                        self.empty.push(format!("button without a label: {component}"));
                    }
                }
                Some(3) => self.select_menu(component),
                _ => {}
            }
        }
    }

    fn select_menu(&mut self, menu: &Value) {
        self.over(
            "select placeholder",
            chars(&menu["placeholder"]),
            limits::SELECT_PLACEHOLDER,
        );
        let options = menu["options"].as_array().cloned().unwrap_or_default();
        self.over("select options", options.len(), limits::SELECT_OPTIONS);
        for option in &options {
            self.over(
                "option label",
                chars(&option["label"]),
                limits::SELECT_OPTION_TEXT,
            );
            self.over(
                "option value",
                chars(&option["value"]),
                limits::SELECT_OPTION_TEXT,
            );
        }
    }
}

/// Inconsistencies in an answer, whatever question it came from.
pub fn answer_problems(engine: &Engine, answer: &Answer) -> Vec<String> {
    let mut problems = Vec::new();
    let known = |id: &String| engine.knowledge().role(id).is_some();
    if answer.title.trim().is_empty() || answer.parts.is_empty() {
        problems.push("an answer without a title or text".to_string());
    }
    match answer.status {
        Status::Answered => {
            if !(1..=2).contains(&answer.roles.len()) || !answer.roles.iter().all(known) {
                problems.push(format!("answered about {:?}", answer.roles));
            }
            if answer.aspect != Some(answer.asked_aspect) {
                problems.push(format!(
                    "aspect {:?} but asked {:?}",
                    answer.aspect, answer.asked_aspect
                ));
            }
        }
        Status::UnknownRole | Status::NotUnderstood => {
            if !answer.roles.is_empty() || answer.aspect.is_some() {
                problems.push(format!(
                    "not answered, yet about {:?} {:?}",
                    answer.roles, answer.aspect
                ));
            }
        }
    }
    if !answer.suggestions.iter().all(known) {
        problems.push(format!("suggests unknown roles {:?}", answer.suggestions));
    }
    let text = engine.render_text(answer);
    if !text.starts_with(&answer.title) {
        problems.push("the plain text does not start with the title".to_string());
    }
    problems
}

/// Runs `question` through every entry point a user can reach and lists what went wrong.
pub fn question_problems(engine: &Engine, question: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let first = engine.knowledge().roles[0].id.clone();
    let alias: String = question.chars().take(50).collect();
    let aliases = engine.aliases(&[
        ("the boss".to_string(), first.clone()),
        (alias, first),
        ("x".to_string(), "no-such-role".to_string()),
    ]);
    for answer in [
        engine.answer(question),
        engine.answer_with(question, Some(&aliases)),
    ] {
        problems.extend(answer_problems(engine, &answer));
        problems.extend(reply_problems(&render::answer(engine, &answer)));
    }
    let limit = 25;
    let suggested = engine.suggest(question, limit);
    if suggested.len() > limit {
        problems.push(format!("{} suggestions for a limit of {limit}", suggested.len()));
    }
    problems
}

fn assert_no_problems(what: &str, problems: &[String]) -> Result<(), TestCaseError> {
    prop_assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
    Ok(())
}

/// The nearest character boundary to `at`, looking down or `up`.
fn boundary(text: &str, at: usize, up: bool) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        if up {
            at += 1;
        } else {
            at -= 1;
        }
    }
    at
}

const BAD_BYTES: &[&[u8]] = &[
    b"\xed\xa0\x80",             // a lone high surrogate, as CESU-8 / WTF-8 would write it
    b"\xed\xbf\xbf",             // a lone low surrogate
    b"\xed\xa0\xbd\xed\xb8\x80", // a surrogate pair written as two lone halves
    b"\xc0\xaf",                 // overlong '/'
    b"\xe0\x80\xaf",             // overlong '/' in three bytes
    b"\xf4\x90\x80\x80",         // above U+10FFFF
    b"\xf8\x88\x80\x80\x80",
    b"\xff",
    b"\xfe",
    b"\x80",
    b"\xc3",
    b"\0",
    b"\r",
    b"\r\r",
    b"\xe2\x80\xae", // U+202E
    b"\xe2\x80\x8b", // U+200B
    b"\xef\xbb\xbf", // BOM
    b"producer",
    b" how much does an EP earn ",
    b"<@123>",
    b"@everyone",
];

/// Bytes that are mostly not UTF-8: known bad sequences among arbitrary bytes.
fn hostile_bytes(max_chunks: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            select(BAD_BYTES).prop_map(<[u8]>::to_vec),
            proptest::collection::vec(any::<u8>(), 0..8),
        ],
        0..max_chunks,
    )
    .prop_map(|chunks| chunks.concat())
}
