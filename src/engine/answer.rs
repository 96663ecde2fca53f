//! Answers as plain data: what a reply says, before any renderer decides how it looks.
//!
//! The CLI renders an `Answer` as text or JSON and the Discord adapter as embeds; both
//! read the same fields, so the console shows exactly what the bot would say.

use crate::engine::aspect::Aspect;
use crate::engine::knowledge::{Knowledge, Role, SalaryFigure, Section};
use crate::engine::matcher::{Found, Mention};
use crate::engine::question::Question;
use crate::engine::small_talk;

/// How a question was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The answer is about known roles.
    Answered,
    /// The question is about a role the knowledge does not have.
    UnknownRole,
    /// Off-topic, empty, or ambiguous between roles.
    NotUnderstood,
}

impl Status {
    /// The stable id used in JSON ("answered", "unknown_role", "not_understood").
    pub fn id(self) -> &'static str {
        match self {
            Status::Answered => "answered",
            Status::UnknownRole => "unknown_role",
            Status::NotUnderstood => "not_understood",
        }
    }
}

/// A block of answer text, optionally headed by the role it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub heading: Option<String>,
    pub text: String,
}

/// A salary figure and the role it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleFigure {
    pub role: String,
    pub figure: SalaryFigure,
}

/// Everything a reply needs to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: Status,
    /// Ids of the roles the answer is about.
    pub roles: Vec<String>,
    pub aspect: Option<Aspect>,
    pub title: String,
    pub parts: Vec<Part>,
    /// A one-line summary ("In short: …"), if the knowledge has one.
    pub summary: Option<String>,
    /// Which role earns more by the headline figures, for salary comparisons.
    pub verdict: Option<String>,
    /// Salary figures of the roles, for salary answers.
    pub figures: Vec<RoleFigure>,
    pub sources: Vec<String>,
    /// Remarks on how the question was read ("read "exec prodcer" as Executive producer").
    pub notes: Vec<String>,
    /// Role ids offered as "did you mean".
    pub suggestions: Vec<String>,
    /// The aspect the question asked about, kept even when no role was understood, so a
    /// "did you mean" choice can answer the same question.
    pub asked_aspect: Aspect,
    /// For an unknown role, the words that named it ("executive director").
    pub unknown_name: Option<String>,
    /// The asker would be helped by the list of roles the knowledge has (the role they
    /// named is not in it). The engine has no words for how to get that list, since each
    /// front end offers it its own way: a renderer that sees this adds its own hint (the
    /// terminal's `roles` command, a chat command or button).
    pub offer_role_list: bool,
    /// Where the role sits on a career ladder, when the question asked about the path.
    pub path: Option<CareerPath>,
}

/// A role's place on the career ladder the knowledge describes (role ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareerPath {
    pub role: String,
    /// Roles that usually lead to this one.
    pub from: Vec<String>,
    /// Roles this one usually leads to.
    pub to: Vec<String>,
    /// A typical ladder up to this role, lowest step first, ending with the role.
    pub ladder: Vec<String>,
}

impl Answer {
    pub(crate) fn empty(status: Status, title: String) -> Answer {
        Answer {
            status,
            roles: Vec::new(),
            aspect: None,
            title,
            parts: Vec::new(),
            summary: None,
            verdict: None,
            figures: Vec::new(),
            sources: Vec::new(),
            notes: Vec::new(),
            suggestions: Vec::new(),
            asked_aspect: Aspect::Overview,
            unknown_name: None,
            offer_role_list: false,
            path: None,
        }
    }
}

/// The ids of the roles `question` names, in order, each once (ambiguous mentions left out).
pub fn named_roles(knowledge: &Knowledge, question: &Question) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for found in &question.found {
        if let Found::Role(m) = found {
            let id = &knowledge.roles[m.role].id;
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    ids
}

/// Composes the answer to a parsed question.
pub fn compose(knowledge: &Knowledge, question: &Question) -> Answer {
    if let Some(Found::Ambiguous(options)) = question.found.iter().find(|f| matches!(f, Found::Ambiguous(_)))
    {
        return ambiguous(knowledge, options);
    }
    let mut mentions: Vec<&Mention> = Vec::new();
    for found in &question.found {
        if let Found::Role(m) = found {
            if !mentions.iter().any(|seen| seen.role == m.role) {
                mentions.push(m);
            }
        }
    }
    let mut notes: Vec<String> = mentions
        .iter()
        .filter(|m| m.corrected)
        .map(|m| format!("Read \"{}\" as {}.", m.typed, knowledge.roles[m.role].name))
        .collect();
    let mut answer = match mentions.as_slice() {
        [] if !question.job_words.is_empty() => unknown_role(knowledge, question),
        [] => small_talk::reply(knowledge, question.small_talk),
        [_] if question.qualified.is_some() => unknown_role(knowledge, question),
        [one] => {
            let mut answer = about_role(knowledge, one.role, question.aspect);
            if question.asks_path {
                answer.path = career_path(knowledge, one.role);
            }
            answer
        }
        [a, b, rest @ ..] => {
            if !rest.is_empty() {
                notes.push(format!(
                    "I compare two roles at a time; left out: {}.",
                    rest.iter()
                        .map(|m| knowledge.roles[m.role].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            comparing(knowledge, a.role, b.role, question.aspect)
        }
    };
    answer.notes.extend(notes);
    answer.asked_aspect = question.aspect;
    answer
}

/// The answer about one role's aspect.
pub fn about_role(knowledge: &Knowledge, role: usize, aspect: Aspect) -> Answer {
    let role = &knowledge.roles[role];
    let section = &role.sections[&aspect];
    let mut answer = Answer::empty(Status::Answered, format!("{} — {}", role.name, aspect.heading()));
    answer.roles = vec![role.id.clone()];
    answer.aspect = Some(aspect);
    answer.asked_aspect = aspect;
    answer.parts = vec![Part {
        heading: None,
        text: section.text.clone(),
    }];
    answer.summary = section.in_short.clone();
    answer.sources = role.sources.clone();
    if aspect == Aspect::Salary {
        answer.figures = figures_of(role);
    }
    answer
}

/// The role's place on the career ladder, if the knowledge links it to other roles.
pub fn career_path(knowledge: &Knowledge, role: usize) -> Option<CareerPath> {
    let ids = |indices: &[usize]| -> Vec<String> {
        indices.iter().map(|&i| knowledge.roles[i].id.clone()).collect()
    };
    let from = knowledge.previous_roles(role);
    let to = knowledge.next_roles(role);
    if from.is_empty() && to.is_empty() {
        return None;
    }
    Some(CareerPath {
        role: knowledge.roles[role].id.clone(),
        from: ids(&from),
        to: ids(to),
        ladder: ids(&knowledge.ladder_to(role)),
    })
}

/// The answer to "what is the career path of this role?" (`/path`).
pub fn path_answer(knowledge: &Knowledge, role: usize) -> Answer {
    let name = &knowledge.roles[role].name;
    let mut answer = Answer::empty(Status::Answered, format!("{name} — Career path"));
    answer.roles = vec![knowledge.roles[role].id.clone()];
    answer.aspect = Some(Aspect::Overview);
    answer.path = career_path(knowledge, role);
    if answer.path.is_none() {
        answer.parts = vec![Part {
            heading: None,
            text: format!(
                "The knowledge does not link {name} to other roles, so there is no career path to show."
            ),
        }];
    }
    answer.sources = knowledge.roles[role].sources.clone();
    answer
}

/// The answer comparing two roles on one aspect: the comparison file's section when there
/// is one, else the two roles' own sections side by side.
pub fn comparing(knowledge: &Knowledge, a: usize, b: usize, aspect: Aspect) -> Answer {
    let (role_a, role_b) = (&knowledge.roles[a], &knowledge.roles[b]);
    let mut answer = Answer::empty(
        Status::Answered,
        format!("{} vs {} — {}", role_a.name, role_b.name, aspect.heading()),
    );
    answer.roles = vec![role_a.id.clone(), role_b.id.clone()];
    answer.aspect = Some(aspect);
    answer.asked_aspect = aspect;
    match knowledge.comparison(a, b) {
        Some(comparison) => {
            let section: &Section = &comparison.sections[&aspect];
            answer.parts = vec![Part {
                heading: None,
                text: section.text.clone(),
            }];
            answer.summary = section.in_short.clone();
            answer.sources = comparison.sources.clone();
        }
        None => {
            answer.parts = [role_a, role_b]
                .iter()
                .map(|r| Part {
                    heading: Some(r.name.clone()),
                    text: r.sections[&aspect].text.clone(),
                })
                .collect();
            answer.sources = role_a.sources.clone();
            for source in &role_b.sources {
                if !answer.sources.contains(source) {
                    answer.sources.push(source.clone());
                }
            }
        }
    }
    if aspect == Aspect::Salary {
        answer.figures = figures_of(role_a);
        answer.figures.extend(figures_of(role_b));
        answer.verdict = Some(who_earns_more(role_a, role_b));
    }
    answer
}

fn figures_of(role: &Role) -> Vec<RoleFigure> {
    role.salary
        .iter()
        .map(|f| RoleFigure {
            role: role.name.clone(),
            figure: f.clone(),
        })
        .collect()
}

/// Says which role earns more by their headline figures, and by how much, or why the
/// figures cannot tell.
pub fn who_earns_more(a: &Role, b: &Role) -> String {
    let (fa, fb) = match (a.headline_salary(), b.headline_salary()) {
        (Some(fa), Some(fb)) => (fa, fb),
        (fa, _) => {
            let missing = if fa.is_none() { a } else { b };
            return format!(
                "The knowledge has no salary figure specific to the {} role, so it cannot say who earns more.",
                missing.name.to_lowercase()
            );
        }
    };
    let (Some(va), Some(vb)) = (fa.typical(), fb.typical()) else {
        return "The salary figures cannot be compared.".to_string();
    };
    if fa.currency != fb.currency || fa.period != fb.period {
        return format!(
            "The headline figures are in different units ({} per {} against {} per {}), so they cannot be compared directly.",
            fa.currency, fa.period, fb.currency, fb.period
        );
    }
    let describe =
        |r: &Role, f: &SalaryFigure| format!("{} {} ({}, {})", r.name, describe_figure(f), f.source, f.year);
    let (high, low, fh, fl) = if va >= vb { (a, b, fa, fb) } else { (b, a, fb, fa) };
    if (va - vb).abs() < f64::EPSILON {
        return format!(
            "By the headline figures they earn the same: {} and {}.",
            describe(a, fa),
            describe(b, fb)
        );
    }
    let basis = if fa.median.is_some() && fb.median.is_some() {
        "medians"
    } else {
        "typical values"
    };
    format!(
        "By the headline figures, {} earns more: {} against {}; the gap between the {basis} is {} per {}. The figures come from different sources and years, so treat the gap as a rough guide.",
        with_article(&high.name.to_lowercase()),
        describe(high, fh),
        describe(low, fl),
        money(&fh.currency, (va - vb).abs()),
        fh.period,
    )
}

/// "an executive producer", "a line producer".
fn with_article(noun: &str) -> String {
    format!("{} {noun}", small_talk::indefinite(noun))
}

/// "median $95,884 per year", "$50,000–$80,000 per year".
pub fn describe_figure(f: &SalaryFigure) -> String {
    let range = match (f.low, f.high) {
        (Some(l), Some(h)) => Some(format!("{}–{}", money(&f.currency, l), money(&f.currency, h))),
        (Some(l), None) => Some(format!("from {}", money(&f.currency, l))),
        (None, Some(h)) => Some(format!("up to {}", money(&f.currency, h))),
        (None, None) => None,
    };
    let median = match (f.median, f.average, f.amount) {
        (Some(m), _, _) => Some(format!("median {}", money(&f.currency, m))),
        (None, Some(a), _) => Some(format!("average {}", money(&f.currency, a))),
        (None, None, Some(a)) => Some(money(&f.currency, a)),
        (None, None, None) => None,
    };
    let amount = match (median, range) {
        (Some(m), Some(r)) => format!("{m} (range {r})"),
        (Some(m), None) => m,
        (None, Some(r)) => r,
        (None, None) => String::new(),
    };
    format!("{amount} per {}", f.period)
}

/// Formats an amount with its currency: "$95,884", "£40,000", "13.36 CHF".
pub fn money(currency: &str, amount: f64) -> String {
    // Whole units as written by the float itself, so huge figures are not clamped.
    let rounded = (amount * 100.0).round() / 100.0;
    let cents = ((rounded - rounded.trunc()) * 100.0).round().abs() as u64;
    let mut digits = format!("{:.0}", rounded.trunc().abs());
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let mut number = format!("{digits}{grouped}");
    if cents > 0 {
        number = format!("{number}.{cents:02}");
    }
    match currency {
        "USD" => format!("${number}"),
        "GBP" => format!("£{number}"),
        "EUR" => format!("€{number}"),
        other => format!("{number} {other}"),
    }
}

fn unknown_role(knowledge: &Knowledge, question: &Question) -> Answer {
    let mut answer = Answer::empty(Status::UnknownRole, "I don't know that role".to_string());
    answer.parts = vec![Part {
        heading: None,
        text: "I could not find that role in my knowledge.".to_string(),
    }];
    answer.offer_role_list = true;
    // "a digital producer": the known role comes first among the suggestions.
    let known = question.qualified.as_ref().map(|(_, role)| *role);
    answer.suggestions = known
        .into_iter()
        .chain(question.suggestions.iter().copied().filter(|i| Some(*i) != known))
        .map(|i| knowledge.roles[i].id.clone())
        .collect();
    let name: String = match &question.qualified {
        Some((word, role)) => format!("{word} {}", knowledge.roles[*role].name.to_lowercase()),
        None => question.job_words.join(" "),
    };
    let name: String = name.chars().take(60).collect();
    answer.unknown_name = Some(name).filter(|n| !n.is_empty());
    answer
}

/// The answer when `typed` (a role typed into a command's option) names no single role:
/// "I don't know that role", offering `suggestions` (role ids). The notes and unknown name
/// of `read`, the answer the text got as a question, are kept.
pub fn not_a_role(typed: &str, suggestions: Vec<String>, read: Answer) -> Answer {
    let mut answer = Answer::empty(Status::UnknownRole, "I don't know that role".to_string());
    answer.parts = vec![Part {
        heading: None,
        text: format!("\"{}\" is not a role I know.", clip(typed, 100)),
    }];
    answer.suggestions = suggestions;
    answer.notes = read.notes;
    answer.unknown_name = read.unknown_name;
    answer.asked_aspect = read.asked_aspect;
    answer
}

/// `text` without surrounding space, cut to fewer than `max` characters at a word
/// boundary (mid-word when it is one word) and marked with "…" when cut.
fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(2)).collect();
    match cut.rfind(char::is_whitespace) {
        Some(space) if space > 0 => format!("{}…", cut[..space].trim_end()),
        _ => format!("{cut}…"),
    }
}

fn ambiguous(knowledge: &Knowledge, options: &[Mention]) -> Answer {
    let names: Vec<&str> = options
        .iter()
        .map(|m| knowledge.roles[m.role].name.as_str())
        .collect();
    let mut answer = Answer::empty(Status::NotUnderstood, "Which role do you mean?".to_string());
    answer.parts = vec![Part {
        heading: None,
        text: format!(
            "\"{}\" could mean {}. Which one?",
            options[0].typed,
            names.join(" or ")
        ),
    }];
    answer.suggestions = options
        .iter()
        .map(|m| knowledge.roles[m.role].id.clone())
        .collect();
    answer
}

#[cfg(test)]
mod tests {
    use super::{clip, money};

    #[test]
    fn clipping_keeps_short_text_and_cuts_long_text_at_a_word() {
        assert_eq!(clip("  line producer ", 100), "line producer");
        assert_eq!(clip("one two three four", 12), "one two…");
        assert_eq!(clip(&"x".repeat(200), 100), format!("{}…", "x".repeat(98)));
    }

    #[test]
    fn amounts_are_grouped_with_their_currency() {
        assert_eq!(money("USD", 95884.0), "$95,884");
        assert_eq!(money("GBP", 13.36), "£13.36");
        assert_eq!(money("CHF", 1e20), "100,000,000,000,000,000,000 CHF");
    }
}
