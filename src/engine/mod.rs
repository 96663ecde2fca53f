//! The answering engine: knowledge, question reading, matching and answers.
//!
//! Pure and synchronous: nothing here knows about Discord, databases, async runtimes or
//! logging. It takes text and returns data, so the CLI, the console and the bot share it.

pub mod answer;
pub mod aspect;
pub mod aspect_terms;
pub mod focus;
pub mod follow_up;
pub mod knowledge;
pub mod matcher;
pub mod normalize;
pub mod other_jobs;
pub mod question;
pub mod short_forms;
pub mod small_talk;
pub mod text;
pub mod vocabulary;

use std::path::Path;

use crate::engine::answer::{Answer, Status};
use crate::engine::aspect::Aspect;
use crate::engine::aspect_terms::AspectTerms;
use crate::engine::follow_up::Previous;
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
    terms: AspectTerms,
}

impl Engine {
    /// Loads and indexes the knowledge directory at `dir`.
    pub fn load(dir: &Path) -> Result<Engine, LoadError> {
        knowledge::load(dir).map(Engine::new)
    }

    /// Indexes already loaded knowledge.
    pub fn new(knowledge: Knowledge) -> Engine {
        let matcher = Matcher::new(&knowledge);
        let terms = AspectTerms::build(&knowledge);
        Engine {
            knowledge,
            matcher,
            terms,
        }
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
        let question = question::parse(question, &self.matcher, aliases.map(|a| &a.0), &self.terms);
        answer::compose(&self.knowledge, &question)
    }

    /// Answers a free-text question that may follow up on `previous`, the last answered
    /// question of the same asker in the same place ("and their salary?", "what about line
    /// producers?"). With no previous question, or when the question stands on its own,
    /// this is [`Engine::answer_with`].
    pub fn answer_after(
        &self,
        question: &str,
        aliases: Option<&Aliases>,
        previous: Option<&Previous>,
    ) -> Answer {
        let parsed = question::parse(question, &self.matcher, aliases.map(|a| &a.0), &self.terms);
        if let Some(previous) = previous {
            let named: Vec<String> = answer::named_roles(&self.knowledge, &parsed);
            if let Some((roles, aspect)) = follow_up::resolve(&parsed, previous, &named) {
                let ids: Vec<&str> = roles.iter().map(String::as_str).collect();
                if let Some(answer) = self.answer_about(&ids, aspect) {
                    return answer;
                }
            }
        }
        answer::compose(&self.knowledge, &parsed)
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

    /// Resolves a role typed into a command's option to its id: an exact role id (as
    /// autocomplete fills in), else text that names exactly one role, by its name, an
    /// alias, one of `aliases` or a near miss. Otherwise the `Err` is the answer to send
    /// instead, about the asked `aspect`: the "which role do you mean?" or "did you mean"
    /// answer the text gets as a question, or "I don't know that role" with the roles whose
    /// names fit the text best.
    pub fn resolve_role(
        &self,
        typed: &str,
        aliases: Option<&Aliases>,
        aspect: Aspect,
    ) -> Result<String, Box<Answer>> {
        if self.knowledge.role(typed).is_some() {
            return Ok(typed.to_string());
        }
        let read = self.answer_with(typed, aliases);
        let mut unknown = match (read.status, read.roles.as_slice()) {
            (Status::Answered, [id]) => return Ok(id.clone()),
            (Status::UnknownRole | Status::NotUnderstood, _) if !read.suggestions.is_empty() => read,
            _ => {
                let suggestions = self.suggest(typed, 4).iter().map(|r| r.id.clone()).collect();
                answer::not_a_role(typed, suggestions, read)
            }
        };
        unknown.asked_aspect = aspect;
        Err(Box::new(unknown))
    }

    /// The career path of a known role id (`/path`); `None` when the id is unknown.
    pub fn path_of(&self, role_id: &str) -> Option<Answer> {
        self.knowledge
            .index(role_id)
            .map(|i| answer::path_answer(&self.knowledge, i))
    }

    /// What the bot can do, with examples from this knowledge (for `help` commands).
    pub fn help(&self) -> Answer {
        small_talk::reply(&self.knowledge, Some(small_talk::SmallTalk::Capabilities))
    }

    /// Renders an answer as plain text.
    pub fn render_text(&self, answer: &Answer) -> String {
        text::render(answer, &self.knowledge)
    }

    /// Roles that best fit a partly typed name, best first (for autocomplete).
    pub fn suggest(&self, typed: &str, limit: usize) -> Vec<&Role> {
        // Autocomplete folds text as questions are folded: "cafe" finds "Café manager".
        let typed = normalize::fold(typed.trim()).to_lowercase();
        if typed.is_empty() {
            return self.knowledge.roles.iter().take(limit).collect();
        }
        let question = question::parse(&typed, &self.matcher, None, &self.terms);
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
    role.names()
        .map(|phrase| {
            let phrase = normalize::fold(phrase).to_lowercase();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Engine {
        Engine::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"))
            .expect("shipped knowledge loads")
    }

    #[test]
    fn a_typed_role_resolves_by_id_name_alias_or_near_miss() {
        let engine = shipped();
        for typed in ["line-producer", "Line Producer", "line producers"] {
            assert_eq!(
                engine.resolve_role(typed, None, Aspect::Overview),
                Ok("line-producer".to_string()),
                "{typed}"
            );
        }
        for typed in ["EP", "exec prodcer"] {
            assert_eq!(
                engine.resolve_role(typed, None, Aspect::Overview),
                Ok("executive-producer".to_string()),
                "{typed}"
            );
        }
    }

    #[test]
    fn a_server_alias_resolves_only_where_it_is_given() {
        let engine = shipped();
        let aliases = engine.aliases(&[("the boss".to_string(), "executive-producer".to_string())]);
        assert_eq!(
            engine.resolve_role("the boss", Some(&aliases), Aspect::Salary),
            Ok("executive-producer".to_string())
        );
        assert!(engine.resolve_role("the boss", None, Aspect::Salary).is_err());
    }

    /// The answer to `typed` when it names no single role, checked for what every "I don't
    /// know that role" answer says.
    fn not_a_role(engine: &Engine, typed: &str, aspect: Aspect) -> Answer {
        let answer = *engine
            .resolve_role(typed, None, aspect)
            .expect_err("not one role");
        assert_eq!(
            (answer.status, answer.title.as_str()),
            (Status::UnknownRole, "I don't know that role")
        );
        let texts: Vec<&str> = answer.parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, [format!("\"{}\" is not a role I know.", typed.trim())]);
        assert_eq!(answer.asked_aspect, aspect);
        assert!(answer.roles.is_empty() && answer.aspect.is_none());
        answer
    }

    #[test]
    fn text_naming_no_role_gets_the_unknown_role_answer_on_the_asked_aspect() {
        let engine = shipped();
        let answer = not_a_role(&engine, "  astronaut ", Aspect::Salary);
        let suggested: Vec<&str> = engine
            .suggest("  astronaut ", 4)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(answer.suggestions, suggested);
    }

    #[test]
    fn text_naming_two_roles_is_not_one_role() {
        not_a_role(&shipped(), "EP vs line producer", Aspect::Duties);
    }

    #[test]
    fn an_unknown_role_with_suggestions_keeps_the_question_answer() {
        let engine = shipped();
        let read = engine.answer("assistant");
        assert!(read.status == Status::UnknownRole && !read.suggestions.is_empty());
        let answer = engine
            .resolve_role("assistant", None, Aspect::Skills)
            .expect_err("not one role");
        assert_eq!(
            (&answer.title, &answer.parts, &answer.suggestions),
            (&read.title, &read.parts, &read.suggestions)
        );
        assert!(answer.offer_role_list);
        assert_eq!(answer.asked_aspect, Aspect::Skills);
    }

    #[test]
    fn a_long_typed_name_is_quoted_at_most_100_characters_long() {
        let engine = shipped();
        let typed = "very ".repeat(100);
        let answer = engine
            .resolve_role(&typed, None, Aspect::Overview)
            .expect_err("not a role");
        let quoted = answer.parts[0].text.split('"').nth(1).expect("quoted");
        assert!(quoted.chars().count() <= 100 && quoted.ends_with('…'), "{quoted}");
    }
}
