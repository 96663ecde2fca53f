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

fn word_list(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.word).collect()
}

#[test]
fn invisible_characters_inside_a_word_are_removed() {
    assert_eq!(
        word_list("exec\u{200B}utive pro\u{00AD}ducer\u{FEFF}"),
        ["executive", "producer"]
    );
    assert_eq!(word_list("line\u{200E} producer\u{2066}"), ["line", "producer"]);
}

#[test]
fn diacritics_turkish_i_and_full_width_forms_fold() {
    assert_eq!(word_list("Café manager"), ["cafe", "manager"]);
    assert_eq!(word_list("LİNE PRODUCER"), ["line", "producer"]);
    assert_eq!(word_list("lıne producer"), ["line", "producer"]);
    assert_eq!(word_list("ＬＩＮＥ producer"), ["line", "producer"]);
    assert_eq!(phrase_key("Café Manager"), phrase_key("cafe manager"));
}

#[test]
fn capitals_survive_folding_for_abbreviations() {
    assert!(tokenize("what does an ÉP earn")
        .iter()
        .any(|t| t.word == "ep" && t.shouted));
}

#[test]
fn sentences_are_numbered_and_questions_marked() {
    let (tokens, ends) = tokenize_sentences("I work in a bank. What does a producer do? asst. producers too");
    let sentence_of = |word: &str| tokens.iter().find(|t| t.word == word).map(|t| t.sentence);
    assert_eq!(sentence_of("bank"), Some(0));
    assert_eq!(sentence_of("what"), Some(1));
    assert_eq!(sentence_of("asst"), Some(2));
    assert_eq!(
        tokens.last().map(|t| t.sentence),
        Some(2),
        "an abbreviation's full stop ends nothing"
    );
    assert_eq!(
        ends,
        [SentenceEnd::Other, SentenceEnd::Question, SentenceEnd::Other]
    );
}

#[test]
fn function_words_are_known_by_stem_too() {
    assert!(is_function_word("the") && is_function_word("actually") && is_function_word(&stem("things")));
    assert!(!is_function_word("licence") && !is_function_word("salary"));
}
