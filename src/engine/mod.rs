//! The answering engine: knowledge, question reading, matching and answers.
//!
//! Pure and synchronous: nothing here knows about Discord, databases, async runtimes or
//! logging. It takes text and returns data, so the CLI, the console and the bot share it.

pub mod answer;
pub mod aspect;
mod document;
pub mod knowledge;
pub mod matcher;
pub mod normalize;
pub mod question;
pub mod text;

use std::path::Path;

use crate::engine::answer::Answer;
use crate::engine::aspect::Aspect;
use crate::engine::knowledge::{Knowledge, LoadError, Role};
use crate::engine::matcher::Matcher;

/// Extra role names, such as one server's own aliases, indexed for matching.
#[derive(Debug)]
pub struct Aliases(Matcher);

/// Loaded knowledge with its role index, ready to answer questions.
#[derive(Debug)]
pub struct Engine {
    knowledge: Knowledge,
    matcher: Matcher,
}

impl Engine {
    /// Loads and indexes the knowledge directory at `dir`.
    pub fn load(dir: &Path) -> Result<Engine, LoadError> {
        knowledge::load(dir).map(Engine::new)
    }

    /// Indexes already loaded knowledge.
    pub fn new(knowledge: Knowledge) -> Engine {
        let matcher = Matcher::new(&knowledge);
        Engine { knowledge, matcher }
    }

    /// The knowledge this engine answers from.
    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// Answers a free-text question.
    pub fn answer(&self, question: &str) -> Answer {
        self.answer_with(question, None)
    }

    /// Answers a free-text question, also recognising `aliases` (one server's own names).
    pub fn answer_with(&self, question: &str, aliases: Option<&Aliases>) -> Answer {
        let question = question::parse(question, &self.matcher, aliases.map(|a| &a.0));
        answer::compose(&self.knowledge, &question)
    }

    /// Indexes extra (alias, role id) pairs for [`Engine::answer_with`]; aliases of role
    /// ids this knowledge does not have are left out.
    pub fn aliases(&self, pairs: &[(String, String)]) -> Aliases {
        let known: Vec<(String, usize)> = pairs
            .iter()
            .filter_map(|(alias, id)| Some((alias.clone(), self.knowledge.index(id)?)))
            .collect();
        Aliases(Matcher::for_aliases(&known))
    }

    /// Answers about known role ids directly (slash commands, buttons): one id for a role,
    /// two for a comparison. `None` when an id is unknown.
    pub fn answer_about(&self, role_ids: &[&str], aspect: Aspect) -> Option<Answer> {
        let indices: Option<Vec<usize>> = role_ids.iter().map(|id| self.knowledge.index(id)).collect();
        match indices?.as_slice() {
            [one] => Some(answer::about_role(&self.knowledge, *one, aspect)),
            [a, b] if a == b => Some(answer::about_role(&self.knowledge, *a, aspect)),
            [a, b] => Some(answer::comparing(&self.knowledge, *a, *b, aspect)),
            _ => None,
        }
    }

    /// The career path of a known role id (`/path`); `None` when the id is unknown.
    pub fn path_of(&self, role_id: &str) -> Option<Answer> {
        self.knowledge
            .index(role_id)
            .map(|i| answer::path_answer(&self.knowledge, i))
    }

    /// Renders an answer as plain text.
    pub fn render_text(&self, answer: &Answer) -> String {
        text::render(answer, &self.knowledge)
    }

    /// Roles that best fit a partly typed name, best first (for autocomplete).
    pub fn suggest(&self, typed: &str, limit: usize) -> Vec<&Role> {
        let typed = typed.trim().to_lowercase();
        if typed.is_empty() {
            return self.knowledge.roles.iter().take(limit).collect();
        }
        let question = question::parse(&typed, &self.matcher, None);
        let mut scored: Vec<(f64, &Role)> = self
            .knowledge
            .roles
            .iter()
            .map(|role| (suggestion_score(&typed, role), role))
            .collect();
        for found in &question.found {
            let indices: Vec<usize> = match found {
                matcher::Found::Role(m) => vec![m.role],
                matcher::Found::Ambiguous(ms) => ms.iter().map(|m| m.role).collect(),
            };
            for i in indices {
                scored[i].0 += 1.0;
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        scored
            .into_iter()
            .filter(|(s, _)| *s > 0.55)
            .take(limit)
            .map(|(_, r)| r)
            .collect()
    }
}

/// How well `typed` fits a role's name or aliases: prefix and substring matches first,
/// then string similarity.
fn suggestion_score(typed: &str, role: &Role) -> f64 {
    std::iter::once(&role.name)
        .chain(&role.aliases)
        .map(|phrase| {
            let phrase = phrase.to_lowercase();
            if phrase.starts_with(typed) {
                0.95
            } else if phrase.contains(typed) {
                0.85
            } else {
                strsim::jaro_winkler(typed, &phrase) * 0.9
            }
        })
        .fold(0.0, f64::max)
}
