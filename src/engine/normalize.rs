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
}

/// Splits `text` into tokens after removing control characters and punctuation. A
/// parenthesised expansion right after an abbreviation replaces it, so
/// "PA (personal assistant)" reads as "personal assistant".
pub fn tokenize(text: &str) -> Vec<Token> {
    let text = truncate(text, MAX_QUESTION_BYTES);
    // Compatibility forms can expand a character many times over: cut again after.
    let text: String = text.nfkc().collect();
    let text = truncate(&text, MAX_QUESTION_BYTES);
    let mut tokens = Vec::new();
    for piece in split_pieces(text) {
        match piece {
            Piece::Word(original) => push_word(&mut tokens, &original),
            Piece::Connector => tokens.push(connector_token()),
            Piece::OpenParen => {
                if tokens.last().is_some_and(|t: &Token| t.shouted) {
                    tokens.pop();
                }
            }
        }
    }
    tokens
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
        flush(&mut word, &mut pieces);
        match c {
            '/' | ',' | '&' | '|' | ';' => pieces.push(Piece::Connector),
            '(' | '[' => pieces.push(Piece::OpenParen),
            _ => {}
        }
    }
    flush(&mut word, &mut pieces);
    pieces
}

fn push_word(tokens: &mut Vec<Token>, original: &str) {
    let lower = original.to_lowercase();
    let letters: Vec<char> = original.chars().collect();
    let shouted = letters.len() >= 2
        && letters.iter().all(|c| c.is_alphabetic())
        && (letters.iter().all(|c| c.is_uppercase())
            || (letters.len() >= 3
                && letters[..letters.len() - 1].iter().all(|c| c.is_uppercase())
                && letters[letters.len() - 1] == 's'));
    if is_connector_word(&lower) {
        tokens.push(connector_token());
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
    });
}

fn is_connector_word(word: &str) -> bool {
    matches!(
        word,
        "vs" | "v" | "versus" | "or" | "and" | "compared" | "against"
    )
}

fn connector_token() -> Token {
    Token {
        word: String::new(),
        stem: String::new(),
        raw: String::new(),
        shouted: false,
        connector: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> String {
        tokenize(text)
            .iter()
            .map(|t| if t.connector { "|" } else { t.word.as_str() })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn punctuation_and_plurals_are_normalised() {
        assert_eq!(words("What do EPs earn?"), "what do ep earn");
        assert_eq!(words("the co-producer's pay"), "the co producer pay");
        assert_eq!(
            words("Ｐｒｏｄｕｃｅｒｓ vs asst. producers"),
            "producer | asst producer"
        );
    }

    #[test]
    fn a_phrase_key_ignores_case_plurals_and_punctuation() {
        assert_eq!(phrase_key("Executive Producers"), "executive producer");
        assert_eq!(phrase_key(" executive-producer "), "executive producer");
        assert_eq!(phrase_key("PAs"), "pa");
        assert_eq!(phrase_key("EP / or"), "ep");
        assert_eq!(phrase_key("?!"), "");
    }

    #[test]
    fn an_expansion_replaces_its_abbreviation() {
        assert_eq!(words("PA (personal assistant) pay"), "personal assistant pay");
        assert_eq!(words("producer (film) pay"), "producer film pay");
    }

    #[test]
    fn stems_merge_word_forms_but_keep_product_apart() {
        assert_eq!(stem("producing"), stem("producer"));
        assert_eq!(stem("superviser"), stem("supervising"));
        assert_ne!(stem("product"), stem("producer"));
        assert_ne!(stem("production"), stem("producer"));
    }

    #[test]
    fn hostile_input_never_panics() {
        let long = "é".repeat(10_000);
        assert!(tokenize(&long).len() <= 1);
        tokenize("\u{0}\u{202e}\u{200b}<@<@>>''(((");
    }
}
