//! Server admins' settings through the real bot and the fake Discord: who may change them,
//! what they change, that bad values change nothing, and that they survive a restart.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::bot::{assert_no_violations, callback, connected, embed, option, Bot};
use crate::support::fake_discord::{self, FakeDiscord, Request};
use crate::support::{knowledge_dir, role_file, root};
use rolecall::store::Store;

/// Permissions of a member with Manage Server (the default member set plus 1 << 5).
const ADMIN_PERMISSIONS: &str = "1071698660961";

/// A channel of some other server.
const OTHER_SERVERS_CHANNEL: u64 = 123_456_789_012_345_678;

/// A `/config …` interaction: `path` is the subcommand path, `options` the leaf's options.
fn config(id: u64, path: &[&str], options: Value, admin: bool) -> Value {
    let mut leaf = json!({"name": path[path.len() - 1], "type": 1, "options": options});
    if path.len() == 2 {
        leaf = json!({"name": path[0], "type": 2, "options": [leaf]});
    }
    let mut event = fake_discord::slash_command(id, "config", json!([leaf]), true);
    if admin {
        event["member"]["permissions"] = json!(ADMIN_PERMISSIONS);
    }
    // Discord sends the channels that options name in `resolved`.
    let mut channels = serde_json::Map::new();
    for id in [FakeDiscord::CHANNEL_ID, OTHER_SERVERS_CHANNEL] {
        let channel =
            json!({"id": id.to_string(), "name": "general", "type": 0, "permissions": ADMIN_PERMISSIONS});
        channels.insert(id.to_string(), channel);
    }
    event["data"]["resolved"] = json!({ "channels": channels });
    event
}

fn channel_option(id: u64) -> Value {
    json!([option("channel", 7, json!(id.to_string()))])
}

fn content(body: &Value) -> &str {
    body["data"]["content"].as_str().unwrap_or_default()
}

fn ask(id: u64, question: &str) -> Value {
    fake_discord::slash_command(id, "ask", json!([option("question", 3, json!(question))]), true)
}

fn reply_to(message: &'static str) -> impl Fn(&Request) -> bool {
    move |r: &Request| r.method == "POST" && r.body["message_reference"]["message_id"] == message
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_channel_works_without_a_mention_and_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/settings.db", data.path().display());
    let env = [("DATABASE_URL", url.as_str())];
    let (fake, bot) = connected(&env).await;
    let channel = FakeDiscord::CHANNEL_ID;
    fake.dispatch(
        "INTERACTION_CREATE",
        config(11, &["channel", "add"], channel_option(channel), true),
    )
    .await;
    let body = callback(&fake, 11).await;
    assert_eq!(
        content(&body),
        format!("I'll answer questions in <#{channel}> without a mention.")
    );
    assert_eq!(body["data"]["flags"], 64, "settings replies are private");
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(12, "how much does a line producer earn", false, true),
    )
    .await;
    let reply = fake.wait_for("an answer without a mention", reply_to("12")).await;
    assert_eq!(reply.body["embeds"][0]["title"], "Line producer — Salary");
    drop(bot);

    let fake = FakeDiscord::start().await;
    let _bot = Bot::start(&fake, &env, &root().join("knowledge"));
    fake.wait_ready().await;
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(13, "what do PAs do all day?", false, true),
    )
    .await;
    let reply = fake.wait_for("an answer after the restart", reply_to("13")).await;
    assert_eq!(reply.body["embeds"][0]["title"], "Production assistant — Duties");
    // Chat that is not about jobs gets no reply, even in an answer channel.
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(14, "lol see you all tomorrow", false, true),
    )
    .await;
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(15, "EP vs PA hours", false, true),
    )
    .await;
    fake.wait_for("the reply to 15", reply_to("15")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !fake.requests().iter().any(reply_to("14")),
        "chatter was answered"
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_members_with_manage_server_change_settings() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/settings.db", data.path().display());
    let (fake, _bot) = connected(&[("DATABASE_URL", url.as_str())]).await;
    // A crafted interaction from a member without the permission.
    let cooldown = json!([option("seconds", 4, json!(30))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        config(21, &["cooldown"], cooldown.clone(), false),
    )
    .await;
    assert_eq!(
        content(&callback(&fake, 21).await),
        "You need the Manage Server permission to use this command."
    );
    // The same command in a DM.
    let leaf = json!([{"name": "cooldown", "type": 1, "options": [option("seconds", 4, json!(30))]}]);
    let dm = fake_discord::slash_command(22, "config", leaf, false);
    fake.dispatch("INTERACTION_CREATE", dm).await;
    assert!(content(&callback(&fake, 22).await).starts_with("Settings belong to a server"));
    let stats = fake_discord::slash_command(23, "stats", json!([]), true);
    fake.dispatch("INTERACTION_CREATE", stats).await;
    assert_eq!(
        content(&callback(&fake, 23).await),
        "You need the Manage Server permission to use this command."
    );
    let store = Store::open(&url).unwrap();
    assert_eq!(
        store.settings(FakeDiscord::GUILD_ID).await.unwrap().cooldown_secs,
        0,
        "nothing changed"
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_values_get_a_clear_error_and_change_nothing() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/settings.db", data.path().display());
    let (fake, _bot) = connected(&[("DATABASE_URL", url.as_str())]).await;
    for (id, seconds) in [(31, -5), (32, 315_360_000)] {
        let options = json!([option("seconds", 4, json!(seconds))]);
        fake.dispatch("INTERACTION_CREATE", config(id, &["cooldown"], options, true))
            .await;
        let text = content(&callback(&fake, id).await).to_string();
        assert!(
            text.starts_with("The cooldown must be between 0 (off) and 3600 seconds"),
            "{text}"
        );
    }
    let elsewhere = 123_456_789_012_345_678;
    fake.dispatch(
        "INTERACTION_CREATE",
        config(33, &["channel", "add"], channel_option(elsewhere), true),
    )
    .await;
    assert!(content(&callback(&fake, 33).await).starts_with("That channel is not in this server"));
    let clash = json!([
        option("alias", 3, json!("Line Producer")),
        option("role", 3, json!("producer"))
    ]);
    fake.dispatch("INTERACTION_CREATE", config(34, &["alias", "add"], clash, true))
        .await;
    let text = content(&callback(&fake, 34).await).to_string();
    assert!(
        text.contains("is already a name of the role Line producer"),
        "{text}"
    );
    let store = Store::open(&url).unwrap();
    let settings = store.settings(FakeDiscord::GUILD_ID).await.unwrap();
    assert_eq!(settings, Default::default(), "nothing was stored");
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn server_aliases_private_replies_cooldowns_and_stats() {
    let (fake, _bot) = connected(&[]).await;
    let alias = json!([
        option("alias", 3, json!("showrunner")),
        option("role", 3, json!("executive-producer"))
    ]);
    fake.dispatch("INTERACTION_CREATE", config(41, &["alias", "add"], alias, true))
        .await;
    assert_eq!(
        content(&callback(&fake, 41).await),
        "\"showrunner\" now means Executive producer in this server."
    );
    fake.dispatch("INTERACTION_CREATE", ask(42, "how much do showrunners earn?"))
        .await;
    assert_eq!(
        embed(&callback(&fake, 42).await)["title"],
        "Executive producer — Salary"
    );

    fake.dispatch(
        "INTERACTION_CREATE",
        ask(47, "how much does an executive director earn"),
    )
    .await;
    assert_eq!(
        embed(&callback(&fake, 47).await)["title"],
        "I don't know that role"
    );
    let private = json!([option("visibility", 4, json!(1))]);
    fake.dispatch("INTERACTION_CREATE", config(43, &["replies"], private, true))
        .await;
    callback(&fake, 43).await;
    let cooldown = json!([option("seconds", 4, json!(600))]);
    fake.dispatch("INTERACTION_CREATE", config(44, &["cooldown"], cooldown, true))
        .await;
    callback(&fake, 44).await;
    fake.dispatch("INTERACTION_CREATE", ask(45, "what does a line producer do"))
        .await;
    let answer = callback(&fake, 45).await;
    assert_eq!(answer["data"]["flags"], 64, "a private reply");
    assert_eq!(embed(&answer)["title"], "Line producer — Duties");
    fake.dispatch("INTERACTION_CREATE", ask(46, "and a co-producer?"))
        .await;
    let note = callback(&fake, 46).await;
    assert!(content(&note).starts_with("You're asking quickly."), "{note}");
    assert_eq!(note["data"]["flags"], 64);

    fake.dispatch(
        "INTERACTION_CREATE",
        ask(47, "how much does an executive director earn"),
    )
    .await;
    callback(&fake, 47).await;
    let mut stats = fake_discord::slash_command(48, "stats", json!([]), true);
    stats["member"]["permissions"] = json!(ADMIN_PERMISSIONS);
    // Usage is written in batches every 2 s; ask until it shows.
    let mut text = String::new();
    for id in 1048..1100 {
        stats["id"] = json!(id.to_string());
        stats["token"] = json!(format!("tok-{id}"));
        fake.dispatch("INTERACTION_CREATE", stats.clone()).await;
        text = callback(&fake, id).await.to_string();
        if text.contains("executive director: 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        text.contains("Executive producer: 1") && text.contains("salary: 1"),
        "{text}"
    );
    assert!(text.contains("executive director: 1"), "{text}");
    assert!(!text.contains("how much"), "no message text is stored");
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn leaving_a_server_deletes_its_settings() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/settings.db", data.path().display());
    let (fake, _bot) = connected(&[("DATABASE_URL", url.as_str())]).await;
    let cooldown = json!([option("seconds", 4, json!(30))]);
    fake.dispatch("INTERACTION_CREATE", config(51, &["cooldown"], cooldown, true))
        .await;
    callback(&fake, 51).await;
    let store = Store::open(&url).unwrap();
    assert_eq!(
        store.settings(FakeDiscord::GUILD_ID).await.unwrap().cooldown_secs,
        30
    );
    let guild = FakeDiscord::GUILD_ID.to_string();
    fake.dispatch("GUILD_DELETE", json!({"id": guild})).await;
    for _ in 0..50 {
        if store.settings(FakeDiscord::GUILD_ID).await.unwrap().cooldown_secs == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the settings of a server the bot left were not deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_database_questions_are_answered_and_settings_say_why_not() {
    let (fake, _bot) = connected(&[("DATABASE_URL", "postgres://rolecall@127.0.0.1:9/nowhere")]).await;
    fake.dispatch("INTERACTION_CREATE", ask(61, "EP salary")).await;
    assert_eq!(
        embed(&callback(&fake, 61).await)["title"],
        "Executive producer — Salary"
    );
    let cooldown = json!([option("seconds", 4, json!(30))]);
    fake.dispatch("INTERACTION_CREATE", config(62, &["cooldown"], cooldown, true))
        .await;
    let text = content(&callback(&fake, 62).await).to_string();
    assert!(
        text.starts_with("the settings database is unavailable right now"),
        "{text}"
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn edited_knowledge_is_live_and_a_broken_edit_keeps_the_last_good() {
    let dir = knowledge_dir(&[
        (
            "roles/archivist.md",
            role_file("archivist", "Film archivist", &[]),
        ),
        ("roles/editor.md", role_file("editor", "Sound editor", &[])),
    ]);
    let fake = FakeDiscord::start().await;
    let owner = FakeDiscord::USER_ID.to_string();
    let bot = Bot::start(&fake, &[("OWNER_IDS", owner.as_str())], dir.path());
    fake.wait_ready().await;
    let path = dir.path().join("roles/archivist.md");
    let edited = role_file("archivist", "Film archivist", &[])
        .replace("Film archivist: Duties text.", "Keeps the reels safe.");
    std::fs::write(&path, edited).unwrap();
    let mut id = 70;
    let mut description = String::new();
    for _ in 0..40 {
        id += 1;
        fake.dispatch("INTERACTION_CREATE", ask(id, "what does a film archivist do"))
            .await;
        description = embed(&callback(&fake, id).await)["description"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if description == "Keeps the reels safe." {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(description, "Keeps the reels safe.", "the edit was not picked up");
    std::fs::write(&path, "+++\nid = \"archivist\"\nname = [\n+++\n").unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    id += 1;
    fake.dispatch("INTERACTION_CREATE", ask(id, "what does a film archivist do"))
        .await;
    assert_eq!(
        embed(&callback(&fake, id).await)["description"],
        "Keeps the reels safe."
    );
    let log = bot.log();
    assert!(
        log.contains("roles/archivist.md:4: front matter: invalid array"),
        "{log}"
    );
    // The owner's /knowledge check reports the same problem.
    let check = json!([{"name": "check", "type": 1, "options": []}]);
    id += 1;
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(id, "knowledge", check.clone(), true),
    )
    .await;
    let report = content(&callback(&fake, id).await).to_string();
    assert!(
        report.contains("1 problem(s)") && report.contains("archivist.md:4: front matter"),
        "{report}"
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_commands_refuse_everyone_else() {
    let (fake, _bot) = connected(&[("OWNER_IDS", "1")]).await;
    let reload = json!([{"name": "reload", "type": 1, "options": []}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(81, "knowledge", reload, true),
    )
    .await;
    assert_eq!(
        content(&callback(&fake, 81).await),
        "Only the bot's owner can use this command."
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_message_menu_honours_private_replies_and_the_cooldown() {
    let (fake, _bot) = connected(&[]).await;
    let private = json!([option("visibility", 4, json!(1))]);
    fake.dispatch("INTERACTION_CREATE", config(81, &["replies"], private, true))
        .await;
    callback(&fake, 81).await;
    let cooldown = json!([option("seconds", 4, json!(600))]);
    fake.dispatch("INTERACTION_CREATE", config(82, &["cooldown"], cooldown, true))
        .await;
    callback(&fake, 82).await;

    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::message_menu(83, 56, "what does a line producer do?"),
    )
    .await;
    let answer = callback(&fake, 83).await;
    assert_eq!(answer["data"]["flags"], 64, "a private reply: {answer}");
    assert_eq!(embed(&answer)["title"], "Line producer — Duties");
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::message_menu(84, 57, "and a co-producer?"),
    )
    .await;
    let note = callback(&fake, 84).await;
    assert!(content(&note).starts_with("You're asking quickly."), "{note}");
    assert_eq!(note["data"]["flags"], 64);
    let public = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .count();
    assert_eq!(public, 0, "nothing was posted in the channel");
    assert_no_violations(&fake);
}

/// The SQLite file is damaged, repaired, then removed while the bot runs. A change that
/// cannot be stored is refused with the cause in the log, the last known settings stay in
/// effect, the repair is picked up without a restart, and a removed file is noticed before
/// any change is confirmed into it.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_or_removed_database_file_never_loses_a_confirmed_change() {
    let (fake, bot) = connected(&[]).await;
    let file = bot.data_dir().join("rolecall.db");
    let channel = FakeDiscord::CHANNEL_ID;
    fake.dispatch(
        "INTERACTION_CREATE",
        config(81, &["channel", "add"], channel_option(channel), true),
    )
    .await;
    assert!(content(&callback(&fake, 81).await).starts_with("I'll answer"));
    let good = std::fs::read(&file).unwrap();

    std::fs::write(&file, vec![b'x'; good.len()]).unwrap();
    let cooldown = |id: u64, seconds: i64| {
        config(
            id,
            &["cooldown"],
            json!([option("seconds", 4, json!(seconds))]),
            true,
        )
    };
    fake.dispatch("INTERACTION_CREATE", cooldown(82, 30)).await;
    let refusal = content(&callback(&fake, 82).await).to_string();
    assert!(
        refusal.starts_with("the settings database is unavailable"),
        "{refusal}"
    );
    bot.wait_log("file is not a database").await;
    assert!(bot
        .log()
        .lines()
        .any(|l| l.contains(" ERROR ") && l.contains("file is not a database")));
    // Past the 5 s settings cache: the answer channel still works from the last known settings.
    tokio::time::sleep(Duration::from_millis(5500)).await;
    fake.dispatch(
        "MESSAGE_CREATE",
        fake_discord::message(83, "how much does a line producer earn", false, true),
    )
    .await;
    fake.wait_for("an answer from the last known settings", reply_to("83"))
        .await;

    std::fs::write(&file, &good).unwrap();
    fake.dispatch("INTERACTION_CREATE", cooldown(84, 0)).await;
    assert_eq!(content(&callback(&fake, 84).await), "The cooldown is off.");
    bot.wait_log("the settings database is back").await;

    std::fs::remove_file(&file).unwrap();
    fake.dispatch("INTERACTION_CREATE", cooldown(85, 20)).await;
    let refusal = content(&callback(&fake, 85).await).to_string();
    assert!(
        refusal.contains("was removed while rolecall was running, so this change was not saved"),
        "{refusal}"
    );
    assert!(bot
        .log()
        .lines()
        .any(|l| l.contains(" ERROR ") && l.contains("was removed")));
    fake.dispatch("INTERACTION_CREATE", cooldown(86, 25)).await;
    assert_eq!(
        content(&callback(&fake, 86).await),
        "Members can now ask one question every 25 s."
    );
    assert!(
        bot.log().contains("created the settings database again"),
        "the new file is announced"
    );
    // What was confirmed is what the next start reads.
    let next_start = Store::open(&format!("sqlite://{}", file.display())).unwrap();
    assert_eq!(
        next_start
            .settings(FakeDiscord::GUILD_ID)
            .await
            .unwrap()
            .cooldown_secs,
        25
    );
    assert_no_violations(&fake);
}

/// Aliases with a direction override, a line break or a NUL are refused with a clear reply,
/// and the alias list stays readable.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_aliases_are_refused_and_the_list_stays_readable() {
    let (fake, _bot) = connected(&[]).await;
    let hostile = [
        (91, "boss\u{202E}ssob", "U+202E"),
        (92, "the\nboss", "U+000A"),
        (93, "boss\0", "U+0000"),
    ];
    for (id, alias, code) in hostile {
        let options = json!([
            option("alias", 3, json!(alias)),
            option("role", 3, json!("executive-producer"))
        ]);
        fake.dispatch("INTERACTION_CREATE", config(id, &["alias", "add"], options, true))
            .await;
        let reply = content(&callback(&fake, id).await).to_string();
        assert!(
            reply.starts_with("An alias can have only letters, digits, spaces")
                && reply.contains(&format!("the invisible character {code}"))
                && reply.ends_with("Nothing was changed."),
            "{reply}"
        );
    }
    fake.dispatch(
        "INTERACTION_CREATE",
        config(94, &["alias", "list"], json!([]), true),
    )
    .await;
    assert_eq!(
        content(&callback(&fake, 94).await),
        "This server has no extra aliases."
    );
    assert_no_violations(&fake);
}
