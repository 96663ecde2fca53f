//! Turns question text into comparable words.
//!
//! Both the knowledge (role names, aliases) and questions go through the same functions,
//! so a role matches a question exactly when their normalised words agree. Everything
//! here is total: any input, however hostile, yields a (possibly empty) token list. The
//! text is plain: a front end removes its own markup (chat mentions and the like) first.

use unicode_normalization::UnicodeNormalization;

/// Questions longer than this (in bytes) are cut before they are read.
pub const MAX_QUESTION_BYTES: usize = 4096;

/// One word of a question or of a role name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lowercase, singular form ("producers" → "producer", "PAs" → "pa").
    pub word: String,
    /// Light stem that merges word forms ("producing", "producer" → "produc").
    pub stem: String,
    /// The word as typed, lowercased but not singularised (for aspect vocabulary).
    pub raw: String,
    /// Typed in capitals, like "EP" or "PAs": a candidate abbreviation.
    pub shouted: bool,
    /// A connector that may join two role mentions ("vs", "or", "and", "/", ",").
    pub connector: bool,
    /// Which sentence of the text the token is in, from 0 (sentences end at `?`, `!`,
    /// a line break, or a full stop that ends a sentence).
    pub sentence: u32,
}

/// How a sentence of a question ended: what tells a question apart from its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentenceEnd {
    Question,
    Other,
}

/// Splits `text` into tokens after removing control characters and punctuation. A
/// parenthesised expansion right after an abbreviation replaces it, so
/// "PA (personal assistant)" reads as "personal assistant".
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_sentences(text).0
}

/// [`tokenize`], with how each sentence ended (indexed by [`Token::sentence`]; the last
/// sentence may be unfinished and is `Other` then).
pub fn tokenize_sentences(text: &str) -> (Vec<Token>, Vec<SentenceEnd>) {
    let text = truncate(text, MAX_QUESTION_BYTES);
    // Compatibility forms can expand a character many times over: cut again after.
    let text = fold(text);
    let text = truncate(&text, MAX_QUESTION_BYTES);
    let mut tokens = Vec::new();
    let mut ends = Vec::new();
    for piece in split_pieces(text) {
        match piece {
            Piece::Word(original) => push_word(&mut tokens, &original, ends.len() as u32),
            Piece::Connector => tokens.push(connector_token(ends.len() as u32)),
            Piece::OpenParen => {
                if tokens.last().is_some_and(|t: &Token| t.shouted) {
                    tokens.pop();
                }
            }
            Piece::SentenceEnd(end) => {
                // Only sentences with words count; "??" ends one sentence.
                if tokens
                    .last()
                    .is_some_and(|t: &Token| t.sentence == ends.len() as u32)
                {
                    ends.push(end);
                }
            }
        }
    }
    ends.push(SentenceEnd::Other);
    (tokens, ends)
}

/// Folds text so that what looks the same to a reader compares equal: characters that
/// are invisible (default-ignorable and format characters such as a zero-width space,
/// soft hyphen or bidirectional mark) are removed, compatibility forms (full-width letters,
/// ligatures) are replaced by their plain forms (NFKD), diacritics are removed ("café" →
/// "cafe", Turkish "İ" → "I"), and the Turkish dotless "ı" becomes "i". Case is kept.
///
/// Source: Unicode Standard Annex #15 (normalization forms) and the
/// `Default_Ignorable_Code_Point` property of Unicode's DerivedCoreProperties.
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| if c == 'ı' { 'i' } else { c })
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .nfc()
        .collect()
}

/// Default-ignorable and format characters: they change nothing a reader sees.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Normalises a role name or alias into the words a question must contain.
pub fn phrase_words(phrase: &str) -> Vec<Token> {
    tokenize(phrase).into_iter().filter(|t| !t.connector).collect()
}

/// The key that decides when two names or aliases are the same phrase: their normalised
/// words joined by single spaces ("Executive Producers" and "executive-producer" both give
/// "executive producer"). Empty when the phrase has no letters or digits.
pub fn phrase_key(phrase: &str) -> String {
    words_key(&phrase_words(phrase))
}

/// [`phrase_key`] of phrase words already normalised.
pub fn words_key(words: &[Token]) -> String {
    let words: Vec<&str> = words.iter().map(|t| t.word.as_str()).collect();
    words.join(" ")
}

/// Closed-class English words (articles, pronouns, auxiliaries, prepositions,
/// conjunctions, and the commonest adverbs and fillers of chat): they carry grammar, not a
/// topic, so they never vote for an aspect however a knowledge folder happens to use them.
/// Compared by stem, as [`stem`] leaves them.
const FUNCTION_WORDS: &[&str] = &[
    "the",
    "and",
    "but",
    "for",
    "nor",
    "yet",
    "not",
    "are",
    "was",
    "were",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "does",
    "did",
    "doing",
    "will",
    "would",
    "shall",
    "should",
    "can",
    "could",
    "may",
    "might",
    "must",
    "their",
    "them",
    "they",
    "this",
    "that",
    "these",
    "those",
    "there",
    "then",
    "than",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "with",
    "without",
    "from",
    "into",
    "onto",
    "upon",
    "about",
    "after",
    "before",
    "over",
    "under",
    "between",
    "through",
    "during",
    "within",
    "each",
    "every",
    "some",
    "any",
    "all",
    "both",
    "either",
    "neither",
    "such",
    "own",
    "other",
    "another",
    "more",
    "most",
    "less",
    "least",
    "much",
    "many",
    "few",
    "also",
    "just",
    "only",
    "even",
    "still",
    "very",
    "really",
    "actually",
    "basically",
    "quite",
    "rather",
    "too",
    "well",
    "so",
    "yes",
    "lol",
    "your",
    "yours",
    "you",
    "our",
    "ours",
    "his",
    "her",
    "hers",
    "its",
    "him",
    "she",
    "one",
    "ones",
    "someone",
    "something",
    "anyone",
    "anything",
    "thing",
    "things",
    "get",
    "got",
    "make",
    "made",
    "take",
    "took",
    "give",
    "gave",
    "come",
    "came",
    "like",
    "often",
    "usually",
    "always",
    "never",
    "sometimes",
    "last",
    "next",
    "first",
    "second",
    "new",
    "old",
    "lot",
    "lots",
    "way",
    "ways",
    "out",
    "off",
    "down",
    "back",
    "here",
    "now",
    "again",
    "once",
    "while",
    "because",
    "though",
    "although",
    "whether",
    "unless",
    "until",
    "since",
    "per",
    // Chat fillers.
    "quick",
    "question",
    "hey",
    "hi",
    "hello",
    "thanks",
    "thx",
    "pls",
    "please",
    "honestly",
    "ok",
    "okay",
    "btw",
    "lmao",
    "haha",
    "guys",
    "folks",
    "anyway",
];

/// True for a closed-class word (see `FUNCTION_WORDS`): grammar rather than a topic.
pub fn is_function_word(word: &str) -> bool {
    static FORMS: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        FUNCTION_WORDS
            .iter()
            .flat_map(|f| [f.to_string(), stem(&singular(f))])
            .collect()
    });
    forms.contains(word)
}

/// Reduces a lowercase word to its singular form.
pub fn singular(word: &str) -> String {
    let n = word.chars().count();
    if n > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if n > 4 && (word.ends_with("sses") || word.ends_with("xes") || word.ends_with("ches")) {
        return word[..word.len() - 2].to_string();
    }
    if n > 3 && word.ends_with('s') && !["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// A light suffix stripper: "producing", "producer" and "produce" share "produc";
/// "production" and "product" keep their own stems.
pub fn stem(word: &str) -> String {
    const SUFFIXES: [&str; 7] = ["ing", "ers", "er", "ors", "or", "ed", "e"];
    for suffix in SUFFIXES {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.chars().count() >= 4 {
                return base.to_string();
            }
        }
    }
    word.to_string()
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

enum Piece {
    Word(String),
    Connector,
    OpenParen,
    SentenceEnd(SentenceEnd),
}

fn split_pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, pieces: &mut Vec<Piece>| {
        if !word.is_empty() {
            pieces.push(Piece::Word(std::mem::take(word)));
        }
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        // "asst." and "co-producer" keep their parts together as separate words;
        // an apostrophe ends the word and drops a possessive "s".
        if c == '\'' || c == '’' {
            flush(&mut word, &mut pieces);
            if chars.peek().is_some_and(|n| *n == 's' || *n == 'S') {
                chars.next();
                if chars.peek().is_some_and(|n| n.is_alphanumeric()) {
                    word.push('s');
                }
            }
            continue;
        }
        let full_stop = c == '.' && ends_sentence(&word, chars.clone());
        flush(&mut word, &mut pieces);
        match c {
            '/' | ',' | '&' | '|' | ';' => pieces.push(Piece::Connector),
            '(' | '[' => pieces.push(Piece::OpenParen),
            '?' => pieces.push(Piece::SentenceEnd(SentenceEnd::Question)),
            '!' | '\n' => pieces.push(Piece::SentenceEnd(SentenceEnd::Other)),
            '.' if full_stop => pieces.push(Piece::SentenceEnd(SentenceEnd::Other)),
            _ => {}
        }
    }
    flush(&mut word, &mut pieces);
    pieces
}

/// Whether a full stop after `word` ends a sentence: it must be followed by a space, and
/// an abbreviation ("asst. producer") is not an end unless a capital follows.
fn ends_sentence(word: &str, mut rest: impl Iterator<Item = char>) -> bool {
    let mut next = rest.next();
    if !next.is_some_and(char::is_whitespace) {
        return false;
    }
    while next.is_some_and(char::is_whitespace) {
        next = rest.next();
    }
    let long_word = word.chars().count() > 5 || word.chars().all(|c| c.is_ascii_digit());
    long_word || next.is_none_or(char::is_uppercase)
}

fn push_word(tokens: &mut Vec<Token>, original: &str, sentence: u32) {
    let lower = original.to_lowercase();
    let letters: Vec<char> = original.chars().collect();
    let shouted = letters.len() >= 2
        && letters.iter().all(|c| c.is_alphabetic())
        && (letters.iter().all(|c| c.is_uppercase())
            || (letters.len() >= 3
                && letters[..letters.len() - 1].iter().all(|c| c.is_uppercase())
                && letters[letters.len() - 1] == 's'));
    if is_connector_word(&lower) {
        tokens.push(connector_token(sentence));
        return;
    }
    let word = if shouted && letters.last() == Some(&'s') && !letters.iter().all(|c| c.is_uppercase()) {
        lower[..lower.len() - 1].to_string()
    } else {
        singular(&lower)
    };
    tokens.push(Token {
        stem: stem(&word),
        word,
        raw: lower,
        shouted,
        connector: false,
        sentence,
    });
}

fn is_connector_word(word: &str) -> bool {
    matches!(
        word,
        "vs" | "v" | "versus" | "or" | "and" | "compared" | "against"
    )
}

fn connector_token(sentence: u32) -> Token {
    Token {
        word: String::new(),
        stem: String::new(),
        raw: String::new(),
        shouted: false,
        connector: true,
        sentence,
    }
}

#[cfg(test)]
mod tests;
