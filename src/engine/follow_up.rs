//! Follow-up questions: "and their salary?", "what about line producers?", "how about
//! skills", "compare it with an EP". They lean on the question before, which the caller
//! passes in explicitly (the engine keeps no state): the roles and aspect of the last
//! answered question of the same asker in the same place.

use crate::engine::answer::{Answer, Status};
use crate::engine::aspect::Aspect;
use crate::engine::matcher::Found;
use crate::engine::question::Question;

/// How long a question stays the one a follow-up leans on, in the console and on Discord.
pub const FOLLOW_UP_WINDOW: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// What a follow-up can lean on: the last answered question's roles (ids) and aspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub roles: Vec<String>,
    pub aspect: Aspect,
}

impl Previous {
    /// The context `answer` leaves for a follow-up; `None` unless it answered about roles.
    pub fn of(answer: &Answer) -> Option<Previous> {
        match (answer.status, answer.aspect) {
            (Status::Answered, Some(aspect)) if !answer.roles.is_empty() => Some(Previous {
                roles: answer.roles.clone(),
                aspect,
            }),
            _ => None,
        }
    }
}

/// Words that open a follow-up: "and …", "what about …", "how about …".
const OPENERS: &[&[&str]] = &[
    &["and"],
    &["what", "about"],
    &["how", "about"],
    &["also"],
    &["same", "for"],
];
/// Words that point back at the roles just discussed.
const REFERENCES: &[&str] = &[
    "it", "its", "they", "them", "their", "theirs", "he", "she", "his", "her",
];
/// Words that ask to compare with what was just discussed.
const COMPARE: &[&str] = &["compare", "compared", "vs", "versus", "against"];

/// The roles (ids) and aspect `question` asks about when read as a follow-up of
/// `previous`; `None` when it is not a follow-up or stands on its own.
pub fn resolve(question: &Question, previous: &Previous, named: &[String]) -> Option<(Vec<String>, Aspect)> {
    let words: Vec<&str> = question.tokens.iter().map(|t| t.raw.as_str()).collect();
    let opens = OPENERS
        .iter()
        .any(|opener| words.len() >= opener.len() && words[..opener.len()] == **opener)
        || question.tokens.first().is_some_and(|t| t.connector);
    let refers = words.iter().any(|w| REFERENCES.contains(w));
    let compares = words.iter().any(|w| COMPARE.contains(w)) || question.tokens.iter().any(|t| t.connector);
    let asks_aspect = question.signal.strongest() > 0.0;
    let aspect = if asks_aspect {
        question.aspect
    } else {
        previous.aspect
    };
    let ambiguous = question.found.iter().any(|f| matches!(f, Found::Ambiguous(_)));
    if ambiguous || question.small_talk.is_some() {
        return None;
    }
    match named {
        // "and their salary?", "how about skills", "do they travel much?"
        [] if (opens || (refers && asks_aspect)) && question.job_words.is_empty() => {
            Some((previous.roles.clone(), aspect))
        }
        // "compare it with an EP", "and vs a line producer?"
        [one] if refers && compares && previous.roles.len() == 1 && previous.roles[0] != *one => {
            Some((vec![previous.roles[0].clone(), one.clone()], aspect))
        }
        // "what about line producers?"
        _ if opens && !asks_aspect && !named.is_empty() => Some((named.to_vec(), previous.aspect)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::Engine;

    fn engine() -> Engine {
        Engine::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap()
    }

    fn after(engine: &Engine, first: &str, then: &str) -> (Vec<String>, Option<Aspect>, Status) {
        let previous = Previous::of(&engine.answer(first));
        let answer = engine.answer_after(then, None, previous.as_ref());
        (answer.roles, answer.aspect, answer.status)
    }

    #[test]
    fn a_follow_up_leans_on_the_question_before() {
        let engine = engine();
        let (roles, aspect, _) = after(&engine, "what does a line producer do?", "and their salary?");
        assert_eq!(
            (roles, aspect),
            (vec!["line-producer".to_string()], Some(Aspect::Salary))
        );
        let (roles, aspect, _) = after(&engine, "how much does an EP earn?", "what about line producers?");
        assert_eq!(
            (roles, aspect),
            (vec!["line-producer".to_string()], Some(Aspect::Salary))
        );
        let (roles, aspect, _) = after(&engine, "EP skills", "how about requirements");
        assert_eq!(
            (roles, aspect),
            (vec!["executive-producer".to_string()], Some(Aspect::Requirements))
        );
        let (roles, _, _) = after(&engine, "what is a line producer?", "compare it with an EP");
        assert_eq!(roles, ["line-producer", "executive-producer"]);
    }

    #[test]
    fn questions_that_stand_on_their_own_are_read_on_their_own() {
        let engine = engine();
        let (roles, aspect, _) = after(
            &engine,
            "what does a line producer do?",
            "how much does an EP earn?",
        );
        assert_eq!(
            (roles, aspect),
            (vec!["executive-producer".to_string()], Some(Aspect::Salary))
        );
        let (_, _, status) = after(
            &engine,
            "what does a line producer do?",
            "what's the weather like?",
        );
        assert_eq!(status, Status::NotUnderstood);
    }

    #[test]
    fn without_a_previous_question_a_follow_up_is_not_understood() {
        let answer = engine().answer_after("and their salary?", None, None);
        assert_eq!(answer.status, Status::NotUnderstood);
    }
}
