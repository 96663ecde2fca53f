//! The bot heals and stops without losing anything: a shutdown in the middle of a burst
//! finishes and counts every answer, a knowledge folder replaced by a rename is still
//! watched, every interaction gets a response, even one the bot cannot read, and a zombie
//! gateway connection is resumed without losing what was sent on it.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::bot::{callback, connected, option, Bot};
use crate::support::fake_discord::{self, FakeDiscord, Request};
use crate::support::role_file;

fn ask_event(id: u64, question: &str) -> Value {
    fake_discord::slash_command(id, "ask", json!([option("question", 3, json!(question))]), true)
}

fn is_callback(id: u64) -> impl Fn(&Request) -> bool {
    let path = format!("/interactions/{id}/tok-{id}/callback");
    move |r: &Request| r.method == "POST" && r.path.ends_with(&path)
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_right_after_a_burst_finishes_and_counts_every_answer() {
    let (fake, mut bot) = connected(&[]).await;
    // Slow replies, so the handlers are still running when the signal comes.
    let slow = Duration::from_secs(2);
    fake.set_http_delay("/callback", slow, usize::MAX);
    let ids: Vec<u64> = (3000..3040).collect();
    for &id in &ids {
        fake.dispatch("INTERACTION_CREATE", ask_event(id, "EP pay")).await;
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while bot.log().matches("answered guild=").count() < ids.len() {
        assert!(
            Instant::now() < deadline,
            "the burst was not answered:\n{}",
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bot.terminate();
    assert_eq!(bot.wait_exit(Duration::from_secs(15)), Some(0));

    // Every reply was sent, and each took 2 s to be answered: the gateway was closed, once
    // and cleanly, only after the last of them was through.
    let replies: Vec<Request> = ids
        .iter()
        .map(|&id| {
            let found = fake
                .requests()
                .into_iter()
                .find(|r| is_callback(id)(r) && r.status == 204);
            found.unwrap_or_else(|| panic!("the answer to {id} was not sent before the shutdown"))
        })
        .collect();
    let last_reply_done = replies.iter().map(|r| r.at).max().unwrap() + slow;
    let closes = fake.client_closes();
    assert_eq!(
        closes.iter().map(|c| c.0).collect::<Vec<_>>(),
        [1000],
        "one clean close"
    );
    assert!(
        closes[0].1 >= last_reply_done,
        "the gateway was closed with replies still being sent"
    );
    let file = bot.data_dir().join("rolecall.db");
    let store = rolecall::store::Store::open(&format!("sqlite://{}", file.display())).unwrap();
    let stats = store.stats(FakeDiscord::GUILD_ID).await.unwrap();
    assert_eq!(stats.by_aspect, [("salary".to_string(), 40)], "{}", bot.log());
}

/// Waits (up to 20 s) until the bot's log holds `needle` more than `seen` times.
async fn wait_log_count(bot: &Bot, needle: &str, seen: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while bot.log().matches(needle).count() <= seen {
        assert!(
            Instant::now() < deadline,
            "the log never showed {needle:?} again:\n{}",
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asks `question` as interaction `id` and returns the answer's title.
async fn title(fake: &FakeDiscord, id: u64, question: &str) -> String {
    fake.dispatch("INTERACTION_CREATE", ask_event(id, question)).await;
    let body = callback(fake, id).await;
    body["data"]["embeds"][0]["title"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_knowledge_folder_replaced_by_a_rename_is_reloaded_and_still_watched() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("knowledge");
    let write = |folder: &std::path::Path, id: &str, name: &str| {
        std::fs::create_dir_all(folder.join("roles")).unwrap();
        std::fs::write(folder.join(format!("roles/{id}.md")), role_file(id, name, &[])).unwrap();
    };
    write(&dir, "archivist", "Film archivist");
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake, &[], &dir);
    fake.wait_ready().await;
    bot.wait_log("watching the knowledge files").await;

    // A new copy is made beside the folder and renamed into place; the old one goes.
    let copy = parent.path().join("knowledge.new");
    write(&copy, "archivist", "Film archivist");
    write(&copy, "editor", "Sound editor");
    std::fs::rename(&dir, parent.path().join("knowledge.old")).unwrap();
    std::fs::rename(&copy, &dir).unwrap();
    std::fs::remove_dir_all(parent.path().join("knowledge.old")).unwrap();
    wait_log_count(&bot, "knowledge reloaded", 0).await;
    bot.wait_log("watching the new one").await;
    assert_eq!(
        title(&fake, 4001, "what does a sound editor do").await,
        "Sound editor — Duties"
    );

    // An edit inside the new folder is seen too.
    let reloads = bot.log().matches("knowledge reloaded").count();
    write(&dir, "gaffer", "Chief lighting gaffer");
    wait_log_count(&bot, "knowledge reloaded", reloads).await;
    assert_eq!(
        title(&fake, 4002, "what does a chief lighting gaffer do").await,
        "Chief lighting gaffer — Duties"
    );
}

/// Each interaction the bot cannot read gets a short private note, never silence.
#[tokio::test(flavor = "multi_thread")]
async fn an_interaction_the_bot_cannot_read_gets_a_private_note() {
    let (fake, _bot) = connected(&[]).await;
    let button = "This button is from an older version of rolecall; please ask again.";
    let older = "I could not read that command; it may be from an older version of rolecall. Please run it again from Discord's command list.";
    let note = |body: &Value| {
        assert_eq!(body["data"]["flags"], 64, "{body}");
        body["data"]["content"].as_str().unwrap_or_default().to_string()
    };
    for (id, custom_id) in [
        (4101, "legacy-view:producer"),
        (4102, "rc:view:"),
        (4103, "rc:teleport:1"),
    ] {
        fake.dispatch(
            "INTERACTION_CREATE",
            fake_discord::component(id, custom_id, 2, &[], 91),
        )
        .await;
        assert_eq!(note(&callback(&fake, id).await), button, "{custom_id}");
    }
    // A command this version does not have, and options of the wrong type.
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(4104, "salary", json!([]), true),
    )
    .await;
    assert_eq!(note(&callback(&fake, 4104).await), older);
    let wrong_type = json!([option("question", 4, json!(5))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(4105, "ask", wrong_type, true),
    )
    .await;
    assert_eq!(note(&callback(&fake, 4105).await), older);
    // A channel option naming a channel Discord did not resolve.
    let leaf = json!({"name": "add", "type": 1, "options": [option("channel", 7, json!("77"))]});
    let mut unknown_channel = fake_discord::slash_command(
        4106,
        "config",
        json!([{"name": "channel", "type": 2, "options": [leaf]}]),
        true,
    );
    unknown_channel["member"]["permissions"] = json!("1071698660961");
    fake.dispatch("INTERACTION_CREATE", unknown_channel).await;
    assert_eq!(note(&callback(&fake, 4106).await), older);
    crate::support::bot::assert_no_violations(&fake);
}

/// A connection that stops acknowledging heartbeats after a healthy spell is closed by the
/// bot before serenity would restart the shard, so the session is resumed and a question
/// sent on the silent connection is answered once.
#[tokio::test(flavor = "multi_thread")]
async fn a_zombie_connection_is_resumed_and_nothing_sent_on_it_is_lost() {
    let fake = FakeDiscord::start().await;
    fake.set_heartbeat_interval(2000);
    let bot = Bot::start(&fake, &[], &crate::support::root().join("knowledge"));
    fake.wait_ready().await;
    // A few acknowledged heartbeats first, as in any connection that has been up a while.
    while fake.heartbeats() < 3 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = fake.connections();
    let started = Instant::now();
    fake.set_heartbeat_ack(false);
    fake.dispatch("INTERACTION_CREATE", ask_event(4201, "EP pay"))
        .await;
    fake.wait_connections(before).await;
    fake.set_heartbeat_ack(true);
    let handshake = fake.wait_new_session(before).await;
    let took = started.elapsed();
    eprintln!("zombie connection: {handshake:?} after {took:?} (2 s heartbeats)");
    assert_eq!(handshake, fake_discord::Handshake::Resume, "{}", bot.log());
    assert!(bot.log().contains("heartbeats are no longer acknowledged"));
    let reply = callback(&fake, 4201).await;
    assert_eq!(reply["data"]["embeds"][0]["title"], "Executive producer — Salary");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let answers = fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/tok-4201/"))
        .count();
    assert_eq!(answers, 1, "answered once");
}
