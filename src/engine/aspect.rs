//! The six aspects of a role that people ask about, and the words that signal each.
//!
//! The vocabulary is about how people talk about jobs in general (pay, hours, degrees),
//! never about particular roles, so it serves any knowledge directory.

use std::collections::HashMap;
use std::fmt;

use crate::engine::aspect_terms::AspectTerms;
use crate::engine::normalize::Token;
use crate::engine::vocabulary::{Vocabulary, OVERVIEW, STRONG, WEAK};

/// What a question asks about a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Aspect {
    Overview,
    Duties,
    Requirements,
    Environment,
    Skills,
    Salary,
}

impl Aspect {
    /// Every aspect, in the order sections appear in a knowledge file.
    pub const ALL: [Aspect; 6] = [
        Aspect::Overview,
        Aspect::Duties,
        Aspect::Requirements,
        Aspect::Environment,
        Aspect::Skills,
        Aspect::Salary,
    ];

    /// The stable id used in JSON and commands ("environment", "salary", …).
    pub fn id(self) -> &'static str {
        match self {
            Aspect::Overview => "overview",
            Aspect::Duties => "duties",
            Aspect::Requirements => "requirements",
            Aspect::Environment => "environment",
            Aspect::Skills => "skills",
            Aspect::Salary => "salary",
        }
    }

    /// The section heading in knowledge files and the label in replies.
    pub fn heading(self) -> &'static str {
        match self {
            Aspect::Overview => "Overview",
            Aspect::Duties => "Duties",
            Aspect::Requirements => "Requirements",
            Aspect::Environment => "Work environment",
            Aspect::Skills => "Skills",
            Aspect::Salary => "Salary",
        }
    }

    /// Parses an aspect id or heading, ignoring case ("Work environment", "salary").
    pub fn parse(text: &str) -> Option<Aspect> {
        let text = text.trim().to_lowercase();
        Aspect::ALL
            .into_iter()
            .find(|a| a.id() == text || a.heading().to_lowercase() == text)
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How strongly a question's words point at each aspect.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct AspectSignal {
    scores: [f32; 6],
}

impl AspectSignal {
    /// The aspect with the strongest signal; `Overview` when nothing points anywhere.
    /// Ties go to the more specific aspect ("higher paid" is about salary, not rank).
    pub fn best(&self) -> Aspect {
        const TIE_ORDER: [Aspect; 6] = [
            Aspect::Salary,
            Aspect::Requirements,
            Aspect::Skills,
            Aspect::Environment,
            Aspect::Duties,
            Aspect::Overview,
        ];
        let mut best = Aspect::Overview;
        let mut best_score = 0.0;
        for aspect in TIE_ORDER {
            let score = self.scores[aspect as usize];
            if score > best_score {
                best = aspect;
                best_score = score;
            }
        }
        best
    }

    /// The highest score of any aspect (0 when no word points anywhere).
    pub fn strongest(&self) -> f32 {
        self.scores.iter().copied().fold(0.0, f32::max)
    }

    /// True when some word of the question is about a job aspect other than overview.
    pub fn asks_about_a_job(&self) -> bool {
        Aspect::ALL[1..]
            .iter()
            .any(|a| self.scores[*a as usize] >= STRONG)
    }

    /// True when the question compares pay or rank ("who earns more", "which pays better").
    pub fn is_salary(&self) -> bool {
        self.best() == Aspect::Salary
    }
}

/// How much a question word learned from the knowledge weighs, at most (a general
/// vocabulary phrase weighs [`STRONG`]).
const LEARNED: f32 = 0.8;
/// How much a question word weighs that only one section of the asked role uses.
const ROLE_LEARNED: f32 = 0.3;
/// Learned votes count only when they add up to this for one aspect: one stray word that
/// a folder's authors happened to use in one kind of section is not enough.
const LEARNED_MIN: f32 = 0.6;

/// What detection knows about each token of a question besides its words.
pub struct Reading<'a> {
    /// Whether a role was mentioned before the token: "what does a producer do" asks for
    /// duties, while "how do producers differ" uses "do" only as a helper verb.
    pub after_role: &'a [bool],
    /// Whether the token is part of a role mention.
    pub in_role: &'a [bool],
    /// How much the token's sentence counts (see `focus.rs`), and 0 for tokens inside a
    /// role's name ("Travel nurse" is no question about travel).
    pub weights: &'a [f32],
    /// Aspect words learned from the knowledge, for words the vocabulary does not place.
    pub terms: &'a AspectTerms,
    /// The knowledge folder's own vocabulary, if it has one, read with the general one.
    pub folder: Option<&'a Vocabulary>,
    /// The roles the question names (indices), whose own sections teach words too.
    pub roles: &'a [usize],
}

/// Scores `tokens` against the aspect vocabulary, then lets the words it does not place
/// vote with what the knowledge teaches about them.
pub fn detect(tokens: &[Token], reading: &Reading) -> AspectSignal {
    // Hedges between words ("what actually is", "how do you even get") do not break a
    // phrase; `at` maps a position in `words` back to its token.
    let at: Vec<usize> = (0..tokens.len())
        .filter(|&i| !HEDGES.contains(&tokens[i].raw.as_str()))
        .collect();
    let words: Vec<&str> = at.iter().map(|&i| tokens[i].raw.as_str()).collect();
    let singular: Vec<&str> = at.iter().map(|&i| tokens[i].word.as_str()).collect();
    let weight = |i: usize| reading.weights.get(i).copied().unwrap_or(1.0);
    let mut signal = AspectSignal::default();
    let vocabularies = [Some(Vocabulary::general()), reading.folder];
    // Each phrase counts once per question, at the weight of its most telling use.
    let mut counted: HashMap<(usize, &Vec<String>), f32> = HashMap::new();
    let mut placed = vec![false; tokens.len()];
    for start in 0..words.len() {
        let firsts = [words[start], singular[start]];
        let entries = vocabularies
            .iter()
            .flatten()
            .flat_map(|v| firsts.iter().flat_map(|w| v.starting_with(w)));
        for (aspect, strength, phrase) in entries {
            let end = start + phrase.len();
            let matches = end <= words.len()
                && phrase
                    .iter()
                    .enumerate()
                    .all(|(k, p)| words[start + k] == *p || singular[start + k] == *p);
            if !matches {
                continue;
            }
            let phrase_weight = at[start..end]
                .iter()
                .map(|&i| weight(i))
                .fold(f32::INFINITY, f32::min);
            at[start..end].iter().for_each(|&i| placed[i] = true);
            let best = counted.entry((*aspect as usize, phrase)).or_default();
            *best = best.max(strength * phrase_weight);
        }
    }
    for ((aspect, _), score) in counted {
        signal.scores[aspect] += score;
    }
    for (i, token) in tokens.iter().enumerate() {
        if is_money_amount(&token.raw) && !placed[i] {
            placed[i] = true;
            signal.scores[Aspect::Salary as usize] += OVERVIEW * weight(i);
        }
    }
    if let Some(i) = asks_what_role_is(tokens, reading.in_role) {
        signal.scores[Aspect::Overview as usize] += STRONG * weight(i);
    }
    add_learned_votes(&mut signal, tokens, reading, &placed);
    let words: Vec<&str> = tokens.iter().map(|t| t.raw.as_str()).collect();
    if let Some(i) = words.iter().position(|w| *w == "where") {
        signal.scores[Aspect::Environment as usize] += WEAK * weight(i);
    }
    // A weak hint: "what does a line producer do", "what do PAs get lumbered with".
    let asks_what_role_does = words
        .iter()
        .enumerate()
        .find(|(i, w)| {
            matches!(**w, "do" | "does" | "doing") && reading.after_role.get(*i).copied().unwrap_or(false)
        })
        .map(|(i, _)| i)
        .or_else(|| {
            words
                .windows(2)
                .position(|w| w[0] == "what" && matches!(w[1], "do" | "does"))
        });
    if let Some(i) = asks_what_role_does {
        signal.scores[Aspect::Duties as usize] += WEAK * weight(i);
    }
    signal
}

/// Lets the words no vocabulary phrase placed vote with the aspects the knowledge teaches
/// about them (see `aspect_terms.rs`), when their votes add up to [`LEARNED_MIN`].
fn add_learned_votes(signal: &mut AspectSignal, tokens: &[Token], reading: &Reading, placed: &[bool]) {
    let weight = |i: usize| reading.weights.get(i).copied().unwrap_or(1.0);
    let mut voted: Vec<&str> = Vec::new();
    let mut learned = [0.0f32; 6];
    for (i, token) in tokens.iter().enumerate() {
        if placed[i] || weight(i) == 0.0 || voted.contains(&token.stem.as_str()) {
            continue;
        }
        if let Some((aspect, share)) = reading.terms.vote(token) {
            voted.push(&token.stem);
            learned[aspect as usize] += LEARNED * share * weight(i);
        }
        // The asked roles' own sections: a word only one of them uses leans that way
        // (once per word, however many roles are asked about).
        let mut leans = [false; 6];
        for &role in reading.roles {
            if let Some(aspect) = reading.terms.in_role(role, token) {
                leans[aspect as usize] = true;
            }
        }
        for (score, lean) in learned.iter_mut().zip(leans) {
            if lean {
                *score += ROLE_LEARNED * weight(i);
            }
        }
    }
    for (score, vote) in signal.scores.iter_mut().zip(learned) {
        if vote >= LEARNED_MIN {
            *score += vote;
        }
    }
}

/// Hedging words skipped when phrases are matched.
const HEDGES: &[&str] = &[
    "actually",
    "really",
    "even",
    "exactly",
    "basically",
    "just",
    "literally",
    "honestly",
    "truly",
    "generally",
    "normally",
    "usually",
    "typically",
    "ever",
];

/// "52k", "30k", "1.5m": an amount of money as people type it.
fn is_money_amount(raw: &str) -> bool {
    let Some(number) = raw.strip_suffix(['k', 'm']) else {
        return false;
    };
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// "what (a/an/the) ROLE is/are/means": asks what the role is. Returns the position of
/// "what".
fn asks_what_role_is(tokens: &[Token], in_role: &[bool]) -> Option<usize> {
    let role = |i: usize| in_role.get(i).copied().unwrap_or(false);
    (0..tokens.len()).find(|&i| {
        if !matches!(tokens[i].raw.as_str(), "what" | "whats") {
            return false;
        }
        let mut j = i + 1;
        while j < tokens.len() && matches!(tokens[j].raw.as_str(), "a" | "an" | "the") {
            j += 1;
        }
        let start = j;
        while j < tokens.len() && role(j) {
            j += 1;
        }
        let verb = tokens.get(j);
        // "what a line producer is", not "what a line producer is responsible for".
        let ends = |k: usize| {
            tokens
                .get(k)
                .is_none_or(|t| t.sentence != tokens[j].sentence || HEDGES.contains(&t.raw.as_str()))
        };
        j > start
            && verb.is_some_and(|t| matches!(t.raw.as_str(), "is" | "are" | "means" | "mean"))
            && ends(j + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::normalize::tokenize;

    fn check(question: &str) -> Aspect {
        let tokens = tokenize(question);
        let reading = Reading {
            after_role: &vec![false; tokens.len()],
            in_role: &vec![false; tokens.len()],
            weights: &vec![1.0; tokens.len()],
            terms: &AspectTerms::default(),
            folder: None,
            roles: &[],
        };
        detect(&tokens, &reading).best()
    }

    #[test]
    fn paraphrases_map_to_aspects() {
        assert_eq!(check("how much cash does it take home"), Aspect::Salary);
        assert_eq!(check("what degree do I need"), Aspect::Requirements);
        assert_eq!(check("what are the working hours"), Aspect::Environment);
        assert_eq!(check("what makes a good one"), Aspect::Skills);
        assert_eq!(check("typical day"), Aspect::Duties);
        assert_eq!(check("difference between salary levels"), Aspect::Salary);
        assert_eq!(check("how do they differ"), Aspect::Overview);
        assert_eq!(check(""), Aspect::Overview);
    }

    #[test]
    fn ids_and_headings_parse() {
        for aspect in Aspect::ALL {
            assert_eq!(Aspect::parse(aspect.id()), Some(aspect));
            assert_eq!(Aspect::parse(aspect.heading()), Some(aspect));
        }
        assert_eq!(Aspect::parse("pay"), None);
    }
}
