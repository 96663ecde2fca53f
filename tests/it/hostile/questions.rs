//! Questions of any shape: hostile pieces (mention syntax, markdown, control, zero-width and
//! bidi characters, emoji, other scripts), arbitrary Unicode, lossily decoded bytes and 100 KB
//! strings are answered without panicking, the replies made from them fit Discord's limits and
//! ping nobody, and the tokenizer yields plain words.
//!
//! Single words stay short here (see `cli_input::a_long_single_word_question_is_answered_within_bounds`).

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::select;

use rolecall::engine::answer::Status;
use rolecall::engine::normalize::tokenize;
use rolecall::markup::strip_markup;

use super::{assert_no_problems, boundary, config, engines, hostile_bytes, question_problems, shipped};

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
pub fn mention_soup() -> impl Strategy<Value = String> {
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

/// Cuts `text` to at most `bytes` bytes at a character boundary.
fn cut(mut text: String, bytes: usize) -> String {
    text.truncate(boundary(&text, bytes, false));
    text
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
