//! The real `rolecall` binary, with its real serenity client, against the fake Discord
//! on 127.0.0.1: start-up, command registration, every command, autocomplete, clicks,
//! mentions and DMs, and the replies' safety and size rules.

use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::support::bot::{assert_no_violations, callback, connected, embed, option, Bot, TOKEN};
use crate::support::fake_discord::{self, FakeDiscord, Request};
use crate::support::{knowledge_dir, role_file, root};

#[tokio::test(flavor = "multi_thread")]
async fn commands_are_registered_globally_with_valid_bodies() {
    let (fake, _bot) = connected(&[]).await;
    let put = fake
        .wait_for("global registration", |r| {
            r.method == "PUT" && r.path == format!("/api/v10/applications/{}/commands", FakeDiscord::APP_ID)
        })
        .await;
    let names: Vec<&str> = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "compare",
            "role",
            "ask",
            "path",
            "roles",
            "help",
            "Ask rolecall",
            "config",
            "stats",
            "knowledge"
        ]
    );
    // Settings and stats are hidden from members without Manage Server (1 << 5).
    assert_eq!(put.body[7]["default_member_permissions"], 32);
    assert_eq!(put.body[8]["default_member_permissions"], 32);
    assert_eq!(put.body[6]["type"], 3, "a message context menu");
    assert_eq!(put.body[6]["type"], 3, "a message context menu");
    let compare = &put.body[0];
    let options: Vec<(&str, bool)> = compare["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap(),
                o["required"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(options, [("role_a", true), ("role_b", true), ("aspect", false)]);
    assert_eq!(compare["options"][0]["autocomplete"], true);
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_guild_id_commands_are_registered_in_that_guild() {
    let guild = FakeDiscord::GUILD_ID.to_string();
    let (fake, _bot) = connected(&[("DISCORD_GUILD_ID", &guild)]).await;
    fake.wait_for("guild registration", |r| {
        r.method == "PUT" && r.path.ends_with(&format!("/guilds/{guild}/commands"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn compare_shows_two_roles_side_by_side_with_key_figures() {
    let (fake, _bot) = connected(&[]).await;
    let options = json!([
        option("role_a", 3, json!("senior-producer")),
        option("role_b", 3, json!("EP")),
        option("aspect", 4, json!(5)),
    ]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(101, "compare", options, true),
    )
    .await;
    let body = callback(&fake, 101).await;
    assert_eq!(body["type"], 4);
    let embed = embed(&body);
    assert_eq!(embed["title"], "Senior producer vs Executive producer — Salary");
    let fields = embed["fields"].as_array().unwrap();
    let inline: Vec<&str> = fields
        .iter()
        .filter(|f| f["inline"] == true)
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        inline,
        ["Senior producer: key figures", "Executive producer: key figures"]
    );
    assert!(fields.iter().any(|f| f["name"] == "Who earns more"));
    assert!(embed["footer"]["text"].as_str().unwrap().starts_with("Sources: "));
    assert_eq!(
        body["data"]["components"][0]["components"][0]["custom_id"],
        "rc:view:senior-producer+executive-producer"
    );
    // The salary chart is attached and shown as the embed's image.
    assert_eq!(embed["image"]["url"], "attachment://salary.png");
    assert_eq!(body["data"]["attachments"][0]["filename"], "salary.png");
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn role_ask_roles_and_help_answer() {
    let (fake, _bot) = connected(&[]).await;
    let role = json!([
        option("role", 3, json!("line producer")),
        option("aspect", 4, json!(1))
    ]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(201, "role", role, true),
    )
    .await;
    let ask = json!([option("question", 3, json!("what do PAs get paid per hour?"))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(202, "ask", ask, false),
    )
    .await;
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(203, "roles", json!([]), true),
    )
    .await;
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(204, "help", json!([]), false),
    )
    .await;
    assert_eq!(
        embed(&callback(&fake, 201).await)["title"],
        "Line producer — Duties"
    );
    assert_eq!(
        embed(&callback(&fake, 202).await)["title"],
        "Production assistant — Salary"
    );
    let roles = callback(&fake, 203).await;
    assert!(embed(&roles)["description"]
        .as_str()
        .unwrap()
        .contains("**Executive producer** — also EP"));
    let help = callback(&fake, 204).await;
    assert!(embed(&help)["description"].as_str().unwrap().contains("/compare"));
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn autocomplete_finds_roles_from_rough_input() {
    let (fake, _bot) = connected(&[]).await;
    let options = json!([{"name": "role_a", "type": 3, "value": "exec prod", "focused": true}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::autocomplete(301, "compare", options),
    )
    .await;
    let body = callback(&fake, 301).await;
    assert_eq!(body["type"], 8);
    let choices = body["data"]["choices"].as_array().unwrap();
    assert!(choices.len() <= 25);
    assert_eq!(choices[0]["value"], "executive-producer");
    assert_eq!(choices[0]["name"], "Executive producer");
    let options = json!([{"name": "role", "type": 3, "value": "asoc", "focused": true}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::autocomplete(302, "role", options),
    )
    .await;
    assert_eq!(
        callback(&fake, 302).await["data"]["choices"][0]["value"],
        "associate-producer"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_aspect_menu_edits_the_reply_in_place() {
    let (fake, _bot) = connected(&[]).await;
    let click = fake_discord::component(
        401,
        "rc:view:senior-producer+executive-producer",
        3,
        &["duties"],
        77,
    );
    fake.dispatch("INTERACTION_CREATE", click).await;
    let body = callback(&fake, 401).await;
    assert_eq!(body["type"], 7, "an update of the message, not a new one");
    assert_eq!(
        embed(&body)["title"],
        "Senior producer vs Executive producer — Duties"
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_role_offers_did_you_mean_buttons_that_answer() {
    let (fake, _bot) = connected(&[]).await;
    let ask = json!([option(
        "question",
        3,
        json!("how much does an executive director earn?")
    )]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(501, "ask", ask, true),
    )
    .await;
    let body = callback(&fake, 501).await;
    assert_eq!(embed(&body)["title"], "I don't know that role");
    let buttons = body["data"]["components"][0]["components"].as_array().unwrap();
    assert_eq!(buttons[0]["custom_id"], "rc:ask:salary:executive-producer");
    assert_eq!(buttons.last().unwrap()["custom_id"], "rc:roles:0");
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::component(502, "rc:ask:salary:executive-producer", 2, &[], 78),
    )
    .await;
    assert_eq!(
        embed(&callback(&fake, 502).await)["title"],
        "Executive producer — Salary"
    );
    assert_no_violations(&fake);
}

fn channel_post(r: &Request, channel: u64) -> bool {
    r.method == "POST" && r.path == format!("/api/v10/channels/{channel}/messages")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_is_answered_once_as_a_reply_that_pings_nobody() {
    let (fake, _bot) = connected(&[]).await;
    let bot = FakeDiscord::BOT_ID;
    let hostile = format!(
        "<@{bot}> how much does an EP earn? @everyone @here <@&{}>",
        FakeDiscord::GUILD_ID
    );
    let mention = fake_discord::message(601, &hostile, true, true);
    fake.dispatch("MESSAGE_CREATE", mention.clone()).await;
    fake.dispatch("MESSAGE_CREATE", mention).await;
    // Not for the bot: no mention, and another bot's message.
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(602, "what does a PA earn", false, true),
    )
    .await;
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::bot_message(603, &format!("<@{bot}> EP salary")),
    )
    .await;
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(604, &format!("<@{bot}> line producer"), true, true),
    )
    .await;
    let reply_to = |id: &'static str| {
        move |r: &Request| {
            channel_post(r, FakeDiscord::CHANNEL_ID) && r.body["message_reference"]["message_id"] == id
        }
    };
    let first = fake.wait_for("the reply to 601", reply_to("601")).await;
    let last = fake.wait_for("the reply to 604", reply_to("604")).await;
    assert_eq!(last.body["embeds"][0]["title"], "Line producer — Overview");
    // Events are handled concurrently: give a wrong extra reply time to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut answered: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| channel_post(r, FakeDiscord::CHANNEL_ID))
        .map(|r| {
            r.body["message_reference"]["message_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    answered.sort();
    assert_eq!(
        answered,
        ["601", "604"],
        "each question once, and only questions for the bot"
    );
    let first = &first.body;
    assert_eq!(first["embeds"][0]["title"], "Executive producer — Salary");
    assert_eq!(first["allowed_mentions"]["parse"], json!([]));
    assert_eq!(first["allowed_mentions"]["replied_user"], false);
    assert!(!first.to_string().contains("@everyone"));
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_direct_message_is_answered_in_the_dm() {
    let (fake, _bot) = connected(&[]).await;
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(701, "excutive prodcer vs PA hours", false, false),
    )
    .await;
    let reply = fake
        .wait_for("the DM reply", |r| channel_post(r, FakeDiscord::DM_CHANNEL_ID))
        .await;
    assert_eq!(
        reply.body["embeds"][0]["title"],
        "Executive producer vs Production assistant — Work environment"
    );
    assert_eq!(
        reply.body["content"],
        "Read \"excutive prodcer\" as Executive producer."
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_too_long_for_discord_is_shortened_at_a_sentence() {
    let long_text = "Each sentence here adds detail about the work. ".repeat(150);
    let mut text = role_file("archivist", "Film archivist", &[]);
    text = text.replace("Film archivist: Duties text.", &long_text);
    let dir = knowledge_dir(&[
        ("roles/archivist.md", text),
        ("roles/b.md", role_file("b", "Sound editor", &[])),
    ]);
    let fake = FakeDiscord::start().await;
    let _bot = Bot::start(&fake, &[], dir.path());
    fake.wait_ready().await;
    let ask = json!([option("question", 3, json!("what does a film archivist do"))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(801, "ask", ask, true),
    )
    .await;
    let body = callback(&fake, 801).await;
    let description = embed(&body)["description"].as_str().unwrap();
    assert!(long_text.len() > 4096 && description.chars().count() <= 4096);
    assert!(description.ends_with("work. …"), "{description:?}");
    let compare = json!([
        option("role_a", 3, json!("archivist")),
        option("role_b", 3, json!("b")),
        option("aspect", 4, json!(1))
    ]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(802, "compare", compare, true),
    )
    .await;
    let body = callback(&fake, 802).await;
    assert!(
        embed(&body)["fields"][0]["value"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            <= 1024
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_ends_with_one_clear_message() {
    let fake = FakeDiscord::start().await;
    fake.set_http_status("/gateway", 401, usize::MAX);
    let mut bot = Bot::start(&fake, &[], &root().join("knowledge"));
    assert_eq!(bot.wait_exit(Duration::from_secs(20)), Some(1));
    let log = bot.log();
    assert!(log.contains("rolecall: Discord rejected DISCORD_TOKEN"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    assert!(
        !log.contains(TOKEN) && !log.contains("fake-token"),
        "the token leaked into the log:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_shuts_down_cleanly_and_the_token_is_never_logged() {
    let (fake, mut bot) = connected(&[]).await;
    let ask = json!([option("question", 3, json!("EP skills"))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(901, "ask", ask, true),
    )
    .await;
    callback(&fake, 901).await;
    let pid = bot.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    assert_eq!(bot.wait_exit(Duration::from_secs(10)), Some(0));
    let log = bot.log();
    assert!(
        log.contains("answered guild=900000000000000010 source=\"slash\" status=\"answered\""),
        "{log}"
    );
    assert!(
        !log.contains(TOKEN) && !log.contains("fake-token"),
        "the token leaked into the log"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn many_people_asking_at_once_each_get_exactly_one_answer() {
    let (fake, _bot) = connected(&[]).await;
    let questions = [
        "EP pay",
        "what does a PA do",
        "line producer vs producer",
        "co-producer hours",
        "AP salary",
    ];
    let ids: Vec<u64> = (1000..1040).collect();
    for &id in &ids {
        let ask = json!([option(
            "question",
            3,
            json!(questions[id as usize % questions.len()])
        )]);
        fake.dispatch(
            "INTERACTION_CREATE",
            fake_discord::slash_command(id, "ask", ask, id % 2 == 0),
        )
        .await;
    }
    // A replayed event (as after a gateway resume) must not be answered again.
    let replay = json!([option("question", 3, json!("EP pay"))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(1000, "ask", replay, true),
    )
    .await;
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(1099, "help", json!([]), true),
    )
    .await;
    callback(&fake, 1099).await;
    for &id in &ids {
        callback(&fake, id).await;
    }
    // Events are handled concurrently: give a wrongly repeated answer time to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let callbacks: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/callback"))
        .map(|r| r.path)
        .collect();
    for id in ids {
        let count = callbacks
            .iter()
            .filter(|p| p.contains(&format!("/interactions/{id}/")))
            .count();
        assert_eq!(count, 1, "interaction {id} was answered {count} times");
    }
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follow_up_leans_on_the_members_last_question_in_that_channel() {
    let (fake, _bot) = connected(&[]).await;
    let bot = FakeDiscord::BOT_ID;
    let reply_to = |id: &'static str| {
        move |r: &Request| {
            channel_post(r, FakeDiscord::CHANNEL_ID) && r.body["message_reference"]["message_id"] == id
        }
    };
    let first = fake_discord::message(
        651,
        &format!("<@{bot}> what does a line producer do?"),
        true,
        true,
    );
    fake.dispatch("MESSAGE_CREATE", first).await;
    let first = fake.wait_for("the first answer", reply_to("651")).await;
    assert_eq!(first.body["embeds"][0]["title"], "Line producer — Duties");
    let then = fake_discord::message(652, &format!("<@{bot}> and their salary?"), true, true);
    fake.dispatch("MESSAGE_CREATE", then).await;
    let then = fake.wait_for("the follow-up's answer", reply_to("652")).await;
    assert_eq!(then.body["embeds"][0]["title"], "Line producer — Salary");
    // The same words in a DM, where this member asked nothing yet, are not understood.
    let alone = fake_discord::message(653, "and their salary?", false, false);
    fake.dispatch("MESSAGE_CREATE", alone).await;
    let alone = fake
        .wait_for("the DM answer", |r: &Request| {
            r.body["message_reference"]["message_id"] == "653"
        })
        .await;
    assert_eq!(alone.body["embeds"][0]["title"], "I didn't understand that");
    assert_no_violations(&fake);
}
