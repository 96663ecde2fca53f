//! The shape shared by role and comparison files: TOML front matter between `+++`
//! lines, then `## Heading` sections, one per aspect.
//!
//! It knows nothing of files or of what the front matter means: callers pass the text in
//! and a `report(line, message)` that receives each problem.

use std::collections::BTreeMap;

use crate::engine::aspect::Aspect;

/// A section of a role or comparison file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The prose, without the `In short:` line.
    pub text: String,
    /// The one-line summary from an `In short:` line, if the file has one.
    pub in_short: Option<String>,
}

/// A file split into its front matter and body.
pub struct Document<'a> {
    /// The TOML between the `+++` lines.
    pub front: &'a str,
    /// Line number of the opening `+++`.
    pub front_line: usize,
    /// The Markdown after the closing `+++`.
    pub body: &'a str,
    /// Line number where the body starts.
    pub body_line: usize,
}

/// Splits `text` at its `+++` fences; `None` (with a problem reported) when it has none.
pub fn split<'a>(text: &'a str, report: &mut impl FnMut(usize, String)) -> Option<Document<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut offset = 0;
    let mut fences = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_end() == "+++" {
            fences.push((i + 1, offset, offset + line.len()));
            if fences.len() == 2 {
                break;
            }
        } else if fences.is_empty() && !line.trim().is_empty() {
            break;
        }
        offset += line.len();
    }
    match fences.as_slice() {
        [(line, _, front_start), (close_line, front_end, body_start)] => Some(Document {
            front: &text[*front_start..*front_end],
            front_line: *line,
            body: &text[*body_start..],
            body_line: close_line + 1,
        }),
        [(line, _, _)] => {
            report(*line, "front matter is not closed by a `+++` line".into());
            None
        }
        _ => {
            report(
                1,
                "file must start with TOML front matter between `+++` lines".into(),
            );
            None
        }
    }
}

/// Reads the `## Heading` sections of a body. Every aspect must appear exactly once and
/// have text; what is missing or extra is reported with its line.
pub fn sections(doc: &Document, report: &mut impl FnMut(usize, String)) -> BTreeMap<Aspect, Section> {
    let mut found: Vec<(Aspect, usize, Vec<&str>)> = Vec::new();
    for (i, line) in doc.body.lines().enumerate() {
        let number = doc.body_line + i;
        if let Some(heading) = line.strip_prefix("## ") {
            match Aspect::parse(heading) {
                Some(aspect) if found.iter().any(|(a, _, _)| *a == aspect) => {
                    report(number, format!("section \"{}\" appears twice", heading.trim()))
                }
                Some(aspect) => found.push((aspect, number, Vec::new())),
                None => report(
                    number,
                    format!(
                        "unknown section \"{}\"; use one of: {}",
                        heading.trim(),
                        Aspect::ALL.map(|a| a.heading()).join(", ")
                    ),
                ),
            }
        } else if let Some((_, _, lines)) = found.last_mut() {
            lines.push(line);
        } else if !line.trim().is_empty() {
            report(number, "text before the first `## ` section heading".into());
        }
    }
    let mut sections = BTreeMap::new();
    for (aspect, line, lines) in found {
        let section = section_from_lines(&lines);
        if section.text.is_empty() {
            report(line, format!("section \"{}\" is empty", aspect.heading()));
        }
        sections.insert(aspect, section);
    }
    for aspect in Aspect::ALL {
        if !sections.contains_key(&aspect) {
            report(
                doc.body_line.saturating_sub(1).max(1),
                format!("missing section \"## {}\"", aspect.heading()),
            );
        }
    }
    sections
}

fn section_from_lines(lines: &[&str]) -> Section {
    let mut text = Vec::new();
    let mut in_short = None;
    for line in lines {
        let trimmed = line.trim();
        let summary = trimmed
            .strip_prefix("In short:")
            .or_else(|| trimmed.strip_prefix("**In short:**"));
        match summary {
            Some(summary) if !summary.trim().is_empty() => in_short = Some(summary.trim().to_string()),
            _ => text.push(*line),
        }
    }
    Section {
        text: text.join("\n").trim().to_string(),
        in_short,
    }
}
