//! The dependency rule of the server, checked on its source.
//!
//! In plain words (`docs/ARCHITECTURE.md` draws it):
//! - `db` is data access only. It knows the schema, the rows and its own `DbError`; it does
//!   not know who asks (`auth`, `authz`), what the request or answer look like (`routes`,
//!   `error`'s `ApiError`), nor the use cases, jobs or documents built on it (`app`, `jobs`,
//!   `report`).
//! - `domain` holds the rules on values; it never reads the database.
//! - `routes` do HTTP only: they call use cases (`app`), never `db`.
//! - `jobs` are drivers like routes: they call use cases, never `db` or `routes`.
//! - `app` (the use cases) is called by routes and jobs, and calls neither.
//! - `api-types` is shared with the web app: it depends on no crate of the workspace.
//! - A unit of work's transaction is opened by its use case: `db` and `routes` open none
//!   (no `.transaction(…)`, no `.build_transaction()`).
//!
//! A dependency is any path through `crate::<module>` in a module's files, in `use`
//! declarations, in expressions and types, and inside macro invocations.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// (module, modules it must not use).
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "db",
        &[
            "routes", "app", "authz", "auth", "jobs", "report", "error", "startup",
        ],
    ),
    ("domain", &["db", "routes", "app", "jobs", "startup"]),
    ("routes", &["db", "jobs"]),
    ("jobs", &["db", "routes"]),
    ("app", &["routes", "jobs", "startup"]),
];

fn backend_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../backend/src")
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source folder") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The top-level module a file of `backend/src` belongs to (`db/plans.rs` → `db`,
/// `report.rs` → `report`).
fn module_of(relative: &Path) -> String {
    let first = relative
        .components()
        .next()
        .expect("a file path")
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The modules named through `crate::…` in one file.
#[derive(Default)]
struct CrateUses(BTreeSet<String>);

impl CrateUses {
    fn use_tree(&mut self, tree: &syn::UseTree, after_crate: bool) {
        match tree {
            syn::UseTree::Path(path) if !after_crate && path.ident == "crate" => {
                self.use_tree(&path.tree, true);
            }
            syn::UseTree::Path(path) if after_crate => {
                self.0.insert(path.ident.to_string());
            }
            syn::UseTree::Name(name) if after_crate => {
                self.0.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) if after_crate => {
                self.0.insert(rename.ident.to_string());
            }
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.use_tree(item, after_crate);
                }
            }
            _ => {}
        }
    }

    /// `crate :: module` in a macro's tokens (`format!`, `matches!`, a `json!`…), which
    /// syn leaves unparsed.
    fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        let tokens: Vec<_> = tokens.into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                proc_macro2::TokenTree::Group(group) => self.tokens(group.stream()),
                proc_macro2::TokenTree::Ident(ident) if ident == "crate" => {
                    let colons = tokens.get(i + 1..i + 3).is_some_and(|next| {
                        next.iter().all(
                            |t| matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ':'),
                        )
                    });
                    if let (true, Some(proc_macro2::TokenTree::Ident(module))) =
                        (colons, tokens.get(i + 3))
                    {
                        self.0.insert(module.to_string());
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for CrateUses {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&item.tree, false);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if segments.next().is_some_and(|s| s.ident == "crate")
            && let Some(module) = segments.next()
        {
            self.0.insert(module.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// Whether a file calls `.transaction(…)` or `.build_transaction()`.
fn opens_transaction(file: &Path) -> bool {
    #[derive(Default)]
    struct Transactions(bool);
    impl<'ast> Visit<'ast> for Transactions {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if call.method == "transaction" || call.method == "build_transaction" {
                self.0 = true;
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let source = std::fs::read_to_string(file).expect("readable source file");
    let syntax = syn::parse_file(&source)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
    let mut found = Transactions::default();
    found.visit_file(&syntax);
    found.0
}

fn crate_uses(file: &Path) -> BTreeSet<String> {
    let source = std::fs::read_to_string(file).expect("readable source file");
    let syntax = syn::parse_file(&source)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
    let mut uses = CrateUses::default();
    uses.visit_file(&syntax);
    uses.0
}

/// (file relative to `backend/src`, module used) for every use the rule forbids.
fn violations() -> BTreeSet<(String, String)> {
    let root = backend_src();
    let mut found = BTreeSet::new();
    for file in rust_files(&root) {
        let relative = file.strip_prefix(&root).expect("under backend/src");
        let module = module_of(relative);
        let Some((_, forbidden)) = FORBIDDEN.iter().find(|(m, _)| *m == module) else {
            continue;
        };
        for used in crate_uses(&file) {
            if forbidden.contains(&used.as_str()) {
                found.insert((relative.display().to_string(), used));
            }
        }
    }
    found
}

#[test]
fn the_server_keeps_its_dependency_rule() {
    let found = violations();
    assert!(
        found.is_empty(),
        "forbidden dependencies (see the rule at the top of tests/api/architecture.rs): {found:?}"
    );
}

#[test]
fn only_use_cases_open_transactions() {
    let root = backend_src();
    let opening: Vec<String> = rust_files(&root)
        .into_iter()
        .filter(|file| {
            let module = module_of(file.strip_prefix(&root).expect("under backend/src"));
            (module == "db" || module == "routes") && opens_transaction(file)
        })
        .map(|file| {
            file.strip_prefix(&root)
                .expect("under backend/src")
                .display()
                .to_string()
        })
        .collect();
    assert!(
        opening.is_empty(),
        "db and routes open no transaction, their use case does: {opening:?}"
    );
}

/// The checker itself sees each form a dependency can take.
#[test]
fn the_checker_sees_every_form_of_use() {
    let syntax: syn::File = syn::parse_str(
        "use crate::db::plans;
         use crate::{auth, routes::Json as J};
         use std::fmt;
         fn f() -> crate::report::Report { crate::jobs::run(); format!(\"{}\", crate::app::X) }",
    )
    .expect("valid Rust");
    let mut uses = CrateUses::default();
    uses.visit_file(&syntax);
    let expected: BTreeSet<String> = ["db", "auth", "routes", "report", "jobs", "app"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(uses.0, expected);
}

/// The wire types are shared with the web app (WASM): they depend on no crate of the
/// workspace, and name none.
#[test]
fn api_types_depend_on_no_crate_of_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest: toml::Table = std::fs::read_to_string(root.join("api-types/Cargo.toml"))
        .expect("api-types manifest")
        .parse()
        .expect("valid TOML");
    let workspace = ["backend", "frontend", "xtask", "tests"];
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(dependencies) = manifest.get(section).and_then(|d| d.as_table()) else {
            continue;
        };
        for name in workspace {
            assert!(
                !dependencies.contains_key(name),
                "api-types {section} names {name}"
            );
        }
    }
    for file in rust_files(&root.join("api-types/src")) {
        let source = std::fs::read_to_string(&file).expect("readable");
        for name in workspace {
            assert!(
                !source.contains(&format!("{name}::")),
                "{} names the {name} crate",
                file.display()
            );
        }
    }
}
