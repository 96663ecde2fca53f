//! Greetings, thanks and "what can you do?": not questions about a role, but not noise
//! either. They get a short, friendly help with two examples drawn from the knowledge
//! (the status stays `not_understood`, so front ends and scores treat them as before).

use crate::engine::answer::{Answer, Part, Status};
use crate::engine::knowledge::Knowledge;
use crate::engine::normalize::{self, Token};

/// What kind of small talk a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmallTalk {
    Greeting,
    Thanks,
    /// "what can you do?", "help", "how does this work?"
    Capabilities,
}

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "hiya",
    "heya",
    "yo",
    "sup",
    "howdy",
    "morning",
    "evening",
    "afternoon",
    "greetings",
    "hallo",
    "hola",
    "bonjour",
];
const THANKS: &[&str] = &[
    "thanks",
    "thank",
    "thx",
    "ty",
    "cheers",
    "ta",
    "appreciated",
    "appreciate",
];
const CAPABILITIES: &[&str] = &[
    "what can you do",
    "what do you do",
    "who are you",
    "what are you",
    "how do you work",
    "how does this work",
    "how does it work",
    "how do i use",
    "what can i ask",
    "what should i ask",
    "what do you know",
    "help",
    "commands",
];
/// Messages longer than this (in words) are more than small talk.
const MAX_WORDS: usize = 8;

/// The small talk `tokens` amount to, if any. Only short messages count: "hi, how much does
/// a chef earn?" is a question, and is read as one before this is asked.
pub fn detect(tokens: &[Token]) -> Option<SmallTalk> {
    let words: Vec<&str> = tokens
        .iter()
        .filter(|t| !t.connector)
        .map(|t| t.raw.as_str())
        .collect();
    if words.is_empty() || words.len() > MAX_WORDS {
        return None;
    }
    let has = |phrase: &str| {
        let parts: Vec<&str> = phrase.split(' ').collect();
        words.windows(parts.len()).any(|w| w == parts.as_slice())
    };
    if CAPABILITIES.iter().any(|p| has(p)) {
        return Some(SmallTalk::Capabilities);
    }
    let content: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| GREETINGS.contains(w) || THANKS.contains(w) || !is_filler(w))
        .collect();
    match content.first() {
        Some(w) if THANKS.contains(w) => Some(SmallTalk::Thanks),
        Some(w) if GREETINGS.contains(w) && content.len() <= 2 => Some(SmallTalk::Greeting),
        None if words.iter().any(|w| GREETINGS.contains(w)) => Some(SmallTalk::Greeting),
        _ => None,
    }
}

/// Words that leave a greeting a greeting: "hi there", "thanks so much, bot".
fn is_filler(word: &str) -> bool {
    normalize::is_function_word(word)
        || matches!(
            word,
            "you" | "u" | "all" | "there" | "bot" | "so" | "much" | "very" | "good" | "great"
        )
}

/// The reply to small talk, or (with `None`) to a message that is not understood: what the
/// bot does, with two examples made from the knowledge's own roles.
pub fn reply(knowledge: &Knowledge, talk: Option<SmallTalk>) -> Answer {
    let title = match talk {
        Some(SmallTalk::Greeting) => "Hi! I answer questions about job roles",
        Some(SmallTalk::Thanks) => "Glad to help",
        Some(SmallTalk::Capabilities) => "What I can do",
        None => "I didn't understand that",
    };
    let mut answer = Answer::empty(Status::NotUnderstood, title.to_string());
    let examples = examples(knowledge);
    let text = match talk {
        Some(SmallTalk::Thanks) => format!("Ask me anything else about a job role. {examples}"),
        Some(_) => format!(
            "Ask me about a role's duties, requirements, work environment, skills or salary, \
             or compare two roles ({} roles known). {examples}",
            knowledge.roles.len()
        ),
        None => format!("Ask me about a job role. {examples}"),
    };
    answer.parts = vec![Part {
        heading: None,
        text: text.trim_end().to_string(),
    }];
    answer.offer_role_list = talk.is_some();
    answer
}

/// "For example: …" with the first two roles of the knowledge, or nothing when it is empty.
fn examples(knowledge: &Knowledge) -> String {
    match knowledge.roles.as_slice() {
        [a, b, ..] => {
            let (a, b) = (a.name.to_lowercase(), b.name.to_lowercase());
            format!(
                "For example: \"how much does {} {a} earn?\" or \"{a} vs {b}: who does what?\"",
                indefinite(&a)
            )
        }
        [a] => {
            let a = a.name.to_lowercase();
            format!("For example: \"how much does {} {a} earn?\"", indefinite(&a))
        }
        [] => String::new(),
    }
}

/// The indefinite article for `word` by its first letter: "an" before a vowel letter, else
/// "a" ("an assistant producer", "a line cook"). Spelling, not sound: "a user" and "an
/// hour" are beyond this rule.
pub fn indefinite(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk(text: &str) -> Option<SmallTalk> {
        detect(&normalize::tokenize(text))
    }

    #[test]
    fn greetings_thanks_and_capability_questions_are_small_talk() {
        assert_eq!(talk("hi"), Some(SmallTalk::Greeting));
        assert_eq!(talk("Hello there!"), Some(SmallTalk::Greeting));
        assert_eq!(talk("thanks so much"), Some(SmallTalk::Thanks));
        assert_eq!(talk("cheers bot"), Some(SmallTalk::Thanks));
        assert_eq!(talk("what can you do?"), Some(SmallTalk::Capabilities));
        assert_eq!(talk("help"), Some(SmallTalk::Capabilities));
    }

    #[test]
    fn other_messages_are_not() {
        assert_eq!(talk("hi, what's the weather like in town today"), None);
        assert_eq!(talk("bruh"), None);
        assert_eq!(talk(""), None);
        assert_eq!(
            talk("hey I need some advice about my landlord and my rent going up"),
            None
        );
    }

    #[test]
    fn the_article_follows_the_first_letter() {
        assert_eq!(indefinite("assistant producer"), "an");
        assert_eq!(indefinite("line cook"), "a");
        assert_eq!(indefinite("Executive chef"), "an");
    }
}
