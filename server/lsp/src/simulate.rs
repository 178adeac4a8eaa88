//! `iam-lsp simulate` and `iam-lsp explain`: the evaluator from the command line.

use std::io::Write;
use std::path::{Path, PathBuf};

use iam_analysis::evaluate::{
    self, decoded, message, scenario, ContextValue, Decision, Evaluation, Policy, PolicySet, PolicyType, Request,
};
use iam_analysis::{Catalog, Document, PolicyKind};

use crate::config::Config;
use crate::unresolved;
use crate::workspace_policies::{self, FilePolicy};

const USAGE: &str = "usage: iam-lsp simulate SCENARIO.json [--format text|json]
       iam-lsp simulate --principal ARN --action A... [--resource R...] [--resource-account ID]
                        [--identity FILE...] [--boundary FILE] [--session FILE] [--resource-policy FILE]
                        [--vpc-endpoint FILE] [--scp FILE... | --scp-level [NAME=]FILE...] [--rcp FILE... | --rcp-level [NAME=]FILE...]
                        [--management-account ID] [--context KEY=VALUE...] [--format text|json]";

const EXPLAIN_USAGE: &str = "usage: iam-lsp explain \"MESSAGE\" [--workspace DIR] [--format text|json]
       MESSAGE: an AccessDenied message, or what `aws sts decode-authorization-message` prints";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

fn usage_error(usage: &str, message: &str) -> i32 {
    eprintln!("iam-lsp: {message}\n{usage}");
    2
}

use crate::cli::emit;

fn bad_input(message: &str) -> i32 {
    eprintln!("iam-lsp: {message}");
    2
}

/// Runs `simulate`; the exit code: 0 allowed (every request of a table), 1 denied, 2 bad input.
pub fn simulate(args: &[String]) -> i32 {
    let mut format = Format::Text;
    let mut scenario_path: Option<PathBuf> = None;
    let mut principal = None;
    let mut actions: Vec<String> = Vec::new();
    let mut resources: Vec<String> = Vec::new();
    let mut resource_account = None;
    let mut management_account = None;
    let mut context: Vec<(String, ContextValue)> = Vec::new();
    let mut files: Vec<(PolicyType, PathBuf)> = Vec::new();
    let mut scp_levels: Vec<(Option<String>, Vec<PathBuf>)> = Vec::new();
    let mut rcp_levels: Vec<(Option<String>, Vec<PathBuf>)> = Vec::new();
    let mut scp_flat: Vec<PathBuf> = Vec::new();
    let mut rcp_flat: Vec<PathBuf> = Vec::new();

    // Before the flags are read: `--help` is not one of them.
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return emit(0, |out| {
            writeln!(out, "{USAGE}\n\nSimulates a request against the policies that apply to it and says which statement decides.\nExit code: 0 allowed, 1 denied, 2 bad input.")
        });
    }

    let mut i = 0;
    // The values after a flag, up to the next flag: `--identity a.json b.json`.
    let values = |i: &mut usize| -> Vec<String> {
        let mut out = Vec::new();
        while *i + 1 < args.len() && !args[*i + 1].starts_with("--") {
            *i += 1;
            out.push(args[*i].clone());
        }
        out
    };
    while i < args.len() {
        let arg = args[i].as_str();
        let one = |i: &mut usize, what: &str| -> Result<String, String> {
            match args.get(*i + 1) {
                Some(value) if !value.starts_with("--") => {
                    *i += 1;
                    Ok(value.clone())
                }
                _ => Err(format!("{arg} takes {what}")),
            }
        };
        let result: Result<(), String> = (|| {
            match arg {
                "--format" => {
                    format = match one(&mut i, "`text` or `json`")?.as_str() {
                        "text" => Format::Text,
                        "json" => Format::Json,
                        other => return Err(format!("--format takes `text` or `json`, not `{other}`")),
                    }
                }
                "--principal" => principal = Some(one(&mut i, "an ARN")?),
                "--action" => actions.extend(non_empty(values(&mut i), arg)?),
                "--resource" => resources.extend(non_empty(values(&mut i), arg)?),
                "--resource-account" => resource_account = Some(one(&mut i, "an account ID")?),
                "--management-account" => management_account = Some(one(&mut i, "an account ID")?),
                "--identity" => {
                    files.extend(non_empty(values(&mut i), arg)?.into_iter().map(|f| (PolicyType::Identity, f.into())))
                }
                "--boundary" => files.push((PolicyType::Boundary, one(&mut i, "a file")?.into())),
                "--session" => files.push((PolicyType::Session, one(&mut i, "a file")?.into())),
                "--resource-policy" => files.push((PolicyType::Resource, one(&mut i, "a file")?.into())),
                "--vpc-endpoint" => files.push((PolicyType::VpcEndpoint, one(&mut i, "a file")?.into())),
                "--scp" => scp_flat.extend(non_empty(values(&mut i), arg)?.into_iter().map(PathBuf::from)),
                "--rcp" => rcp_flat.extend(non_empty(values(&mut i), arg)?.into_iter().map(PathBuf::from)),
                "--scp-level" => scp_levels.push(named_level(non_empty(values(&mut i), arg)?)),
                "--rcp-level" => rcp_levels.push(named_level(non_empty(values(&mut i), arg)?)),
                "--context" => {
                    for pair in non_empty(values(&mut i), arg)? {
                        let Some((key, value)) = pair.split_once('=') else {
                            return Err(format!("--context takes KEY=VALUE, not `{pair}`"));
                        };
                        context.push((key.to_string(), context_value(value)));
                    }
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
                path if scenario_path.is_none() => scenario_path = Some(PathBuf::from(path)),
                extra => return Err(format!("one scenario file at a time (`{extra}` too)")),
            }
            Ok(())
        })();
        if let Err(message) = result {
            return usage_error(USAGE, &message);
        }
        i += 1;
    }

    let (base, policies) = if let Some(path) = &scenario_path {
        if principal.is_some() || !actions.is_empty() || !files.is_empty() {
            return usage_error(USAGE, "give a scenario file or the request flags, not both");
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => return bad_input(&format!("cannot read {}: {e}", path.display())),
        };
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut resolve = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
        match scenario::parse(&text, &mut resolve) {
            Ok(s) => (s.request, s.policies),
            Err(e) => return bad_input(&format!("{}: {e}", path.display())),
        }
    } else {
        let Some(principal) = principal else {
            return usage_error(USAGE, "give a scenario file, or --principal and --action");
        };
        if actions.is_empty() {
            return usage_error(USAGE, "--action is missing");
        }
        let mut set = PolicySet { management_account, ..PolicySet::default() };
        if !scp_flat.is_empty() {
            scp_levels.insert(0, (None, std::mem::take(&mut scp_flat)));
        }
        if !rcp_flat.is_empty() {
            rcp_levels.insert(0, (None, std::mem::take(&mut rcp_flat)));
        }
        for (kind, path) in &files {
            let policy = match read_policy(path) {
                Ok(p) => p,
                Err(e) => return bad_input(&e),
            };
            match kind {
                PolicyType::Identity => set.identity.push(policy),
                PolicyType::Boundary => set.boundary = Some(policy),
                PolicyType::Session => set.session = Some(policy),
                PolicyType::Resource => set.resource = Some(policy),
                _ => set.vpc_endpoint = Some(policy),
            }
        }
        for (levels, out, names) in
            [(&scp_levels, &mut set.scp, &mut set.scp_names), (&rcp_levels, &mut set.rcp, &mut set.rcp_names)]
        {
            for (name, level) in levels {
                let mut policies = Vec::new();
                for path in level {
                    match read_policy(path) {
                        Ok(p) => policies.push(p),
                        Err(e) => return bad_input(&e),
                    }
                }
                out.push(policies);
                names.push(name.clone());
            }
        }
        let request = Request {
            principal,
            action: actions[0].clone(),
            resource: resources.first().cloned().unwrap_or_else(|| "*".to_string()),
            resource_account,
            context,
        };
        (request, set)
    };

    // The questions: every concrete action a wildcard stands for, on every resource.
    let asked_actions = if actions.is_empty() { vec![base.action.clone()] } else { actions };
    let mut concrete = Vec::new();
    for action in &asked_actions {
        if action.contains(['*', '?']) {
            let found = Catalog::get().matching_actions(action);
            if found.is_empty() {
                return bad_input(&format!("`{action}` matches no action the catalog knows"));
            }
            concrete.extend(found.iter().map(|(s, a)| format!("{}:{}", s.prefix, a.name)));
        } else {
            concrete.push(action.clone());
        }
    }
    let asked_resources = if resources.is_empty() { vec![base.resource.clone()] } else { resources };
    let mut results = Vec::new();
    // The caller and its context are the same for every question: read once, and not
    // copied into each cell.
    let requester = evaluate::Requester::new(&base.principal, &base.context);
    // A table shows each decision only; an answer shown in full has every element of every
    // statement.
    let in_full = format == Format::Json || concrete.len() * asked_resources.len() == 1;
    for action in &concrete {
        for resource in &asked_resources {
            let account = base.resource_account.as_deref();
            let evaluation = if in_full {
                requester.evaluate_every_part(action, resource, account, &policies)
            } else {
                requester.evaluate(action, resource, account, &policies)
            };
            results.push(Cell { action, resource, evaluation });
        }
    }
    let code = if results.iter().all(|c| c.evaluation.decision == Decision::Allowed) { 0 } else { 1 };
    match format {
        Format::Json => {
            let json = if let [only] = results.as_slice() {
                serde_json::to_value(&only.evaluation)
            } else {
                let rows: Vec<serde_json::Value> = results
                    .iter()
                    .map(|c| {
                        let mut value = serde_json::to_value(&c.evaluation).unwrap_or_default();
                        if let Some(object) = value.as_object_mut() {
                            object.insert("action".into(), c.action.into());
                            object.insert("resource".into(), c.resource.into());
                        }
                        value
                    })
                    .collect();
                Ok(serde_json::json!({ "results": rows }))
            };
            match json.and_then(|j| serde_json::to_string_pretty(&j)) {
                Ok(text) => emit(code, |out| writeln!(out, "{text}")),
                Err(e) => bad_input(&format!("cannot write JSON: {e}")),
            }
        }
        Format::Text if results.len() == 1 => {
            let only = &results[0];
            let request = Request { action: only.action.to_string(), resource: only.resource.to_string(), ..base };
            emit(code, |out| write!(out, "{}", render(&request, &only.evaluation)))
        }
        Format::Text => emit(code, |out| write!(out, "{}", table(&results))),
    }
}

/// A `--scp-level`/`--rcp-level`'s files, and its name when the first is `NAME=FILE`
/// (`'OU Workloads=ou.json'`); a file whose name has `=` in it is a file.
fn named_level(values: Vec<String>) -> (Option<String>, Vec<PathBuf>) {
    let mut name = None;
    let mut files: Vec<PathBuf> = values.into_iter().map(PathBuf::from).collect();
    if let Some(first) = files.first().filter(|f| !f.exists()).and_then(|f| f.to_str()).map(str::to_string) {
        if let Some((given, file)) = first.split_once('=') {
            name = Some(given.to_string());
            files[0] = PathBuf::from(file);
        }
    }
    (name, files)
}

fn non_empty(values: Vec<String>, flag: &str) -> Result<Vec<String>, String> {
    if values.is_empty() {
        Err(format!("{flag} takes at least one value"))
    } else {
        Ok(values)
    }
}

/// A `--context` value: JSON when it reads as a JSON list (`["a","b"]`), else the text.
fn context_value(text: &str) -> ContextValue {
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text) {
        let values = items
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        return ContextValue { values, multi: true };
    }
    ContextValue::single(text)
}

fn read_policy(path: &Path) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let policy = Policy::parse(path.display().to_string(), &text);
    match &policy.problem {
        Some(problem) => Err(format!("{}: {problem}", path.display())),
        None => Ok(policy),
    }
}

/// The answer for one request, as a person reads it (the library's rendering, which the
/// playground shows too).
pub fn render(request: &Request, e: &Evaluation) -> String {
    evaluate::render::render(request, e)
}

/// One request of a wildcard question: the caller and context are the question's.
struct Cell<'a> {
    action: &'a str,
    resource: &'a str,
    evaluation: Evaluation<'a>,
}

/// Several requests (a wildcard question): one row each.
fn table(results: &[Cell]) -> String {
    let width = |f: &dyn Fn(&Cell) -> usize| results.iter().map(f).max().unwrap_or(0);
    let action_width = width(&|c| c.action.len()).max("ACTION".len());
    let resource_width = width(&|c| c.resource.len()).max("RESOURCE".len());
    let mut out = format!("{:action_width$}  {:resource_width$}  DECISION          BLOCKED BY\n", "ACTION", "RESOURCE");
    for c in results {
        let blocked: Vec<&str> = c.evaluation.blocked_by.iter().map(|t| t.as_str()).collect();
        out.push_str(
            format!(
                "{:action_width$}  {:resource_width$}  {:16}  {}",
                c.action,
                c.resource,
                c.evaluation.decision.as_str(),
                blocked.join(", ")
            )
            .trim_end(),
        );
        out.push('\n');
    }
    let allowed = results.iter().filter(|c| c.evaluation.decision == Decision::Allowed).count();
    out.push_str(&format!("{allowed} of {} allowed\n", results.len()));
    out
}

/// Runs `explain`: reads an AccessDenied message, says what it means, and with
/// `--workspace` evaluates the request against the workspace's policies.
pub fn explain(args: &[String]) -> i32 {
    let mut message_text = None;
    let mut workspace = None;
    let mut format = Format::Text;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--workspace" => match args.next() {
                Some(dir) => workspace = Some(PathBuf::from(dir)),
                None => return usage_error(EXPLAIN_USAGE, "--workspace takes a directory"),
            },
            "--format" => match args.next().map(String::as_str) {
                Some("text") => format = Format::Text,
                Some("json") => format = Format::Json,
                _ => return usage_error(EXPLAIN_USAGE, "--format takes `text` or `json`"),
            },
            "-h" | "--help" => {
                return emit(0, |out| {
                    writeln!(out, "{EXPLAIN_USAGE}\n\nReads an AccessDenied message and says which policy decides; with --workspace,\nevaluates the request against the policy files in DIR.")
                });
            }
            flag if flag.starts_with("--") => return usage_error(EXPLAIN_USAGE, &format!("unknown option `{flag}`")),
            text if message_text.is_none() => message_text = Some(text.to_string()),
            _ => return usage_error(EXPLAIN_USAGE, "give the message as one argument, in quotes"),
        }
    }
    let Some(text) = message_text else {
        return usage_error(EXPLAIN_USAGE, "no message to explain");
    };
    if let Some(decoded) = decoded::parse(&text) {
        return explain_decoded(&decoded, workspace.as_deref(), format == Format::Json);
    }
    let Some(parsed) = message::parse(&text) else {
        return bad_input(
            "the message is not an AccessDenied message AWS writes (`User: ARN is not authorized to perform: ACTION ...`)",
        );
    };
    let mut out = String::new();
    out.push_str(&format!("principal: {}\naction:    {}\n", parsed.principal, parsed.action));
    if let Some(resource) = &parsed.resource {
        out.push_str(&format!("resource:  {resource}\n"));
    }
    out.push_str(&format!("meaning:   {}\n", meaning(&parsed)));
    if let Some(encoded) = &parsed.encoded {
        out.push_str(&format!(
            "the message carries an encoded reason: `aws sts decode-authorization-message --encoded-message {}` reads it (AWS STS decrypts it; give its output to `iam-lsp explain` for the request's context keys)\n",
            // The first 16 characters: the token is whatever text followed the label.
            match encoded.char_indices().nth(16) {
                Some((end, _)) => format!("{}...", &encoded[..end]),
                None => encoded.clone(),
            }
        ));
    }
    let mut code = 0;
    if let Some(dir) = &workspace {
        let request = Request {
            principal: parsed.principal.clone(),
            action: parsed.action.clone(),
            resource: parsed.resource.clone().unwrap_or_else(|| "*".to_string()),
            ..Request::default()
        };
        code = match explain_in_workspace(dir, &request, &mut out) {
            Ok(code) => code,
            Err(e) => return bad_input(&e),
        };
    }
    match format {
        Format::Text => emit(code, |stdout| write!(stdout, "{out}")),
        Format::Json => {
            // The same answer as the server's `iam-lsp.explain` command.
            let json = match explain_value(&text, workspace.as_deref()) {
                Ok(json) => json,
                Err(e) => return bad_input(&e),
            };
            match serde_json::to_string_pretty(&json) {
                Ok(text) => emit(code, |stdout| writeln!(stdout, "{text}")),
                Err(e) => bad_input(&format!("cannot write JSON: {e}")),
            }
        }
    }
}

/// `iam-lsp.simulate`'s answer: a scenario (policies inline, or paths relative to `base`)
/// evaluated, as `simulate --format json` prints it, and `text`: as `simulate` prints it.
///
/// A scenario whose policies have parts a template leaves unresolved answers with what
/// those parts decide ([`crate::unresolved`]): the decision when it is the same whatever
/// they are, else `Undetermined` with both ends.
pub fn simulate_value(scenario: &serde_json::Value, base: &Path) -> Result<serde_json::Value, String> {
    let as_written = evaluate_value(scenario, base)?;
    if !unresolved::has_unknown(scenario) {
        return Ok(as_written);
    }
    let end = |end| -> Result<Option<serde_json::Value>, String> {
        unresolved::at_end(scenario, end).map(|s| evaluate_value(&s, base)).transpose()
    };
    let ends = end(unresolved::End::Least)?.zip(end(unresolved::End::Most)?);
    Ok(unresolved::settle(scenario, as_written, ends))
}

fn evaluate_value(scenario: &serde_json::Value, base: &Path) -> Result<serde_json::Value, String> {
    let text = serde_json::to_string(scenario).map_err(|e| e.to_string())?;
    let mut resolve = |p: &str| std::fs::read_to_string(base.join(p)).map_err(|e| e.to_string());
    let s = scenario::parse(&text, &mut resolve).map_err(|e| e.to_string())?;
    let evaluation = evaluate::evaluate_every_part(&s.request, &s.policies);
    let mut value = serde_json::to_value(&evaluation).map_err(|e| e.to_string())?;
    // The answer as `simulate` prints it, for the client to show.
    if let Some(object) = value.as_object_mut() {
        object.insert("text".into(), render(&s.request, &evaluation).into());
    }
    Ok(value)
}

/// `iam-lsp.explain`'s answer, as `explain --format json` prints it: the message read back,
/// what it means, and with a workspace the evaluation against its policies.
pub fn explain_value(text: &str, workspace: Option<&Path>) -> Result<serde_json::Value, String> {
    if let Some(decoded) = decoded::parse(text) {
        return decoded_value(&decoded, workspace);
    }
    let parsed = message::parse(text).ok_or_else(|| {
        "the message is not an AccessDenied message AWS writes (`User: ARN is not authorized to perform: ACTION ...`)"
            .to_string()
    })?;
    let mut evaluation = None;
    if let Some(dir) = workspace {
        let request = Request {
            principal: parsed.principal.clone(),
            action: parsed.action.clone(),
            resource: parsed.resource.clone().unwrap_or_else(|| "*".to_string()),
            ..Request::default()
        };
        evaluation = Some(workspace_evaluation(dir, &request)?);
    }
    Ok(serde_json::json!({ "message": parsed, "meaning": meaning(&parsed), "evaluation": evaluation }))
}

/// `explain` of a decoded authorization message: the request it holds (with its context
/// keys), what AWS said of it, and with a workspace the evaluation against its policies.
fn explain_decoded(m: &decoded::DecodedMessage, workspace: Option<&Path>, json: bool) -> i32 {
    if json {
        return match decoded_value(m, workspace)
            .and_then(|j| serde_json::to_string_pretty(&j).map_err(|e| e.to_string()))
        {
            Ok(text) => {
                let denied = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|j| j["evaluation"]["decision"].as_str().map(|d| d != "Allowed"));
                emit(i32::from(denied == Some(true)), |out| writeln!(out, "{text}"))
            }
            Err(e) => bad_input(&e),
        };
    }
    let request = m.request();
    let mut out =
        format!("principal: {}\naction:    {}\nresource:  {}\n", request.principal, request.action, request.resource);
    for (key, value) in &request.context {
        out.push_str(&format!("context:   {key} = {}\n", context_text(value)));
    }
    out.push_str(&format!("meaning:   {}\n", decoded_meaning(m)));
    let mut code = 0;
    if let Some(dir) = workspace {
        code = match explain_in_workspace(dir, &request, &mut out) {
            Ok(code) => code,
            Err(e) => return bad_input(&e),
        };
    }
    emit(code, |stdout| write!(stdout, "{out}"))
}

/// A context value as the scenario format writes it: one value, or a JSON list.
fn context_text(value: &ContextValue) -> String {
    if value.multi {
        serde_json::to_string(&value.values).unwrap_or_default()
    } else {
        value.values.first().cloned().unwrap_or_default()
    }
}

/// What a decoded message says: it names no policy type, only explicit deny or not, and
/// the matched statements' ids.
fn decoded_meaning(m: &decoded::DecodedMessage) -> String {
    let ids = if m.matched_statements.is_empty() {
        " statement".to_string()
    } else {
        let names: Vec<String> = m.matched_statements.iter().map(|s| format!("`{s}`")).collect();
        format!(" statement {}", names.join(", "))
    };
    if m.allowed {
        "AWS says the policies allow this request".to_string()
    } else if m.explicit_deny {
        format!(
            "the Deny{ids} matches the request; no Allow can override it: narrow it so that it leaves `{}` on `{}` out",
            m.action, m.resource
        )
    } else {
        format!("no policy allows it (no explicit deny): some policy type that must allow `{}` on `{}` does not; simulate with --workspace to find which", m.action, m.resource)
    }
}

fn decoded_value(m: &decoded::DecodedMessage, workspace: Option<&Path>) -> Result<serde_json::Value, String> {
    let request = m.request();
    let mut evaluation = None;
    if let Some(dir) = workspace {
        evaluation = Some(workspace_evaluation(dir, &request)?);
    }
    let context: serde_json::Map<String, serde_json::Value> = request
        .context
        .iter()
        .map(|(k, v)| {
            let value = if v.multi { serde_json::json!(v.values) } else { serde_json::json!(context_text(v)) };
            (k.clone(), value)
        })
        .collect();
    Ok(serde_json::json!({ "decoded": m, "context": context, "meaning": decoded_meaning(m), "evaluation": evaluation }))
}

/// What the message says, and the one change that would allow the request.
fn meaning(m: &message::DeniedMessage) -> String {
    let on = m.resource.as_deref().unwrap_or("*");
    match (m.policy_type, m.explicit) {
        (Some(kind), true) => format!(
            "a Deny statement in {} matches the request; no Allow can override it: narrow that statement (its Action, Resource or Condition) so that it leaves `{}` on `{on}` out",
            article(kind.describe()),
            m.action
        ),
        (Some(PolicyType::Scp), false) => format!("an SCP at some level (root, an OU, the account) allows nothing that matches: every level needs an Allow for `{}`", m.action),
        (Some(PolicyType::Identity), false) => format!("no identity-based policy of the principal allows it: add an Allow for `{}` on `{on}` to one", m.action),
        (Some(PolicyType::Resource), false) => format!("the resource's policy does not allow the principal (cross-account, or a trust or key policy, which must): add a statement naming it for `{}`", m.action),
        (Some(kind), false) => format!("the {} does not allow it: it must allow `{}` on `{on}` too, as it only limits", kind.describe(), m.action),
        (None, _) => "the older form of the message: it does not say which policy type denies; simulate with --workspace to find out".to_string(),
    }
}

fn article(s: &str) -> String {
    if s.starts_with(['a', 'e', 'i', 'o', 'u', 'V']) {
        format!("an {s}")
    } else {
        format!("a {s}")
    }
}

/// The workspace's policies that apply to a request, by their place: files and the
/// policies of templates ([`workspace_policies`]).
#[derive(Default)]
struct Gathered {
    identity: Vec<FilePolicy>,
    boundary: Option<FilePolicy>,
    session: Option<FilePolicy>,
    resource: Option<FilePolicy>,
    scp: Vec<Vec<FilePolicy>>,
    rcp: Vec<Vec<FilePolicy>>,
    scp_names: Vec<Option<String>>,
    rcp_names: Vec<Option<String>>,
    management_account: Option<String>,
    /// "org/stack.yaml#Guardrails (scp)", for the answer to say what it read.
    used: Vec<String>,
}

impl Gathered {
    fn all(&self) -> impl Iterator<Item = &FilePolicy> {
        self.identity
            .iter()
            .chain(&self.boundary)
            .chain(&self.session)
            .chain(&self.resource)
            .chain(self.scp.iter().flatten())
            .chain(self.rcp.iter().flatten())
    }

    /// The policy set as written, or at one end of the parts templates leave unresolved
    /// (`None` when one of them cannot be bounded).
    fn set(&self, end: Option<unresolved::End>) -> Result<Option<PolicySet>, String> {
        let read = |p: &FilePolicy| -> Result<Option<Policy>, String> {
            let text = match end {
                Some(end) if p.has_unknown() => match unresolved::policy_at_end(&p.text, end) {
                    Some(text) => text,
                    None => return Ok(None),
                },
                _ => p.text.clone(),
            };
            let policy = Policy::parse(p.name.clone(), &text);
            match &policy.problem {
                Some(problem) => Err(format!("{}: {problem}", p.name)),
                None => Ok(Some(policy)),
            }
        };
        // `Some(None)`: no policy there; `None`: one that cannot be bounded.
        let one = |p: &Option<FilePolicy>| -> Result<Option<Option<Policy>>, String> {
            match p {
                None => Ok(Some(None)),
                Some(p) => Ok(read(p)?.map(Some)),
            }
        };
        let list = |l: &[FilePolicy]| -> Result<Option<Vec<Policy>>, String> {
            l.iter().map(&read).collect::<Result<Option<Vec<_>>, _>>()
        };
        let levels = |ls: &[Vec<FilePolicy>]| -> Result<Option<Vec<Vec<Policy>>>, String> {
            ls.iter().map(|l| list(l)).collect::<Result<Option<Vec<_>>, _>>()
        };
        let (Some(identity), Some(boundary), Some(session), Some(resource), Some(scp), Some(rcp)) = (
            list(&self.identity)?,
            one(&self.boundary)?,
            one(&self.session)?,
            one(&self.resource)?,
            levels(&self.scp)?,
            levels(&self.rcp)?,
        ) else {
            return Ok(None);
        };
        Ok(Some(PolicySet {
            identity,
            boundary,
            session,
            resource,
            vpc_endpoint: None,
            scp,
            rcp,
            management_account: self.management_account.clone(),
            scp_names: self.scp_names.clone(),
            rcp_names: self.rcp_names.clone(),
        }))
    }

    /// The answer for `request`: the evaluation as `simulate --format json` prints it, with
    /// `text` as `simulate` prints it. Templates' unresolved parts are bounded as the
    /// "Simulate" lens bounds them ([`unresolved`]): the decision when it is the same
    /// whatever they are, else `Undetermined` with both ends.
    fn answer(&self, request: &Request) -> Result<serde_json::Value, String> {
        let evaluate_at = |end| -> Result<Option<serde_json::Value>, String> {
            let Some(set) = self.set(end)? else { return Ok(None) };
            let evaluation = evaluate::evaluate_every_part(request, &set);
            let mut value = serde_json::to_value(&evaluation).map_err(|e| e.to_string())?;
            value["text"] = render(request, &evaluation).into();
            value["change"] = evaluate::render::one_change(request, &evaluation).into();
            Ok(Some(value))
        };
        let mut as_written = evaluate_at(None)?.unwrap_or_default();
        if !self.all().any(FilePolicy::has_unknown) {
            return Ok(as_written);
        }
        // A change worked out on unresolved parts' stand-ins would name text no template has.
        fn strip(mut answer: serde_json::Value) -> serde_json::Value {
            if let Some(object) = answer.as_object_mut() {
                object.remove("change");
            }
            answer
        }
        as_written = strip(as_written);
        let ends = evaluate_at(Some(unresolved::End::Least))?
            .map(strip)
            .zip(evaluate_at(Some(unresolved::End::Most))?.map(strip));
        // What `settle` reads of a scenario: the policies (the effects of the statements with
        // unresolved parts) and the parts.
        let policies: Vec<serde_json::Value> =
            self.all().filter(|p| p.has_unknown()).map(|p| p.scenario_value()).collect();
        let parts: Vec<serde_json::Value> =
            self.all().filter_map(|p| p.embedded.as_ref()).flat_map(|e| e.unresolved.iter().cloned()).collect();
        let scenario = serde_json::json!({ "policies": { "identity": policies }, "unresolved": parts });
        Ok(unresolved::settle(&scenario, as_written, ends))
    }
}

/// The workspace's policies for a request: with a `.iam-lsp.toml` that says which apply
/// together, those ([`configured_policies`]); else every policy of the workspace by its
/// kind (the kind `check` infers, or `.iam-lsp.toml`'s, for a JSON file; the template's for
/// its policies): identity policies and boundaries apply to the principal, SCPs and RCPs as
/// one level, and the resource or trust policies whose statements name the request's
/// resource (trust policies for `sts:AssumeRole*`).
fn workspace_policies(dir: &Path, request: &Request) -> Result<Gathered, String> {
    if !dir.is_dir() {
        return Err(format!("cannot read {}: not a directory", dir.display()));
    }
    let files = workspace_policies::workspace_files(dir);
    if let Some(config) = Config::read_in(dir)? {
        if !config.principals.is_empty() || config.organization.is_some() || !config.resources.is_empty() {
            return configured_policies(dir, &files, &config, request);
        }
    }
    let mut set = Gathered::default();
    let (mut scps, mut rcps) = (Vec::new(), Vec::new());
    let assume = request.action.to_ascii_lowercase().starts_with("sts:assumerole");
    let applies = |p: &FilePolicy| {
        let probe = PolicySet { resource: Some(Policy::parse(p.name.clone(), &p.text)), ..PolicySet::default() };
        let e = evaluate::evaluate(request, &probe);
        e.statements.iter().any(|s| s.action.matched && s.resource.as_ref().is_some_and(|r| r.matched))
    };
    for file in &files {
        let Ok(text) = std::fs::read_to_string(dir.join(file)) else { continue };
        for policy in workspace_policies::policies_in(file, &text) {
            let kind = match policy.kind {
                Some(kind) => kind,
                // A JSON file: the kind its text (or `.iam-lsp.toml`'s `[kinds]`) gives it.
                None => match Document::from(policy.text.as_str()).kind() {
                    Some(k) => k.kind,
                    None => continue,
                },
            };
            let name = format!("{} ({})", policy.name, kind.as_str());
            match kind {
                PolicyKind::Identity => set.identity.push(policy),
                PolicyKind::Boundary if set.boundary.is_none() => set.boundary = Some(policy),
                PolicyKind::Scp => scps.push(policy),
                PolicyKind::Rcp => rcps.push(policy),
                PolicyKind::Trust if assume && set.resource.is_none() && applies(&policy) => {
                    set.resource = Some(policy)
                }
                PolicyKind::Resource if !assume && set.resource.is_none() && applies(&policy) => {
                    set.resource = Some(policy)
                }
                _ => continue,
            }
            set.used.push(name);
        }
    }
    if !scps.is_empty() {
        set.scp.push(scps);
    }
    if !rcps.is_empty() {
        set.rcp.push(rcps);
    }
    Ok(set)
}

/// The policies `.iam-lsp.toml` says apply: the first `[[principal]]` whose ARN pattern
/// matches the caller, `[organization]`'s levels, the first `[[resource]]` whose ARN
/// pattern matches the resource. Globs are relative to the workspace; one that matches a
/// template takes its policies of the kind its place asks for ([`workspace_policies::select`]).
fn configured_policies(dir: &Path, files: &[String], config: &Config, request: &Request) -> Result<Gathered, String> {
    let mut set = Gathered::default();
    let text_of = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
    let mut read = |glob: &str, kinds: &[PolicyKind], place: &str| -> Vec<FilePolicy> {
        let found = workspace_policies::select(glob, kinds, files, &text_of);
        set.used.extend(found.iter().map(|p| format!("{} ({place})", p.name)));
        found
    };
    let matches = iam_analysis::pattern::matches;
    let (mut identity, mut boundary, mut session, mut resource) = (Vec::new(), None, None, None);
    let (mut scp, mut rcp) = (Vec::new(), Vec::new());
    if let Some(principal) = config.principals.iter().find(|p| matches(&p.arn, &request.principal)) {
        for glob in &principal.identity {
            identity.extend(read(glob, workspace_policies::IDENTITY, "identity"));
        }
        if let Some(glob) = &principal.boundary {
            boundary = read(glob, workspace_policies::BOUNDARY, "boundary").into_iter().next();
        }
        if let Some(glob) = &principal.session {
            session = read(glob, &[], "session").into_iter().next();
        }
    }
    if let Some(org) = &config.organization {
        for (levels, out, kinds, place) in
            [(&org.scp, &mut scp, workspace_policies::SCP, "scp"), (&org.rcp, &mut rcp, workspace_policies::RCP, "rcp")]
        {
            for level in levels {
                out.push(level.globs().iter().flat_map(|g| read(g, kinds, place)).collect::<Vec<_>>());
            }
        }
    }
    if let Some(r) = config.resources.iter().find(|r| matches(&r.arn, &request.resource)) {
        resource = read(&r.policy, workspace_policies::RESOURCE, "resource").into_iter().next();
    }
    set.identity = identity;
    set.boundary = boundary;
    set.session = session;
    set.resource = resource;
    set.scp = scp;
    set.rcp = rcp;
    if let Some(org) = &config.organization {
        set.management_account = org.management_account.clone();
        set.scp_names = org.scp_names();
        set.rcp_names = org.rcp_names();
    }
    Ok(set)
}

/// Evaluates an explained request against the workspace's policies, writing what it found and
/// the decision to `out`; the exit code (0 allowed, 1 denied or undetermined).
fn explain_in_workspace(dir: &Path, request: &Request, out: &mut String) -> Result<i32, String> {
    let policies = workspace_policies(dir, request)?;
    let used = &policies.used;
    out.push_str(&format!(
        "policies from {}: {}\n",
        dir.display(),
        if used.is_empty() { "none".to_string() } else { used.join(", ") }
    ));
    let answer = policies.answer(request)?;
    out.push_str(answer["text"].as_str().unwrap_or(""));
    if let Some(change) = answer["change"].as_str() {
        out.push_str(&format!("change:    {change}\n"));
    }
    let allowed = answer["decision"] == "Allowed";
    if allowed {
        out.push_str(
            "the workspace's policies allow this request: what denies it is not among them (see the notes above)\n",
        );
    }
    Ok(if allowed { 0 } else { 1 })
}

/// The answer as `explain --format json` gives it under `evaluation`: without the text.
fn workspace_evaluation(dir: &Path, request: &Request) -> Result<serde_json::Value, String> {
    let mut answer = workspace_policies(dir, request)?.answer(request)?;
    if let Some(object) = answer.as_object_mut() {
        object.remove("text");
    }
    Ok(answer)
}
