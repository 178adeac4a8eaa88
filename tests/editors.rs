//! The editor clients under `editors/` name the server and the settings it accepts: the Helix
//! `languages.toml` (and the README's copy of it) parses and configures `iam-lsp` with known keys
//! only, the VS Code extension's settings schema lists the same keys, codes and values, and the
//! Neovim setups use the project's root markers. The clients themselves run end to end in
//! `editors/ci.sh` (real Neovim and code-server).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use iam_analysis::Code;
use toml::{Table, Value};

/// The settings the server reads, under `iamLsp` (in `initializationOptions` and
/// `workspace/didChangeConfiguration`).
const SETTINGS: &[&str] = &["kinds", "rules", "inlayHints"];
const RULES_SETTINGS: &[&str] = &["disabled", "severity"];
const INLAY_HINTS_SETTINGS: &[&str] = &["enabled", "accessLevels"];
const POLICY_KINDS: &[&str] = &["identity", "resource", "trust", "scp", "rcp", "boundary"];
const SEVERITIES: &[&str] = &["error", "warning", "info", "hint"];
const ROOT_MARKERS: &[&str] = &[".iam-lsp.toml", ".git"];

/// Keys Helix documents for `[language-server.NAME]` and `[[language]]` (helix-editor.com, languages).
const HELIX_SERVER_KEYS: &[&str] = &["command", "args", "config", "environment", "timeout", "required-root-patterns"];
const HELIX_LANGUAGE_KEYS: &[&str] = &[
    "name",
    "scope",
    "language-id",
    "injection-regex",
    "file-types",
    "shebangs",
    "roots",
    "comment-token",
    "comment-tokens",
    "block-comment-tokens",
    "auto-format",
    "diagnostic-severity",
    "grammar",
    "formatter",
    "soft-wrap",
    "text-width",
    "workspace-lsp-roots",
    "persistent-diagnostic-sources",
    "indent",
    "language-servers",
    "auto-pairs",
    "rulers",
    "debugger",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn codes() -> BTreeSet<&'static str> {
    Code::ALL.iter().map(|c| c.as_str()).collect()
}

fn keys(table: &Table) -> BTreeSet<&str> {
    table.keys().map(String::as_str).collect()
}

fn table<'a>(value: &'a Value, what: &str) -> &'a Table {
    value.as_table().unwrap_or_else(|| panic!("{what} is not a table: {value:?}"))
}

fn subset(got: &BTreeSet<&str>, allowed: &[&str], what: &str) {
    let unknown: Vec<_> = got.iter().filter(|k| !allowed.contains(k)).collect();
    assert!(unknown.is_empty(), "{what}: unknown keys {unknown:?}; the server accepts {allowed:?}");
}

/// Checks an `iamLsp` settings object (as TOML): known keys, kinds, codes and severities.
fn check_settings(settings: &Table, what: &str) {
    subset(&keys(settings), SETTINGS, what);
    if let Some(kinds) = settings.get("kinds") {
        for (glob, kind) in table(kinds, "kinds") {
            let kind = kind.as_str().unwrap_or_else(|| panic!("{what}: kind of {glob} is not a string"));
            assert!(POLICY_KINDS.contains(&kind), "{what}: {glob} = {kind}: not one of {POLICY_KINDS:?}");
        }
    }
    if let Some(rules) = settings.get("rules") {
        let rules = table(rules, "rules");
        subset(&keys(rules), RULES_SETTINGS, &format!("{what}.rules"));
        for code in rules.get("disabled").and_then(Value::as_array).into_iter().flatten() {
            let code = code.as_str().expect("disabled: codes are strings");
            assert!(codes().contains(code), "{what}: disabled `{code}` is not a diagnostic code");
        }
        if let Some(severity) = rules.get("severity") {
            for (code, level) in table(severity, "severity") {
                assert!(codes().contains(code.as_str()), "{what}: severity of unknown code `{code}`");
                let level = level.as_str().unwrap_or_default();
                assert!(SEVERITIES.contains(&level), "{what}: severity {code} = {level}: not one of {SEVERITIES:?}");
            }
        }
    }
    if let Some(hints) = settings.get("inlayHints") {
        let hints = table(hints, "inlayHints");
        subset(&keys(hints), INLAY_HINTS_SETTINGS, &format!("{what}.inlayHints"));
        assert!(hints.get("enabled").is_none_or(Value::is_bool), "{what}: inlayHints.enabled is a boolean");
    }
}

/// The `[[language]]` entry of that name.
fn language<'a>(config: &'a Table, name: &str) -> Option<&'a Table> {
    config
        .get("language")?
        .as_array()?
        .iter()
        .filter_map(Value::as_table)
        .find(|l| l.get("name").and_then(Value::as_str) == Some(name))
}

fn servers(language: &Table) -> Vec<&str> {
    language.get("language-servers").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
}

/// A Helix configuration that runs iam-lsp: the server entry, its settings, and `json`.
fn check_helix(config: &Table, what: &str) {
    let server = config
        .get("language-server")
        .and_then(|s| s.get("iam-lsp"))
        .and_then(Value::as_table)
        .unwrap_or_else(|| panic!("{what}: no [language-server.iam-lsp]"));
    subset(&keys(server), HELIX_SERVER_KEYS, &format!("{what}: [language-server.iam-lsp]"));
    assert_eq!(server.get("command").and_then(Value::as_str), Some("iam-lsp"), "{what}: command");
    if let Some(args) = server.get("args") {
        assert!(args.as_array().is_some_and(|a| a.is_empty()), "{what}: iam-lsp serves LSP without arguments");
    }
    if let Some(settings) = server.get("config") {
        let settings = table(settings, "config");
        assert_eq!(keys(settings), BTreeSet::from(["iamLsp"]), "{what}: config = {{ iamLsp = {{ ... }} }}");
        check_settings(table(&settings["iamLsp"], "iamLsp"), &format!("{what}: config.iamLsp"));
    }
    // JSON policies; templates in YAML; Terraform modules (Helix's `hcl` language holds `.tf`).
    for name in ["json", "yaml", "hcl"] {
        let entry = language(config, name).unwrap_or_else(|| panic!("{what}: no [[language]] {name}"));
        assert!(servers(entry).contains(&"iam-lsp"), "{what}: {name} runs iam-lsp");
    }
    for language in config.get("language").and_then(Value::as_array).into_iter().flatten() {
        let language = table(language, "[[language]]");
        subset(&keys(language), HELIX_LANGUAGE_KEYS, &format!("{what}: [[language]] {:?}", language.get("name")));
        for name in servers(language) {
            assert!(
                config.get("language-server").and_then(|s| s.get(name)).is_some()
                    || ["vscode-json-language-server", "yaml-language-server", "terraform-ls"].contains(&name),
                "{what}: language server {name} is not defined"
            );
        }
    }
}

/// The body of the first ```LANG block after the line `heading` in a Markdown text.
fn code_block<'a>(markdown: &'a str, heading: &str, lang: &str) -> &'a str {
    let section = &markdown[markdown.find(heading).unwrap_or_else(|| panic!("no heading {heading:?}"))..];
    let fence = format!("```{lang}\n");
    let start = section.find(&fence).unwrap_or_else(|| panic!("no ```{lang} block under {heading:?}")) + fence.len();
    let end = section[start..].find("```").expect("an unclosed code block") + start;
    &section[start..end]
}

/// Keys and values Helix documents (25.01 and newer) for showing diagnostic messages in the text,
/// in `config.toml`: `[editor] end-of-line-diagnostics` and `[editor.inline-diagnostics]`.
const HELIX_DIAGNOSTIC_FILTERS: &[&str] = &["error", "warning", "info", "hint", "disable"];
const HELIX_INLINE_DIAGNOSTICS_KEYS: &[&str] =
    &["cursor-line", "other-lines", "prefix-len", "max-wrap", "max-diagnostics"];

/// The ```toml block under `heading` that sets `[editor]`: a Helix `config.toml`.
fn helix_config_block<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let mut section = &markdown[markdown.find(heading).unwrap_or_else(|| panic!("no heading {heading:?}"))..];
    loop {
        let block = code_block(section, "", "toml");
        if block.trim_start().starts_with("[editor]") {
            return block;
        }
        let after = block.as_ptr() as usize - section.as_ptr() as usize + block.len();
        section = &section[after..];
    }
}

/// A Helix `config.toml` that shows diagnostic messages in the text, with documented keys only.
fn check_helix_editor_config(config: &Table, what: &str) {
    let editor = table(config.get("editor").unwrap_or_else(|| panic!("{what}: no [editor]")), "[editor]");
    let eol = editor.get("end-of-line-diagnostics").and_then(Value::as_str);
    assert!(eol.is_some_and(|v| HELIX_DIAGNOSTIC_FILTERS.contains(&v)), "{what}: end-of-line-diagnostics = {eol:?}");
    let inline = table(editor.get("inline-diagnostics").expect("[editor.inline-diagnostics]"), "inline-diagnostics");
    subset(&keys(inline), HELIX_INLINE_DIAGNOSTICS_KEYS, &format!("{what}: [editor.inline-diagnostics]"));
    for key in ["cursor-line", "other-lines"] {
        if let Some(v) = inline.get(key) {
            let v = v.as_str().unwrap_or_default();
            assert!(
                HELIX_DIAGNOSTIC_FILTERS.contains(&v),
                "{what}: {key} = {v:?}: not one of {HELIX_DIAGNOSTIC_FILTERS:?}"
            );
        }
    }
    assert!(inline.contains_key("cursor-line"), "{what}: cursor-line shows the cursor line's messages");
}

#[test]
fn helix_diagnostic_display_in_the_readmes_uses_documented_keys() {
    for (file, heading) in [("README.md", "### Helix"), ("editors/README.md", "## Helix")] {
        let markdown = read(file);
        let config: Table = helix_config_block(&markdown, heading).parse().expect("valid TOML");
        check_helix_editor_config(&config, &format!("{file} config.toml block"));
        // The red ✘ `hx --health json` shows for Helix's own JSON server, explained.
        assert!(
            markdown.contains("npm i -g vscode-langservers-extracted"),
            "{file}: how to install vscode-json-language-server"
        );
        assert!(markdown.contains(r#"language-servers = ["iam-lsp"]"#), "{file}: how to run iam-lsp alone");
    }
}

#[test]
fn helix_languages_toml_configures_iam_lsp_with_accepted_keys() {
    let config: Table = read("editors/helix/languages.toml").parse().expect("languages.toml is valid TOML");
    check_helix(&config, "editors/helix/languages.toml");

    let settings = &config["language-server"]["iam-lsp"]["config"]["iamLsp"];
    assert_eq!(keys(table(settings, "iamLsp")), SETTINGS.iter().copied().collect(), "all three settings, shown");

    let jsonc = language(&config, "jsonc").expect("[[language]] jsonc");
    assert!(servers(jsonc).contains(&"iam-lsp"));
    let yaml = language(&config, "yaml").expect("[[language]] yaml (CloudFormation, SAM, Serverless)");
    assert!(servers(yaml).contains(&"iam-lsp"));

    let policy = language(&config, "iam-policy").expect("[[language]] iam-policy");
    assert!(servers(policy).contains(&"iam-lsp"));
    assert_eq!(policy.get("grammar").and_then(Value::as_str), Some("json"));
    assert!(policy.get("scope").and_then(Value::as_str).is_some(), "a new language needs a scope");
    let globs: Vec<&str> = policy["file-types"]
        .as_array()
        .expect("file-types")
        .iter()
        .map(|f| f.get("glob").and_then(Value::as_str).expect("file-types are globs"))
        .collect();
    assert!(globs.contains(&"*policy*.json"), "{globs:?}");
    let roots: Vec<&str> = policy["roots"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(roots, ROOT_MARKERS);
    for query in ["highlights.scm", "indents.scm"] {
        let text = read(&format!("editors/helix/queries/iam-policy/{query}"));
        assert_eq!(text.trim(), "; inherits: json", "{query}");
    }
}

#[test]
fn helix_setup_in_the_readme_parses_and_is_documented() {
    let readme = read("README.md");
    let block = code_block(&readme, "### Helix", "toml");
    let config: Table = block.parse().expect("the README's Helix block is valid TOML");
    check_helix(&config, "README.md Helix block");
    assert!(readme.contains("hx --health json"), "the README says how to check the setup");
    assert!(read("editors/README.md").contains("hx --health json"));
}

#[test]
fn vscode_settings_schema_has_the_server_settings() {
    let manifest: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("package.json is JSON");
    let properties = manifest["contributes"]["configuration"]["properties"].as_object().expect("settings");
    let names: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
    let mut expected: BTreeSet<String> = ["iamLsp.server.path", "iamLsp.trace.server"].map(String::from).into();
    expected.extend(["iamLsp.kinds", "iamLsp.rules.disabled", "iamLsp.rules.severity"].map(String::from));
    // Every inlay hint setting the server reads.
    expected.extend(INLAY_HINTS_SETTINGS.iter().map(|key| format!("iamLsp.inlayHints.{key}")));
    assert_eq!(names, expected.iter().map(String::as_str).collect());

    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().expect("an enum").iter().map(|s| s.as_str().unwrap().to_string()).collect()
    };
    assert_eq!(strings(&properties["iamLsp.kinds"]["additionalProperties"]["enum"]), POLICY_KINDS);
    assert_eq!(strings(&properties["iamLsp.rules.severity"]["additionalProperties"]["enum"]), SEVERITIES);
    let listed = strings(&properties["iamLsp.rules.disabled"]["items"]["anyOf"][0]["enum"]);
    let all: Vec<String> = Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
    assert_eq!(listed, all, "the schema offers every diagnostic code, in the README's order");
    assert_eq!(strings(&properties["iamLsp.trace.server"]["enum"]), ["off", "messages", "verbose"]);
    assert_eq!(properties["iamLsp.inlayHints.enabled"]["type"], "boolean");
}

/// Every client starts the server for policies (JSON), templates (YAML) and Terraform (`.tf`).
#[test]
fn clients_attach_to_json_yaml_and_terraform() {
    let manifest: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("package.json is JSON");
    let events: Vec<&str> =
        manifest["activationEvents"].as_array().expect("activationEvents").iter().filter_map(|e| e.as_str()).collect();
    for language in ["json", "jsonc", "yaml", "terraform"] {
        assert!(
            events.contains(&format!("onLanguage:{language}").as_str()),
            "VS Code activates on {language}: {events:?}"
        );
    }
    // Without HashiCorp's extension a `.tf` file is plain text: a workspace with one activates the
    // extension, and the selector names it by pattern.
    assert!(events.contains(&"workspaceContains:**/*.tf"), "VS Code activates in a Terraform workspace: {events:?}");
    let extension = read("editors/vscode/src/extension.ts");
    for selector in
        ["language: 'json'", "language: 'jsonc'", "language: 'yaml'", "language: 'terraform'", "pattern: '**/*.tf'"]
    {
        assert!(
            extension.contains(&format!("{{ scheme: 'file', {selector} }}")),
            "VS Code's documentSelector has {selector}"
        );
    }
    let filetypes = "{ 'json', 'jsonc', 'yaml', 'terraform' }";
    let snippet = code_block(&read("README.md"), "### Neovim", "lua").to_string();
    assert!(snippet.contains(&format!("filetypes = {filetypes}")), "README snippet:\n{snippet}");
    assert!(read("editors/neovim/lua/iam_lsp/init.lua").contains(&format!("M.filetypes = {filetypes}")));
}

#[test]
fn neovim_setups_use_the_root_markers() {
    let readme = read("README.md");
    let snippet = code_block(&readme, "### Neovim", "lua");
    let plugin = read("editors/neovim/lua/iam_lsp/init.lua");
    let markers = "{ '.iam-lsp.toml', '.git' }";
    assert!(snippet.contains(&format!("root_markers = {markers}")), "README snippet:\n{snippet}");
    assert!(plugin.contains(&format!("M.root_markers = {markers}")));
    assert!(snippet.contains("vim.lsp.enable('iam_lsp')"));
}
