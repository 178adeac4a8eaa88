//! Configuration: the workspace's `.iam-lsp.toml` and the editor's settings, both the same
//! shape. Parsed strictly: an unknown key, rule or kind is an error that names it.
//!
//! ```toml
//! [kinds]                       # path glob (relative to this file) → policy kind
//! "trust/*.json" = "trust"
//! "org/scp/**" = "scp"
//!
//! [rules]
//! disabled = ["resource-star"]
//! severity = { "legacy-action" = "error" }
//!
//! [[ignore]]                    # a suppression: one code, with a reason
//! code = "resource-star"
//! paths = ["legacy/**"]         # optional: only these files (globs relative to this file)
//! sid = "ReadAll"               # optional: only inside the statement with this Sid
//! reason = "the legacy buckets are replaced in Q3"
//!
//! # Which policies apply together, for `iam-lsp explain` and `iam-lsp.explain`:
//! # A glob that matches a template takes its policies of the place's kind; `PATH#NAME`
//! # those of one resource, or attached to one role (`crate::workspace_policies`).
//! [[principal]]                 # the first whose ARN pattern matches the caller
//! arn = "arn:aws:sts::111122223333:assumed-role/AgentRole/*"
//! identity = ["roles/agent/*.json", "stacks/agent.yaml#AgentRole"]
//! boundary = "boundaries/agents.json"
//!
//! [organization]                # SCP and RCP files per level, root first; a level may be named
//! managementAccount = "999999999999"
//! scp = [["org/scp/root/*.json"], { name = "OU Workloads", policies = ["org/scp/workloads/*.json"] }]
//! rcp = [["org/rcp/*.json"]]
//!
//! [[resource]]                  # the first whose ARN pattern matches the resource
//! arn = "arn:aws:s3:::amzn-s3-demo-bucket*"
//! policy = "buckets/demo.json"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iam_analysis::suppress::Ignore;
use iam_analysis::{Code, KindChoice, Options, PolicyKind, Severity};
use serde::Deserialize;

pub const FILE_NAME: &str = ".iam-lsp.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    kinds: BTreeMap<String, String>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    inlay_hints: Option<RawInlayHints>,
    #[serde(default)]
    principal: Vec<PrincipalFiles>,
    #[serde(default)]
    organization: Option<Organization>,
    #[serde(default)]
    resource: Vec<ResourceFiles>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
}

/// `[[ignore]]`: a suppression of one code, optionally only in some files or statements.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    code: String,
    #[serde(default)]
    paths: Vec<String>,
    sid: Option<String>,
    reason: Option<String>,
}

/// An `[[ignore]]` entry: the suppression, the files it applies to, and where it is written.
#[derive(Clone, Debug)]
pub struct ConfigIgnore {
    pub ignore: Ignore,
    /// Path globs relative to the config's directory; every file when empty.
    pub paths: Vec<String>,
    /// The entry's line (zero-based) in `.iam-lsp.toml`, when it is written as `[[ignore]]`.
    pub line: Option<u32>,
}

/// `[[principal]]`: the policy files (globs) that apply to callers matching `arn`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrincipalFiles {
    pub arn: String,
    #[serde(default)]
    pub identity: Vec<String>,
    pub boundary: Option<String>,
    pub session: Option<String>,
}

/// `[organization]`: SCP and RCP files (globs) per level, root first.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Organization {
    pub management_account: Option<String>,
    #[serde(default)]
    pub scp: Vec<Level>,
    #[serde(default)]
    pub rcp: Vec<Level>,
}

/// One level of the organization: its globs, or its name and globs
/// (`{ name = "OU Workloads", policies = ["org/workloads/*.json"] }`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Level {
    Globs(Vec<String>),
    Named(NamedLevel),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedLevel {
    pub name: String,
    pub policies: Vec<String>,
}

impl Level {
    pub fn globs(&self) -> &[String] {
        match self {
            Level::Globs(globs) => globs,
            Level::Named(named) => &named.policies,
        }
    }

    pub fn name(&self) -> Option<&str> {
        match self {
            Level::Globs(_) => None,
            Level::Named(named) => Some(&named.name),
        }
    }
}

impl Organization {
    /// The SCP levels' names (`None` for a level named by its place).
    pub fn scp_names(&self) -> Vec<Option<String>> {
        self.scp.iter().map(|l| l.name().map(str::to_string)).collect()
    }

    pub fn rcp_names(&self) -> Vec<Option<String>> {
        self.rcp.iter().map(|l| l.name().map(str::to_string)).collect()
    }
}

/// `[[resource]]`: the resource policy file of the resources matching `arn`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResourceFiles {
    pub arn: String,
    pub policy: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    disabled: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawInlayHints {
    enabled: Option<bool>,
    access_levels: Option<bool>,
}

/// Settings in force for a set of files.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where the settings came from, for messages (`/repo/.iam-lsp.toml`, `editor settings`).
    pub origin: String,
    /// Globs are relative to this directory.
    pub base: PathBuf,
    pub kinds: Vec<(String, PolicyKind)>,
    pub disabled: Vec<Code>,
    pub severity: Vec<(Code, Severity)>,
    /// Inlay hints on or off (default on).
    pub inlay_hints: Option<bool>,
    /// Whether inlay hints also show each action's access level (default off).
    pub access_levels: Option<bool>,
    pub principals: Vec<PrincipalFiles>,
    pub organization: Option<Organization>,
    pub resources: Vec<ResourceFiles>,
    pub ignores: Vec<ConfigIgnore>,
}

impl Config {
    /// Parses `.iam-lsp.toml` text.
    pub fn from_toml(text: &str, origin: &str, base: &Path) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| format!("{origin}: {}", e.to_string().trim_end()))?;
        let mut config = Config::from_raw(raw, origin, base)?;
        // The n-th `[[ignore]]` header is the n-th entry (the inline-array form has none).
        let headers = text.lines().enumerate().filter(|(_, l)| l.trim() == "[[ignore]]").map(|(i, _)| i as u32);
        let headers: Vec<u32> = headers.collect();
        if headers.len() == config.ignores.len() {
            for (entry, line) in config.ignores.iter_mut().zip(headers) {
                entry.line = Some(line);
            }
        }
        Ok(config)
    }

    /// Parses editor settings: the object under `iamLsp` (or the settings themselves).
    pub fn from_json(settings: &serde_json::Value, base: &Path) -> Result<Config, String> {
        let origin = "editor settings (iamLsp)";
        let value = settings.get("iamLsp").unwrap_or(settings);
        if value.is_null() {
            return Ok(Config { origin: origin.to_string(), base: base.to_path_buf(), ..Config::default() });
        }
        // VS Code sends the whole section, with its client-only keys.
        let mut value = value.clone();
        if let Some(object) = value.as_object_mut() {
            object.remove("server");
            object.remove("trace");
        }
        let raw: RawConfig = serde_json::from_value(value).map_err(|e| format!("{origin}: {e}"))?;
        Config::from_raw(raw, origin, base)
    }

    fn from_raw(raw: RawConfig, origin: &str, base: &Path) -> Result<Config, String> {
        let mut kinds = Vec::new();
        for (glob, kind) in raw.kinds {
            let parsed = PolicyKind::parse(&kind).ok_or_else(|| {
                let names: Vec<&str> = PolicyKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("{origin}: kinds.\"{glob}\": unknown policy kind `{kind}`; the kinds are {}", names.join(", "))
            })?;
            kinds.push((glob, parsed));
        }
        let code = |name: &str, place: &str| {
            Code::parse(name).ok_or_else(|| {
                format!(
                    "{origin}: {place}: unknown rule `{name}` (the codes are listed in the README's diagnostics table)"
                )
            })
        };
        let disabled =
            raw.rules.disabled.iter().map(|name| code(name, "rules.disabled")).collect::<Result<Vec<_>, _>>()?;
        let mut severity = Vec::new();
        for (name, level) in &raw.rules.severity {
            let c = code(name, "rules.severity")?;
            let s = Severity::parse(level).ok_or_else(|| {
                format!(
                    "{origin}: rules.severity.\"{name}\": `{level}` is not a severity (error, warning, info or hint)"
                )
            })?;
            severity.push((c, s));
        }
        let mut ignores = Vec::new();
        for (i, raw) in raw.ignore.into_iter().enumerate() {
            let place = format!("ignore[{i}]");
            let code = code(&raw.code, &format!("{place}.code"))?;
            let reason = raw.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                format!(
                    "{origin}: {place}: a suppression needs a `reason` (why the `{}` finding is accepted)",
                    code.as_str()
                )
            })?;
            ignores.push(ConfigIgnore { ignore: Ignore { code, sid: raw.sid, reason }, paths: raw.paths, line: None });
        }
        Ok(Config {
            origin: origin.to_string(),
            base: base.to_path_buf(),
            kinds,
            disabled,
            severity,
            inlay_hints: raw.inlay_hints.as_ref().and_then(|h| h.enabled),
            access_levels: raw.inlay_hints.as_ref().and_then(|h| h.access_levels),
            principals: raw.principal,
            organization: raw.organization,
            resources: raw.resource,
            ignores,
        })
    }

    /// Reads the `.iam-lsp.toml` in `dir`, if there is one.
    pub fn read_in(dir: &Path) -> Result<Option<Config>, String> {
        let path = dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_toml(&text, &path.display().to_string(), dir).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// The `[[ignore]]` entries that apply to `path`: those without `paths`, and those with
    /// a glob that matches it.
    pub fn ignores_for<'c>(&'c self, path: Option<&Path>) -> impl Iterator<Item = (usize, &'c ConfigIgnore)> + 'c {
        let relative =
            path.and_then(|p| p.strip_prefix(&self.base).ok()).map(|r| r.to_string_lossy().replace('\\', "/"));
        self.ignores.iter().enumerate().filter(move |(_, entry)| {
            entry.paths.is_empty() || relative.as_ref().is_some_and(|r| entry.paths.iter().any(|g| glob_matches(g, r)))
        })
    }

    /// The first kind glob that matches `path`, with the reason.
    fn kind_for(&self, path: &Path) -> Option<KindChoice> {
        let relative = path.strip_prefix(&self.base).ok()?;
        let relative = relative.to_string_lossy().replace('\\', "/");
        self.kinds.iter().find(|(glob, _)| glob_matches(glob, &relative)).map(|(glob, kind)| KindChoice {
            kind: *kind,
            reason: format!("set by `\"{glob}\" = \"{}\"` in {}", kind.as_str(), self.origin),
        })
    }
}

/// Analysis options for a file from several configs, later ones taking precedence, and a
/// kind given explicitly (`--kind`) over all of them.
pub fn options_for(path: Option<&Path>, configs: &[&Config], kind: Option<PolicyKind>) -> Options {
    let mut options = Options {
        declared: path.and_then(Path::file_name).and_then(|n| n.to_str()).is_some_and(iam_analysis::names_a_policy),
        ..Options::default()
    };
    for config in configs {
        if let Some(choice) = path.and_then(|p| config.kind_for(p)) {
            options.kind = Some(choice);
        }
        for code in &config.disabled {
            if !options.disabled.contains(code) {
                options.disabled.push(*code);
            }
        }
        for (code, severity) in &config.severity {
            options.severity.retain(|(c, _)| c != code);
            options.severity.push((*code, *severity));
        }
        options.ignores.extend(config.ignores_for(path).map(|(_, entry)| entry.ignore.clone()));
    }
    if let Some(kind) = kind {
        options.kind = Some(KindChoice { kind, reason: "set on the command line (`--kind`)".to_string() });
    }
    options
}

/// Path globs: `*` and `?` within one path segment, `**` across segments. A glob with no
/// `/` matches the file name in any directory.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    if !glob.contains('/') {
        let name = path.rsplit('/').next().unwrap_or(path);
        return segment_matches(glob.as_bytes(), name.as_bytes());
    }
    let glob: Vec<&str> = glob.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    segments_match(&glob, &path)
}

fn segments_match(glob: &[&str], path: &[&str]) -> bool {
    wildcard_match(glob, path, |g| *g == "**", |g, p| segment_matches(g.as_bytes(), p.as_bytes()))
}

fn segment_matches(glob: &[u8], name: &[u8]) -> bool {
    wildcard_match(glob, name, |g| *g == b'*', |g, n| *g == b'?' || g == n)
}

/// Whether `glob` matches all of `name`: a star (`is_star`) matches any run of units, any
/// other unit of the glob matches one unit of the name (`one`). Only the latest star is
/// retried when a match fails (any earlier star's choice can be absorbed by it), so a
/// match takes at most `glob.len() × name.len()` steps: retrying every star, as a plain
/// recursion does, is exponential (`a*a*a*a*a*b` against a long run of `a`).
fn wildcard_match<G, N>(glob: &[G], name: &[N], is_star: impl Fn(&G) -> bool, one: impl Fn(&G, &N) -> bool) -> bool {
    let (mut g, mut n) = (0, 0);
    // After the latest star: where the glob goes on, and where its run in the name ends.
    let mut retry: Option<(usize, usize)> = None;
    while n < name.len() {
        if g < glob.len() && is_star(&glob[g]) {
            g += 1;
            retry = Some((g, n));
        } else if g < glob.len() && one(&glob[g], &name[n]) {
            g += 1;
            n += 1;
        } else if let Some((after, run_end)) = retry {
            // The star takes one more unit.
            g = after;
            n = run_end + 1;
            retry = Some((after, n));
        } else {
            return false;
        }
    }
    glob[g..].iter().all(is_star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("trust/*.json", "trust/role.json"));
        assert!(!glob_matches("trust/*.json", "trust/sub/role.json"));
        assert!(glob_matches("org/**/*.json", "org/scp/deny.json"));
        assert!(glob_matches("org/**/*.json", "org/deny.json"));
        assert!(glob_matches("*-trust.json", "roles/app-trust.json"));
        assert!(glob_matches("p?.json", "p1.json"));
        assert!(glob_matches("**", "a/b/c.json") && glob_matches("a/**", "a/b/c.json") && !glob_matches("b/**", "a/b"));
        assert!(glob_matches("*", "x.json") && glob_matches("**/x.json", "x.json") && !glob_matches("?", "xy"));
    }

    /// The matcher as a recursion that retries every star: exponential, the reference.
    fn reference(glob: &str, path: &str) -> bool {
        fn segments(glob: &[&str], path: &[&str]) -> bool {
            match glob.split_first() {
                None => path.is_empty(),
                Some((&"**", rest)) => (0..=path.len()).any(|skip| segments(rest, &path[skip..])),
                Some((first, rest)) => {
                    !path.is_empty() && segment(first.as_bytes(), path[0].as_bytes()) && segments(rest, &path[1..])
                }
            }
        }
        fn segment(glob: &[u8], name: &[u8]) -> bool {
            match glob.split_first() {
                None => name.is_empty(),
                Some((b'*', rest)) => (0..=name.len()).any(|skip| segment(rest, &name[skip..])),
                Some((b'?', rest)) => !name.is_empty() && segment(rest, &name[1..]),
                Some((c, rest)) => name.first() == Some(c) && segment(rest, &name[1..]),
            }
        }
        if !glob.contains('/') {
            return segment(glob.as_bytes(), path.rsplit('/').next().unwrap_or(path).as_bytes());
        }
        segments(&glob.split('/').collect::<Vec<_>>(), &path.split('/').collect::<Vec<_>>())
    }

    proptest::proptest! {
        #[test]
        fn globs_match_as_the_recursion_does(glob in "[ab*?/]{0,10}", path in "[ab/]{0,10}") {
            proptest::prop_assert_eq!(glob_matches(&glob, &path), reference(&glob, &path), "{} {}", glob, path);
        }
    }

    #[test]
    fn globs_that_backtrack_take_no_time() {
        // Each takes forever retrying every star (billions of ways to split the run of `a`).
        let name = "a".repeat(200);
        assert!(!glob_matches(&format!("{}b", "a*".repeat(30)), &name));
        assert!(glob_matches(&format!("{}a", "*a".repeat(30)), &name));
        let deep = "a/".repeat(200) + "x.json";
        assert!(!glob_matches(&format!("{}y.json", "**/a/".repeat(30)), &deep));
        assert!(glob_matches(&format!("{}x.json", "**/a/".repeat(30)), &deep));
    }

    #[test]
    fn toml_is_parsed_strictly() {
        let base = Path::new("/repo");
        let config = Config::from_toml(
            "[kinds]\n\"scp/*.json\" = \"scp\"\n[rules]\ndisabled = [\"resource-star\"]\nseverity = { \"legacy-action\" = \"error\" }\n",
            "/repo/.iam-lsp.toml",
            base,
        )
        .unwrap();
        let options = options_for(Some(Path::new("/repo/scp/deny.json")), &[&config], None);
        assert_eq!(options.kind.unwrap().kind, PolicyKind::Scp);
        assert_eq!(options.disabled, [Code::ResourceStar]);
        assert_eq!(options.severity, [(Code::LegacyAction, Severity::Error)]);

        let unknown_rule = Config::from_toml("[rules]\ndisabled = [\"no-such-rule\"]\n", "f", base).unwrap_err();
        assert!(unknown_rule.contains("unknown rule `no-such-rule`"), "{unknown_rule}");
        let unknown_kind = Config::from_toml("[kinds]\n\"*.json\" = \"iam\"\n", "f", base).unwrap_err();
        assert!(unknown_kind.contains("unknown policy kind `iam`"), "{unknown_kind}");
        let unknown_key = Config::from_toml("[rule]\n", "f", base).unwrap_err();
        assert!(unknown_key.contains("unknown field `rule`"), "{unknown_key}");
    }

    #[test]
    fn ignores_apply_by_path_glob_and_keep_their_line() {
        let base = Path::new("/repo");
        let text = "[rules]\ndisabled = []\n\n[[ignore]]\ncode = \"resource-star\"\npaths = [\"legacy/**\"]\nsid = \"ReadAll\"\nreason = \"Q3\"\n\n[[ignore]]\ncode = \"full-admin\"\nreason = \"break-glass role\"\n";
        let config = Config::from_toml(text, "/repo/.iam-lsp.toml", base).unwrap();
        assert_eq!(config.ignores.iter().map(|i| i.line).collect::<Vec<_>>(), [Some(3), Some(9)]);
        let legacy = options_for(Some(Path::new("/repo/legacy/a/p.json")), &[&config], None);
        assert_eq!(
            legacy.ignores,
            [
                Ignore { code: Code::ResourceStar, sid: Some("ReadAll".into()), reason: "Q3".into() },
                Ignore { code: Code::FullAdmin, sid: None, reason: "break-glass role".into() }
            ]
        );
        let other = options_for(Some(Path::new("/repo/new/p.json")), &[&config], None);
        assert_eq!(other.ignores.iter().map(|i| i.code).collect::<Vec<_>>(), [Code::FullAdmin]);
        let blank = Config::from_toml("[[ignore]]\ncode = \"full-admin\"\nreason = \" \"\n", "f", base).unwrap_err();
        assert!(blank.contains("ignore[0]: a suppression needs a `reason`"), "{blank}");
        let unknown = Config::from_toml("[[ignore]]\ncode = \"x\"\nreason = \"r\"\n", "f", base).unwrap_err();
        assert!(unknown.contains("ignore[0].code: unknown rule `x`"), "{unknown}");
        let settings = serde_json::json!({"ignore": [{"code": "full-admin", "reason": "r"}]});
        assert_eq!(Config::from_json(&settings, base).unwrap().ignores.len(), 1);
    }

    #[test]
    fn organization_levels_are_lists_of_globs_or_named() {
        let text =
            "[organization]\nscp = [[\"org/root/*.json\"], { name = \"Workloads\", policies = [\"org/w.tf\"] }]\n";
        let config = Config::from_toml(text, "f", Path::new("/repo")).unwrap();
        let org = config.organization.unwrap();
        assert_eq!(org.scp.iter().map(Level::globs).collect::<Vec<_>>(), [["org/root/*.json"], ["org/w.tf"]]);
        assert_eq!(org.scp_names(), [None, Some("Workloads".to_string())]);
        let unknown = "[organization]\nscp = [{ name = \"W\", files = [\"x\"] }]\n";
        assert!(Config::from_toml(unknown, "f", Path::new("/repo")).is_err());
    }

    #[test]
    fn editor_settings_use_the_same_shape() {
        let settings = serde_json::json!({"iamLsp": {
            "server": {"path": "/x"}, "trace": {"server": "off"},
            "kinds": {"trust/*.json": "trust"}, "rules": {"disabled": ["statement-overlap"]}, "inlayHints": {"enabled": false}
        }});
        let config = Config::from_json(&settings, Path::new("/w")).unwrap();
        assert_eq!(config.kinds, [("trust/*.json".to_string(), PolicyKind::Trust)]);
        assert_eq!(config.disabled, [Code::StatementOverlap]);
        assert_eq!(config.inlay_hints, Some(false));
        let explicit = options_for(Some(Path::new("/w/trust/a.json")), &[&config], Some(PolicyKind::Identity));
        assert_eq!(explicit.kind.unwrap().kind, PolicyKind::Identity);
    }
}
