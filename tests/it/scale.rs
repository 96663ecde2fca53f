//! Two bot processes sharing the load: each runs one of two shards against the fake
//! Discord, answers only its own server, and both keep settings in one PostgreSQL.

use serde_json::json;

use crate::support::bot::{callback, embed, option, Bot};
use crate::support::fake_discord::{self, FakeDiscord};
use crate::support::{fresh_postgres, root};

fn ask_in(id: u64, guild: u64, channel: u64, question: &str) -> serde_json::Value {
    let mut event =
        fake_discord::slash_command(id, "ask", json!([option("question", 3, json!(question))]), true);
    event["guild_id"] = json!(guild.to_string());
    event["channel_id"] = json!(channel.to_string());
    event["data"]["guild_id"] = json!(guild.to_string());
    event
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_split_the_shards_and_share_settings() {
    let Ok(base) = std::env::var("ROLECALL_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "ROLECALL_TEST_POSTGRES must be set in CI (.ci/run sets it)"
        );
        eprintln!("ROLECALL_TEST_POSTGRES is not set: the two-process test needs PostgreSQL and is skipped");
        return;
    };
    let url = fresh_postgres(&base).await;
    let fake = FakeDiscord::start().await;
    let knowledge = root().join("knowledge");
    let first = Bot::start(
        &fake,
        &[
            ("DATABASE_URL", &url),
            ("SHARD_RANGE", "0-0"),
            ("SHARD_TOTAL", "2"),
        ],
        &knowledge,
    );
    let second = Bot::start(
        &fake,
        &[
            ("DATABASE_URL", &url),
            ("SHARD_RANGE", "1-1"),
            ("SHARD_TOTAL", "2"),
        ],
        &knowledge,
    );
    wait_registrations(&fake, 2).await;

    // Shard 0 serves the second guild, shard 1 the first (ids decide, as on Discord).
    let (shard0_guild, shard1_guild) = (FakeDiscord::SECOND_GUILD_ID, FakeDiscord::GUILD_ID);
    fake.dispatch(
        "INTERACTION_CREATE",
        ask_in(1, shard0_guild, FakeDiscord::SECOND_CHANNEL_ID, "EP pay"),
    )
    .await;
    fake.dispatch(
        "INTERACTION_CREATE",
        ask_in(2, shard1_guild, FakeDiscord::CHANNEL_ID, "PA hours"),
    )
    .await;
    assert_eq!(
        embed(&callback(&fake, 1).await)["title"],
        "Executive producer — Salary"
    );
    assert_eq!(
        embed(&callback(&fake, 2).await)["title"],
        "Production assistant — Work environment"
    );
    // Each process logs the questions it answered, just after replying.
    first.wait_log(&format!("answered guild={shard0_guild}")).await;
    second.wait_log(&format!("answered guild={shard1_guild}")).await;
    let (log0, log1) = (first.log(), second.log());
    assert!(
        !log0.contains(&format!("answered guild={shard1_guild}")),
        "process 0 answered a shard 1 server"
    );
    assert!(
        !log1.contains(&format!("answered guild={shard0_guild}")),
        "process 1 answered a shard 0 server"
    );

    // An admin of the shard 0 server adds an alias through the first process…
    let mut alias = fake_discord::slash_command(
        3,
        "config",
        json!([{"name": "alias", "type": 2, "options": [{"name": "add", "type": 1, "options": [
            option("alias", 3, json!("showrunner")), option("role", 3, json!("executive-producer"))
        ]}]}]),
        true,
    );
    alias["guild_id"] = json!(shard0_guild.to_string());
    alias["member"]["permissions"] = json!("1071698660961");
    fake.dispatch("INTERACTION_CREATE", alias).await;
    callback(&fake, 3).await;
    // …then that process stops and the other takes over both shards: it sees the alias.
    drop(first);
    drop(second);
    let _all = Bot::start(
        &fake,
        &[
            ("DATABASE_URL", &url),
            ("SHARD_RANGE", "0-1"),
            ("SHARD_TOTAL", "2"),
        ],
        &knowledge,
    );
    wait_registrations(&fake, 3).await;
    fake.dispatch(
        "INTERACTION_CREATE",
        ask_in(
            4,
            shard0_guild,
            FakeDiscord::SECOND_CHANNEL_ID,
            "showrunner salary",
        ),
    )
    .await;
    assert_eq!(
        embed(&callback(&fake, 4).await)["title"],
        "Executive producer — Salary"
    );
}

/// Waits until the bot processes have registered their commands `count` times in all.
async fn wait_registrations(fake: &FakeDiscord, count: usize) {
    for _ in 0..400 {
        let done = fake
            .requests()
            .iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
            .count();
        if done >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("fewer than {count} command registrations within 20 s");
}
