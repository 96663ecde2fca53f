//! Knowledge directories with file-system tricks: a file over the size limit, invalid UTF-8,
//! links out of the directory, FIFOs, dangling links, link loops and folders named like files
//! are refused file by file with a `file:line: message` (and nothing they hold is shown), and
//! 3,000 role files load in bounded time.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::select;

use rolecall::discord::render;
use rolecall::engine::answer::Answer;
use rolecall::engine::aspect::Aspect;
use rolecall::engine::knowledge::{load_with_problems, MAX_FILE_BYTES};
use rolecall::engine::Engine;

use super::{boundary, config, question_problems, BAD_BYTES};
use crate::support::{arg, knowledge_dir, role_file, rolecall, RoleFile};

fn check_output(dir: &Path) -> (bool, String) {
    let output = rolecall(&["check", "--knowledge", arg(dir)], b"");
    let text =
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn a_2_mb_role_file_is_refused_with_its_size() {
    let mut huge = role_file("huge", "Huge role", &[]);
    huge.push_str(&"Filler text for a very large file.\n".repeat(2 * 1024 * 1024 / 35 + 1));
    let size = huge.len();
    assert!(size > 2 * 1024 * 1024);
    let dir = knowledge_dir(&[
        ("roles/huge.md", huge),
        ("roles/editor.md", role_file("editor", "Editor", &[])),
    ]);
    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    let expected = format!(
        "{}:1: file is {size} bytes; the limit is {MAX_FILE_BYTES}",
        dir.path().join("roles/huge.md").display()
    );
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(shown, vec![expected.clone()]);
    assert_eq!(MAX_FILE_BYTES, 256 * 1024);
    assert_eq!(
        knowledge.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["editor"]
    );
    let (ok, text) = check_output(dir.path());
    assert!(!ok && text.contains(&expected), "{text}");
}

proptest! {
    #![proptest_config(config(24))]

    /// Invalid UTF-8 anywhere in a file is reported on the line where it is.
    #[test]
    fn invalid_utf8_is_reported_at_its_line(at in 0usize..400, bad in select(BAD_BYTES[..11].to_vec())) {
        let valid = role_file("producer", "Producer", &[]);
        let at = boundary(&valid, at, false);
        let mut bytes = valid.as_bytes()[..at].to_vec();
        bytes.extend_from_slice(bad);
        bytes.extend_from_slice(&valid.as_bytes()[at..]);
        prop_assume!(std::str::from_utf8(&bytes).is_err());
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("roles")).unwrap();
        std::fs::write(dir.path().join("roles/producer.md"), &bytes).unwrap();
        let (_, problems) = load_with_problems(dir.path()).unwrap();
        let line = valid.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        let file = dir.path().join("roles/producer.md");
        let expected = format!("{}:{line}: not valid UTF-8 text", file.display());
        prop_assert_eq!(problems.iter().map(ToString::to_string).collect::<Vec<_>>(), vec![expected]);
    }
}

const CANARY: &str = "CANARY-5f1e-never-shown";

fn secret_role() -> String {
    RoleFile::new("secret", "Secret agent")
        .aliases(&["spy"])
        .sections(|_, heading| format!("Secret agent: {heading} text {CANARY}."))
        .text()
}

/// Every answer an engine can give about its roles, as text and as Discord JSON.
fn everything_said(engine: &Engine, questions: &[&str]) -> String {
    let mut said = String::new();
    let mut answers: Vec<Answer> = questions.iter().map(|q| engine.answer(q)).collect();
    for role in &engine.knowledge().roles {
        for aspect in Aspect::ALL {
            answers.extend(engine.answer_about(&[&role.id], aspect));
        }
    }
    for answer in answers {
        let reply = render::answer(engine, &answer);
        said.push_str(&engine.render_text(&answer));
        said.push_str(&serde_json::json!({"content": reply.content, "embeds": reply.embeds}).to_string());
    }
    said
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_file_outside_is_not_read() {
    let outside = knowledge_dir(&[("secret.md", secret_role())]);
    let dir = knowledge_dir(&[("roles/editor.md", role_file("editor", "Editor", &[]))]);
    let link = dir.path().join("roles/secret.md");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), &link).unwrap();

    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [format!(
            "{}:1: links outside the knowledge directory or is not a regular file; not read",
            link.display()
        )]
    );
    assert_eq!(
        knowledge.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["editor"]
    );
    let said = everything_said(
        &Engine::new(knowledge),
        &["what does a secret agent do?", "spy salary", "secret"],
    );
    assert!(!said.contains(CANARY));

    // The whole directory is refused, and nothing from the linked file is printed.
    assert!(Engine::load(dir.path()).is_err());
    let (ok, text) = check_output(dir.path());
    assert!(
        !ok && text.contains("links outside the knowledge directory"),
        "{text}"
    );
    let output = rolecall(
        &["ask", "--knowledge", arg(dir.path()), "what does a spy do"],
        b"",
    );
    assert!(!output.status.success());
    for stream in [&output.stdout, &output.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(CANARY));
    }
    assert!(!text.contains(CANARY));
}

/// `roles/` itself a link to a folder outside: the folder is listed, but every file in it
/// resolves outside the knowledge root and is refused on its own line, so nothing is read, the
/// directory does not load (`check` fails, one problem per file), and no answer is possible.
#[cfg(unix)]
#[test]
fn a_symlinked_roles_folder_outside_is_listed_but_not_read() {
    let outside = knowledge_dir(&[
        ("secret.md", secret_role()),
        ("editor.md", role_file("editor", "Editor", &[])),
    ]);
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("roles")).unwrap();

    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    assert!(knowledge.roles.is_empty());
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let refused = |file: &str| {
        format!(
            "{}:1: links outside the knowledge directory or is not a regular file; not read",
            dir.path().join("roles").join(file).display()
        )
    };
    assert_eq!(shown, [refused("editor.md"), refused("secret.md")]);
    assert!(Engine::load(dir.path()).is_err());
    let (ok, text) = check_output(dir.path());
    assert!(
        !ok && text.contains(&refused("secret.md")) && text.contains("2 problem(s)"),
        "{text}"
    );
    assert!(!text.contains(CANARY));
}

/// The same files are fine when the knowledge directory itself is reached through a link.
#[cfg(unix)]
#[test]
fn a_knowledge_directory_reached_through_a_link_loads() {
    let real = knowledge_dir(&[("roles/editor.md", role_file("editor", "Editor", &[]))]);
    let parent = tempfile::tempdir().unwrap();
    let link = parent.path().join("knowledge");
    std::os::unix::fs::symlink(real.path(), &link).unwrap();
    let engine = Engine::load(&link).unwrap();
    assert_eq!(engine.answer("editor skills").roles, ["editor"]);
}

/// A FIFO would block a reader forever; a dangling link, a link loop and a folder named
/// `x.md` cannot be read either. Each is one problem, and loading does not wait.
#[cfg(unix)]
#[test]
fn special_files_are_refused_without_blocking() {
    let dir = knowledge_dir(&[("roles/editor.md", role_file("editor", "Editor", &[]))]);
    let roles = dir.path().join("roles");
    let made = Command::new("mkfifo").arg(roles.join("pipe.md")).status();
    let fifo = made.is_ok_and(|s| s.success());
    std::os::unix::fs::symlink(roles.join("missing-target.md"), roles.join("dangling.md")).unwrap();
    std::os::unix::fs::symlink(roles.join("loop.md"), roles.join("loop.md")).unwrap();
    std::fs::create_dir(roles.join("folder.md")).unwrap();

    let start = Instant::now();
    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(knowledge.roles.len(), 1);
    let mut files: Vec<String> = problems
        .iter()
        .map(|p| p.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected = vec!["dangling.md", "folder.md", "loop.md"];
    if fifo {
        expected.push("pipe.md");
    }
    assert_eq!(files, expected, "{problems:?}");
    let (ok, text) = check_output(dir.path());
    assert!(
        !ok && text.contains(&format!("{} problem(s)", expected.len())),
        "{text}"
    );
}

#[test]
fn three_thousand_role_files_load_in_bounded_time() {
    let files: Vec<(String, String)> = (0..3000)
        .map(|i| {
            let id = format!("role-{i:04}");
            (
                format!("roles/{id}.md"),
                role_file(&id, &format!("Role {i:04}"), &[]),
            )
        })
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let dir = knowledge_dir(&files);

    let start = Instant::now();
    let (knowledge, problems) = load_with_problems(dir.path()).unwrap();
    let loaded = start.elapsed();
    assert!(problems.is_empty(), "{:?}", &problems[..problems.len().min(5)]);
    assert_eq!(knowledge.roles.len(), 3000);
    assert!(
        loaded < Duration::from_secs(10),
        "load_with_problems took {loaded:?}"
    );

    let start = Instant::now();
    let engine = Engine::load(dir.path()).unwrap();
    let indexed = start.elapsed();
    assert!(indexed < Duration::from_secs(10), "Engine::load took {indexed:?}");
    let answer = engine.answer("how much does a role 2999 earn");
    assert_eq!(answer.roles, ["role-2999"]);
    assert!(question_problems(&engine, "role 1234 vs role 0042 duties").is_empty());

    let start = Instant::now();
    let (ok, text) = check_output(dir.path());
    let checked = start.elapsed();
    assert!(ok && text.contains("OK, 3000 roles and 0 comparisons"), "{text}");
    assert!(checked < Duration::from_secs(10), "check took {checked:?}");
}
