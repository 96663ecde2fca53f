//! Telling a job the knowledge does not cover ("what does a tour guide earn", "a digital
//! producer") from a message that is not about jobs at all ("what's the weather like").
//!
//! Field-independent rules: a word of some role's name used in another title, a job noun
//! from public occupation classifications (`occupations.txt`), a word shaped like a job
//! title when the question asks about pay, hours and the like, and a qualifier that turns a
//! known role into another kind of job.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::engine::aspect::AspectSignal;
use crate::engine::matcher::{Found, Matcher};
use crate::engine::normalize::{self, Token};

/// Qualifiers that leave a role the same job: a medium, industry, place or contract type
/// ("a TV producer", "a freelance nurse").
const SAME_JOB: &[&str] = &[
    "tv",
    "television",
    "film",
    "movie",
    "cinema",
    "game",
    "games",
    "gaming",
    "video",
    "media",
    "music",
    "theatre",
    "theater",
    "radio",
    "news",
    "documentary",
    "broadcast",
    "live",
    "stage",
    "commercial",
    "corporate",
    "uk",
    "us",
    "usa",
    "british",
    "american",
    "english",
    "european",
    "london",
    "local",
    "freelance",
    "freelancer",
    "contract",
    "contractor",
    "permanent",
    "temp",
    "temporary",
    "remote",
    "indie",
    "independent",
    "agency",
    "staff",
    "hotel",
    "restaurant",
];
/// Words that judge or place a person in a job rather than name another job ("a good
/// nurse", "an experienced chef").
const NOT_A_TITLE: &[&str] = &[
    "good",
    "great",
    "bad",
    "best",
    "top",
    "typical",
    "average",
    "successful",
    "experienced",
    "famous",
    "new",
    "young",
    "old",
    "first",
    "real",
    "aspiring",
    "future",
    "current",
    "former",
    "professional",
    "decent",
    "normal",
    "proper",
    "beginner",
    "qualified",
    "certified",
    "busy",
    "big",
    "small",
    "major",
    "actual",
    "full",
    "part",
    "time",
    "entry",
    "level",
    "level",
];

/// The word that makes the only named role another job: "a digital producer" names no
/// Producer but a kind of producer the knowledge lacks. Only a word right after an article
/// counts (a question may open with a verb: "describe line producer duties"), and not one of [`SAME_JOB`], [`NOT_A_TITLE`], a vocabulary word or a word of any
/// role's name.
pub fn qualifier(tokens: &[Token], found: &[Found], matcher: &Matcher) -> Option<(String, usize)> {
    let [Found::Role(mention)] = found else {
        return None;
    };
    let at = mention.start.checked_sub(1)?;
    let word = &tokens[at];
    let after_article = at
        .checked_sub(1)
        .is_some_and(|a| matches!(tokens[a].raw.as_str(), "a" | "an" | "the"));
    let plain = word.raw.chars().count() >= 3 && word.raw.chars().all(char::is_alphabetic);
    let telling = !word.connector
        && !normalize::is_function_word(&word.raw)
        && !SAME_JOB.contains(&word.raw.as_str())
        && !NOT_A_TITLE.contains(&word.raw.as_str())
        && crate::engine::vocabulary::Vocabulary::general()
            .starting_with(&word.raw)
            .is_empty()
        && !matcher.is_role_word(word);
    (after_article && plain && telling).then(|| (word.raw.clone(), mention.role))
}

/// Words that suggest the question is about a job: a word of a known role's name used in
/// another title ("executive chef"), a common job noun, or — when the question asks about
/// pay, skills, hours and the like — a word shaped like a job title ("attendant").
pub fn job_words(tokens: &[Token], matcher: &Matcher, signal: &AspectSignal) -> Vec<String> {
    let asks = signal.asks_about_a_job();
    // "a kitchen porter", "an usher": a job title is a count noun, so an article close
    // before a word of the occupation lexicon says it is used as a title.
    let after_article = |i: usize| {
        tokens[i.saturating_sub(2)..i]
            .iter()
            .any(|t| matches!(t.raw.as_str(), "a" | "an"))
    };
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.connector)
        .filter(|(i, t)| {
            matcher.is_role_word(t)
                || JOB_NOUNS.contains(&t.word.as_str())
                || ((asks || after_article(*i)) && is_occupation(t))
                || (asks && looks_like_job_title(&t.word))
        })
        .map(|(_, t)| t.raw.clone())
        .collect()
}

/// Words of job titles from public occupation classifications (US SOC 2018 and its
/// indexes, ILO ISCO-08): facts, with the sources and how the list was made named in the
/// file's header. Field-independent: it tells "a job the knowledge does not cover" from
/// "not about jobs" in any knowledge folder.
const OCCUPATIONS: &str = include_str!("occupations.txt");

fn is_occupation(token: &Token) -> bool {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        OCCUPATIONS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    words.contains(token.word.as_str()) || words.contains(token.raw.as_str())
}

fn looks_like_job_title(word: &str) -> bool {
    const SUFFIXES: [&str; 8] = ["er", "or", "ist", "ian", "ant", "eer", "ee", "man"];
    word.chars().count() >= 5
        && word.chars().all(|c| c.is_alphabetic())
        && SUFFIXES.iter().any(|s| word.ends_with(s))
        && !COMMON_WORDS.contains(&word)
}

/// Common English words with job-like endings that are not jobs.
const COMMON_WORDS: &[&str] = &[
    "other",
    "another",
    "never",
    "after",
    "under",
    "over",
    "whatever",
    "however",
    "whenever",
    "wherever",
    "better",
    "answer",
    "number",
    "water",
    "paper",
    "order",
    "power",
    "weather",
    "summer",
    "winter",
    "together",
    "rather",
    "either",
    "neither",
    "later",
    "letter",
    "matter",
    "center",
    "centre",
    "computer",
    "brother",
    "sister",
    "mother",
    "father",
    "remember",
    "consider",
    "further",
    "bigger",
    "smaller",
    "longer",
    "shorter",
    "higher",
    "lower",
    "faster",
    "easier",
    "harder",
    "career",
    "major",
    "minor",
    "color",
    "colour",
    "favor",
    "favour",
    "error",
    "mirror",
    "floor",
    "door",
    "important",
    "different",
    "instant",
    "constant",
    "relevant",
    "pleasant",
    "elegant",
    "brilliant",
    "guarantee",
    "coffee",
    "committee",
    "degree",
    "agree",
    "human",
    "woman",
    "german",
    "roman",
    "person",
    "master",
    "super",
    "sooner",
    "rather",
    "tougher",
    "stressful",
    "proper",
    "chapter",
    "offer",
    "poster",
    "monster",
    "corner",
    "dinner",
    "banner",
    "partner",
    "member",
    "december",
    "november",
    "october",
    "september",
    "wonder",
    "whether",
    "earlier",
    "corridor",
];

/// Nouns that name jobs in everyday English.
const JOB_NOUNS: &[&str] = &[
    "nurse",
    "pilot",
    "teacher",
    "doctor",
    "chef",
    "cook",
    "barista",
    "dentist",
    "lawyer",
    "attorney",
    "engineer",
    "developer",
    "programmer",
    "designer",
    "manager",
    "director",
    "officer",
    "accountant",
    "analyst",
    "architect",
    "artist",
    "actor",
    "actress",
    "writer",
    "editor",
    "journalist",
    "reporter",
    "photographer",
    "cameraman",
    "technician",
    "electrician",
    "plumber",
    "carpenter",
    "mechanic",
    "driver",
    "cashier",
    "clerk",
    "secretary",
    "receptionist",
    "consultant",
    "scientist",
    "researcher",
    "professor",
    "tutor",
    "coach",
    "trainer",
    "therapist",
    "pharmacist",
    "surgeon",
    "physician",
    "paramedic",
    "firefighter",
    "police",
    "cop",
    "soldier",
    "farmer",
    "waiter",
    "waitress",
    "bartender",
    "janitor",
    "cleaner",
    "host",
    "presenter",
    "anchor",
    "musician",
    "singer",
    "dancer",
    "composer",
    "animator",
    "illustrator",
    "intern",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "president",
    "founder",
    "agent",
    "broker",
    "banker",
    "trader",
    "auditor",
    "nanny",
    "vet",
    "veterinarian",
    "model",
    "influencer",
    "streamer",
    "youtuber",
    "gaffer",
    "grip",
    "screenwriter",
    "showrunner",
    "cinematographer",
    "attendant",
    "steward",
    "stewardess",
    "owner",
    "administrator",
    "coordinator",
    "specialist",
    "supervisor",
    "lead",
    "head",
    "chief",
    "intern",
    "apprentice",
    "runner",
    "stylist",
    "planner",
    "recruiter",
    "salesman",
    "salesperson",
    "librarian",
    "judge",
    "midwife",
    "carer",
    "caregiver",
    "dietitian",
    "optician",
    "surveyor",
    "translator",
    "interpreter",
    "guard",
    "courier",
    "tester",
    "sysadmin",
    "devops",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_shaped_words_need_a_job_question() {
        assert!(looks_like_job_title("attendant"));
        assert!(!looks_like_job_title("whatever"));
        assert!(!looks_like_job_title("pay"));
    }
}
