//! Hostile and broken input, as property tests: proptest is the fuzzer here.
//!
//! - Questions of any shape (arbitrary Unicode, control and zero-width characters, right-to-left
//!   overrides, combining marks, emoji, markdown, Discord mention syntax, lossily decoded bytes,
//!   100 KB strings) are answered without panicking, and the Discord replies made from them stay
//!   within Discord's limits and can ping nobody.
//! - `rolecall ask --json` prints exactly one JSON line per input line, whatever the bytes.
//! - The knowledge parser is total: it never panics, and it refuses exactly what it reports.
//! - Knowledge directories with huge, non-UTF-8, symlinked and special files are refused file
//!   by file with a `file:line: message`, and 3,000 role files load in bounded time.
//!
//! A question word of hundreds of letters once made the typo index blow up (time and memory
//! grew with the cube of the word's length). That is tested on its own, in a child process
//! with a memory cap (`a_long_single_word_question_is_answered_within_bounds`), so the
//! generated questions below keep single words short (at most 48 characters): a regression
//! then fails that one test instead of exhausting the machine under every property.
//!
//! Set `PROPTEST_CASES` to run every property with a larger budget, e.g.
//! `PROPTEST_CASES=5000 cargo test --test it hostile::question`.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use rolecall::discord::custom_id::Action;
use rolecall::discord::limits::{
    self, ACTION_ROWS as ROWS_PER_MESSAGE, CUSTOM_ID, EMBEDS as EMBEDS_PER_MESSAGE,
    FIELDS as FIELDS_PER_EMBED, SELECT_OPTIONS, SELECT_OPTION_TEXT, SELECT_PLACEHOLDER,
};
use rolecall::discord::render::{self, Reply};
use rolecall::engine::answer::{Answer, Status};
use rolecall::engine::aspect::Aspect;
use rolecall::engine::knowledge::{
    load_with_problems, parse_comparison, parse_role, Diagnostic, MAX_FILE_BYTES,
};
use rolecall::engine::normalize::tokenize;
use rolecall::engine::Engine;
use rolecall::markup::strip_markup;

use crate::support::{arg, knowledge_dir, role_file, rolecall, root};

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

/// The engine on knowledge written to be as hard to render as the rules allow: long names,
/// mention syntax everywhere, long sections, many sources, odd salary figures.
pub fn hostile() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = knowledge_dir(&hostile_files());
        load_or_explain(dir.path())
    })
}

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

/// A TOML basic string.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A role file from its parts; `sections` pairs a heading with its text (an `In short:`
/// line may lead the text).
pub fn role_text(
    id: &str,
    name: &str,
    aliases: &[String],
    sources: &[String],
    salary: &str,
    section: impl Fn(Aspect) -> String,
) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|s| toml_string(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!(
        "+++\nid = {}\nname = {}\naliases = [{}]\nsources = [{}]\n{salary}+++\n",
        toml_string(id),
        toml_string(name),
        list(aliases),
        list(sources)
    );
    for aspect in Aspect::ALL {
        text.push_str(&format!("\n## {}\n{}\n", aspect.heading(), section(aspect)));
    }
    text
}

fn salary_entry(fields: &[(&str, String)]) -> String {
    let mut entry = String::from("[[salary]]\n");
    for (key, value) in fields {
        entry.push_str(&format!("{key} = {value}\n"));
    }
    entry
}

fn hostile_files() -> Vec<(&'static str, String)> {
    let long_source = format!("Survey {}", long_text(400));
    let figures = |currency: &str, median: &str| {
        (0..8)
            .map(|i| {
                salary_entry(&[
                    ("median", format!("{median}{i}")),
                    ("low", "1".into()),
                    ("high", if i == 7 { "1e300".into() } else { "1e15".into() }),
                    ("currency", toml_string(currency)),
                    ("period", toml_string("year")),
                    ("year", toml_string("2024 @everyone <@1>")),
                    ("source", toml_string(&long_source)),
                    ("note", toml_string(&long_text(300))),
                ])
            })
            .collect::<String>()
    };
    let long_sections = |aspect: Aspect| {
        format!(
            "In short: {}\n{}",
            long_text(3000),
            long_text(6000 + aspect as usize)
        )
    };
    let alpha = role_text(
        "alpha",
        &format!(
            "Alpha analyst @everyone <@123> {}",
            "extraordinarily ".repeat(20).trim()
        ),
        &["alpha".into(), "<@&999> alpha one".into()],
        &(0..120)
            .map(|i| format!("@here@here@here@here source {i}"))
            .collect::<Vec<_>>(),
        &figures("USD", "9000"),
        long_sections,
    );
    let beta = role_text(
        "beta",
        &format!("Beta analyst <@&1> {}", "remarkably ".repeat(25).trim()),
        &["beta".into()],
        &(0..40)
            .map(|i| format!("{} {i}", long_text(120)))
            .collect::<Vec<_>>(),
        &figures("USD", "8000"),
        long_sections,
    );
    let gamma = role_text(
        "gamma",
        "Gamma @everyone analyst",
        &["<@1> gamma".into()],
        &["<@1>".into()],
        "",
        |aspect| format!("Gamma {} text. {NASTY}", aspect.heading()),
    );
    let delta = role_text(
        "delta",
        "Delta <#1> analyst",
        &[],
        &["@everyone".repeat(300)],
        &salary_entry(&[
            ("amount", "12.345".into()),
            ("currency", toml_string("<@1>")),
            ("period", toml_string("hour")),
            ("year", toml_string("2020")),
            ("source", toml_string("@here")),
        ]),
        // One unbroken run: `fit` must cut it without a space or sentence end to cut at.
        |_| format!("{}\u{200b}{}", "@everyone".repeat(600), "\u{301}".repeat(50)),
    );
    let comparison = format!(
        "+++\nroles = [\"alpha\", \"delta\"]\nsources = [{}]\n+++\n{}",
        (0..50)
            .map(|i| toml_string(&format!("<@{i}> comparison source {i} {}", long_text(60))))
            .collect::<Vec<_>>()
            .join(", "),
        Aspect::ALL
            .iter()
            .map(|a| format!(
                "\n## {}\nIn short: {}\n{}\n",
                a.heading(),
                long_text(2000),
                long_text(7000)
            ))
            .collect::<String>()
    );
    vec![
        ("roles/alpha.md", alpha),
        ("roles/beta.md", beta),
        ("roles/gamma.md", gamma),
        ("roles/delta.md", delta),
        ("comparisons/alpha--delta.md", comparison),
    ]
}

/// Everything in `reply` that Discord would refuse, or that could ping someone.
pub fn reply_problems(reply: &Reply) -> Vec<String> {
    let v = serde_json::json!({
        "content": reply.content,
        "embeds": reply.embeds,
        "components": reply.components,
    });
    let mut problems = Vec::new();
    let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let mut over = |what: &str, n: usize, max: usize| {
        if n > max {
            problems.push(format!("{what} has {n}; the limit is {max}"));
        }
    };
    over("content", chars(&v["content"]), limits::CONTENT);
    let embeds = v["embeds"].as_array().cloned().unwrap_or_default();
    over("embeds", embeds.len(), EMBEDS_PER_MESSAGE);
    let mut empty = Vec::new();
    for embed in &embeds {
        over("embed title", chars(&embed["title"]), limits::TITLE);
        over(
            "embed description",
            chars(&embed["description"]),
            limits::DESCRIPTION,
        );
        over("embed footer", chars(&embed["footer"]["text"]), limits::FOOTER);
        let fields = embed["fields"].as_array().cloned().unwrap_or_default();
        over("fields", fields.len(), FIELDS_PER_EMBED);
        let mut total = chars(&embed["title"])
            + chars(&embed["description"])
            + chars(&embed["footer"]["text"])
            + chars(&embed["author"]["name"]);
        for field in &fields {
            over("field name", chars(&field["name"]), limits::FIELD_NAME);
            over("field value", chars(&field["value"]), limits::FIELD_VALUE);
            for part in ["name", "value"] {
                if field[part].as_str().is_none_or(|s| s.trim().is_empty()) {
                    empty.push(format!("field {part} is empty: {field}"));
                }
            }
            total += chars(&field["name"]) + chars(&field["value"]);
        }
        over("embed text in total", total, limits::EMBED_TOTAL);
    }
    let rows = v["components"].as_array().cloned().unwrap_or_default();
    over("action rows", rows.len(), ROWS_PER_MESSAGE);
    for row in &rows {
        let components = row["components"].as_array().cloned().unwrap_or_default();
        over("components in a row", components.len(), limits::BUTTONS_PER_ROW);
        for component in &components {
            over("custom_id", chars(&component["custom_id"]), CUSTOM_ID);
            match component["type"].as_u64() {
                Some(2) => {
                    over("button label", chars(&component["label"]), limits::BUTTON_LABEL);
                    if chars(&component["label"]) == 0 {
                        empty.push(format!("button without a label: {component}"));
                    }
                }
                Some(3) => {
                    over(
                        "select placeholder",
                        chars(&component["placeholder"]),
                        SELECT_PLACEHOLDER,
                    );
                    let options = component["options"].as_array().cloned().unwrap_or_default();
                    over("select options", options.len(), SELECT_OPTIONS);
                    for option in &options {
                        over("option label", chars(&option["label"]), SELECT_OPTION_TEXT);
                        over("option value", chars(&option["value"]), SELECT_OPTION_TEXT);
                    }
                }
                _ => {}
            }
        }
    }
    problems.extend(empty);
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

const PIECES: &[&str] = &[
    "how",
    "much",
    "does",
    "a",
    "an",
    "the",
    "what",
    "do",
    "earn",
    "salary",
    "pay",
    "hours",
    "degree",
    "skills",
    "duties",
    "vs",
    "or",
    "and",
    "versus",
    "producer",
    "producers",
    "executive",
    "EP",
    "EPs",
    "PA",
    "PA's",
    "line",
    "co-producer",
    "assistant",
    "associate",
    "senior",
    "supervising",
    "creative",
    "production",
    "exec prodcer",
    "who earns more",
    "alpha",
    "beta",
    "gamma",
    "delta",
    "analyst",
    "chef",
    "pilot",
    "nurse",
    "?",
    "!",
    "...",
    "(",
    ")",
    "[",
    "]",
    "'s",
    "’s",
    "'",
    "/",
    "&",
    "|",
    ";",
    ",",
    "<@123>",
    "<@!123>",
    "<@&1>",
    "<#1>",
    "@everyone",
    "@here",
    "<:emoji:123>",
    "<a:wave:9>",
    "<t:1:R>",
    "<@",
    "<@&",
    "<",
    ">",
    "@",
    "<@everyone>",
    "<@here>",
    "**",
    "__",
    "~~",
    "||",
    "`",
    "```",
    "> ",
    "# ",
    "[link](https://x.y)",
    "\u{200b}",
    "\u{200c}",
    "\u{200d}",
    "\u{feff}",
    "\u{202e}",
    "\u{202d}",
    "\u{2066}",
    "\u{2069}",
    "\u{200f}",
    "\u{061c}",
    "\u{00ad}",
    "\u{2028}",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\r",
    "\n",
    "\t",
    "\u{7f}",
    "\u{85}",
    "e\u{301}",
    "\u{301}\u{302}\u{303}\u{304}",
    "Z\u{351}\u{34b}\u{31b}",
    "👩\u{200d}💻",
    "🇺🇸",
    "🏳\u{fe0f}\u{200d}🌈",
    "😀",
    "\u{fdfa}",
    "\u{fdfb}",
    "㍿",
    "ＥＰ",
    "Ｐｒｏｄｕｃｅｒ",
    "İ",
    "ß",
    "ǅ",
    "Σ",
    "ﬁ",
    "מפיק",
    "منتج",
    "制片人",
    "프로듀서",
    "\u{d7ff}",
    "\u{10ffff}",
    "\u{fffd}",
    "1e308",
    "-0",
    "99999999999999999999999",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(PIECES).prop_map(str::to_string),
        1 => "(?s).{0,8}",
        1 => any::<char>().prop_map(String::from),
    ]
}

const MENTIONS: &[&str] = &[
    "<@123>",
    "<@!99>",
    "<@&1>",
    "<#42>",
    "@everyone",
    "@here",
    "<:pog:77>",
    "<a:wave:8>",
];

/// Pieces of mention syntax run together, to try to rebuild a mention around a defused one.
fn mention_soup() -> impl Strategy<Value = String> {
    let bits =
        select(&["@", "<", "everyone", "here", "@@", "<<", "&", "!", "1"][..]).prop_map(str::to_string);
    proptest::collection::vec(prop_oneof![piece(), bits], 0..40).prop_map(|p| p.concat())
}

/// Separators are never letters or digits, so no word grows longer than one piece.
fn separator() -> impl Strategy<Value = &'static str> {
    select(
        &[
            " ", " ", " ", "  ", "\t", "\n", "\r\n", "/", ",", "\u{200b}", "\u{202e}", " vs ", "?", "-", ". ",
        ][..],
    )
}

/// A question made of hostile pieces.
pub fn hostile_question() -> impl Strategy<Value = String> {
    proptest::collection::vec((piece(), separator()), 0..24)
        .prop_map(|pieces| pieces.into_iter().map(|(p, s)| p + s).collect())
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

/// Cuts `text` to at most `bytes` bytes at a character boundary.
fn cut(mut text: String, bytes: usize) -> String {
    text.truncate(boundary(&text, bytes, false));
    text
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

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn question_of_hostile_pieces_never_panics_and_replies_fit(question in hostile_question()) {
        for engine in engines() {
            assert_no_problems(&format!("question {question:?}"), &question_problems(engine, &question))?;
        }
    }

    #[test]
    fn question_of_arbitrary_unicode_never_panics(question in "(?s).{0,48}") {
        for engine in engines() {
            assert_no_problems(&format!("question {question:?}"), &question_problems(engine, &question))?;
        }
    }

    #[test]
    fn question_tokens_are_plain_words(question in hostile_question()) {
        // Lowercasing may add combining marks ("İ" → "i̇"), so words are checked for what
        // they must not hold: spaces, controls, punctuation and mention syntax.
        let clean = |w: &str| {
            !w.chars().any(|c| c.is_whitespace() || c.is_control() || c.is_ascii_punctuation())
        };
        for token in tokenize(&question) {
            if token.connector {
                prop_assert!(token.word.is_empty() && token.raw.is_empty(), "{token:?}");
            } else {
                prop_assert!(!token.word.is_empty() && !token.raw.is_empty(), "{token:?}");
                prop_assert!(clean(&token.word) && clean(&token.raw) && clean(&token.stem), "{token:?}");
            }
        }
    }

    /// Mention markup carries no meaning: once the adapter strips it, adding it between
    /// words changes no word.
    #[test]
    fn question_mentions_carry_no_meaning(
        before in hostile_question(),
        after in hostile_question(),
        mention in select(MENTIONS),
    ) {
        let words = |text: &str| -> Vec<String> {
            tokenize(&strip_markup(text))
                .into_iter()
                .map(|t| if t.connector { "|".into() } else { t.word })
                .collect()
        };
        prop_assert_eq!(
            words(&format!("{before} {mention} {after}")),
            words(&format!("{before} {after}"))
        );
    }
}

proptest! {
    // Fewer cases: many of these ask about pay, and every salary reply renders a chart.
    #![proptest_config(config(128))]

    #[test]
    fn question_of_lossily_decoded_bytes_never_panics(bytes in hostile_bytes(48)) {
        let question = String::from_utf8_lossy(&bytes);
        for engine in engines() {
            assert_no_problems(&format!("bytes {bytes:?}"), &question_problems(engine, &question))?;
        }
    }
}

/// `<:name:id>` is custom emoji markup only when `name` is one word: a stray `<:` (the
/// emoticon "<:(") must not swallow the question up to a later emoji when the adapter
/// strips markup.
#[test]
fn a_stray_emoji_opener_does_not_swallow_the_question() {
    let words = |text: &str| {
        tokenize(&strip_markup(text))
            .into_iter()
            .map(|t| t.word)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        words("what do producers earn <:pog:77>"),
        ["what", "do", "producer", "earn"]
    );
    assert_eq!(
        words("<:( what do producers earn <:pog:77>"),
        ["what", "do", "producer", "earn"]
    );
    let answer = shipped().answer(&strip_markup("<:( how much does an EP earn? <:pog:77>"));
    assert_eq!(
        (answer.status, answer.roles),
        (Status::Answered, vec!["executive-producer".to_string()])
    );
}

proptest! {
    #![proptest_config(config(16))]

    /// Long questions (up to 100 KB) are cut before reading, so they answer as fast as short ones.
    #[test]
    fn question_up_to_100_kb_is_answered_quickly(unit in hostile_question(), bytes in 1usize..=100_000) {
        let unit = if unit.is_empty() { "a ".to_string() } else { unit + " " };
        let question = cut(unit.repeat(bytes / unit.len() + 1), bytes);
        for engine in engines() {
            let start = Instant::now();
            let what = format!("a question of {} bytes", question.len());
            assert_no_problems(&what, &question_problems(engine, &question))?;
            prop_assert!(start.elapsed() < Duration::from_secs(5), "{what}: {:?}", start.elapsed());
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn render_fit_never_exceeds_its_budget(text in "(?s).{0,300}", max in 1usize..400) {
        let fitted = render::fit(&text, max);
        prop_assert!(fitted.chars().count() <= max, "{} > {max}: {fitted:?}", fitted.chars().count());
        let text = text.trim();
        if fitted != text {
            prop_assert!(!text.is_empty() && !fitted.is_empty());
            let kept = fitted.strip_suffix('…');
            prop_assert!(kept.is_some(), "a cut text ends with …: {fitted:?}");
            let kept = kept.unwrap_or_default();
            prop_assert!(text.starts_with(kept.trim_end()), "{fitted:?} is not a prefix of {text:?}");
        }
    }

    #[test]
    fn render_defuse_leaves_no_mention_and_only_adds_zero_width_spaces(
        text in mention_soup()
    ) {
        let defused = render::defuse(&text);
        for needle in ["@everyone", "@here", "<@"] {
            prop_assert!(!defused.contains(needle), "{needle} in {defused:?}");
        }
        prop_assert_eq!(defused.replace('\u{200b}', ""), text.replace('\u{200b}', ""));
        prop_assert_eq!(render::defuse(&defused), defused.clone());
    }

    /// A click's `custom_id` comes back from Discord: reading any string is safe.
    #[test]
    fn render_component_ids_read_safely(
        custom_id in prop_oneof!["(?s).{0,120}", "rc:(view|ask|roles):[a-z0-9:+-]{0,60}"],
    ) {
        if let Some(action) = Action::parse(&custom_id) {
            prop_assert_eq!(Action::parse(&action.custom_id()), Some(action.clone()));
            if let Action::View(roles) = action {
                let knowledge = shipped().knowledge();
                let ids: Option<Vec<&str>> = roles.iter().map(|r| r.resolve(knowledge)).collect();
                let answer = ids.as_deref().and_then(|ids| shipped().answer_about(ids, Aspect::Overview));
                prop_assert_eq!(answer.is_some(), ids.is_some() && (1..=2).contains(&roles.len()));
            }
        }
    }
}

#[test]
fn fit_to_zero_characters_returns_nothing() {
    // The answered embed asks for `fit(description, room)` with room 0 once the other
    // parts use up the 6,000 characters.
    assert_eq!(render::fit("Some text.", 0), "");
}

/// Every answer the hostile knowledge can give, with what was asked.
fn hostile_answers() -> Vec<(String, Answer)> {
    let engine = hostile();
    let ids: Vec<String> = engine.knowledge().roles.iter().map(|r| r.id.clone()).collect();
    let mut answers = Vec::new();
    for aspect in Aspect::ALL {
        for a in &ids {
            for b in &ids {
                let pair: Vec<&str> = if a == b { vec![a] } else { vec![a, b] };
                let answer = engine.answer_about(&pair, aspect).expect("known ids");
                answers.push((format!("{pair:?} on {}", aspect.id()), answer));
            }
        }
    }
    for question in [
        "how much does a gamma chef earn?",
        "what does a delta chef do",
        "alpha vs beta vs gamma salary",
        "analyst pay",
        "<@123> how much does alpha earn @everyone",
    ] {
        answers.push((format!("{question:?}"), engine.answer(question)));
    }
    answers
}

#[test]
fn every_reply_from_hostile_knowledge_fits_discord_limits() {
    let engine = hostile();
    let mut failures = Vec::new();
    for (asked, answer) in hostile_answers() {
        let reply = render::answer(engine, &answer);
        let problems: Vec<String> = reply_problems(&reply)
            .into_iter()
            .filter(|p| !p.starts_with("unescaped"))
            .collect();
        if !problems.is_empty() {
            failures.push(format!("{asked}: {}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} replies break limits:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn no_reply_from_hostile_knowledge_can_ping() {
    let engine = hostile();
    let mut failures = Vec::new();
    for (asked, answer) in hostile_answers() {
        let problems: Vec<String> = reply_problems(&render::answer(engine, &answer))
            .into_iter()
            .filter(|p| p.starts_with("unescaped"))
            .collect();
        if !problems.is_empty() {
            failures.push(format!("{asked}: {}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} replies could ping:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The lines `ask` reads from `input`: split at `\n`, with no empty line after a final `\n`.
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
                // A trailing CR is not a letter, so it cannot change the answer.
                let answer = engine.answer(question);
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
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", memory_mib * 1024))
        .arg(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .current_dir(root())
        .env("DISCORD_TOKEN", "")
        .env("KNOWLEDGE_DIR", "")
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

// ---------------------------------------------------------------------------------------------
// The knowledge parser.

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

// ---------------------------------------------------------------------------------------------
// Knowledge directories.

fn check_output(dir: &Path) -> (bool, String) {
    let output = rolecall(&["check", "--knowledge", arg(dir)], b"");
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn a_2_mb_role_file_is_refused_with_its_size() {
    let mut huge = role_file("huge", "Huge role", &[]);
    huge.push_str(&"Filler text for a very large file.\n".repeat(2 * 1024 * 1024 / 35 + 1));
    let size = huge.len();
    assert!(size > 2 * 1024 * 1024);
    let dir = knowledge_dir(&[
        ("roles/huge.md", huge),
        ("roles/editor.md", role_file("editor", "Editor", &[])),
    ]);
    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    let expected = format!(
        "{}:1: file is {size} bytes; the limit is {MAX_FILE_BYTES}",
        dir.path().join("roles/huge.md").display()
    );
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown, vec![expected.clone()]);
    assert_eq!(MAX_FILE_BYTES, 256 * 1024);
    assert_eq!(
        knowledge.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["editor"]
    );
    let (ok, text) = check_output(dir.path());
    assert!(!ok && text.contains(&expected), "{text}");
}

proptest! {
    #![proptest_config(config(24))]

    /// Invalid UTF-8 anywhere in a file is reported on the line where it is.
    #[test]
    fn invalid_utf8_is_reported_at_its_line(at in 0usize..400, bad in select(BAD_BYTES[..11].to_vec())) {
        let valid = role_file("producer", "Producer", &[]);
        let at = boundary(&valid, at, false);
        let mut bytes = valid.as_bytes()[..at].to_vec();
        bytes.extend_from_slice(bad);
        bytes.extend_from_slice(&valid.as_bytes()[at..]);
        prop_assume!(std::str::from_utf8(&bytes).is_err());
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("roles")).unwrap();
        std::fs::write(dir.path().join("roles/producer.md"), &bytes).unwrap();
        let (_, problems) = load_with_problems(dir.path()).unwrap();
        let line = valid.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        let file = dir.path().join("roles/producer.md");
        let expected = format!("{}:{line}: not valid UTF-8 text", file.display());
        prop_assert_eq!(problems.iter().map(ToString::to_string).collect::<Vec<_>>(), vec![expected]);
    }
}

const CANARY: &str = "CANARY-5f1e-never-shown";

fn secret_role() -> String {
    role_file("secret", "Secret agent", &["spy"]).replace("text.", &format!("text {CANARY}."))
}

/// Every answer an engine can give about its roles, as text and as Discord JSON.
fn everything_said(engine: &Engine, questions: &[&str]) -> String {
    let mut said = String::new();
    let mut answers: Vec<Answer> = questions.iter().map(|q| engine.answer(q)).collect();
    for role in &engine.knowledge().roles {
        for aspect in Aspect::ALL {
            answers.extend(engine.answer_about(&[&role.id], aspect));
        }
    }
    for answer in answers {
        let reply = render::answer(engine, &answer);
        said.push_str(&engine.render_text(&answer));
        said.push_str(&serde_json::json!({"content": reply.content, "embeds": reply.embeds}).to_string());
    }
    said
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_file_outside_is_not_read() {
    let outside = knowledge_dir(&[("secret.md", secret_role())]);
    let dir = knowledge_dir(&[("roles/editor.md", role_file("editor", "Editor", &[]))]);
    let link = dir.path().join("roles/secret.md");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), &link).unwrap();

    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [format!(
            "{}:1: links outside the knowledge directory or is not a regular file; not read",
            link.display()
        )]
    );
    assert_eq!(
        knowledge.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["editor"]
    );
    let said = everything_said(
        &Engine::new(knowledge),
        &["what does a secret agent do?", "spy salary", "secret"],
    );
    assert!(!said.contains(CANARY));

    // The whole directory is refused, and nothing from the linked file is printed.
    assert!(Engine::load(dir.path()).is_err());
    let (ok, text) = check_output(dir.path());
    assert!(
        !ok && text.contains("links outside the knowledge directory"),
        "{text}"
    );
    let output = rolecall(
        &["ask", "--knowledge", arg(dir.path()), "what does a spy do"],
        b"",
    );
    assert!(!output.status.success());
    for stream in [&output.stdout, &output.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(CANARY));
    }
    assert!(!text.contains(CANARY));
}

/// `roles/` itself a link to a folder outside: the folder is listed, but every file in it
/// resolves outside the knowledge root and is refused on its own line, so nothing is read, the
/// directory does not load (`check` fails, one problem per file), and no answer is possible.
#[cfg(unix)]
#[test]
fn a_symlinked_roles_folder_outside_is_listed_but_not_read() {
    let outside = knowledge_dir(&[
        ("secret.md", secret_role()),
        ("editor.md", role_file("editor", "Editor", &[])),
    ]);
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("roles")).unwrap();

    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    assert!(knowledge.roles.is_empty());
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let refused = |file: &str| {
        format!(
            "{}:1: links outside the knowledge directory or is not a regular file; not read",
            dir.path().join("roles").join(file).display()
        )
    };
    assert_eq!(shown, [refused("editor.md"), refused("secret.md")]);
    assert!(Engine::load(dir.path()).is_err());
    let (ok, text) = check_output(dir.path());
    assert!(
        !ok && text.contains(&refused("secret.md")) && text.contains("2 problem(s)"),
        "{text}"
    );
    assert!(!text.contains(CANARY));
}

/// The same files are fine when the knowledge directory itself is reached through a link.
#[cfg(unix)]
#[test]
fn a_knowledge_directory_reached_through_a_link_loads() {
    let real = knowledge_dir(&[("roles/editor.md", role_file("editor", "Editor", &[]))]);
    let parent = tempfile::tempdir().unwrap();
    let link = parent.path().join("knowledge");
    std::os::unix::fs::symlink(real.path(), &link).unwrap();
    let engine = Engine::load(&link).unwrap();
    assert_eq!(engine.answer("editor skills").roles, ["editor"]);
}

/// A FIFO would block a reader forever; a dangling link, a link loop and a folder named
/// `x.md` cannot be read either. Each is one problem, and loading does not wait.
#[cfg(unix)]
#[test]
fn special_files_are_refused_without_blocking() {
    let dir = knowledge_dir(&[("roles/editor.md", role_file("editor", "Editor", &[]))]);
    let roles = dir.path().join("roles");
    let made = Command::new("mkfifo").arg(roles.join("pipe.md")).status();
    let fifo = made.is_ok_and(|s| s.success());
    std::os::unix::fs::symlink(roles.join("missing-target.md"), roles.join("dangling.md")).unwrap();
    std::os::unix::fs::symlink(roles.join("loop.md"), roles.join("loop.md")).unwrap();
    std::fs::create_dir(roles.join("folder.md")).unwrap();

    let start = Instant::now();
    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(knowledge.roles.len(), 1);
    let mut files: Vec<String> = problems
        .iter()
        .map(|p| p.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected = vec!["dangling.md", "folder.md", "loop.md"];
    if fifo {
        expected.push("pipe.md");
    }
    assert_eq!(files, expected, "{problems:?}");
    let (ok, text) = check_output(dir.path());
    assert!(
        !ok && text.contains(&format!("{} problem(s)", expected.len())),
        "{text}"
    );
}

#[test]
fn three_thousand_role_files_load_in_bounded_time() {
    let files: Vec<(String, String)> = (0..3000)
        .map(|i| {
            let id = format!("role-{i:04}");
            (
                format!("roles/{id}.md"),
                role_file(&id, &format!("Role {i:04}"), &[]),
            )
        })
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let dir = knowledge_dir(&files);

    let start = Instant::now();
    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    let loaded = start.elapsed();
    assert!(problems.is_empty(), "{:?}", &problems[..problems.len().min(5)]);
    assert_eq!(knowledge.roles.len(), 3000);
    assert!(
        loaded < Duration::from_secs(10),
        "load_with_problems took {loaded:?}"
    );

    let start = Instant::now();
    let engine = Engine::load(dir.path()).unwrap();
    let indexed = start.elapsed();
    assert!(indexed < Duration::from_secs(10), "Engine::load took {indexed:?}");
    let answer = engine.answer("how much does a role 2999 earn");
    assert_eq!(answer.roles, ["role-2999"]);
    assert!(question_problems(&engine, "role 1234 vs role 0042 duties").is_empty());

    let start = Instant::now();
    let (ok, text) = check_output(dir.path());
    let checked = start.elapsed();
    assert!(ok && text.contains("OK, 3000 roles and 0 comparisons"), "{text}");
    assert!(checked < Duration::from_secs(10), "check took {checked:?}");
}
