//! The rules knowledge files must keep, and the problems reported when they do not.
//!
//! Rules about one file (id form, names, sources, salary figures) give messages that the
//! parser places at the front matter's line. Rules between files (one role per id and per
//! name, known roles in career paths and comparisons) are [`Clash`]es: typed values that
//! carry the ids involved, so nothing has to read its own messages back.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::engine::normalize::phrase_key;

use super::model::{Role, SalaryFigure, PERIODS};

/// Role ids are at most this long. An id is a file-name-like key (the role's file is
/// `roles/<id>.md`) that questions, commands and stored settings refer to, so it stays a
/// short handle rather than a description.
pub const MAX_ID_LEN: usize = 64;

/// One problem in one knowledge file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    pub message: String,
}

impl Diagnostic {
    /// A problem at `line` (0: the whole file) of the file at `path`.
    pub fn new(path: &Path, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.path.display(),
            self.line.max(1),
            self.message
        )
    }
}

/// A `report(line, message)` that adds problems about the file at `path` to `problems`.
pub(super) fn reporter<'a>(
    path: &'a Path,
    problems: &'a mut Vec<Diagnostic>,
) -> impl FnMut(usize, String) + 'a {
    move |line, message| problems.push(Diagnostic::new(path, line, message))
}

/// Which of the inputs to [`Knowledge::new`](super::Knowledge::new) a clash concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Role(usize),
    Comparison(usize),
}

/// A problem found when putting roles and comparisons together. `role` and `comparison`
/// are positions in the inputs to [`Knowledge::new`](super::Knowledge::new); the message
/// is the `Display` text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Clash {
    /// A name or alias of `role` names role `owner` already (see [`phrase_key`]).
    #[error("alias \"{phrase}\" is also a name or alias of role \"{owner}\"")]
    NameTaken {
        role: usize,
        phrase: String,
        owner: String,
    },
    /// A second role with the id of an earlier one; it is left out.
    #[error("duplicate role id \"{id}\"")]
    DuplicateId { role: usize, id: String },
    /// `role`'s career path names the role itself.
    #[error("career path links role \"{id}\" to itself")]
    SelfLink { role: usize, id: String },
    /// `role`'s career path names a role id that is not loaded.
    #[error("career path names unknown role id \"{id}\"")]
    UnknownCareerRole { role: usize, id: String },
    /// Career paths lead round in a circle, through these role ids (the first repeated at
    /// the end); `role` is where the circle was found.
    #[error("career paths form a cycle: {}", cycle.join(" → "))]
    Cycle { role: usize, cycle: Vec<String> },
    /// A second comparison file for the same two roles.
    #[error("a second comparison of {} and {}", roles[0], roles[1])]
    SecondComparison { comparison: usize, roles: [String; 2] },
    /// A comparison names a role id that is not loaded.
    #[error("comparison names unknown role id \"{id}\"")]
    UnknownComparedRole { comparison: usize, id: String },
}

impl Clash {
    /// The input the clash is reported against.
    pub fn input(&self) -> Input {
        match self {
            Clash::NameTaken { role, .. }
            | Clash::DuplicateId { role, .. }
            | Clash::SelfLink { role, .. }
            | Clash::UnknownCareerRole { role, .. }
            | Clash::Cycle { role, .. } => Input::Role(*role),
            Clash::SecondComparison { comparison, .. } | Clash::UnknownComparedRole { comparison, .. } => {
                Input::Comparison(*comparison)
            }
        }
    }
}

/// A phrase may name only one role: the owner of each phrase key is the first role (by
/// input position) that uses it, and a later role with another id that uses it clashes.
/// A role repeating its own phrase, or a duplicate of its id, is not a clash here.
pub(super) fn name_owners(roles: &[Role]) -> (HashMap<String, usize>, Vec<Clash>) {
    let mut owners: HashMap<String, usize> = HashMap::new();
    let mut clashes = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let mut own = HashSet::new();
        for phrase in role.names() {
            let key = phrase_key(phrase);
            if key.is_empty() || !own.insert(key.clone()) {
                continue;
            }
            match owners.get(&key) {
                Some(&other) if roles[other].id != role.id => clashes.push(Clash::NameTaken {
                    role: i,
                    phrase: phrase.clone(),
                    owner: roles[other].id.clone(),
                }),
                _ => {
                    owners.entry(key).or_insert(i);
                }
            }
        }
    }
    (owners, clashes)
}

/// Whether `id` is a valid role id: lowercase ASCII letters, digits and inner '-', at
/// most [`MAX_ID_LEN`] long.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// What is wrong with a role file's `id`: its form, or a file name that differs from it.
pub(super) fn id_problem(id: &str, path: &Path) -> Option<String> {
    if !is_valid_id(id) {
        Some(format!(
            "id \"{id}\" must be lowercase letters, digits and '-', at most {MAX_ID_LEN} long"
        ))
    } else if path.file_stem().is_some_and(|s| s.to_string_lossy() != id) {
        Some(format!("id \"{id}\" does not match the file name"))
    } else {
        None
    }
}

/// A name and aliases must each have words to match.
pub(super) fn phrase_problems(name: &str, aliases: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    if phrase_key(name).is_empty() {
        problems.push("name is empty".to_string());
    }
    for alias in aliases {
        if phrase_key(alias).is_empty() {
            problems.push(format!("alias \"{alias}\" has no letters or digits"));
        }
    }
    problems
}

/// Every file says where its facts come from.
pub(super) fn sources_problem(sources: &[String]) -> Option<String> {
    sources
        .iter()
        .all(|s| s.trim().is_empty())
        .then(|| "sources is empty: name where the facts come from".to_string())
}

/// Each salary figure needs a number that is finite and not negative, a known period, and
/// its currency, year and source.
pub(super) fn salary_problems(figures: &[SalaryFigure]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, figure) in figures.iter().enumerate() {
        let entry = i + 1;
        let numbers = figure.numbers();
        if numbers.iter().all(Option::is_none) {
            problems.push(format!(
                "salary entry {entry} has no number (low, high, median, average or amount)"
            ));
        }
        if numbers.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
            problems.push(format!("salary entry {entry} has a negative or invalid number"));
        }
        if !PERIODS.contains(&figure.period.as_str()) {
            problems.push(format!(
                "salary entry {entry} has period \"{}\"; use one of {}",
                figure.period,
                PERIODS.join(", ")
            ));
        }
        if [&figure.currency, &figure.source, &figure.year]
            .iter()
            .any(|s| s.trim().is_empty())
        {
            problems.push(format!("salary entry {entry} needs currency, year and source"));
        }
    }
    problems
}
