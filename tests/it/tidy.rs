//! Conventions that the compiler does not check: the engine stays pure, and every source
//! file says why it exists.

use std::path::Path;

use crate::support::root;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_engine_imports_no_runtime_discord_storage_or_logging_crates() {
    let mut files = Vec::new();
    rust_files(&root().join("src/engine"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for crate_name in ["tokio", "serenity", "poise", "sqlx", "tracing", "anyhow"] {
            let used =
                text.contains(&format!("{crate_name}::")) || text.contains(&format!("use {crate_name}"));
            assert!(!used, "{} uses {crate_name}", file.display());
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for file in files {
        if file.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} does not start with a //! comment",
            file.display()
        );
    }
}
