//! One writer of role files (the knowledge format of `knowledge/README.md`) for the tests and
//! the benchmarks, so that a change to the format is made in one place.
//!
//! `RoleFile::new(id, name)` alone writes a valid file: the TOML front matter (`id`, `name`,
//! `aliases`, `sources`), then the six sections, each one sentence. The builder methods add
//! aliases, sources, career links and salary figures, or replace section text. The benchmarks
//! include this file with `#[path]`.

// The benchmarks use only part of the builder.
#![allow(dead_code)]

use std::fmt::Display;

/// The six section headings, in the order the files write them.
pub const HEADINGS: [&str; 6] = [
    "Overview",
    "Duties",
    "Requirements",
    "Work environment",
    "Skills",
    "Salary",
];

/// A role file, built field by field and written out by `text`.
#[derive(Clone, Debug)]
pub struct RoleFile {
    id: String,
    name: String,
    aliases: Vec<String>,
    leads_to: Vec<String>,
    comes_from: Vec<String>,
    sources: Vec<String>,
    salary: Vec<Salary>,
    /// The text of each section, in the order of `HEADINGS`.
    sections: Vec<String>,
}

impl RoleFile {
    /// A role with no aliases, the source `Test source`, no salary figures, and the sentence
    /// `{name}: {heading} text.` as each section.
    pub fn new(id: &str, name: &str) -> RoleFile {
        RoleFile {
            id: id.to_string(),
            name: name.to_string(),
            aliases: Vec::new(),
            leads_to: Vec::new(),
            comes_from: Vec::new(),
            sources: vec!["Test source".to_string()],
            salary: Vec::new(),
            sections: HEADINGS.iter().map(|h| format!("{name}: {h} text.")).collect(),
        }
    }

    /// Other names of the role (`aliases`).
    pub fn aliases(mut self, aliases: &[impl AsRef<str>]) -> RoleFile {
        self.aliases = strings(aliases);
        self
    }

    /// Role ids this role usually leads to (`leads_to`, written only when not empty).
    pub fn leads_to(mut self, ids: &[impl AsRef<str>]) -> RoleFile {
        self.leads_to = strings(ids);
        self
    }

    /// Role ids that usually lead to this role (`comes_from`, written only when not empty).
    pub fn comes_from(mut self, ids: &[impl AsRef<str>]) -> RoleFile {
        self.comes_from = strings(ids);
        self
    }

    /// Replaces the sources (`sources`).
    pub fn sources(mut self, sources: &[impl AsRef<str>]) -> RoleFile {
        self.sources = strings(sources);
        self
    }

    /// Adds a `[[salary]]` entry; the first one is the role's headline figure.
    pub fn salary(mut self, entry: Salary) -> RoleFile {
        self.salary.push(entry);
        self
    }

    /// Replaces the text of the section under `heading` (one of `HEADINGS`).
    pub fn section(mut self, heading: &str, text: &str) -> RoleFile {
        let index = HEADINGS
            .iter()
            .position(|h| *h == heading)
            .unwrap_or_else(|| panic!("{heading:?} is not a section heading"));
        self.sections[index] = text.to_string();
        self
    }

    /// Replaces the text of every section with `text(index in HEADINGS, heading)`.
    pub fn sections(mut self, text: impl Fn(usize, &str) -> String) -> RoleFile {
        self.sections = HEADINGS.iter().enumerate().map(|(i, h)| text(i, h)).collect();
        self
    }

    /// The file's text: `+++`, the front matter, `+++`, then each section as a blank line, its
    /// `## heading` and its text.
    pub fn text(&self) -> String {
        let mut text = format!(
            "+++\nid = {}\nname = {}\naliases = [{}]\n",
            toml_string(&self.id),
            toml_string(&self.name),
            toml_list(&self.aliases)
        );
        for (key, ids) in [("leads_to", &self.leads_to), ("comes_from", &self.comes_from)] {
            if !ids.is_empty() {
                text.push_str(&format!("{key} = [{}]\n", toml_list(ids)));
            }
        }
        text.push_str(&format!("sources = [{}]\n", toml_list(&self.sources)));
        for entry in &self.salary {
            text.push_str("[[salary]]\n");
            for (key, value) in &entry.fields {
                text.push_str(&format!("{key} = {value}\n"));
            }
        }
        text.push_str("+++\n");
        for (heading, section) in HEADINGS.iter().zip(&self.sections) {
            text.push_str(&format!("\n## {heading}\n{section}\n"));
        }
        text
    }
}

/// One `[[salary]]` entry: its keys and TOML values, in the order given.
#[derive(Clone, Debug, Default)]
pub struct Salary {
    fields: Vec<(String, String)>,
}

impl Salary {
    /// An empty entry (a valid one needs a figure, `currency`, `period`, `year` and `source`).
    pub fn new() -> Salary {
        Salary::default()
    }

    /// A number, written as given (`50000`, `12.345`, `1e300`).
    pub fn number(mut self, key: &str, value: impl Display) -> Salary {
        self.fields.push((key.to_string(), value.to_string()));
        self
    }

    /// A string, written as a TOML basic string.
    pub fn text(mut self, key: &str, value: &str) -> Salary {
        self.fields.push((key.to_string(), toml_string(value)));
        self
    }
}

/// A role file with the given id, name and aliases, and one sentence per section.
pub fn role_file(id: &str, name: &str, aliases: &[&str]) -> String {
    RoleFile::new(id, name).aliases(aliases).text()
}

/// `s` as a TOML basic string: quoted, with `"`, `\` and control characters escaped.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| toml_string(s))
        .collect::<Vec<_>>()
        .join(", ")
}

fn strings(items: &[impl AsRef<str>]) -> Vec<String> {
    items.iter().map(|s| s.as_ref().to_string()).collect()
}
