//! Process settings: `.env.example`, `docs/deploy.md` and the variables the command line
//! reads name the same settings, and the real binary reads them from the environment and
//! from a `.env` file as documented (blank means unset, the environment wins over `.env`,
//! `--knowledge` wins over both, and the token is never shown).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::root;

/// Variables in `.env.example` that rolecall's command line does not read, and why.
const NOT_READ_BY_THE_COMMAND_LINE: [(&str, &str); 2] = [
    (
        "RUST_LOG",
        "the log filter, read by tracing's EnvFilter when the bot starts logging",
    ),
    (
        "POSTGRES_PASSWORD",
        "the password of compose.yaml's PostgreSQL service; rolecall sees it only inside DATABASE_URL",
    ),
];

/// Every environment variable that the command line or any of its subcommands reads.
fn variables_read_by_the_code() -> BTreeSet<String> {
    fn collect(command: &clap::Command, names: &mut BTreeSet<String>) {
        for arg in command.get_arguments() {
            if let Some(name) = arg.get_env() {
                names.insert(name.to_string_lossy().into_owned());
            }
        }
        for subcommand in command.get_subcommands() {
            collect(subcommand, names);
        }
    }
    let mut names = BTreeSet::new();
    collect(&rolecall::cli::command(), &mut names);
    names
}

/// The variables `.env.example` sets, each with the comment block above it (a group of
/// variables under one comment shares it).
fn env_example() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(".env.example")).unwrap();
    let mut entries = Vec::new();
    let mut comment = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(text) = line.strip_prefix('#') {
            comment.push_str(text.trim());
            comment.push(' ');
        } else if let Some((name, _)) = line.split_once('=') {
            entries.push((name.trim().to_string(), comment.trim().to_string()));
        } else {
            comment.clear();
        }
    }
    entries
}

#[test]
fn env_example_lists_exactly_the_variables_the_code_reads() {
    let code = variables_read_by_the_code();
    assert!(
        code.contains("DISCORD_TOKEN") && code.contains("METRICS_ADDR"),
        "{code:?}"
    );
    let example = env_example();
    for (name, comment) in &example {
        assert!(
            !comment.is_empty(),
            ".env.example sets {name} without a comment saying what it is"
        );
    }
    let listed: BTreeSet<String> = example.into_iter().map(|(name, _)| name).collect();
    let exceptions: BTreeSet<String> = NOT_READ_BY_THE_COMMAND_LINE
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    let missing: Vec<&String> = code.difference(&listed).collect();
    assert!(missing.is_empty(), ".env.example lacks {missing:?}");
    let unread: Vec<&String> = listed
        .difference(&code)
        .filter(|n| !exceptions.contains(*n))
        .collect();
    assert!(
        unread.is_empty(),
        ".env.example sets {unread:?}, which nothing reads; remove them or add them, with a reason, to NOT_READ_BY_THE_COMMAND_LINE"
    );
    for name in &exceptions {
        assert!(
            listed.contains(name),
            "{name} is an exception but not in .env.example"
        );
        assert!(
            !code.contains(name),
            "{name} is an exception but the command line reads it"
        );
    }
}

#[test]
fn the_deploy_guide_documents_every_variable() {
    let guide = std::fs::read_to_string(root().join("docs/deploy.md")).unwrap();
    for (name, _) in env_example() {
        assert!(
            guide.contains(&format!("\n| `{name}` |")),
            "docs/deploy.md's table of variables lacks {name}"
        );
    }
}

/// Runs the real binary in `dir` with only `env` set (no developer's settings leak in).
fn rolecall_in(dir: &Path, env: &[(&str, &str)], args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rolecall starts");
    // A run that stops at a bad setting does not read its input: a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().expect("rolecall finishes")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn blank_values_mean_unset_as_in_env_example() {
    let dir = tempfile::tempdir().unwrap();
    let blank: Vec<(String, &str)> = env_example().into_iter().map(|(name, _)| (name, "")).collect();
    let env: Vec<(&str, &str)> = blank
        .iter()
        .map(|(name, value)| (name.as_str(), *value))
        .collect();
    let output = rolecall_in(dir.path(), &env, &[], b"what does a line producer do\nquit\n");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("No DISCORD_TOKEN is set"),
        "{}",
        stderr(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Line producer — Duties"), "{stdout}");
    // The shipped example itself, copied to .env unchanged, starts the console too.
    std::fs::copy(root().join(".env.example"), dir.path().join(".env")).unwrap();
    let output = rolecall_in(dir.path(), &[], &[], b"quit\n");
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn dot_env_is_read_and_the_environment_wins() {
    let dir = tempfile::tempdir().unwrap();
    let knowledge = root().join("knowledge");
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "KNOWLEDGE_DIR={}\nDISCORD_GUILD_ID=\"my server\"\n",
            knowledge.display()
        ),
    )
    .unwrap();
    let output = rolecall_in(dir.path(), &[], &[], b"quit\n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim(),
        "rolecall: DISCORD_GUILD_ID must be a server id (a number), not \"my server\""
    );
    let output = rolecall_in(dir.path(), &[("DISCORD_GUILD_ID", "42")], &["check"], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", stderr(&output));
    assert!(
        stdout.starts_with(&format!("{}: OK, 10 roles", knowledge.display())),
        "{stdout}"
    );
    // --knowledge on a command wins over KNOWLEDGE_DIR from either place.
    let output = rolecall_in(
        dir.path(),
        &[("DISCORD_GUILD_ID", "42"), ("KNOWLEDGE_DIR", "/nonexistent/env")],
        &["check", "--knowledge", "/nonexistent/flag"],
        b"",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("rolecall: checking /nonexistent/flag: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_env_file_is_reported_without_its_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "DISCORD_TOKEN=abc def ghi\n").unwrap();
    let output = rolecall_in(dir.path(), &[], &["roles"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let error = stderr(&output);
    assert!(
        error.starts_with("rolecall: warning: .env has a line that is not NAME=value"),
        "{error}"
    );
    assert!(!error.contains("abc"), "{error}");
}

#[test]
fn the_token_and_the_database_password_are_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let output = rolecall_in(dir.path(), &[("DISCORD_TOKEN", "hunter2")], &[], b"");
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(
        error.starts_with("rolecall: DISCORD_TOKEN does not look like a bot token"),
        "{error}"
    );
    assert!(!error.contains("hunter2"), "{error}");
    let output = rolecall_in(dir.path(), &[], &["--discord-token", "hunter2"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(!stderr(&output).contains("hunter2"), "{}", stderr(&output));

    let token = "MTIzNDU2Nzg5.looks-right.but-secret-9f8e7d";
    let env = [
        ("DISCORD_TOKEN", token),
        ("DATABASE_URL", "postgres://rolecall:pa55word@127.0.0.1/rolecall"),
    ];
    let output = rolecall_in(dir.path(), &env, &["--help"], b"");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(help.contains("[env: DISCORD_TOKEN]"), "{help}");
    assert!(help.contains("[env: DATABASE_URL]"), "{help}");
    assert!(!help.contains(token) && !help.contains("pa55word"), "{help}");
}
