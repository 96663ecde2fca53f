//! The knowledge directory: role and comparison files, parsed and validated.
//!
//! Loading reports every problem it finds, as `file:line: message`, instead of stopping
//! at the first, so `rolecall check` can list them all. Knowledge with any problem is
//! refused as a whole: a half-loaded directory would answer some questions wrongly.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::aspect::Aspect;
use crate::engine::document::{self, Document};
use crate::engine::normalize;

/// Files larger than this are refused rather than read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// Role ids are at most this long, so that two fit in a Discord component id.
pub const MAX_ID_LEN: usize = 40;
/// A directory with more files than this is refused.
pub const MAX_FILES: usize = 50_000;

/// One problem in one knowledge file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    pub message: String,
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

/// A salary figure exactly as a source states it.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SalaryFigure {
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub median: Option<f64>,
    /// An average, where the source gives one instead of a median.
    #[serde(default)]
    pub average: Option<f64>,
    /// A single figure the source does not call a median or an average.
    #[serde(default)]
    pub amount: Option<f64>,
    pub currency: String,
    /// One of [`PERIODS`]; common spellings ("annual", "hourly", "per day") are read as them.
    #[serde(deserialize_with = "period")]
    pub period: String,
    /// The year the figure is for ("2020", "May 2010", "no year"); a bare number is accepted.
    #[serde(deserialize_with = "text_or_number")]
    pub year: String,
    pub source: String,
    /// The figure covers a wider occupation (e.g. all producers), not this role alone.
    #[serde(default)]
    pub baseline: bool,
    #[serde(default)]
    pub note: Option<String>,
}

const PERIODS: [&str; 6] = ["year", "month", "week", "day", "hour", "episode"];

fn period<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?.trim().to_lowercase();
    let text = text
        .strip_prefix("per ")
        .or_else(|| text.strip_prefix("a "))
        .unwrap_or(&text)
        .trim();
    Ok(match text {
        "annual" | "annually" | "yearly" | "annum" => "year",
        "monthly" => "month",
        "weekly" => "week",
        "daily" => "day",
        "hourly" => "hour",
        other => other,
    }
    .to_string())
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Whole(i64),
        Number(f64),
    }
    Ok(match TextOrNumber::deserialize(deserializer)? {
        TextOrNumber::Text(text) => text,
        TextOrNumber::Whole(n) => n.to_string(),
        TextOrNumber::Number(n) => n.to_string(),
    })
}

/// Salary figures as an array of tables (`[[salary]]`) or, for one figure, a table.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<SalaryFigure>, D::Error> {
    struct Figures;
    impl<'de> serde::de::Visitor<'de> for Figures {
        type Value = Vec<SalaryFigure>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a salary table or an array of salary tables")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            SalaryFigure::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|f| vec![f])
        }
    }
    deserializer.deserialize_any(Figures)
}

impl Role {
    /// The figure "who earns more" compares: the first one specific to this role.
    pub fn headline_salary(&self) -> Option<&SalaryFigure> {
        self.salary.iter().find(|f| !f.baseline)
    }
}

impl SalaryFigure {
    /// One number that stands for the figure: the median, average or single amount, else
    /// the middle of the range.
    pub fn typical(&self) -> Option<f64> {
        match (self.median.or(self.average).or(self.amount), self.low, self.high) {
            (Some(m), _, _) => Some(m),
            (None, Some(l), Some(h)) => Some((l + h) / 2.0),
            (None, l, h) => l.or(h),
        }
    }
}

/// A section of a role or comparison file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The prose, without the `In short:` line.
    pub text: String,
    /// The one-line summary from an `In short:` line, if the file has one.
    pub in_short: Option<String>,
}

/// One role, as its file describes it.
#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub sources: Vec<String>,
    pub salary: Vec<SalaryFigure>,
    /// Roles this one usually leads to, and usually comes from (ids).
    pub leads_to: Vec<String>,
    pub comes_from: Vec<String>,
    pub sections: BTreeMap<Aspect, Section>,
}

/// A hand-written comparison of two roles.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Role ids in the order the file names them.
    pub roles: [String; 2],
    pub sources: Vec<String>,
    pub sections: BTreeMap<Aspect, Section>,
}

/// A problem found when putting roles and comparisons together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub input: Input,
    pub message: String,
}

/// Which of the inputs to [`Knowledge::new`] a clash concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Role(usize),
    Comparison(usize),
}

/// Everything loaded from a knowledge directory.
#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    pub roles: Vec<Role>,
    comparisons: Vec<Comparison>,
    by_id: HashMap<String, usize>,
    by_pair: HashMap<(usize, usize), usize>,
    /// Career steps: `next[i]` are the roles role `i` usually leads to.
    next: Vec<Vec<usize>>,
}

impl Knowledge {
    /// Builds knowledge from parsed roles and comparisons, with the clashes between them.
    pub fn new(roles: Vec<Role>, comparisons: Vec<Comparison>) -> (Knowledge, Vec<Clash>) {
        let mut problems = Vec::new();
        let mut knowledge = Knowledge::default();
        let mut inputs = Vec::new();
        for (i, role) in roles.into_iter().enumerate() {
            if knowledge.by_id.contains_key(&role.id) {
                problems.push(Clash {
                    input: Input::Role(i),
                    message: format!("duplicate role id \"{}\"", role.id),
                });
                continue;
            }
            knowledge.by_id.insert(role.id.clone(), knowledge.roles.len());
            knowledge.roles.push(role);
            inputs.push(i);
        }
        problems.extend(knowledge.link_career_paths(&inputs));
        for (i, comparison) in comparisons.into_iter().enumerate() {
            let [a, b] = &comparison.roles;
            match (knowledge.index(a), knowledge.index(b)) {
                (Some(a), Some(b)) => {
                    let key = (a.min(b), a.max(b));
                    if knowledge
                        .by_pair
                        .insert(key, knowledge.comparisons.len())
                        .is_some()
                    {
                        let message = format!(
                            "a second comparison of {} and {}",
                            comparison.roles[0], comparison.roles[1]
                        );
                        problems.push(Clash {
                            input: Input::Comparison(i),
                            message,
                        });
                    }
                    knowledge.comparisons.push(comparison);
                }
                _ => {
                    for id in [a, b].into_iter().filter(|id| knowledge.index(id).is_none()) {
                        let message = format!("comparison names unknown role id \"{id}\"");
                        problems.push(Clash {
                            input: Input::Comparison(i),
                            message,
                        });
                    }
                }
            }
        }
        (knowledge, problems)
    }

    /// Builds the career-step graph from `leads_to` and `comes_from`, reporting links to
    /// unknown roles and cycles. `inputs[i]` is the input position of `roles[i]`.
    fn link_career_paths(&mut self, inputs: &[usize]) -> Vec<Clash> {
        let mut problems = Vec::new();
        let mut next = vec![Vec::new(); self.roles.len()];
        for (i, role) in self.roles.iter().enumerate() {
            let links = role
                .leads_to
                .iter()
                .map(|id| (id, true))
                .chain(role.comes_from.iter().map(|id| (id, false)));
            for (id, forward) in links {
                match self.index(id) {
                    Some(j) if j == i => problems.push(Clash {
                        input: Input::Role(inputs[i]),
                        message: format!("career path links role \"{id}\" to itself"),
                    }),
                    Some(j) if forward => next[i].push(j),
                    Some(j) => next[j].push(i),
                    None => problems.push(Clash {
                        input: Input::Role(inputs[i]),
                        message: format!("career path names unknown role id \"{id}\""),
                    }),
                }
            }
        }
        for steps in &mut next {
            steps.sort_unstable();
            steps.dedup();
        }
        if let Some(cycle) = find_cycle(&next) {
            let names: Vec<&str> = cycle.iter().map(|&i| self.roles[i].id.as_str()).collect();
            problems.push(Clash {
                input: Input::Role(inputs[cycle[0]]),
                message: format!("career paths form a cycle: {}", names.join(" → ")),
            });
        } else {
            self.next = next;
        }
        problems
    }

    /// Roles that role `i` usually leads to.
    pub fn next_roles(&self, i: usize) -> &[usize] {
        self.next.get(i).map_or(&[], Vec::as_slice)
    }

    /// Roles that usually lead to role `i`.
    pub fn previous_roles(&self, i: usize) -> Vec<usize> {
        (0..self.next.len())
            .filter(|&j| self.next[j].contains(&i))
            .collect()
    }

    /// A typical ladder up to role `i`, from the lowest step: the longest chain of
    /// earlier roles, ending with `i` itself.
    pub fn ladder_to(&self, i: usize) -> Vec<usize> {
        let mut memo: HashMap<usize, Vec<usize>> = HashMap::new();
        self.longest_path_to(i, &mut memo)
    }

    fn longest_path_to(&self, i: usize, memo: &mut HashMap<usize, Vec<usize>>) -> Vec<usize> {
        if let Some(path) = memo.get(&i) {
            return path.clone();
        }
        let mut best: Vec<usize> = Vec::new();
        for j in self.previous_roles(i) {
            let path = self.longest_path_to(j, memo);
            if path.len() > best.len() {
                best = path;
            }
        }
        best.push(i);
        memo.insert(i, best.clone());
        best
    }

    /// The position of role `id` in `roles`.
    pub fn index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The role with this id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.index(id).map(|i| &self.roles[i])
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

/// A cycle in the step graph, as the roles along it (first repeated at the end), if any.
fn find_cycle(next: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; next.len()];
    for start in 0..next.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Depth-first, with an explicit stack of (role, next edge to follow).
        let mut stack = vec![(start, 0)];
        marks[start] = Mark::Open;
        while let Some(&mut (role, ref mut edge)) = stack.last_mut() {
            match next[role].get(*edge).copied() {
                Some(step) => {
                    *edge += 1;
                    match marks[step] {
                        Mark::New => {
                            marks[step] = Mark::Open;
                            stack.push((step, 0));
                        }
                        Mark::Open => {
                            let from = stack.iter().position(|&(r, _)| r == step).unwrap_or(0);
                            let mut cycle: Vec<usize> = stack[from..].iter().map(|&(r, _)| r).collect();
                            cycle.push(step);
                            return Some(cycle);
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    marks[role] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    None
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

/// Loads what can be loaded and returns every problem found along the way.
pub fn load_with_problems(dir: &Path) -> Result<(Knowledge, Vec<Diagnostic>), LoadError> {
    let unreadable = |source| LoadError::Unreadable {
        path: dir.to_path_buf(),
        source,
    };
    let root = dir.canonicalize().map_err(unreadable)?;
    if !root.is_dir() {
        return Err(unreadable(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    let roles_dir = dir.join("roles");
    if !roles_dir.is_dir() {
        return Err(LoadError::NoRoles {
            path: dir.to_path_buf(),
        });
    }
    let mut problems = Vec::new();
    let mut files_seen = 0;
    let mut roles = Vec::new();
    for path in markdown_files(&roles_dir, &root, &mut problems, &mut files_seen) {
        if let Some(text) = read_file(&path, &mut problems) {
            if let Some(role) = parse_role(&path, &text, &mut problems) {
                roles.push((path, role));
            }
        }
    }
    let mut comparisons = Vec::new();
    let comparisons_dir = dir.join("comparisons");
    if comparisons_dir.is_dir() {
        for path in markdown_files(&comparisons_dir, &root, &mut problems, &mut files_seen) {
            if let Some(text) = read_file(&path, &mut problems) {
                if let Some(comparison) = parse_comparison(&path, &text, &mut problems) {
                    comparisons.push((path, comparison));
                }
            }
        }
    }
    if roles.is_empty() && problems.is_empty() {
        return Err(LoadError::NoRoles {
            path: dir.to_path_buf(),
        });
    }
    check_alias_clashes(&roles, &mut problems);
    let role_paths: Vec<PathBuf> = roles.iter().map(|(p, _)| p.clone()).collect();
    let comparison_paths: Vec<PathBuf> = comparisons.iter().map(|(p, _)| p.clone()).collect();
    let (knowledge, clashes) = Knowledge::new(
        roles.into_iter().map(|(_, r)| r).collect(),
        comparisons.into_iter().map(|(_, c)| c).collect(),
    );
    for Clash { input, message } in clashes {
        // A role whose own file is broken is already reported there.
        let broken_role = message
            .split('"')
            .nth(1)
            .is_some_and(|id| roles_dir.join(format!("{id}.md")).is_file() && knowledge.index(id).is_none());
        let path = match input {
            Input::Role(i) => role_paths[i].clone(),
            Input::Comparison(_) if broken_role => continue,
            Input::Comparison(i) => comparison_paths[i].clone(),
        };
        problems.push(Diagnostic {
            path,
            line: 0,
            message,
        });
    }
    problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok((knowledge, problems))
}

/// The `.md` files directly inside `dir`, sorted, skipping READMEs. Links that lead
/// outside the knowledge root are refused.
fn markdown_files(dir: &Path, root: &Path, problems: &mut Vec<Diagnostic>, seen: &mut usize) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Diagnostic {
                path: dir.to_path_buf(),
                line: 0,
                message: format!("cannot list folder: {e}"),
            });
            return Vec::new();
        }
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let is_md = path.extension().is_some_and(|e| e == "md");
        let is_readme = path.file_stem().is_some_and(|s| s.eq_ignore_ascii_case("readme"));
        if !is_md || is_readme {
            continue;
        }
        *seen += 1;
        if *seen > MAX_FILES {
            problems.push(Diagnostic {
                path,
                line: 0,
                message: format!("more than {MAX_FILES} files; the rest are not read"),
            });
            break;
        }
        match path.canonicalize() {
            Ok(real) if real.starts_with(root) && real.is_file() => files.push(path),
            Ok(_) => problems.push(Diagnostic {
                path,
                line: 0,
                message: "links outside the knowledge directory or is not a regular file; not read".into(),
            }),
            Err(e) => problems.push(Diagnostic {
                path,
                line: 0,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    files.sort();
    files
}

fn read_file(path: &Path, problems: &mut Vec<Diagnostic>) -> Option<String> {
    let problem = |message: String| Diagnostic {
        path: path.to_path_buf(),
        line: 0,
        message,
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            problems.push(problem(format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES}",
                meta.len()
            )));
            return None;
        }
        Err(e) => {
            problems.push(problem(format!("cannot read: {e}")));
            return None;
        }
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                problems.push(Diagnostic {
                    path: path.to_path_buf(),
                    line,
                    message: "not valid UTF-8 text".into(),
                });
                None
            }
        },
        Err(e) => {
            problems.push(problem(format!("cannot read: {e}")));
            None
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFront {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    sources: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    salary: Vec<SalaryFigure>,
    #[serde(default)]
    leads_to: Vec<String>,
    #[serde(default)]
    comes_from: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComparisonFront {
    roles: Vec<String>,
    sources: Vec<String>,
}

/// Parses one role file; problems go to `problems`.
pub fn parse_role(path: &Path, text: &str, problems: &mut Vec<Diagnostic>) -> Option<Role> {
    let before = problems.len();
    let doc = document::split(path, text, problems)?;
    let front: RoleFront = parse_front(path, &doc, problems)?;
    let mut report = |line: usize, message: String| {
        problems.push(Diagnostic {
            path: path.to_path_buf(),
            line,
            message,
        })
    };
    if !is_valid_id(&front.id) {
        report(
            doc.front_line,
            format!(
                "id \"{}\" must be lowercase letters, digits and '-', at most {MAX_ID_LEN} long",
                front.id
            ),
        );
    } else if path.file_stem().is_some_and(|s| s.to_string_lossy() != front.id) {
        report(
            doc.front_line,
            format!("id \"{}\" does not match the file name", front.id),
        );
    }
    if front.name.trim().is_empty() || normalize::phrase_words(&front.name).is_empty() {
        report(doc.front_line, "name is empty".into());
    }
    for alias in &front.aliases {
        if normalize::phrase_words(alias).is_empty() {
            report(
                doc.front_line,
                format!("alias \"{alias}\" has no letters or digits"),
            );
        }
    }
    if front.sources.iter().all(|s| s.trim().is_empty()) {
        report(
            doc.front_line,
            "sources is empty: name where the facts come from".into(),
        );
    }
    for (i, figure) in front.salary.iter().enumerate() {
        let numbers = [
            figure.low,
            figure.high,
            figure.median,
            figure.average,
            figure.amount,
        ];
        if numbers.iter().all(Option::is_none) {
            report(
                doc.front_line,
                format!(
                    "salary entry {} has no number (low, high, median, average or amount)",
                    i + 1
                ),
            );
        }
        if numbers.iter().flatten().any(|v| !v.is_finite() || *v < 0.0) {
            report(
                doc.front_line,
                format!("salary entry {} has a negative or invalid number", i + 1),
            );
        }
        if !PERIODS.contains(&figure.period.as_str()) {
            report(
                doc.front_line,
                format!(
                    "salary entry {} has period \"{}\"; use one of {}",
                    i + 1,
                    figure.period,
                    PERIODS.join(", ")
                ),
            );
        }
        if figure.currency.trim().is_empty()
            || figure.source.trim().is_empty()
            || figure.year.trim().is_empty()
        {
            report(
                doc.front_line,
                format!("salary entry {} needs currency, year and source", i + 1),
            );
        }
    }
    let sections = document::sections(path, &doc, problems);
    (problems.len() == before).then(|| Role {
        id: front.id,
        name: front.name.trim().to_string(),
        aliases: front.aliases,
        sources: front.sources,
        salary: front.salary,
        leads_to: front.leads_to,
        comes_from: front.comes_from,
        sections,
    })
}

/// Parses one comparison file; problems go to `problems`.
pub fn parse_comparison(path: &Path, text: &str, problems: &mut Vec<Diagnostic>) -> Option<Comparison> {
    let before = problems.len();
    let doc = document::split(path, text, problems)?;
    let front: ComparisonFront = parse_front(path, &doc, problems)?;
    let roles: [String; 2] = match <[String; 2]>::try_from(front.roles) {
        Ok(pair) if pair[0] != pair[1] => pair,
        _ => {
            problems.push(Diagnostic {
                path: path.to_path_buf(),
                line: doc.front_line,
                message: "roles must name two different role ids".into(),
            });
            return None;
        }
    };
    if front.sources.iter().all(|s| s.trim().is_empty()) {
        problems.push(Diagnostic {
            path: path.to_path_buf(),
            line: doc.front_line,
            message: "sources is empty: name where the facts come from".into(),
        });
    }
    let sections = document::sections(path, &doc, problems);
    (problems.len() == before).then_some(Comparison {
        roles,
        sources: front.sources,
        sections,
    })
}

fn parse_front<T: serde::de::DeserializeOwned>(
    path: &Path,
    doc: &Document,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    match toml::from_str::<T>(doc.front) {
        Ok(front) => Some(front),
        Err(e) => {
            let line = e
                .span()
                .map(|span| {
                    // A bad escape at the end of a line is reported past the line break:
                    // point at the line with the backslash.
                    let mut at = span.start.min(doc.front.len());
                    if at > 0 && doc.front[..at].ends_with("\\\n") {
                        at -= 1;
                    }
                    doc.front_line + 1 + doc.front[..at].matches('\n').count()
                })
                .unwrap_or(doc.front_line);
            let message = e.message().trim().replace('\n', " ");
            problems.push(Diagnostic {
                path: path.to_path_buf(),
                line,
                message: format!("front matter: {message}"),
            });
            None
        }
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// An alias (or name) that normalises to the same words for two roles would make
/// questions ambiguous, so it is a problem in the files.
fn check_alias_clashes(roles: &[(PathBuf, Role)], problems: &mut Vec<Diagnostic>) {
    let mut owners: HashMap<String, &str> = HashMap::new();
    for (path, role) in roles {
        let mut own = std::collections::HashSet::new();
        for phrase in std::iter::once(&role.name).chain(&role.aliases) {
            let key = words_key(phrase);
            if !own.insert(key.clone()) {
                continue;
            }
            match owners.get(&key) {
                Some(other) if *other != role.id => problems.push(Diagnostic {
                    path: path.clone(),
                    line: 0,
                    message: format!("alias \"{phrase}\" is also a name or alias of role \"{other}\""),
                }),
                _ => {
                    owners.insert(key, &role.id);
                }
            }
        }
    }
}

fn words_key(phrase: &str) -> String {
    normalize::phrase_words(phrase)
        .iter()
        .map(|t| t.word.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
