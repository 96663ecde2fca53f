//! Aspect words learned from the knowledge itself.
//!
//! The general vocabulary (`aspect.rs`) knows how people ask about pay, hours or degrees in
//! any field. A field has its own words too: a nursing folder's requirements sections speak
//! of licences and exams, a kitchen's work-environment sections of heat and split shifts. A
//! question word that the general vocabulary does not place, but that occurs mostly in one
//! kind of section across the knowledge folder, votes for that aspect.
//!
//! Weighting is Okapi BM25 (Robertson and Zaragoza, "The Probabilistic Relevance
//! Framework: BM25 and Beyond", 2009) with every role section as a document: a term's
//! weight in a section is its saturated term frequency times its inverse document
//! frequency, summed per aspect. A term votes only when at least [`MIN_SHARE`] of its
//! weight falls in one aspect and it occurs in at least [`MIN_SECTIONS`] sections. The
//! table is built once per knowledge load, never per question.

use std::collections::{HashMap, HashSet};

use crate::engine::aspect::Aspect;
use crate::engine::knowledge::Knowledge;
use crate::engine::normalize::{self, Token};
use crate::engine::vocabulary::Vocabulary;

/// BM25's term-frequency saturation.
const K1: f32 = 1.2;
/// BM25's document-length normalisation.
const B: f32 = 0.75;
/// The share of a term's weight that must fall in one aspect for it to vote.
const MIN_SHARE: f32 = 0.6;
/// Sections of its aspect a term must occur in to vote: a word used once says little.
const MIN_SECTIONS: usize = 2;
/// ... and at least this share of the roles' sections of that aspect, so a word that two
/// authors happened to use in a large folder does not vote.
const MIN_ROLE_SHARE: f32 = 0.2;
/// Terms shorter than this (in characters) never vote ("a", "of", "to").
const MIN_TERM_CHARS: usize = 3;

/// For each term (a token's stem) that points at one aspect: that aspect and the share of
/// the term's weight in it (0.6 to 1).
#[derive(Debug, Default)]
pub struct AspectTerms {
    votes: HashMap<String, (Aspect, f32)>,
    /// Term ids for [`AspectTerms::in_role`].
    ids: HashMap<String, u32>,
    /// Per role (by index): the terms used in only one of its sections, as (term id,
    /// aspect), sorted by id.
    role_terms: Vec<Vec<(u32, Aspect)>>,
    /// The folder's own vocabulary file, if it has one.
    folder: Option<Vocabulary>,
}

impl AspectTerms {
    /// Learns the aspect terms of `knowledge`'s role sections. Words of role names and
    /// aliases never vote: they name roles, whatever section they appear in.
    pub fn build(knowledge: &Knowledge) -> AspectTerms {
        let mut name_words: Vec<String> = Vec::new();
        let mut sections: Vec<(Aspect, HashMap<String, u32>, u32)> = Vec::new();
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut role_terms = Vec::with_capacity(knowledge.roles.len());
        for role in &knowledge.roles {
            let first_section = sections.len();
            for phrase in role.names() {
                name_words.extend(normalize::phrase_words(phrase).into_iter().map(|t| t.stem));
            }
            for (aspect, section) in &role.sections {
                let mut counts: HashMap<String, u32> = HashMap::new();
                let mut length = 0;
                for token in normalize::tokenize(&section.text) {
                    if !token.connector && token.stem.chars().count() >= MIN_TERM_CHARS {
                        *counts.entry(token.stem).or_default() += 1;
                        length += 1;
                    }
                }
                sections.push((*aspect, counts, length));
            }
            role_terms.push(single_section_terms(&sections[first_section..], &mut ids));
        }
        let mut terms = weigh(&sections);
        for word in &name_words {
            terms.remove(word);
        }
        let needed = MIN_SECTIONS.max((knowledge.roles.len() as f32 * MIN_ROLE_SHARE).ceil() as usize);
        let votes = terms
            .into_iter()
            .filter(|(term, _)| !normalize::is_function_word(term))
            .filter_map(|(term, (weights, found_in))| {
                let total: f32 = weights.iter().sum();
                let (best, weight) = weights.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
                let share = weight / total;
                (found_in[best] >= needed && share >= MIN_SHARE).then(|| (term, (Aspect::ALL[best], share)))
            })
            .collect();
        let name_ids: HashSet<u32> = name_words.iter().filter_map(|w| ids.get(w).copied()).collect();
        for terms in &mut role_terms {
            terms.retain(|(t, _)| !name_ids.contains(t));
        }
        AspectTerms {
            votes,
            ids,
            role_terms,
            folder: knowledge.vocabulary.clone(),
        }
    }

    /// The aspect whose section is the only one of role `role` (an index into the
    /// knowledge's roles) that uses `token`'s term.
    pub fn in_role(&self, role: usize, token: &Token) -> Option<Aspect> {
        let id = self.ids.get(&token.stem)?;
        let terms = self.role_terms.get(role)?;
        let at = terms.binary_search_by_key(id, |(t, _)| *t).ok()?;
        Some(terms[at].1)
    }

    /// The knowledge folder's own vocabulary (`vocabulary.toml`), if it has one.
    pub fn folder(&self) -> Option<&Vocabulary> {
        self.folder.as_ref()
    }

    /// The aspect `token` points at in this knowledge, with the share of its weight there.
    pub fn vote(&self, token: &Token) -> Option<(Aspect, f32)> {
        self.votes.get(&token.stem).copied()
    }

    /// How many terms vote.
    pub fn len(&self) -> usize {
        self.votes.len()
    }

    /// True when no term votes (an empty or tiny knowledge folder).
    pub fn is_empty(&self) -> bool {
        self.votes.is_empty()
    }
}

/// The terms of one role's `sections` that occur in only one of them, with that section's
/// aspect, sorted by term id (`ids` gives new terms their ids). Closed-class words are left
/// out.
fn single_section_terms(
    sections: &[(Aspect, HashMap<String, u32>, u32)],
    ids: &mut HashMap<String, u32>,
) -> Vec<(u32, Aspect)> {
    let mut seen: HashMap<&str, Option<Aspect>> = HashMap::new();
    for (aspect, counts, _) in sections {
        for term in counts.keys() {
            seen.entry(term)
                .and_modify(|only| {
                    if *only != Some(*aspect) {
                        *only = None;
                    }
                })
                .or_insert(Some(*aspect));
        }
    }
    let mut terms: Vec<(u32, Aspect)> = seen
        .into_iter()
        .filter(|(term, _)| !normalize::is_function_word(term))
        .filter_map(|(term, only)| {
            let next = ids.len() as u32;
            Some((*ids.entry(term.to_string()).or_insert(next), only?))
        })
        .collect();
    terms.sort_unstable_by_key(|(t, _)| *t);
    terms
}

/// Per term: its BM25 weight summed per aspect, and the number of sections of each aspect
/// it occurs in.
fn weigh(sections: &[(Aspect, HashMap<String, u32>, u32)]) -> HashMap<String, ([f32; 6], [usize; 6])> {
    let documents = sections.len() as f32;
    let average_length = sections.iter().map(|s| s.2 as f32).sum::<f32>() / documents.max(1.0);
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for (_, counts, _) in sections {
        for term in counts.keys() {
            *frequency.entry(term).or_default() += 1;
        }
    }
    let mut terms: HashMap<String, ([f32; 6], [usize; 6])> = HashMap::new();
    for (aspect, counts, length) in sections {
        let norm = K1 * (1.0 - B + B * *length as f32 / average_length.max(1.0));
        for (term, count) in counts {
            let found_in = frequency[term.as_str()];
            let idf = (1.0 + (documents - found_in as f32 + 0.5) / (found_in as f32 + 0.5)).ln();
            let tf = *count as f32;
            // Look up by reference first: most terms recur, and only a new one is cloned.
            let entry = match terms.get_mut(term) {
                Some(entry) => entry,
                None => terms.entry(term.clone()).or_insert(([0.0; 6], [0; 6])),
            };
            entry.0[*aspect as usize] += tf * (K1 + 1.0) / (tf + norm) * idf;
            entry.1[*aspect as usize] += 1;
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::knowledge::{Role, Section};

    fn role(id: &str, name: &str, texts: [&str; 6]) -> Role {
        Role {
            id: id.into(),
            name: name.into(),
            sections: Aspect::ALL
                .into_iter()
                .zip(texts)
                .map(|(aspect, text)| {
                    (
                        aspect,
                        Section {
                            text: text.into(),
                            ..Section::default()
                        },
                    )
                })
                .collect(),
            ..Role::default()
        }
    }

    fn terms() -> AspectTerms {
        let roles = vec![
            role(
                "ward-nurse",
                "Ward nurse",
                [
                    "A ward nurse cares for patients.",
                    "Gives medication and records observations.",
                    "A nursing licence and a registration exam.",
                    "Night shifts on a busy ward.",
                    "Calm under pressure, kind to patients.",
                    "Paid on a national pay band.",
                ],
            ),
            role(
                "midwife",
                "Midwife",
                [
                    "A midwife supports births.",
                    "Monitors labour and gives medication.",
                    "A midwifery degree, a licence and a registration exam.",
                    "Night shifts in a labour ward.",
                    "Calm and kind, good with families.",
                    "Paid on the same national band.",
                ],
            ),
        ];
        let (knowledge, _) = Knowledge::new(roles, Vec::new());
        AspectTerms::build(&knowledge)
    }

    fn vote(terms: &AspectTerms, word: &str) -> Option<Aspect> {
        let token = normalize::tokenize(word).pop()?;
        terms.vote(&token).map(|(aspect, _)| aspect)
    }

    #[test]
    fn words_used_mostly_in_one_kind_of_section_vote_for_it() {
        let terms = terms();
        assert_eq!(vote(&terms, "licence"), Some(Aspect::Requirements));
        assert_eq!(vote(&terms, "exams"), Some(Aspect::Requirements));
        assert_eq!(vote(&terms, "night"), Some(Aspect::Environment));
        assert_eq!(vote(&terms, "calm"), Some(Aspect::Skills));
        assert_eq!(vote(&terms, "national"), Some(Aspect::Salary));
    }

    #[test]
    fn a_roles_own_sections_tell_where_a_word_belongs() {
        let terms = terms();
        let token = |word: &str| normalize::tokenize(word).pop().unwrap();
        // "births" is in one section of the midwife's file only (index 1).
        assert_eq!(terms.in_role(1, &token("births")), Some(Aspect::Overview));
        assert_eq!(terms.in_role(0, &token("births")), None);
        // "medication" is in one section of each role.
        assert_eq!(terms.in_role(0, &token("medication")), Some(Aspect::Duties));
        // Name words and closed-class words never lean.
        assert_eq!(terms.in_role(1, &token("midwife")), None);
        assert_eq!(terms.in_role(1, &token("the")), None);
    }

    #[test]
    fn spread_rare_and_name_words_do_not_vote() {
        let terms = terms();
        // In several kinds of section.
        assert_eq!(vote(&terms, "ward"), None);
        assert_eq!(vote(&terms, "medication"), Some(Aspect::Duties));
        // In one section only.
        assert_eq!(vote(&terms, "births"), None);
        // A word of a role's name.
        assert_eq!(vote(&terms, "midwife"), None);
        assert_eq!(vote(&terms, "the"), None);
    }
}
