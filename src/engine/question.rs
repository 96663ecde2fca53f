//! Reads a question: which roles it names and which aspect it asks about.
//!
//! Reading never fails. A question that names no known role is still classified: does it
//! look like a question about some other job ("how much does a pilot earn") or is it not
//! a question about jobs at all ("bruh")?

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::engine::aspect::{self, Aspect, AspectSignal};
use crate::engine::aspect_terms::AspectTerms;
use crate::engine::focus;
use crate::engine::matcher::{Found, Matcher};
use crate::engine::normalize::{self, Token};
use crate::engine::small_talk::{self, SmallTalk};

/// What a question is about, as far as words can tell.
#[derive(Debug, Clone)]
pub struct Question {
    pub tokens: Vec<Token>,
    /// Role mentions in the order they appear.
    pub found: Vec<Found>,
    pub aspect: Aspect,
    pub signal: AspectSignal,
    /// Words that look like part of a job title the knowledge does not have.
    pub job_words: Vec<String>,
    /// Known roles that share words with an unknown title, closest first.
    pub suggestions: Vec<usize>,
    /// The question is about a career path: what leads to a role, or what comes after it.
    pub asks_path: bool,
    /// A greeting, thanks or "what can you do?", when the message names no job.
    pub small_talk: Option<SmallTalk>,
    /// A word before the only role named that makes it another job ("a digital producer"):
    /// the word and the role's index.
    pub qualified: Option<(String, usize)>,
}

/// Reads `text` with the roles known to `matcher`, plus `extra` aliases if given, and the
/// aspect words learned from the knowledge in `terms`.
pub fn parse(text: &str, matcher: &Matcher, extra: Option<&Matcher>, terms: &AspectTerms) -> Question {
    let (tokens, sentence_ends) = normalize::tokenize_sentences(text);
    let found = matcher.find(&tokens, extra);
    let first_role_end = found
        .iter()
        .map(|f| match f {
            Found::Role(m) => m.end,
            Found::Ambiguous(ms) => ms[0].end,
        })
        .min();
    let after_role: Vec<bool> = (0..tokens.len())
        .map(|i| first_role_end.is_some_and(|end| i >= end))
        .collect();
    let mut in_role = vec![false; tokens.len()];
    for mention in found.iter().flat_map(|f| match f {
        Found::Role(m) => std::slice::from_ref(m),
        Found::Ambiguous(ms) => ms.as_slice(),
    }) {
        in_role[mention.start..mention.end]
            .iter_mut()
            .for_each(|r| *r = true);
    }
    let mut signal = AspectSignal::default();
    let passes = focus::passes(&tokens, &sentence_ends, &in_role);
    let last = passes.len() - 1;
    for (pass, weights) in passes.iter().enumerate() {
        let reading = aspect::Reading {
            after_role: &after_role,
            in_role: &in_role,
            weights,
            terms,
            folder: terms.folder(),
        };
        let found_here = aspect::detect(&tokens, &reading);
        let enough = if pass == last {
            focus::WHOLE_MESSAGE_MIN
        } else {
            f32::MIN_POSITIVE
        };
        if found_here.strongest() >= enough {
            signal = found_here;
            break;
        }
    }
    let (job_words, suggestions) = if found.is_empty() {
        (
            job_words(&tokens, matcher, &signal),
            matcher.roles_sharing_words(&tokens, 3),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let asks_path = asks_path(&tokens);
    let small_talk = match (found.is_empty(), job_words.is_empty()) {
        (true, true) => small_talk::detect(&tokens),
        _ => None,
    };
    let qualified = qualifier(&tokens, &found, matcher);
    Question {
        qualified,
        aspect: signal.best(),
        signal,
        found,
        job_words,
        suggestions,
        asks_path,
        small_talk,
        tokens,
    }
}

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
fn qualifier(tokens: &[Token], found: &[Found], matcher: &Matcher) -> Option<(String, usize)> {
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

/// Phrases about moving between roles: "what comes after", "how do I become", "next step".
fn asks_path(tokens: &[Token]) -> bool {
    const PATH: &[&str] = &[
        "after",
        "next step",
        "next",
        "lead to",
        "leads to",
        "career path",
        "path",
        "ladder",
        "promotion",
        "promoted",
        "progress",
        "progression",
        "move up",
        "step up",
        "become",
        "becoming",
        "way up",
        "come from",
        "comes from",
        "before",
        "route",
        "get to",
        "stepping stone",
    ];
    let words: Vec<&str> = tokens.iter().map(|t| t.raw.as_str()).collect();
    PATH.iter().any(|phrase| {
        let parts: Vec<&str> = phrase.split(' ').collect();
        words.windows(parts.len()).any(|w| w == parts.as_slice())
    })
}

/// Words that suggest the question is about a job: a word of a known role's name used in
/// another title ("executive chef"), a common job noun, or — when the question asks about
/// pay, skills, hours and the like — a word shaped like a job title ("attendant").
fn job_words(tokens: &[Token], matcher: &Matcher, signal: &AspectSignal) -> Vec<String> {
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

    use crate::engine::knowledge::{Knowledge, Role};

    fn read(question: &str) -> Question {
        let role = |id: &str, name: &str| Role {
            id: id.into(),
            name: name.into(),
            ..Role::default()
        };
        let roles = vec![
            role("travel-nurse", "Travel nurse"),
            role("location-manager", "Location manager"),
            role("ward-nurse", "Ward nurse"),
        ];
        let (knowledge, _) = Knowledge::new(roles, Vec::new());
        let terms = AspectTerms::build(&knowledge);
        parse(question, &Matcher::new(&knowledge), None, &terms)
    }

    #[test]
    fn words_of_a_role_name_are_not_aspect_words() {
        assert_eq!(read("what does a travel nurse do?").aspect, Aspect::Duties);
        assert_eq!(read("what does a locations manager do?").aspect, Aspect::Duties);
        assert_eq!(read("travel nurse vs ward nurse").aspect, Aspect::Overview);
        assert_eq!(
            read("does a ward nurse travel a lot?").aspect,
            Aspect::Environment
        );
    }

    #[test]
    fn the_question_outweighs_its_context() {
        let long = "I've saved a lot of money and my salary now is fine. I'm tired of the office. \
                    What does a ward nurse do?";
        assert_eq!(read(long).aspect, Aspect::Duties);
        let unmarked = "my pay is awful at the moment\nhow do I become a ward nurse";
        assert_eq!(read(unmarked).aspect, Aspect::Requirements);
        assert_eq!(read("ward nurse salary").aspect, Aspect::Salary);
    }

    #[test]
    fn a_clipped_or_slipped_role_word_is_read_when_the_rest_is_typed_in_full() {
        let found = |q: &str| -> Vec<usize> {
            read(q)
                .found
                .iter()
                .filter_map(|f| match f {
                    Found::Role(m) => Some(m.role),
                    Found::Ambiguous(_) => None,
                })
                .collect()
        };
        assert_eq!(found("loc manager hours"), [1]);
        assert_eq!(found("loc. manager hours"), [1]);
        assert_eq!(found("wrad nurse pay"), [2]);
        assert_eq!(found("loc mgr"), Vec::<usize>::new());
        assert_eq!(
            found("word nurse"),
            Vec::<usize>::new(),
            "a substitution is another word"
        );
    }

    #[test]
    fn a_qualifier_after_an_article_makes_another_job_unless_it_is_a_medium_or_a_judgement() {
        assert_eq!(
            read("how much does a digital ward nurse earn").qualified,
            Some(("digital".into(), 2))
        );
        assert_eq!(read("how much does a freelance ward nurse earn").qualified, None);
        assert_eq!(read("what does a good ward nurse do").qualified, None);
        assert_eq!(read("describe ward nurse duties").qualified, None);
    }

    #[test]
    fn job_shaped_words_need_a_job_question() {
        assert!(looks_like_job_title("attendant"));
        assert!(!looks_like_job_title("whatever"));
        assert!(!looks_like_job_title("pay"));
    }
}
