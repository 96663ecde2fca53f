//! Which part of a message asks the question.
//!
//! Real questions often come after a few sentences about the asker ("I've done four years
//! in retail and I'm tired of weekends. What does a hotel manager earn?"). Words in that
//! context ("weekends") are not what is asked. Aspect detection therefore reads the
//! message in passes, each a set of token weights, and keeps the first pass that finds an
//! aspect:
//! 1. the question: sentences that end with a question mark or open like a question,
//!    narrowed to those that name a role when some do;
//! 2. the sentences that name a role;
//! 3. the whole message at half weight, where only a clear signal counts.
//!
//! Tokens inside a role's name weigh nothing in every pass: "Travel nurse" names a role and
//! asks nothing about travel.

use crate::engine::normalize::{SentenceEnd, Token};

/// Words that open a question when it has no question mark ("what does an EP do").
const QUESTION_OPENERS: &[&str] = &[
    "what", "whats", "how", "hows", "who", "whos", "which", "why", "when", "where", "is", "are", "do",
    "does", "did", "can", "could", "should", "would", "will", "tell", "explain", "compare",
];

/// The weight of every token in the last pass, where the whole message counts.
pub const WHOLE_MESSAGE: f32 = 0.5;
/// In the last pass an aspect needs at least this score to count.
pub const WHOLE_MESSAGE_MIN: f32 = 1.0;

/// The passes to try in order, as one weight per token. `in_role[i]` tells whether token
/// `i` is part of a role mention.
pub fn passes(tokens: &[Token], ends: &[SentenceEnd], in_role: &[bool]) -> Vec<Vec<f32>> {
    let sentences = ends.len();
    let names_role = |s: usize| {
        tokens
            .iter()
            .zip(in_role)
            .any(|(t, r)| *r && t.sentence as usize == s)
    };
    let opens_question = |s: usize| {
        tokens
            .iter()
            .find(|t| t.sentence as usize == s && !t.connector)
            .is_some_and(|t| QUESTION_OPENERS.contains(&t.raw.as_str()))
    };
    let marked: Vec<bool> = ends.iter().map(|end| *end == SentenceEnd::Question).collect();
    let mut question: Vec<bool> = if marked.contains(&true) {
        marked
    } else {
        (0..sentences).map(opens_question).collect()
    };
    let with_role: Vec<bool> = (0..sentences).map(names_role).collect();
    if question.iter().zip(&with_role).any(|(q, r)| *q && *r) {
        question = question.iter().zip(&with_role).map(|(q, r)| *q && *r).collect();
    }
    let weigh = |focus: &[bool], other: f32| -> Vec<f32> {
        tokens
            .iter()
            .zip(in_role)
            .map(|(t, role)| match (role, focus.get(t.sentence as usize)) {
                (true, _) => 0.0,
                (false, Some(true)) => 1.0,
                (false, _) => other,
            })
            .collect()
    };
    let mut passes = Vec::new();
    if question.contains(&true) {
        passes.push(weigh(&question, 0.0));
    }
    if with_role.contains(&true) && with_role != question {
        passes.push(weigh(&with_role, 0.0));
    }
    passes.push(weigh(&[], WHOLE_MESSAGE));
    passes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::normalize::tokenize_sentences;

    /// The words weighing 1 in each pass, with `role` the words that name a role.
    fn focus(text: &str, role: &[&str]) -> Vec<String> {
        let (tokens, ends) = tokenize_sentences(text);
        let in_role: Vec<bool> = tokens.iter().map(|t| role.contains(&t.word.as_str())).collect();
        passes(&tokens, &ends, &in_role)
            .iter()
            .map(|weights| {
                tokens
                    .iter()
                    .zip(weights)
                    .filter(|(t, w)| **w == 1.0 && !t.connector)
                    .map(|(t, _)| t.word.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn the_question_comes_first_then_the_role_sentence_then_everything() {
        let passes = focus("I hate weekends. What does a nurse earn? Help?", &["nurse"]);
        assert_eq!(passes, ["what doe a earn", ""]);
        let passes = focus("my cousin is a nurse and works nights. help?", &["nurse"]);
        assert_eq!(passes, ["help", "my cousin is a work night", ""]);
    }

    #[test]
    fn without_marks_a_sentence_that_opens_like_a_question_is_the_question() {
        let passes = focus("I work in a bank\nhow do I become a nurse", &["nurse"]);
        assert_eq!(passes[0], "how do i become a");
    }
}
