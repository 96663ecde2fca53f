//! Reads a question: which roles it names and which aspect it asks about.
//!
//! Reading never fails. A question that names no known role is still classified: does it
//! look like a question about some other job ("how much does a pilot earn") or is it not
//! a question about jobs at all ("bruh")?

use crate::engine::aspect::{self, Aspect, AspectSignal};
use crate::engine::aspect_terms::AspectTerms;
use crate::engine::focus;
use crate::engine::matcher::{Found, Matcher};
use crate::engine::normalize::{self, Token};
use crate::engine::other_jobs;
use crate::engine::small_talk::{self, SmallTalk};

/// What a question is about, as far as words can tell.
#[derive(Debug, Clone)]
pub struct Question {
    pub tokens: Vec<Token>,
    /// Role mentions in the order they appear.
    pub found: Vec<Found>,
    pub aspect: Aspect,
    pub signal: AspectSignal,
    /// Words that look like part of a job title the knowledge does not have.
    pub job_words: Vec<String>,
    /// Known roles that share words with an unknown title, closest first.
    pub suggestions: Vec<usize>,
    /// The question is about a career path: what leads to a role, or what comes after it.
    pub asks_path: bool,
    /// A greeting, thanks or "what can you do?", when the message names no job.
    pub small_talk: Option<SmallTalk>,
    /// A word before the only role named that makes it another job ("a digital producer"):
    /// the word and the role's index.
    pub qualified: Option<(String, usize)>,
}

/// Reads `text` with the roles known to `matcher`, plus `extra` aliases if given, and the
/// aspect words learned from the knowledge in `terms`.
pub fn parse(text: &str, matcher: &Matcher, extra: Option<&Matcher>, terms: &AspectTerms) -> Question {
    let (tokens, sentence_ends) = normalize::tokenize_sentences(text);
    let found = matcher.find(&tokens, extra);
    let first_role_end = found
        .iter()
        .map(|f| match f {
            Found::Role(m) => m.end,
            Found::Ambiguous(ms) => ms[0].end,
        })
        .min();
    let after_role: Vec<bool> = (0..tokens.len())
        .map(|i| first_role_end.is_some_and(|end| i >= end))
        .collect();
    let mut in_role = vec![false; tokens.len()];
    for mention in found.iter().flat_map(|f| match f {
        Found::Role(m) => std::slice::from_ref(m),
        Found::Ambiguous(ms) => ms.as_slice(),
    }) {
        in_role[mention.start..mention.end]
            .iter_mut()
            .for_each(|r| *r = true);
    }
    let named: Vec<usize> = found
        .iter()
        .filter_map(|f| match f {
            Found::Role(m) => Some(m.role),
            Found::Ambiguous(_) => None,
        })
        .collect();
    let mut signal = AspectSignal::default();
    let passes = focus::passes(&tokens, &sentence_ends, &in_role);
    let last = passes.len() - 1;
    for (pass, weights) in passes.iter().enumerate() {
        let reading = aspect::Reading {
            after_role: &after_role,
            in_role: &in_role,
            weights,
            terms,
            folder: terms.folder(),
            roles: &named,
        };
        let found_here = aspect::detect(&tokens, &reading);
        let enough = if pass == last {
            focus::WHOLE_MESSAGE_MIN
        } else {
            f32::MIN_POSITIVE
        };
        if found_here.strongest() >= enough {
            signal = found_here;
            break;
        }
    }
    let (job_words, suggestions) = if found.is_empty() {
        (
            other_jobs::job_words(&tokens, matcher, &signal),
            matcher.roles_sharing_words(&tokens, 3),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let asks_path = asks_path(&tokens);
    let small_talk = match (found.is_empty(), job_words.is_empty()) {
        (true, true) => small_talk::detect(&tokens),
        _ => None,
    };
    let qualified = other_jobs::qualifier(&tokens, &found, matcher);
    Question {
        qualified,
        aspect: signal.best(),
        signal,
        found,
        job_words,
        suggestions,
        asks_path,
        small_talk,
        tokens,
    }
}

/// Phrases about moving between roles: "what comes after", "how do I become", "next step".
fn asks_path(tokens: &[Token]) -> bool {
    const PATH: &[&str] = &[
        "after",
        "next step",
        "next",
        "lead to",
        "leads to",
        "career path",
        "path",
        "ladder",
        "promotion",
        "promoted",
        "progress",
        "progression",
        "move up",
        "step up",
        "become",
        "becoming",
        "way up",
        "come from",
        "comes from",
        "before",
        "route",
        "get to",
        "stepping stone",
    ];
    let words: Vec<&str> = tokens.iter().map(|t| t.raw.as_str()).collect();
    PATH.iter().any(|phrase| {
        let parts: Vec<&str> = phrase.split(' ').collect();
        words.windows(parts.len()).any(|w| w == parts.as_slice())
    })
}

#[cfg(test)]
mod tests;
