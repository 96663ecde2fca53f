//! The knowledge directory: role and comparison files, parsed and validated.
//!
//! Loading reports every problem it finds, as `file:line: message`, instead of stopping
//! at the first, so `rolecall check` can list them all. Knowledge with any problem is
//! refused as a whole: a half-loaded directory would answer some questions wrongly.
//!
//! Parts: `files` reads the directory within limits, `document` splits a file into front
//! matter and `##` sections, `parse` makes roles and comparisons of them, `validate` holds
//! the rules and their messages, `career` the career graph, and `model` the data.

mod career;
mod document;
mod files;
pub mod model;
mod parse;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::engine::normalize::phrase_key;
use crate::engine::vocabulary::{self, Vocabulary};

pub use files::{MAX_FILES, MAX_FILE_BYTES};
pub use model::{Comparison, Role, SalaryFigure, Section, PERIODS};
pub use parse::{parse_comparison, parse_role};
pub use validate::{is_valid_id, Clash, Diagnostic, Input, MAX_ID_LEN};

/// Why a knowledge directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read knowledge directory {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("knowledge directory {} has no roles/ folder with role files", path.display())]
    NoRoles { path: PathBuf },
    #[error("knowledge directory has {} problem(s); run `rolecall check` to list them", problems.len())]
    Invalid { problems: Vec<Diagnostic> },
}

/// Everything loaded from a knowledge directory.
#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    pub roles: Vec<Role>,
    comparisons: Vec<Comparison>,
    by_id: HashMap<String, usize>,
    by_pair: HashMap<(usize, usize), usize>,
    /// The [`phrase_key`] of every role name and alias → the role it names.
    names: HashMap<String, usize>,
    /// Career steps: `next[i]` are the roles role `i` usually leads to.
    next: Vec<Vec<usize>>,
    /// The folder's own aspect words (`vocabulary.toml`), if it has them.
    pub vocabulary: Option<Vocabulary>,
}

impl Knowledge {
    /// Builds knowledge from parsed roles and comparisons, with the clashes between them.
    /// A role whose id is taken is left out; a name that is taken keeps its first owner.
    pub fn new(roles: Vec<Role>, comparisons: Vec<Comparison>) -> (Knowledge, Vec<Clash>) {
        let (owners, mut clashes) = validate::name_owners(&roles);
        let mut knowledge = Knowledge::default();
        // The knowledge position of each input role, and the input position of each kept one.
        let mut positions = Vec::with_capacity(roles.len());
        let mut inputs = Vec::with_capacity(roles.len());
        for (i, role) in roles.into_iter().enumerate() {
            if let Some(&kept) = knowledge.by_id.get(&role.id) {
                positions.push(kept);
                clashes.push(Clash::DuplicateId { role: i, id: role.id });
                continue;
            }
            positions.push(knowledge.roles.len());
            knowledge.by_id.insert(role.id.clone(), knowledge.roles.len());
            knowledge.roles.push(role);
            inputs.push(i);
        }
        knowledge.names = owners
            .into_iter()
            .map(|(key, input)| (key, positions[input]))
            .collect();
        clashes.extend(knowledge.link_career_paths(&inputs));
        clashes.extend(knowledge.add_comparisons(comparisons));
        (knowledge, clashes)
    }

    /// Indexes comparisons by their pair of roles; a comparison of unknown roles is left
    /// out, a second one of the same pair is kept but not indexed.
    fn add_comparisons(&mut self, comparisons: Vec<Comparison>) -> Vec<Clash> {
        let mut clashes = Vec::new();
        for (i, comparison) in comparisons.into_iter().enumerate() {
            let [a, b] = &comparison.roles;
            match (self.index(a), self.index(b)) {
                (Some(a), Some(b)) => {
                    let key = (a.min(b), a.max(b));
                    if self.by_pair.insert(key, self.comparisons.len()).is_some() {
                        clashes.push(Clash::SecondComparison {
                            comparison: i,
                            roles: comparison.roles.clone(),
                        });
                    }
                    self.comparisons.push(comparison);
                }
                _ => {
                    for id in [a, b].into_iter().filter(|id| self.index(id).is_none()) {
                        clashes.push(Clash::UnknownComparedRole {
                            comparison: i,
                            id: id.clone(),
                        });
                    }
                }
            }
        }
        clashes
    }

    /// The position of role `id` in `roles`.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The role with this id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.index(id).map(|i| &self.roles[i])
    }

    /// The role that `phrase` is a name or alias of, compared by [`phrase_key`] (case,
    /// plurals and punctuation do not count). A phrase names at most one role: loading
    /// refuses knowledge where two roles share one, and a server alias may not take one.
    pub fn name_owner(&self, phrase: &str) -> Option<&Role> {
        self.names.get(&phrase_key(phrase)).map(|&i| &self.roles[i])
    }

    /// The comparison file for two roles, in either order.
    pub fn comparison(&self, a: usize, b: usize) -> Option<&Comparison> {
        self.by_pair
            .get(&(a.min(b), a.max(b)))
            .map(|&i| &self.comparisons[i])
    }

    /// How many comparison files were loaded.
    pub fn comparison_count(&self) -> usize {
        self.comparisons.len()
    }
}

/// Loads and validates the knowledge directory at `dir`.
pub fn load(dir: &Path) -> Result<Knowledge, LoadError> {
    let (knowledge, problems) = load_with_problems(dir)?;
    if problems.is_empty() {
        Ok(knowledge)
    } else {
        Err(LoadError::Invalid { problems })
    }
}

/// Loads what can be loaded and returns every problem found along the way, sorted by
/// file and line.
pub fn load_with_problems(dir: &Path) -> Result<(Knowledge, Vec<Diagnostic>), LoadError> {
    let mut files = files::Files::open(dir)?;
    let roles_dir = dir.join("roles");
    let mut problems = Vec::new();
    let roles = files.parse_folder(&roles_dir, &mut problems, parse_role);
    let comparisons_dir = dir.join("comparisons");
    let comparisons = if comparisons_dir.is_dir() {
        files.parse_folder(&comparisons_dir, &mut problems, parse_comparison)
    } else {
        Vec::new()
    };
    if roles.is_empty() && problems.is_empty() {
        return Err(LoadError::NoRoles {
            path: dir.to_path_buf(),
        });
    }
    let (role_paths, roles): (Vec<PathBuf>, Vec<Role>) = roles.into_iter().unzip();
    let (comparison_paths, comparisons): (Vec<PathBuf>, Vec<Comparison>) = comparisons.into_iter().unzip();
    let (mut knowledge, clashes) = Knowledge::new(roles, comparisons);
    knowledge.vocabulary = read_vocabulary(dir, &knowledge, &mut problems);
    for clash in clashes {
        let path = match (clash.input(), &clash) {
            (Input::Role(i), _) => &role_paths[i],
            // A role whose own file is broken is already reported there.
            (_, Clash::UnknownComparedRole { id, .. }) if roles_dir.join(format!("{id}.md")).is_file() => {
                continue
            }
            (Input::Comparison(i), _) => &comparison_paths[i],
        };
        problems.push(Diagnostic::new(path, 0, clash.to_string()));
    }
    problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok((knowledge, problems))
}

/// The file of a folder's own aspect words, at its top.
pub const VOCABULARY_FILE: &str = "vocabulary.toml";

/// Reads the folder's optional vocabulary file, reporting its problems and any phrase that
/// is a role's name or alias (a role name never says what is asked about the role).
fn read_vocabulary(dir: &Path, knowledge: &Knowledge, problems: &mut Vec<Diagnostic>) -> Option<Vocabulary> {
    let path = dir.join(VOCABULARY_FILE);
    if !path.symlink_metadata().is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = files::read_file(&path, problems)?;
    let (vocabulary, found) = Vocabulary::parse(&text);
    problems.extend(
        found
            .into_iter()
            .map(|p| Diagnostic::new(&path, p.line, p.message)),
    );
    for (_, phrase) in vocabulary.phrases() {
        if let Some(role) = knowledge.name_owner(phrase) {
            let message = format!(
                "\"{phrase}\" names the role {}; role names are not aspect words",
                role.name
            );
            problems.push(Diagnostic::new(
                &path,
                vocabulary::find_line(&text, phrase),
                message,
            ));
        }
    }
    Some(vocabulary)
}

#[cfg(test)]
mod tests;
