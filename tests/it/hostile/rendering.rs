//! Rendering within Discord's limits: `fit` keeps to its budget, `defuse` leaves no mention,
//! a component id from Discord reads safely, and every reply that knowledge written to be as
//! hard to render as the rules allow can give fits Discord's limits and pings nobody.

use std::sync::OnceLock;

use proptest::prelude::*;

use rolecall::discord::custom_id::Action;
use rolecall::discord::render;
use rolecall::engine::answer::Answer;
use rolecall::engine::aspect::Aspect;
use rolecall::engine::Engine;

use super::questions::mention_soup;
use super::{config, load_or_explain, long_text, reply_problems, shipped, NASTY};
use crate::support::{knowledge_dir, toml_string, RoleFile, Salary};

/// The engine on knowledge written to be as hard to render as the rules allow: long names,
/// mention syntax everywhere, long sections, many sources, odd salary figures.
fn hostile() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = knowledge_dir(&hostile_files());
        load_or_explain(dir.path())
    })
}

/// Eight salary figures with long notes and sources, the last one absurdly high.
fn with_figures(role: RoleFile, median: &str) -> RoleFile {
    let source = format!("Survey {}", long_text(400));
    (0..8).fold(role, |role, i| {
        role.salary(
            Salary::new()
                .number("median", format!("{median}{i}"))
                .number("low", 1)
                .number("high", if i == 7 { "1e300" } else { "1e15" })
                .text("currency", "USD")
                .text("period", "year")
                .text("year", "2024 @everyone <@1>")
                .text("source", &source)
                .text("note", &long_text(300)),
        )
    })
}

/// A long `In short:` line and a longer text, a little longer for each section.
fn long_section(index: usize, _heading: &str) -> String {
    format!("In short: {}\n{}", long_text(3000), long_text(6000 + index))
}

fn hostile_files() -> Vec<(&'static str, String)> {
    let alpha_name = format!(
        "Alpha analyst @everyone <@123> {}",
        "extraordinarily ".repeat(20).trim()
    );
    let alpha_sources: Vec<String> = (0..120)
        .map(|i| format!("@here@here@here@here source {i}"))
        .collect();
    let alpha = RoleFile::new("alpha", &alpha_name)
        .aliases(&["alpha", "<@&999> alpha one"])
        .sources(&alpha_sources);
    let beta_name = format!("Beta analyst <@&1> {}", "remarkably ".repeat(25).trim());
    let beta_sources: Vec<String> = (0..40).map(|i| format!("{} {i}", long_text(120))).collect();
    let beta = RoleFile::new("beta", &beta_name)
        .aliases(&["beta"])
        .sources(&beta_sources);
    let gamma = RoleFile::new("gamma", "Gamma @everyone analyst")
        .aliases(&["<@1> gamma"])
        .sources(&["<@1>"])
        .sections(|_, heading| format!("Gamma {heading} text. {NASTY}"));
    let delta = RoleFile::new("delta", "Delta <#1> analyst")
        .sources(&["@everyone".repeat(300)])
        .salary(
            Salary::new()
                .number("amount", "12.345")
                .text("currency", "<@1>")
                .text("period", "hour")
                .text("year", "2020")
                .text("source", "@here"),
        )
        // One unbroken run: `fit` must cut it without a space or sentence end to cut at.
        .sections(|_, _| format!("{}\u{200b}{}", "@everyone".repeat(600), "\u{301}".repeat(50)));
    vec![
        (
            "roles/alpha.md",
            with_figures(alpha, "9000").sections(long_section).text(),
        ),
        (
            "roles/beta.md",
            with_figures(beta, "8000").sections(long_section).text(),
        ),
        ("roles/gamma.md", gamma.text()),
        ("roles/delta.md", delta.text()),
        ("comparisons/alpha--delta.md", hostile_comparison()),
    ]
}

fn hostile_comparison() -> String {
    let sources: Vec<String> = (0..50)
        .map(|i| toml_string(&format!("<@{i}> comparison source {i} {}", long_text(60))))
        .collect();
    let sections: String = Aspect::ALL
        .iter()
        .map(|a| {
            format!(
                "\n## {}\nIn short: {}\n{}\n",
                a.heading(),
                long_text(2000),
                long_text(7000)
            )
        })
        .collect();
    format!(
        "+++\nroles = [\"alpha\", \"delta\"]\nsources = [{}]\n+++\n{sections}",
        sources.join(", ")
    )
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn render_fit_never_exceeds_its_budget(text in "(?s).{0,300}", max in 1usize..400) {
        let fitted = render::fit(&text, max);
        prop_assert!(fitted.chars().count() <= max, "{} > {max}: {fitted:?}", fitted.chars().count());
        let text = text.trim();
        if fitted != text {
            prop_assert!(!text.is_empty() && !fitted.is_empty());
            let kept = fitted.strip_suffix('…');
            prop_assert!(kept.is_some(), "a cut text ends with …: {fitted:?}");
            let kept = kept.unwrap_or_default();
            prop_assert!(text.starts_with(kept.trim_end()), "{fitted:?} is not a prefix of {text:?}");
        }
    }

    #[test]
    fn render_defuse_leaves_no_mention_and_only_adds_zero_width_spaces(
        text in mention_soup()
    ) {
        let defused = render::defuse(&text);
        for needle in ["@everyone", "@here", "<@"] {
            prop_assert!(!defused.contains(needle), "{needle} in {defused:?}");
        }
        prop_assert_eq!(defused.replace('\u{200b}', ""), text.replace('\u{200b}', ""));
        prop_assert_eq!(render::defuse(&defused), defused.clone());
    }

    /// A click's `custom_id` comes back from Discord: reading any string is safe.
    #[test]
    fn render_component_ids_read_safely(
        custom_id in prop_oneof!["(?s).{0,120}", "rc:(view|ask|roles):[a-z0-9:+-]{0,60}"],
    ) {
        if let Some(action) = Action::parse(&custom_id) {
            prop_assert_eq!(Action::parse(&action.custom_id()), Some(action.clone()));
            if let Action::View(roles) = action {
                let knowledge = shipped().knowledge();
                let ids: Option<Vec<&str>> = roles.iter().map(|r| r.resolve(knowledge)).collect();
                let answer = ids.as_deref().and_then(|ids| shipped().answer_about(ids, Aspect::Overview));
                prop_assert_eq!(answer.is_some(), ids.is_some() && (1..=2).contains(&roles.len()));
            }
        }
    }
}

#[test]
fn fit_to_zero_characters_returns_nothing() {
    // The answered embed asks for `fit(description, room)` with room 0 once the other
    // parts use up the 6,000 characters.
    assert_eq!(render::fit("Some text.", 0), "");
}

/// Every answer the hostile knowledge can give, with what was asked.
fn hostile_answers() -> Vec<(String, Answer)> {
    let engine = hostile();
    let ids: Vec<String> = engine.knowledge().roles.iter().map(|r| r.id.clone()).collect();
    let mut answers = Vec::new();
    for aspect in Aspect::ALL {
        for a in &ids {
            for b in &ids {
                let pair: Vec<&str> = if a == b { vec![a] } else { vec![a, b] };
                let answer = engine.answer_about(&pair, aspect).expect("known ids");
                answers.push((format!("{pair:?} on {}", aspect.id()), answer));
            }
        }
    }
    for question in [
        "how much does a gamma chef earn?",
        "what does a delta chef do",
        "alpha vs beta vs gamma salary",
        "analyst pay",
        "<@123> how much does alpha earn @everyone",
    ] {
        answers.push((format!("{question:?}"), engine.answer(question)));
    }
    answers
}

/// Fails, listing them, if any answer the hostile knowledge can give has a reply with pings
/// (`pings`) or with breaches of Discord's limits (`!pings`); `what` says which in the message.
fn assert_no_hostile_reply_problems(pings: bool, what: &str) {
    let engine = hostile();
    let failures: Vec<String> = hostile_answers()
        .into_iter()
        .filter_map(|(asked, answer)| {
            let problems: Vec<String> = reply_problems(&render::answer(engine, &answer))
                .into_iter()
                .filter(|p| p.starts_with("unescaped") == pings)
                .collect();
            (!problems.is_empty()).then(|| format!("{asked}: {}", problems.join("; ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} replies {what}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_reply_from_hostile_knowledge_fits_discord_limits() {
    assert_no_hostile_reply_problems(false, "break limits");
}

#[test]
fn no_reply_from_hostile_knowledge_can_ping() {
    assert_no_hostile_reply_problems(true, "could ping");
}
