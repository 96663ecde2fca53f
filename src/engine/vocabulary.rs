//! Aspect vocabularies as data: the general one built into the program
//! (`vocabulary.toml` beside this file) and a knowledge folder's own, optional
//! `vocabulary.toml`, in the same form.
//!
//! The form: one TOML table per aspect id, each with up to three lists of phrases by how
//! much they tell (`strong`, `overview`, `weak`; see the general file's header). A
//! folder's file is checked like the rest of the knowledge: an unknown aspect or list, a
//! phrase listed under two aspects, or a phrase that is a role's name or alias is a
//! problem reported at its line.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::engine::aspect::Aspect;

/// Points of a phrase that alone says what is asked.
pub const STRONG: f32 = 2.0;
/// Points of a telling phrase that yields to a strong one.
pub const OVERVIEW: f32 = 1.5;
/// Points of a hint.
pub const WEAK: f32 = 1.0;

/// The general vocabulary's text.
const GENERAL: &str = include_str!("vocabulary.toml");

/// One phrase: its aspect, points and words.
pub type Entry = (Aspect, f32, Vec<String>);

/// Phrases by their first word.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    by_first: HashMap<String, Vec<Entry>>,
    phrases: Vec<(Aspect, String)>,
}

/// A problem in a vocabulary file, at a 1-based line (0 when no line applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

impl Vocabulary {
    /// The general vocabulary, read once.
    ///
    /// # Panics
    /// When the built-in file is malformed, which its unit test rules out.
    pub fn general() -> &'static Vocabulary {
        static GENERAL_VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
        GENERAL_VOCABULARY.get_or_init(|| {
            let (vocabulary, problems) = Vocabulary::parse(GENERAL);
            assert!(
                problems.is_empty(),
                "the built-in vocabulary has problems: {problems:?}"
            );
            vocabulary
        })
    }

    /// Reads a vocabulary file; what can be read is kept, and every problem is listed.
    pub fn parse(text: &str) -> (Vocabulary, Vec<Problem>) {
        let mut problems = Vec::new();
        let tables: BTreeMap<String, BTreeMap<String, Vec<String>>> = match toml::from_str(text) {
            Ok(tables) => tables,
            Err(error) => {
                let line = error.span().map_or(0, |span| line_of(text, span.start));
                let message = format!("not a vocabulary: {}", error.message());
                return (Vocabulary::default(), vec![Problem { line, message }]);
            }
        };
        let mut vocabulary = Vocabulary::default();
        let mut owner: HashMap<String, Aspect> = HashMap::new();
        for (name, lists) in &tables {
            let Some(aspect) = Aspect::parse(name).filter(|a| a.id() == name) else {
                let message = format!("unknown aspect \"{name}\"; use one of {}", aspect_ids());
                problems.push(Problem {
                    line: find_line(text, &format!("[{name}]")),
                    message,
                });
                continue;
            };
            for (strength, phrases) in lists {
                let points = match strength.as_str() {
                    "strong" => STRONG,
                    "overview" => OVERVIEW,
                    "weak" => WEAK,
                    other => {
                        let message = format!("unknown list \"{other}\"; use strong, overview or weak");
                        problems.push(Problem {
                            line: find_line(text, other),
                            message,
                        });
                        continue;
                    }
                };
                for phrase in phrases {
                    let words: Vec<String> = phrase.split_whitespace().map(str::to_lowercase).collect();
                    let key = words.join(" ");
                    match owner.get(&key) {
                        Some(first) if *first != aspect => problems.push(Problem {
                            line: find_last_line(text, &format!("\"{phrase}\"")),
                            message: format!(
                                "\"{phrase}\" is listed under {} and {}",
                                first.id(),
                                aspect.id()
                            ),
                        }),
                        _ if words.is_empty() => {}
                        _ => {
                            owner.insert(key.clone(), aspect);
                            vocabulary.add(aspect, points, words);
                        }
                    }
                }
            }
        }
        (vocabulary, problems)
    }

    fn add(&mut self, aspect: Aspect, points: f32, words: Vec<String>) {
        self.phrases.push((aspect, words.join(" ")));
        self.by_first
            .entry(words[0].clone())
            .or_default()
            .push((aspect, points, words));
    }

    /// The phrases that start with `word`.
    pub fn starting_with(&self, word: &str) -> &[Entry] {
        self.by_first.get(word).map_or(&[], Vec::as_slice)
    }

    /// Every phrase with its aspect, in file order.
    pub fn phrases(&self) -> &[(Aspect, String)] {
        &self.phrases
    }
}

fn aspect_ids() -> String {
    Aspect::ALL.iter().map(|a| a.id()).collect::<Vec<_>>().join(", ")
}

/// The 1-based line of byte offset `at`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The first line that holds `needle` outside a comment (0 when none does).
pub fn find_line(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.split('#').next().is_some_and(|code| code.contains(needle)))
        .map_or(0, |i| i + 1)
}

/// The last line that holds `needle` outside a comment (0 when none does).
fn find_last_line(text: &str, needle: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .rposition(|line| line.split('#').next().is_some_and(|code| code.contains(needle)))
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_general_vocabulary_reads_without_problems() {
        let general = Vocabulary::general();
        assert!(general.phrases().len() > 300);
        assert!(general
            .starting_with("salary")
            .iter()
            .any(|(aspect, points, _)| *aspect == Aspect::Salary && *points == STRONG));
    }

    #[test]
    fn a_folder_vocabulary_reports_each_problem_at_its_line() {
        let text = "[requirements]\nstrong = [\"licence\", \"registration\"]\n\n[pay]\nstrong = [\"band\"]\n\n[salary]\nstrong = [\"band 5\", \"licence\"]\nloud = [\"x\"]\n";
        let (vocabulary, problems) = Vocabulary::parse(text);
        let lines: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(
            lines,
            [
                (4, "unknown aspect \"pay\"; use one of overview, duties, requirements, environment, skills, salary"),
                (9, "unknown list \"loud\"; use strong, overview or weak"),
                (8, "\"licence\" is listed under requirements and salary"),
            ]
        );
        assert_eq!(vocabulary.phrases().len(), 3);
    }

    #[test]
    fn a_file_that_is_not_toml_says_where() {
        let (_, problems) = Vocabulary::parse("[salary]\nstrong = [\"band\"\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].line >= 2, "{problems:?}");
    }
}
