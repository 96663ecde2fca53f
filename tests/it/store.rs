//! The settings store on both back ends: SQLite always, and PostgreSQL when
//! `ROLECALL_TEST_POSTGRES` names a server (`.ci/run` starts one; in CI it is required).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::fresh_postgres;
use rolecall::store::settings::GuildSettings;
use rolecall::store::{Store, StoreError};

const GUILD: u64 = 42;

/// A fresh, empty database on each available back end: (name, URL, what keeps it alive).
async fn databases() -> Vec<(&'static str, String, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}/settings.db", dir.path().display());
    let mut found = vec![("sqlite", sqlite, Some(dir))];
    match std::env::var("ROLECALL_TEST_POSTGRES") {
        Ok(base) => found.push(("postgres", fresh_postgres(&base).await, None)),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!(
                "ROLECALL_TEST_POSTGRES is not set: run the tests through .ci/run, which starts PostgreSQL"
            )
        }
        Err(_) => eprintln!(
            "ROLECALL_TEST_POSTGRES is not set: the PostgreSQL half of the storage tests is skipped"
        ),
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_start_as_defaults_and_survive_a_restart() {
    for (backend, url, _keep) in databases().await {
        let store = Store::open(&url).unwrap();
        assert_eq!(
            store.settings(GUILD).await.unwrap(),
            GuildSettings::default(),
            "{backend}"
        );
        assert!(store.add_channel(GUILD, 7).await.unwrap());
        assert!(
            !store.add_channel(GUILD, 7).await.unwrap(),
            "{backend}: adding twice is a no-op"
        );
        store.set_require_mention(GUILD, false).await.unwrap();
        store.set_private_replies(GUILD, true).await.unwrap();
        store.set_cooldown(GUILD, 30).await.unwrap();
        store
            .set_alias(GUILD, "Showrunner", "executive-producer")
            .await
            .unwrap();
        drop(store);

        let reopened = Store::open(&url).unwrap();
        let expected = GuildSettings {
            channels: vec![7],
            require_mention: false,
            private_replies: true,
            cooldown_secs: 30,
            aliases: vec![("showrunner".into(), "executive-producer".into())],
        };
        assert_eq!(reopened.settings(GUILD).await.unwrap(), expected, "{backend}");
        assert_eq!(
            reopened.settings(GUILD + 1).await.unwrap(),
            GuildSettings::default(),
            "{backend}"
        );
        assert!(
            reopened.remove_alias(GUILD, " SHOWRUNNER ").await.unwrap(),
            "{backend}"
        );
        assert!(
            !reopened.remove_alias(GUILD, "showrunner").await.unwrap(),
            "{backend}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_admins_changing_settings_at_once_lose_nothing() {
    for (backend, url, _keep) in databases().await {
        // Two processes' worth of connections to the same database.
        let first = Arc::new(Store::open(&url).unwrap());
        let second = Arc::new(Store::open(&url).unwrap());
        first.migrate().await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..20u64 {
            let store = Arc::clone(if i % 2 == 0 { &first } else { &second });
            tasks.push(tokio::spawn(async move {
                store.add_channel(GUILD, 100 + i).await.unwrap();
                store
                    .set_alias(GUILD, &format!("alias {i}"), "producer")
                    .await
                    .unwrap();
                if i == 7 {
                    store.set_cooldown(GUILD, 60).await.unwrap();
                }
                if i == 8 {
                    store.set_private_replies(GUILD, true).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let settings = first.settings(GUILD).await.unwrap();
        assert_eq!(settings.channels.len(), 20, "{backend}");
        assert_eq!(settings.aliases.len(), 20, "{backend}");
        assert_eq!(
            (settings.cooldown_secs, settings.private_replies),
            (60, true),
            "{backend}: no update lost"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_the_bot_from_a_server_deletes_its_settings_and_stats() {
    for (backend, url, _keep) in databases().await {
        let store = Store::open(&url).unwrap();
        store.add_channel(GUILD, 1).await.unwrap();
        store.set_cooldown(GUILD, 5).await.unwrap();
        store
            .set_alias(GUILD, "boss", "executive-producer")
            .await
            .unwrap();
        store.record(GUILD, &[("aspect", "salary")]).await.unwrap();
        store.add_channel(GUILD + 1, 2).await.unwrap();
        store.delete_guild(GUILD).await.unwrap();
        assert_eq!(
            store.settings(GUILD).await.unwrap(),
            GuildSettings::default(),
            "{backend}"
        );
        assert_eq!(store.stats(GUILD).await.unwrap(), Default::default(), "{backend}");
        assert_eq!(
            store.settings(GUILD + 1).await.unwrap().channels,
            vec![2],
            "{backend}: others untouched"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_is_counted_by_aspect_role_and_unknown_name() {
    for (backend, url, _keep) in databases().await {
        let store = Store::open(&url).unwrap();
        for _ in 0..3 {
            store
                .record(GUILD, &[("aspect", "salary"), ("role", "producer")])
                .await
                .unwrap();
        }
        store
            .record(GUILD, &[("aspect", "duties"), ("role", "line-producer")])
            .await
            .unwrap();
        store
            .record(GUILD, &[("unknown", "executive director")])
            .await
            .unwrap();
        let stats = store.stats(GUILD).await.unwrap();
        assert_eq!(
            stats.by_aspect,
            [("salary".to_string(), 3), ("duties".to_string(), 1)],
            "{backend}"
        );
        assert_eq!(stats.by_role[0], ("producer".to_string(), 3), "{backend}");
        assert_eq!(
            stats.unknown,
            [("executive director".to_string(), 1)],
            "{backend}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_database_fails_fast_with_a_clear_error() {
    let store = Store::open("postgres://rolecall@127.0.0.1:9/nowhere").unwrap();
    let started = Instant::now();
    let error = store.settings(GUILD).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(error, StoreError::Unavailable(_)));
    assert!(
        error.to_string().contains("questions are still answered"),
        "{error}"
    );
    // A SQLite file that cannot be created is an unavailable store, not a crash.
    let store = Store::open("sqlite:///proc/rolecall-cannot-write/settings.db").unwrap();
    let error = store.settings(GUILD).await.unwrap_err();
    assert!(matches!(error, StoreError::Unavailable(_)), "{error}");
}

/// The SQLite file under a running store is removed, then replaced by another database: the
/// write that finds the change is refused (never confirmed into a file nothing will read),
/// and the store goes on with the file at the configured path, as the next start would.
#[tokio::test(flavor = "multi_thread")]
async fn a_removed_or_replaced_sqlite_file_is_noticed_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).unwrap();
    store.set_alias(GUILD, "first", "producer").await.unwrap();

    std::fs::remove_file(&path).unwrap();
    let refused = store.set_alias(GUILD, "lost", "producer").await.unwrap_err();
    assert!(
        matches!(refused, StoreError::FileChanged { change: "removed" }),
        "{refused}"
    );
    assert!(refused.to_string().contains("was not saved"), "{refused}");
    store.set_alias(GUILD, "after", "producer").await.unwrap();
    let next_start = Store::open(&url).unwrap();
    assert_eq!(aliases(&next_start).await, ["after"]);
    next_start.close().await;

    // Another database renamed into place, as a restore from a backup does.
    let other = dir.path().join("restored.db");
    let restored = Store::open(&format!("sqlite://{}", other.display())).unwrap();
    restored.set_alias(GUILD, "restored", "producer").await.unwrap();
    restored.close().await;
    std::fs::rename(&other, &path).unwrap();
    let refused = store.set_cooldown(GUILD, 9).await.unwrap_err();
    assert!(
        matches!(refused, StoreError::FileChanged { change: "replaced" }),
        "{refused}"
    );
    assert_eq!(aliases(&store).await, ["restored"]);
    store.set_alias(GUILD, "kept", "producer").await.unwrap();
    assert_eq!(aliases(&Store::open(&url).unwrap()).await, ["kept", "restored"]);
}

/// The SQLite file is overwritten with bytes that are not a database, then repaired in
/// place: writes fail naming the cause, and work again at once after the repair.
#[tokio::test(flavor = "multi_thread")]
async fn a_corrupted_sqlite_file_fails_with_its_cause_and_a_repair_is_picked_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).unwrap();
    store.set_alias(GUILD, "first", "producer").await.unwrap();
    let good = std::fs::read(&path).unwrap();

    std::fs::write(&path, vec![b'x'; good.len()]).unwrap();
    let error = store.set_alias(GUILD, "lost", "producer").await.unwrap_err();
    let cause = std::error::Error::source(&error)
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(cause.contains("file is not a database"), "{error}: {cause}");
    assert!(store.settings(GUILD).await.is_err());

    std::fs::write(&path, &good).unwrap();
    let started = Instant::now();
    store.set_alias(GUILD, "after", "producer").await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(aliases(&Store::open(&url).unwrap()).await, ["after", "first"]);
}

async fn aliases(store: &Store) -> Vec<String> {
    let settings = store.settings(GUILD).await.unwrap();
    settings.aliases.into_iter().map(|(alias, _)| alias).collect()
}
