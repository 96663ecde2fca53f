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

/// The top-level module (`engine`, `discord`, …) a file under `src/` belongs to.
fn top_module(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules a file names through `crate::…` paths.
fn crate_references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // e.g. `rolecall::crate_x`, not a path from the crate root
        }
        let rest = &text[at + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.push(name);
        }
    }
    found
}

/// The dependencies between top-level modules, read from `use crate::…` and `crate::…`
/// paths in every file under `src/`.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: std::collections::BTreeSet<String> = files.iter().map(|f| top_module(&src, f)).collect();
    let mut graph = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for file in &files {
        let from = top_module(&src, file);
        let text = std::fs::read_to_string(file).unwrap();
        let edges = graph.entry(from.clone()).or_default();
        for to in crate_references(&text) {
            if to != from && modules.contains(&to) {
                edges.insert(to);
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn top_level_modules_import_each_other_in_one_direction() {
    let graph = module_graph();
    assert!(
        graph.contains_key("engine") && graph.contains_key("discord"),
        "{graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between top-level modules: {}", cycle.join(" → "));
    }
    assert!(
        graph["engine"].is_empty(),
        "the engine uses {:?}",
        graph["engine"]
    );
    for module in [
        "engine",
        "store",
        "chart",
        "metrics",
        "config",
        "live_knowledge",
        "console",
    ] {
        assert!(
            !graph[module].contains("discord"),
            "{module} uses the Discord adapter"
        );
        assert!(!graph[module].contains("cli"), "{module} uses the command line");
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let edge = |a: &str, b: &[&str]| (a.to_string(), b.iter().map(|s| s.to_string()).collect());
    let acyclic = [edge("a", &["b", "c"]), edge("b", &["c"]), edge("c", &[])].into();
    assert_eq!(find_cycle(&acyclic), None);
    let cyclic = [edge("a", &["b"]), edge("b", &["c"]), edge("c", &["a"])].into();
    assert_eq!(find_cycle(&cyclic).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(
        crate_references("use crate::engine::X;\nlet y = crate::store::f();"),
        ["engine", "store"]
    );
}

#[test]
fn the_engine_answers_in_one_file_of_the_discord_adapter() {
    let mut files = Vec::new();
    rust_files(&root().join("src/discord"), &mut files);
    let calls = [
        ".answer_with(",
        ".answer_about(",
        ".path_of(",
        ".resolve_role(",
        "engine.answer(",
    ];
    let answering: Vec<String> = files
        .iter()
        .filter(|f| !f.to_string_lossy().contains("/tests"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            calls.iter().any(|call| text.contains(call))
        })
        .map(|f| f.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert_eq!(answering, ["src/discord/ask.rs"]);
}

/// The longest function in `text` (rustfmt's layout: a closing brace at the indentation of
/// its `fn`), as (first line number, length in lines).
fn longest_function(text: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut longest: Option<(usize, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let is_fn = [
            "fn ",
            "pub fn ",
            "async fn ",
            "pub async fn ",
            "pub(crate) fn ",
            "const fn ",
        ]
        .iter()
        .any(|start| code.starts_with(start));
        if !is_fn || code.ends_with(';') {
            continue;
        }
        let indent = line.len() - code.len();
        let close = format!("{}}}", " ".repeat(indent));
        let Some(end) = lines[i..].iter().position(|l| *l == close) else {
            continue;
        };
        if longest.is_none_or(|(_, n)| end + 1 > n) {
            longest = Some((i + 1, end + 1));
        }
    }
    longest
}

#[test]
fn files_and_functions_stay_small() {
    let mut too_big = Vec::new();
    for (dir, max_file) in [("src", 500), ("tests", 800)] {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let name = file.strip_prefix(root()).unwrap().display().to_string();
            let lines = text.lines().count();
            if lines > max_file {
                too_big.push(format!("{name} has {lines} lines (at most {max_file})"));
            }
            match longest_function(&text) {
                Some((line, length)) if dir == "src" && length > 80 => {
                    too_big.push(format!(
                        "{name}:{line}: a function of {length} lines (at most 80)"
                    ));
                }
                _ => {}
            }
        }
    }
    assert!(too_big.is_empty(), "{}", too_big.join("\n"));
}

/// The string literals of `text` before its first `#[cfg(test)]`, roughly: what lies
/// between double quotes on one line.
fn string_literals(text: &str) -> Vec<String> {
    let product = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for line in product.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let parts: Vec<&str> = line.split('"').collect();
        found.extend(parts.iter().skip(1).step_by(2).map(|s| s.to_lowercase()));
    }
    found
}

#[test]
fn no_shipped_role_is_named_in_the_code() {
    let engine = rolecall::engine::Engine::load(&root().join("knowledge")).unwrap();
    let names: Vec<String> = engine
        .knowledge()
        .roles
        .iter()
        .flat_map(|r| r.names().cloned().chain([r.id.clone()]).collect::<Vec<_>>())
        .map(|n| n.to_lowercase())
        .collect();
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut named = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("tests.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        for literal in string_literals(&text) {
            let words: Vec<&str> = literal
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .collect();
            for name in &names {
                let name_words: Vec<&str> = name.split(' ').collect();
                if words
                    .windows(name_words.len())
                    .any(|w| w == name_words.as_slice())
                {
                    named.push(format!(
                        "{}: {name:?} in {literal:?}",
                        file.strip_prefix(root()).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        named.is_empty(),
        "the code names shipped roles:\n{}",
        named.join("\n")
    );
}
