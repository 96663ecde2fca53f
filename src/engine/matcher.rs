//! Finds role mentions in a question: names, aliases and abbreviations, with typos.
//!
//! Every name and alias becomes a phrase of normalised words. A question word matches a
//! phrase word when it is equal, shares its stem, or is within a small edit distance
//! (longer words tolerate more). Candidate phrases are found through an index on their
//! first word and a deletion index for typos, so the cost of matching does not grow with
//! the number of roles. Overlapping candidates are resolved longest first, so "executive
//! producer" is not also "producer".

use std::collections::{HashMap, HashSet};

use crate::engine::knowledge::Knowledge;
use crate::engine::normalize::{self, Token};
use crate::engine::short_forms::{self, Short, ShortForms};

/// A role found in a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Index of the role in `Knowledge::roles`.
    pub role: usize,
    /// Token range `[start, end)` the mention covers.
    pub start: usize,
    pub end: usize,
    /// What the user typed for it, lowercased.
    pub typed: String,
    /// True when a typo was forgiven to find the role.
    pub corrected: bool,
    cost: f32,
}

/// One place in a question that names a role, or could name one of several.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Role(Mention),
    /// Equally good readings of the same words, for different roles.
    Ambiguous(Vec<Mention>),
}

#[derive(Debug)]
struct Phrase {
    role: u32,
    words: Vec<Token>,
    /// An abbreviation made from the name's initials: it only matches words typed in capitals.
    acronym: bool,
}

/// The index of every role name and alias in a knowledge directory.
#[derive(Debug, Default)]
pub struct Matcher {
    phrases: Vec<Phrase>,
    /// First word (and first stem, prefixed with `~`) → phrases starting with it.
    by_first: HashMap<String, Vec<u32>>,
    /// Distinct phrase words, for typo look-ups.
    vocab: Vec<String>,
    /// Hash of a word with up to two letters deleted → vocabulary ids.
    deletes: HashMap<u64, Vec<u32>>,
    /// Word (and `~stem`) → roles whose names contain it.
    roles_by_word: HashMap<String, Vec<u32>>,
    /// Clipped forms and slips of the vocabulary's words.
    short: ShortForms,
}

const FUNCTION_WORDS: [&str; 12] = [
    "the", "of", "and", "to", "in", "for", "a", "an", "on", "at", "de", "la",
];

impl Matcher {
    /// Indexes the names and aliases of every role in `knowledge`.
    pub fn new(knowledge: &Knowledge) -> Matcher {
        let mut matcher = Matcher::default();
        let mut builder = Builder::default();
        for (index, role) in knowledge.roles.iter().enumerate() {
            let role_id = index as u32;
            let name_words = normalize::phrase_words(&role.name);
            for word in name_words
                .iter()
                .filter(|w| !FUNCTION_WORDS.contains(&w.word.as_str()))
            {
                for key in [word.word.clone(), format!("~{}", word.stem)] {
                    let roles = matcher.roles_by_word.entry(key).or_default();
                    if roles.last() != Some(&role_id) {
                        roles.push(role_id);
                    }
                }
            }
            for phrase in role.names() {
                builder.add_phrase(&mut matcher, role_id, phrase);
            }
            if name_words.len() >= 2 {
                let initials: String = name_words.iter().filter_map(|t| t.word.chars().next()).collect();
                builder.add(&mut matcher, role_id, normalize::phrase_words(&initials), true);
            }
        }
        matcher
    }

    /// Indexes extra aliases, as (alias, role index): one server's own names for roles.
    pub fn for_aliases(aliases: &[(String, usize)]) -> Matcher {
        let mut matcher = Matcher::default();
        let mut builder = Builder::default();
        for (alias, role) in aliases {
            builder.add_phrase(&mut matcher, *role as u32, alias);
        }
        matcher
    }

    /// Finds the roles mentioned in `tokens`, in the order they appear, also reading the
    /// `extra` aliases if given.
    pub fn find(&self, tokens: &[Token], extra: Option<&Matcher>) -> Vec<Found> {
        let mut candidates = self.candidates(tokens);
        if let Some(extra) = extra {
            candidates.extend(extra.candidates(tokens));
        }
        let mut found = select(candidates);
        // A one-word name read from another form of its word ("producing" for Producer)
        // is a role only when nothing else in the question is: "a masters in producing to
        // become a line producer" asks about one role.
        if found.len() > 1 {
            found.retain(|f| !matches!(f, Found::Role(m) if m.end - m.start == 1 && m.cost == STEM_COST));
        }
        found
    }

    fn candidates(&self, tokens: &[Token]) -> Vec<Mention> {
        let shouting = tokens.iter().filter(|t| !t.connector).all(|t| t.shouted);
        let starting: Vec<Vec<u32>> = tokens.iter().map(|t| self.phrases_starting_at(t)).collect();
        let mut candidates = Vec::new();
        for (start, phrase_ids) in starting.iter().enumerate() {
            for &phrase_id in phrase_ids {
                let phrase = &self.phrases[phrase_id as usize];
                if let Some(mention) = self.match_at(phrase, tokens, start, shouting) {
                    candidates.push(mention);
                }
            }
        }
        candidates.extend(self.elided_mentions(tokens, &starting, &candidates));
        candidates
    }

    /// True when `token` looks like a word of some role's name or alias ("executive" in
    /// "executive chef"), which makes an unmatched question likely about an unknown role.
    pub fn is_role_word(&self, token: &Token) -> bool {
        !self.roles_with_word(token).is_empty()
    }

    /// Roles whose names share words with `tokens`, most shared words first.
    pub fn roles_sharing_words(&self, tokens: &[Token], limit: usize) -> Vec<usize> {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for token in tokens.iter().filter(|t| !t.connector) {
            for role in self.roles_with_word(token) {
                *counts.entry(role).or_default() += 1;
            }
        }
        let mut ranked: Vec<(u32, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().take(limit).map(|(r, _)| r as usize).collect()
    }

    fn roles_with_word(&self, token: &Token) -> Vec<u32> {
        if token.connector || FUNCTION_WORDS.contains(&token.word.as_str()) {
            return Vec::new();
        }
        let mut roles: Vec<u32> = Vec::new();
        for key in [token.word.clone(), format!("~{}", token.stem)] {
            roles.extend(self.roles_by_word.get(&key).into_iter().flatten());
        }
        for vid in self.similar_words(&token.word) {
            roles.extend(
                self.roles_by_word
                    .get(&self.vocab[vid as usize])
                    .into_iter()
                    .flatten(),
            );
        }
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    fn phrases_starting_at(&self, token: &Token) -> Vec<u32> {
        if token.connector {
            return Vec::new();
        }
        let mut ids: Vec<u32> = Vec::new();
        ids.extend(self.by_first.get(&token.word).into_iter().flatten());
        ids.extend(
            self.by_first
                .get(&format!("~{}", token.stem))
                .into_iter()
                .flatten(),
        );
        for vid in self
            .similar_words(&token.word)
            .into_iter()
            .chain(self.short.candidates(&token.word))
        {
            ids.extend(self.by_first.get(&self.vocab[vid as usize]).into_iter().flatten());
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Vocabulary words within the typo allowance of `word`.
    fn similar_words(&self, word: &str) -> Vec<u32> {
        let len = word.chars().count();
        if !(MIN_FUZZY_LEN..=MAX_FUZZY_LEN).contains(&len) {
            return Vec::new();
        }
        let mut found: Vec<u32> = Vec::new();
        for deletion in deletions(word, if len >= 7 { 2 } else { 1 }) {
            for &vid in self.deletes.get(&deletion).into_iter().flatten() {
                let candidate = &self.vocab[vid as usize];
                if candidate != word && typo_distance(word, candidate).is_some() {
                    found.push(vid);
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    fn match_at(&self, phrase: &Phrase, tokens: &[Token], start: usize, shouting: bool) -> Option<Mention> {
        let end = start + phrase.words.len();
        let window = tokens.get(start..end)?;
        if phrase.acronym && (shouting || !window.iter().all(|t| t.shouted)) {
            return None;
        }
        let mut cost = if phrase.acronym { 0.3 } else { 0.0 };
        let mut corrected = false;
        let (mut short, mut full) = (0, 0);
        for (token, word) in window.iter().zip(&phrase.words) {
            let c = match word_cost(token, word) {
                Some(c) => c,
                None if token.connector || phrase.acronym => return None,
                None => {
                    short += 1;
                    match short_forms::shortens(&token.word, &word.word)? {
                        Short::Prefix => SHORT_COST,
                        Short::Slip => 1.0,
                    }
                }
            };
            full += usize::from(c <= 0.2);
            corrected |= c >= 1.0;
            cost += c;
        }
        // A clipped word or a slip is read only when the rest of the name is typed in full.
        if short > 0 && (short > 1 || full + 1 != phrase.words.len() || full == 0) {
            return None;
        }
        Some(Mention {
            role: phrase.role as usize,
            start,
            end,
            typed: window
                .iter()
                .map(|t| t.raw.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            corrected,
            cost,
        })
    }

    /// "senior vs executive producer": a name's first word, a connector, then another
    /// mention ending in the rest of that name, mentions the role too.
    fn elided_mentions(&self, tokens: &[Token], starting: &[Vec<u32>], found: &[Mention]) -> Vec<Mention> {
        let mut extra = Vec::new();
        for start in 0..tokens.len() {
            let mut next = start + 1;
            while tokens.get(next).is_some_and(|t| t.connector) {
                next += 1;
            }
            if tokens[start].connector || next == start + 1 {
                continue;
            }
            for &phrase_id in &starting[start] {
                let phrase = &self.phrases[phrase_id as usize];
                if phrase.acronym || phrase.words.len() < 2 {
                    continue;
                }
                let Some(head_cost) = word_cost(&tokens[start], &phrase.words[0]) else {
                    continue;
                };
                let rest = &phrase.words[1..];
                let completes = found.iter().any(|m| {
                    m.start == next
                        && m.end - m.start > rest.len()
                        && m.role != phrase.role as usize
                        && tokens[m.end - rest.len()..m.end]
                            .iter()
                            .zip(rest)
                            .all(|(t, w)| word_cost(t, w).is_some())
                });
                if completes {
                    extra.push(Mention {
                        role: phrase.role as usize,
                        start,
                        end: start + 1,
                        typed: tokens[start].raw.clone(),
                        corrected: head_cost >= 1.0,
                        cost: head_cost + 0.5,
                    });
                }
            }
        }
        extra
    }
}

/// Adds phrases to a matcher's indexes, once each.
#[derive(Default)]
struct Builder {
    vocab_ids: HashMap<String, u32>,
    seen: HashSet<(u32, String, bool)>,
}

impl Builder {
    /// Adds a name or alias, and its joined form if hyphenated ("co-producer" → "coproducer").
    fn add_phrase(&mut self, matcher: &mut Matcher, role: u32, phrase: &str) {
        let words = normalize::phrase_words(phrase);
        if words.len() > 1 && phrase.contains('-') {
            let joined: String = words.iter().map(|t| t.word.as_str()).collect();
            self.add(matcher, role, normalize::phrase_words(&joined), false);
        }
        self.add(matcher, role, words, false);
    }

    fn add(&mut self, matcher: &mut Matcher, role: u32, words: Vec<Token>, acronym: bool) {
        if words.is_empty() {
            return;
        }
        if !self.seen.insert((role, normalize::words_key(&words), acronym)) {
            return;
        }
        let id = matcher.phrases.len() as u32;
        matcher
            .by_first
            .entry(words[0].word.clone())
            .or_default()
            .push(id);
        matcher
            .by_first
            .entry(format!("~{}", words[0].stem))
            .or_default()
            .push(id);
        for word in &words {
            if !self.vocab_ids.contains_key(&word.word) {
                let vid = matcher.vocab.len() as u32;
                self.vocab_ids.insert(word.word.clone(), vid);
                matcher.vocab.push(word.word.clone());
                matcher.short.add(vid, &word.word);
                for deletion in deletions(&word.word, max_typos(word.word.chars().count())) {
                    matcher.deletes.entry(deletion).or_default().push(vid);
                }
            }
        }
        matcher.phrases.push(Phrase { role, words, acronym });
    }
}

/// Keeps the best non-overlapping mentions: longer first, then cheaper. Equal readings of
/// the same words for different roles become one ambiguous finding.
fn select(mut candidates: Vec<Mention>) -> Vec<Found> {
    candidates.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.cost.total_cmp(&b.cost))
            .then(a.start.cmp(&b.start))
            .then(a.role.cmp(&b.role))
    });
    let mut taken: Vec<Found> = Vec::new();
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for candidate in candidates {
        let overlaps = covered
            .iter()
            .any(|&(s, e)| candidate.start < e && s < candidate.end);
        if !overlaps {
            covered.push((candidate.start, candidate.end));
            taken.push(Found::Role(candidate));
            continue;
        }
        // A tie with an already chosen reading of exactly the same words.
        for found in taken.iter_mut() {
            let first = match found {
                Found::Role(m) => m.clone(),
                Found::Ambiguous(ms) => ms[0].clone(),
            };
            let tie = first.start == candidate.start
                && first.end == candidate.end
                && (first.cost - candidate.cost).abs() < 1e-6
                && first.role != candidate.role;
            if tie {
                match found {
                    Found::Role(m) => *found = Found::Ambiguous(vec![m.clone(), candidate.clone()]),
                    Found::Ambiguous(ms) if !ms.iter().any(|m| m.role == candidate.role) => {
                        ms.push(candidate.clone())
                    }
                    Found::Ambiguous(_) => {}
                }
                break;
            }
        }
    }
    taken.sort_by_key(|f| match f {
        Found::Role(m) => m.start,
        Found::Ambiguous(ms) => ms[0].start,
    });
    taken
}

const MIN_FUZZY_LEN: usize = 5;
/// The cost of reading a word as another form of a name's word ("producing", "producer").
const STEM_COST: f32 = 0.2;
/// The cost of reading a clipped word ("loc" for "location"): more than a stem, less than
/// a typo.
const SHORT_COST: f32 = 0.5;
/// Longer words are matched exactly only: no role name has such words, and the number of
/// deletion variants grows with the square of a word's length.
const MAX_FUZZY_LEN: usize = 32;

/// How many typos a word of `len` letters may carry and still be recognised.
fn max_typos(len: usize) -> usize {
    match len {
        0..MIN_FUZZY_LEN => 0,
        5..=8 => 1,
        9..=MAX_FUZZY_LEN => 2,
        _ => 0,
    }
}

/// Edit distance between a typed word and a known word, if within the known word's allowance.
fn typo_distance(typed: &str, known: &str) -> Option<usize> {
    let allowed = max_typos(known.chars().count()).min(max_typos(typed.chars().count()).max(1));
    if allowed == 0 || typed.chars().count().abs_diff(known.chars().count()) > allowed {
        return None;
    }
    let d = strsim::osa_distance(typed, known);
    (d <= allowed).then_some(d)
}

/// The cost of reading `token` as `word`: 0 equal, 0.2 same stem, else the number of typos.
fn word_cost(token: &Token, word: &Token) -> Option<f32> {
    if token.connector {
        return None;
    }
    if token.word == word.word {
        return Some(0.0);
    }
    if token.stem == word.stem && token.stem.chars().count() >= 4 {
        return Some(STEM_COST);
    }
    typo_distance(&token.word, &word.word).map(|d| d as f32)
}

/// Hashes of `word` with up to `max` characters deleted (including `word` itself).
fn deletions(word: &str, max: usize) -> Vec<u64> {
    let mut out = HashSet::new();
    let mut frontier = vec![word.chars().collect::<Vec<char>>()];
    out.insert(hash(&frontier[0]));
    for _ in 0..max {
        let mut next = Vec::new();
        for chars in &frontier {
            for i in 0..chars.len() {
                let mut shorter = chars.clone();
                shorter.remove(i);
                if out.insert(hash(&shorter)) {
                    next.push(shorter);
                }
            }
        }
        frontier = next;
    }
    out.into_iter().collect()
}

/// FNV-1a: fast, and stable across runs. Collisions only add candidates that the edit
/// distance check then rejects.
fn hash(chars: &[char]) -> u64 {
    chars.iter().fold(0xcbf2_9ce4_8422_2325, |h, &c| {
        (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
    })
}
