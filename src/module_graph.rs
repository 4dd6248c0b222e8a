//! The shape of the binary, checked: its modules depend on each other in one
//! direction only (no import circle), none uses an item of the root module
//! (which only reads the command line), and the adapters (the channels of
//! `crate::channels::TABLE`) reach the database only through the inbox: they name neither
//! `greffier_storage` nor `rusqlite`, nor take the inbox's database handle;
//! and no other module names a protocol crate (matrix-sdk, lettre, …).
//! docs/architecture.md draws the graph this test reads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The adapters: the channels of the table, each a folder (or a file)
/// of its name.
fn adapters() -> Vec<&'static str> {
    crate::channels::TABLE.iter().map(|p| p.name).collect()
}

/// The crates that speak a protocol: only an adapter names them (as a
/// path, `lettre::…`: "lettre" is also a French word in the sentences).
const PROTOCOL_CRATES: [&str; 9] = [
    "matrix_sdk",
    "ruma",
    "lettre",
    "async_imap",
    "mail_auth",
    "hickory",
    "axum",
    "reqwest",
    "quick_xml",
];

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top module a file belongs to: `src/mail/imap.rs` is `mail`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src/");
    let first = rel.components().next().expect("a path");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// The code of a file without its comments (doc links are no dependency).
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments of the paths after each `crate::` in `code`:
/// `crate::inbox::Inbox` and `crate::{failpoint, outbox}` give `inbox`,
/// `failpoint`, `outbox`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    paths(code, "crate::")
        .into_iter()
        .filter_map(|(_, path)| {
            let first = path.split("::").find(|s| !s.is_empty())?;
            Some(first.to_string())
        })
        .collect()
}

/// The items of a `{a, b::{c, d}, e}` list, split at its top-level commas.
fn split_top(list: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&list[start..]);
    items
}

/// The module graph of src/: module → the modules it uses.
fn graph() -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let modules: BTreeSet<String> = all
        .iter()
        .map(|f| module_of(&src, f))
        .filter(|m| !["lib", "main", "module_graph"].contains(&m.as_str()))
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for file in &all {
        let module = module_of(&src, file);
        // The root reads the command line; this check is no part of the bot.
        if !modules.contains(&module) {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("a source file");
        let code = code(&text);
        let shown = file
            .strip_prefix(&src)
            .unwrap_or(file)
            .display()
            .to_string();
        for used in crate_paths(&code) {
            if used == module {
                continue;
            }
            if modules.contains(&used) {
                graph.entry(module.clone()).or_default().insert(used);
            } else {
                problems.push(format!(
                    "{shown}: uses `crate::{used}`, an item of the root module"
                ));
            }
        }
        if !adapters().contains(&module.as_str()) {
            for word in PROTOCOL_CRATES {
                if code.contains(&format!("{word}::")) {
                    problems.push(format!(
                        "{shown}: names `{word}`, a protocol crate: protocol code stays in its adapter's folder"
                    ));
                }
            }
        }
        if adapters().contains(&module.as_str()) {
            for word in ["greffier_storage", "rusqlite", ".db()"] {
                if code.contains(word) {
                    problems.push(format!(
                        "{shown}: an adapter names `{word}`: it reaches the database only through the inbox"
                    ));
                }
            }
        }
        graph.entry(module).or_default();
    }
    (graph, problems)
}

/// A circle in `graph`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut found = path[i..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_form_no_circle_and_the_adapters_hold_no_storage_code() {
    let (graph, problems) = graph();
    for (module, uses) in &graph {
        let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
        println!("{module} → {}", uses.join(", "));
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    if let Some(c) = circle(&graph) {
        panic!("an import circle: {}", c.join(" → "));
    }
    // The graph the architecture document draws.
    let uses = |m: &str| graph.get(m).cloned().unwrap_or_default();
    for adapter in adapters() {
        assert!(uses(adapter).contains("inbox"), "{adapter} uses the inbox");
        for other in adapters() {
            assert!(!uses(adapter).contains(other), "{adapter} uses {other}");
        }
    }
    for core in ["inbox", "outbox"] {
        for adapter in adapters() {
            assert!(!uses(core).contains(adapter), "{core} uses {adapter}");
        }
    }
}

#[test]
fn the_check_finds_paths_and_circles() {
    let paths = crate_paths(
        "use crate::{failpoint, outbox::{self, Item}};\nlet x = crate::inbox::Inbox::new(); greffier_crate::x",
    );
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        ["failpoint", "inbox", "outbox"]
    );
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), BTreeSet::new());
    assert_eq!(circle(&g), None);
    g.insert("c".into(), ["a".to_string()].into());
    assert_eq!(
        circle(&g).map(|c| c.join(" → ")).as_deref(),
        Some("a → b → c → a")
    );
}

/// The full paths after each `crate::` or `super::` in `code`, with the
/// `{…}` lists of a `use` expanded: `crate::a::{b, c::D}` gives `crate`,
/// `a::b` and `a::c::D`.
fn paths(code: &str, root: &str) -> Vec<(String, String)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (at, _) in code.match_indices(root) {
        if code[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &code[at + root.len()..];
        let head: String = rest
            .chars()
            .take_while(|c| is_ident(*c) || *c == ':')
            .collect();
        let head = head.trim_end_matches(':').to_string();
        match rest[head.len()..].trim_start_matches(':').strip_prefix('{') {
            Some(list) => {
                let mut depth = 0;
                let end = list
                    .char_indices()
                    .find(|&(_, c)| {
                        match c {
                            '{' => depth += 1,
                            '}' if depth == 0 => return true,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        false
                    })
                    .map_or(list.len(), |(i, _)| i);
                for item in split_top(&list[..end]) {
                    let item: String = item
                        .trim()
                        .chars()
                        .take_while(|c| is_ident(*c) || *c == ':')
                        .collect();
                    let item = item.trim_end_matches(':');
                    if !item.is_empty() && item != "self" {
                        out.push((root.to_string(), format!("{head}::{item}")));
                    }
                }
            }
            None => out.push((root.to_string(), head)),
        }
    }
    out
}

/// The files of a crate's `src/` as modules (`minutes::parse`), and which
/// of them each one uses (a `crate::` or `super::` path, read down to the
/// longest module it names).
fn file_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut all = Vec::new();
    files(src, &mut all);
    let module = |file: &Path| -> String {
        let rel = file.strip_prefix(src).expect("under src/");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        parts.join("::")
    };
    let modules: BTreeSet<String> = all.iter().map(|f| module(f)).collect();
    let longest = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &all {
        let me = module(file);
        let is_mod = file.file_name().is_some_and(|f| f == "mod.rs");
        let code = code(&std::fs::read_to_string(file).expect("a source file"));
        let mut used = BTreeSet::new();
        for (root, path) in paths(&code, "crate::")
            .into_iter()
            .chain(paths(&code, "super::"))
        {
            let full = if root == "crate::" {
                path
            } else {
                // `super` of a file is its folder's module; of a mod.rs,
                // the folder above.
                let mut parent: Vec<&str> = me.split("::").collect();
                parent.pop();
                if is_mod {
                    parent.pop();
                }
                let mut full = parent.join("::");
                full.push_str("::");
                full.push_str(&path);
                full
            };
            if let Some(m) = longest(&full)
                && m != me
                && !["lib", "main"].contains(&m.as_str())
            {
                used.insert(m);
            }
        }
        graph.insert(me, used);
    }
    graph
}

/// The strongly connected sets of `graph` with more than one module: its
/// import circles, each as its modules.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    // Two modules are in one circle when each reaches the other.
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for m in graph.keys() {
        let set: BTreeSet<String> = reaches[m]
            .iter()
            .filter(|o| reaches.get(o).is_some_and(|r| r.contains(m)))
            .cloned()
            .chain(std::iter::once(m.clone()))
            .collect();
        if set.len() > 1 && !out.contains(&set) {
            out.push(set);
        }
    }
    out
}

#[test]
fn no_crate_has_an_import_circle_of_more_than_two_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for krate in ["src", "commands/src", "storage/src"] {
        let graph = file_graph(&root.join(krate));
        let found = circles(&graph);
        for c in &found {
            println!(
                "{krate}: {}",
                c.iter().cloned().collect::<Vec<_>>().join(" ⇄ ")
            );
        }
        let big: Vec<&BTreeSet<String>> = found.iter().filter(|c| c.len() > 2).collect();
        assert!(
            big.is_empty(),
            "{krate}: import circles of more than two files: {big:?}"
        );
    }
}

#[test]
fn the_file_check_reads_paths_and_finds_circles() {
    let got = paths(
        "use crate::{a::b, c::{D, e::F}};\nlet x = crate::g::H;",
        "crate::",
    );
    let got: Vec<&str> = got.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(got, ["::a::b", "::c", "g::H"]);
    let graph = |edges: &[(&str, &str)]| -> BTreeMap<String, BTreeSet<String>> {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            g.entry(from.to_string())
                .or_default()
                .insert(to.to_string());
            g.entry(to.to_string()).or_default();
        }
        g
    };
    assert!(circles(&graph(&[("a", "b"), ("b", "c")])).is_empty());
    let two = circles(&graph(&[("a", "b"), ("b", "a"), ("b", "c")]));
    assert_eq!(two.len(), 1);
    assert_eq!(two[0].len(), 2);
    let three = circles(&graph(&[("a", "b"), ("b", "c"), ("c", "a")]));
    assert_eq!(three[0].len(), 3);
}
