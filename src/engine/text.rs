//! Renders an answer as plain text, for the terminal and for `--json`'s `text` field.
//!
//! The terminal front ends (`rolecall ask`, the console) have a `roles` command, so this
//! renderer is where an answer that offers the role list names it.

use crate::engine::answer::{describe_figure, Answer, CareerPath};
use crate::engine::knowledge::Knowledge;

/// The whole answer as readable plain text.
pub fn render(answer: &Answer, knowledge: &Knowledge) -> String {
    let mut out = vec![answer.title.clone()];
    for note in &answer.notes {
        out.push(format!("({note})"));
    }
    for part in &answer.parts {
        match &part.heading {
            Some(heading) => out.push(format!("{heading}:\n{}", part.text)),
            None => out.push(part.text.clone()),
        }
    }
    if answer.offer_role_list {
        // The terminal's own way to list the roles, after the answer's text.
        let hint = "Type `roles` to see the roles I know.";
        match out.last_mut() {
            Some(last) if !answer.parts.is_empty() => {
                last.push(' ');
                last.push_str(hint);
            }
            _ => out.push(hint.to_string()),
        }
    }
    if let Some(path) = &answer.path {
        out.push(path_text(path, knowledge));
    }
    if let Some(summary) = &answer.summary {
        out.push(format!("In short: {summary}"));
    }
    if let Some(verdict) = &answer.verdict {
        out.push(verdict.clone());
    }
    if !answer.figures.is_empty() {
        let lines: Vec<String> = answer
            .figures
            .iter()
            .map(|f| {
                format!(
                    "- {}: {} ({}, {})",
                    f.role,
                    describe_figure(&f.figure),
                    f.figure.source,
                    f.figure.year
                )
            })
            .collect();
        out.push(format!("Figures:\n{}", lines.join("\n")));
    }
    if !answer.suggestions.is_empty() {
        let names: Vec<&str> = answer
            .suggestions
            .iter()
            .filter_map(|id| knowledge.role(id))
            .map(|r| r.name.as_str())
            .collect();
        out.push(format!("Did you mean: {}?", names.join(", ")));
    }
    if !answer.sources.is_empty() {
        out.push(format!("Sources: {}", answer.sources.join("; ")));
    }
    out.join("\n\n")
}

/// "Career path: A → B → C. Usually comes from: B. Usually leads to: D."
pub fn path_text(path: &CareerPath, knowledge: &Knowledge) -> String {
    let names = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| knowledge.role(id).map_or(id.clone(), |r| r.name.clone()))
            .collect()
    };
    let mut lines = vec![format!("Career path: {}.", names(&path.ladder).join(" → "))];
    if !path.from.is_empty() {
        lines.push(format!("Usually comes from: {}.", names(&path.from).join(", ")));
    }
    if path.to.is_empty() {
        lines.push("It is the top of this ladder.".to_string());
    } else {
        lines.push(format!("Usually leads to: {}.", names(&path.to).join(", ")));
    }
    lines.join("\n")
}
