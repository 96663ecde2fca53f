//! One role or comparison file's text → a `Role` or `Comparison`, with every problem in
//! it reported as a `Diagnostic` (`file:line: message`).
//!
//! A file with any problem gives no value: a half-read role would answer wrongly.

use std::path::Path;

use super::document::{self, Document};
use super::model::{Comparison, ComparisonFront, Role, RoleFront};
use super::validate::{self, reporter, Diagnostic};

/// Parses one role file; problems go to `problems`.
pub fn parse_role(path: &Path, text: &str, problems: &mut Vec<Diagnostic>) -> Option<Role> {
    let before = problems.len();
    let mut report = reporter(path, problems);
    let doc = document::split(text, &mut report)?;
    let front: RoleFront = parse_front(&doc, &mut report)?;
    let messages = validate::id_problem(&front.id, path)
        .into_iter()
        .chain(validate::phrase_problems(&front.name, &front.aliases))
        .chain(validate::sources_problem(&front.sources))
        .chain(validate::salary_problems(&front.salary));
    for message in messages {
        report(doc.front_line, message);
    }
    let sections = document::sections(&doc, &mut report);
    drop(report);
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
    let mut report = reporter(path, problems);
    let doc = document::split(text, &mut report)?;
    let front: ComparisonFront = parse_front(&doc, &mut report)?;
    let roles: [String; 2] = match <[String; 2]>::try_from(front.roles) {
        Ok(pair) if pair[0] != pair[1] => pair,
        _ => {
            report(doc.front_line, "roles must name two different role ids".into());
            return None;
        }
    };
    if let Some(message) = validate::sources_problem(&front.sources) {
        report(doc.front_line, message);
    }
    let sections = document::sections(&doc, &mut report);
    drop(report);
    (problems.len() == before).then_some(Comparison {
        roles,
        sources: front.sources,
        sections,
    })
}

/// Reads the TOML front matter into `T`, reporting a syntax or type error at its line.
fn parse_front<T: serde::de::DeserializeOwned>(
    doc: &Document,
    report: &mut impl FnMut(usize, String),
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
            report(line, format!("front matter: {message}"));
            None
        }
    }
}
