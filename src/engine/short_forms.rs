//! Role words typed short: a clipped word ("loc manager" for "Location manager", "line
//! prod." for "Line producer") or a slip in a short word ("lien producer").
//!
//! The general typo rule (`matcher.rs`) forgives nothing in words under five letters, where
//! one edit turns most words into other words. These two rules forgive a little more, but
//! only inside a name of two or more words whose other words are typed in full, so the rest
//! of the name vouches for the reading. Rules over any knowledge: no list of words.

use std::collections::HashMap;

/// The shortest clipped form read ("loc", "exec").
const MIN_PREFIX: usize = 3;
/// Words this long or shorter may carry a slip ("line", "gaf").
const SHORT_WORD: usize = 4;

/// The vocabulary's clipped forms and slips, for finding candidate names.
#[derive(Debug, Default)]
pub struct ShortForms {
    /// A prefix (at least [`MIN_PREFIX`] letters) of a longer vocabulary word → its ids.
    prefixes: HashMap<String, Vec<u32>>,
    /// A short vocabulary word with one letter removed → its ids.
    slips: HashMap<String, Vec<u32>>,
}

impl ShortForms {
    /// Indexes vocabulary word `word`, whose id is `id`.
    pub fn add(&mut self, id: u32, word: &str) {
        let chars: Vec<char> = word.chars().collect();
        for end in MIN_PREFIX..chars.len() {
            let prefix: String = chars[..end].iter().collect();
            self.prefixes.entry(prefix).or_default().push(id);
        }
        if (MIN_PREFIX..=SHORT_WORD).contains(&chars.len()) {
            for variant in one_deleted(&chars) {
                self.slips.entry(variant).or_default().push(id);
            }
            self.slips.entry(word.to_string()).or_default().push(id);
        }
    }

    /// Ids of vocabulary words that `typed` may be a clipped form or a slip of.
    pub fn candidates(&self, typed: &str) -> Vec<u32> {
        let chars: Vec<char> = typed.chars().collect();
        let mut ids: Vec<u32> = self.prefixes.get(typed).cloned().unwrap_or_default();
        if (MIN_PREFIX - 1..=SHORT_WORD + 1).contains(&chars.len()) {
            for variant in one_deleted(&chars).into_iter().chain([typed.to_string()]) {
                ids.extend(self.slips.get(&variant).into_iter().flatten());
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// How `typed` shortens `known`, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Short {
    /// The first letters of a longer word.
    Prefix,
    /// A short word with two neighbouring letters swapped, or one letter left out or added.
    Slip,
}

/// Whether `typed` is a clipped form or a slip of `known`.
pub fn shortens(typed: &str, known: &str) -> Option<Short> {
    let t: Vec<char> = typed.chars().collect();
    let k: Vec<char> = known.chars().collect();
    if t.len() >= MIN_PREFIX && t.len() < k.len() && k.starts_with(&t) {
        return Some(Short::Prefix);
    }
    let short = k.len() <= SHORT_WORD && t.len() <= SHORT_WORD + 1 && t.len() + 1 >= MIN_PREFIX;
    (short && t != k && is_slip(&t, &k)).then_some(Short::Slip)
}

/// Two neighbouring letters swapped, or one letter removed or added (no substitution:
/// "fine" is a word of its own, not a slip of "line").
fn is_slip(t: &[char], k: &[char]) -> bool {
    match t.len() as isize - k.len() as isize {
        0 => {
            let diff: Vec<usize> = (0..t.len()).filter(|&i| t[i] != k[i]).collect();
            diff.len() == 2 && diff[1] == diff[0] + 1 && t[diff[0]] == k[diff[1]] && t[diff[1]] == k[diff[0]]
        }
        1 => one_deleted(t).iter().any(|v| v.chars().eq(k.iter().copied())),
        -1 => one_deleted(k).iter().any(|v| v.chars().eq(t.iter().copied())),
        _ => false,
    }
}

fn one_deleted(chars: &[char]) -> Vec<String> {
    (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipped_words_and_slips_are_read() {
        assert_eq!(shortens("loc", "location"), Some(Short::Prefix));
        assert_eq!(shortens("prod", "producer"), Some(Short::Prefix));
        assert_eq!(shortens("lien", "line"), Some(Short::Slip));
        assert_eq!(shortens("lne", "line"), Some(Short::Slip));
        assert_eq!(shortens("liine", "line"), Some(Short::Slip));
    }

    #[test]
    fn other_words_are_not() {
        assert_eq!(shortens("lo", "location"), None);
        assert_eq!(shortens("fine", "line"), None);
        assert_eq!(shortens("line", "line"), None);
        assert_eq!(shortens("nile", "line"), None);
        assert_eq!(shortens("locate", "location"), None);
    }

    #[test]
    fn candidates_come_from_the_index() {
        let mut forms = ShortForms::default();
        forms.add(0, "location");
        forms.add(1, "line");
        forms.add(2, "manager");
        assert_eq!(forms.candidates("loc"), [0]);
        assert_eq!(forms.candidates("lien"), [1]);
        assert_eq!(forms.candidates("man"), [2]);
        assert!(forms.candidates("xyz").is_empty());
    }
}
