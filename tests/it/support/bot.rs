//! The real `rolecall` binary run as a bot against the fake Discord, and the helpers the
//! Discord tests share. The bot benchmarks include this file with `#[path]`, beside the fake
//! Discord, and start the bot through it too.

// The benchmarks use only `Bot` and `connected`.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::fake_discord::FakeDiscord;

pub const TOKEN: &str = "MTIzNDU2Nzg5.fake-token.not-a-real-secret-9f8e7d";

/// The bot process; killed when dropped so a failing test leaves nothing behind.
pub struct Bot {
    pub child: Child,
    log: tempfile::NamedTempFile,
    /// Holds the SQLite settings database unless the test chose another.
    _data: tempfile::TempDir,
}

impl Bot {
    /// Starts the bot against `fake` on the knowledge in `knowledge`, with a fresh SQLite
    /// settings database, `RUST_LOG=debug`, no owners, and its log (stderr) in a temporary file.
    /// `extra_env` is set last, so it can replace any of these.
    pub fn start(fake: &FakeDiscord, extra_env: &[(&str, &str)], knowledge: &Path) -> Bot {
        let log = tempfile::NamedTempFile::new().unwrap();
        let data = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_rolecall"));
        command
            .current_dir(root())
            .env("DISCORD_TOKEN", TOKEN)
            .env("DISCORD_API_URL", fake.api_url())
            .env("DISCORD_GUILD_ID", "")
            .env("KNOWLEDGE_DIR", knowledge)
            .env("RUST_LOG", "debug")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/rolecall.db", data.path().display()),
            )
            .env("OWNER_IDS", "")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap());
        for (key, value) in extra_env {
            command.env(key, value);
        }
        Bot {
            child: command.spawn().expect("bot starts"),
            log,
            _data: data,
        }
    }

    /// The folder of the bot's default SQLite settings database (`rolecall.db` in it).
    pub fn data_dir(&self) -> &Path {
        self._data.path()
    }

    /// Everything the bot logged so far.
    pub fn log(&self) -> String {
        let mut text = String::new();
        self.log.reopen().unwrap().read_to_string(&mut text).unwrap();
        text
    }

    /// Waits (up to 20 s) until the log contains `needle`.
    pub async fn wait_log(&self, needle: &str) {
        for _ in 0..400 {
            if self.log().contains(needle) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the bot's log never showed {needle:?}:\n{}", self.log());
    }

    /// Sends the bot SIGTERM, as a service manager stopping it would.
    pub fn terminate(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(sent.success(), "kill -TERM {pid} failed");
    }

    /// Waits for the process to exit on its own and returns its exit code.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the bot did not exit within {limit:?}; log:\n{}", self.log());
    }
}

/// The repository root: the bot runs there, and the shipped knowledge is in `knowledge/`.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Drop for Bot {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- the bot's log ---\n{}", self.log());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fake Discord with the bot connected and its commands registered.
pub async fn connected(extra_env: &[(&str, &str)]) -> (FakeDiscord, Bot) {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake, extra_env, &root().join("knowledge"));
    fake.wait_ready().await;
    fake.wait_for("command registration", |r| {
        r.method == "PUT" && r.path.ends_with("/commands")
    })
    .await;
    (fake, bot)
}

pub async fn callback(fake: &FakeDiscord, id: u64) -> Value {
    let path = format!("/interactions/{id}/tok-{id}/callback");
    fake.wait_for(&format!("the callback to interaction {id}"), |r| {
        r.method == "POST" && r.path.ends_with(&path)
    })
    .await
    .body
}

pub fn option(name: &str, kind: u8, value: Value) -> Value {
    json!({"name": name, "type": kind, "value": value})
}

pub fn assert_no_violations(fake: &FakeDiscord) {
    let violations = fake.violations();
    assert!(violations.is_empty(), "Discord would reject: {violations:#?}");
}

pub fn embed(body: &Value) -> &Value {
    &body["data"]["embeds"][0]
}
