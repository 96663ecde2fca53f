//! What the knowledge files describe, as data: roles, their salary figures, their sections,
//! and hand-written comparisons of two roles.
//!
//! The serde helpers here read the salary front matter leniently (one table or many, a
//! numeric year, common period spellings); checking the values is `validate`'s job.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::engine::aspect::Aspect;

pub use super::document::Section;

/// The periods a salary figure may be stated per.
pub const PERIODS: [&str; 6] = ["year", "month", "week", "day", "hour", "episode"];

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

    /// The numbers the figure states, in the order low, high, median, average, amount.
    pub fn numbers(&self) -> [Option<f64>; 5] {
        [self.low, self.high, self.median, self.average, self.amount]
    }
}

/// One role, as its file describes it.
#[derive(Debug, Clone, Default)]
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

impl Role {
    /// The figure "who earns more" compares: the first one specific to this role.
    pub fn headline_salary(&self) -> Option<&SalaryFigure> {
        self.salary.iter().find(|f| !f.baseline)
    }

    /// The role's name, then its aliases: every phrase that names it.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.name).chain(&self.aliases)
    }
}

/// A hand-written comparison of two roles.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Role ids in the order the file names them.
    pub roles: [String; 2],
    pub sources: Vec<String>,
    pub sections: BTreeMap<Aspect, Section>,
}

/// The front matter of a role file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoleFront {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub sources: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub salary: Vec<SalaryFigure>,
    #[serde(default)]
    pub leads_to: Vec<String>,
    #[serde(default)]
    pub comes_from: Vec<String>,
}

/// The front matter of a comparison file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ComparisonFront {
    pub roles: Vec<String>,
    pub sources: Vec<String>,
}

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
