use super::*;
use crate::engine::knowledge::{Knowledge, Role, Section};

fn engine_with(texts: [&str; 2]) -> Engine {
    let role = |id: &str, name: &str, text: &str| Role {
        id: id.into(),
        name: name.into(),
        aliases: vec![],
        sources: vec!["A source".into()],
        salary: vec![],
        leads_to: vec![],
        comes_from: vec![],
        sections: Aspect::ALL
            .iter()
            .map(|a| {
                (
                    *a,
                    Section {
                        text: text.into(),
                        in_short: None,
                    },
                )
            })
            .collect(),
    };
    let (knowledge, problems) = Knowledge::new(
        vec![
            role("a", "Alpha analyst", texts[0]),
            role("b", "Beta analyst @everyone", texts[1]),
        ],
        vec![],
    );
    assert!(problems.is_empty());
    Engine::new(knowledge)
}

fn json(reply: &Reply) -> serde_json::Value {
    serde_json::json!({
        "content": reply.content,
        "embeds": reply.embeds,
        "components": reply.components,
    })
}

#[test]
fn fit_cuts_at_sentences_then_words_never_mid_word() {
    let text = "First sentence here. Second one is longer than the rest of it.";
    assert_eq!(fit(text, 100), text);
    assert_eq!(fit(text, 40), "First sentence here. …");
    assert_eq!(fit("one two three four", 12), "one two…");
    assert!(fit(&"word ".repeat(1000), 1024).chars().count() <= 1024);
}

#[test]
fn mentions_are_defused() {
    assert_eq!(
        defuse("hi @everyone and <@123> @here"),
        "hi @\u{200b}everyone and <\u{200b}@123> @\u{200b}here"
    );
}

#[test]
fn a_long_comparison_stays_within_every_embed_limit() {
    let long = "This sentence is about the role. ".repeat(200);
    let engine = engine_with([&long, &long]);
    let answer = engine.answer_about(&["a", "b"], Aspect::Duties).unwrap();
    let reply = answer_reply(&engine, &answer);
    let v = json(&reply);
    let embed = &v["embeds"][0];
    let mut total = embed["title"].as_str().unwrap().chars().count();
    for field in embed["fields"].as_array().unwrap() {
        let value = field["value"].as_str().unwrap();
        assert!(value.chars().count() <= limits::FIELD_VALUE);
        assert!(value.ends_with(". …"), "cut at a sentence: {value:?}");
        total += value.chars().count() + field["name"].as_str().unwrap().chars().count();
        assert_eq!(field["inline"], true, "side by side");
    }
    total += embed["footer"]["text"].as_str().unwrap().chars().count();
    assert!(total <= limits::EMBED_TOTAL);
    assert!(!v.to_string().contains("@everyone"));
}

#[test]
fn an_answer_renders_as_an_embed_with_an_aspect_menu() {
    let engine = engine_with(["Alpha does alpha things.", "Beta does beta things."]);
    let answer = engine.answer_about(&["a", "b"], Aspect::Skills).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&json(&answer_reply(&engine, &answer))).unwrap());
}

#[test]
fn an_unknown_role_offers_buttons() {
    let engine = engine_with(["x", "y"]);
    let answer = engine.answer("how much does an alpha chef earn");
    insta::assert_snapshot!(serde_json::to_string_pretty(&json(&answer_reply(&engine, &answer))).unwrap());
}

fn answer_reply(engine: &Engine, answer: &crate::engine::answer::Answer) -> Reply {
    super::answer(engine, answer)
}
