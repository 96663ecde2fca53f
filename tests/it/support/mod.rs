//! Helpers shared by the integration tests.

pub mod bot;
pub mod fake_discord;
pub mod role_file;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use role_file::{role_file, toml_string, RoleFile, Salary};

/// The repository root, where `knowledge/` and `tests/data/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `program`, run from the repository root with no Discord token and no knowledge directory
/// from the environment: both empty, not removed, so a developer's .env file cannot fill them in.
pub fn without_token(program: &str) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(root())
        .env("DISCORD_TOKEN", "")
        .env("KNOWLEDGE_DIR", "");
    command
}

/// Runs the real `rolecall` binary with `args`, feeding `stdin`, with no Discord token.
pub fn rolecall(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = without_token(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rolecall binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("rolecall finishes");
    writer.join().expect("stdin writer finishes");
    output
}

/// Writes `files` (relative path, content) under a fresh temporary directory.
pub fn knowledge_dir(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// The path as a `&str`, for command arguments.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Creates a new database on the server at `base` and returns its URL.
pub async fn fresh_postgres(base: &str) -> String {
    sqlx::any::install_default_drivers();
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "rolecall_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(base)
        .await
        .expect("PostgreSQL is reachable");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}
