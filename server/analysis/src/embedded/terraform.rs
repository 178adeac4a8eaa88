//! Policies in Terraform modules (`.tf`): `jsonencode({...})`, heredoc and quoted JSON
//! strings and `data "aws_iam_policy_document"` blocks, on the resources that take a policy,
//! each with the kind its attribute gives it. References resolve to realistic values
//! ([`eval`]); what cannot be known before `terraform apply` is an unknown piece.
//!
//! HCL is parsed with `hcl-edit`, which keeps the byte span of every block, attribute,
//! expression and template piece inside strings.

mod document;
mod eval;
pub mod json;
mod resource_types;
mod value;
mod writer;

use std::ops::Range;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};

use super::{EmbeddedPolicy, Extraction, HostError, VirtualJsonBuilder};
use crate::kind::is_trust_action;
use crate::PolicyKind;
use eval::{blocks, label, span, Module, Step};
pub use json::TfJsonWriter;
use value::{emit, parse_json_string, JsonSink, Part, Str, Value};
pub use writer::HclWriter;

/// How a resource argument's policy gets its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Fixed(PolicyKind),
    /// `aws_organizations_policy`: an SCP or an RCP by its `type`; other types are no IAM policy.
    ByOrganizationsType,
}

use Kind::Fixed;
use PolicyKind::{Identity, Resource, Trust};

/// The resource arguments that take a policy document, with the kind they give it.
const POLICY_ARGUMENTS: &[(&str, &str, Kind)] = &[
    ("aws_iam_policy", "policy", Fixed(Identity)),
    ("aws_iam_role", "assume_role_policy", Fixed(Trust)),
    ("aws_iam_role_policy", "policy", Fixed(Identity)),
    ("aws_iam_user_policy", "policy", Fixed(Identity)),
    ("aws_iam_group_policy", "policy", Fixed(Identity)),
    ("aws_ssoadmin_permission_set_inline_policy", "inline_policy", Fixed(Identity)),
    ("aws_organizations_policy", "content", Kind::ByOrganizationsType),
    ("aws_s3_bucket_policy", "policy", Fixed(Resource)),
    ("aws_s3_bucket", "policy", Fixed(Resource)),
    ("aws_s3_access_point", "policy", Fixed(Resource)),
    ("aws_sqs_queue_policy", "policy", Fixed(Resource)),
    ("aws_sqs_queue", "policy", Fixed(Resource)),
    ("aws_sns_topic_policy", "policy", Fixed(Resource)),
    ("aws_sns_topic", "policy", Fixed(Resource)),
    ("aws_kms_key", "policy", Fixed(Resource)),
    ("aws_kms_key_policy", "policy", Fixed(Resource)),
    ("aws_secretsmanager_secret_policy", "policy", Fixed(Resource)),
    ("aws_secretsmanager_secret", "policy", Fixed(Resource)),
    ("aws_ecr_repository_policy", "policy", Fixed(Resource)),
    ("aws_ecrpublic_repository_policy", "policy", Fixed(Resource)),
    ("aws_opensearch_domain_policy", "access_policies", Fixed(Resource)),
    ("aws_opensearch_domain", "access_policies", Fixed(Resource)),
    ("aws_elasticsearch_domain_policy", "access_policies", Fixed(Resource)),
    ("aws_elasticsearch_domain", "access_policies", Fixed(Resource)),
    ("aws_cloudwatch_log_resource_policy", "policy_document", Fixed(Resource)),
    ("aws_cloudwatch_event_bus_policy", "policy", Fixed(Resource)),
    ("aws_efs_file_system_policy", "policy", Fixed(Resource)),
    ("aws_backup_vault_policy", "policy", Fixed(Resource)),
    ("aws_glacier_vault", "access_policy", Fixed(Resource)),
    ("aws_api_gateway_rest_api_policy", "policy", Fixed(Resource)),
    ("aws_api_gateway_rest_api", "policy", Fixed(Resource)),
    ("aws_dynamodb_resource_policy", "policy", Fixed(Resource)),
    ("aws_kinesis_resource_policy", "policy", Fixed(Resource)),
    ("aws_codeartifact_domain_permissions_policy", "policy_document", Fixed(Resource)),
    ("aws_codeartifact_repository_permissions_policy", "policy_document", Fixed(Resource)),
    ("aws_vpc_endpoint", "policy", Fixed(Resource)),
];

/// A policy file a module reads with `file("x.json")` or `templatefile("x.json", {...})`:
/// to be checked with the kind of the resource argument that reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRead {
    /// The path as written, `${path.module}/` taken off.
    pub path: String,
    pub kind: PolicyKind,
    /// "aws_iam_role.agent assume_role_policy (a role trust policy)".
    pub origin: String,
    /// The `file(...)` call.
    pub host: Range<usize>,
}

/// The policies of a `.tf` file.
pub fn extract(text: &str) -> Extraction {
    extract_with_files(text).0
}

/// The policies of a `.tf` file and the policy files it reads.
pub fn extract_with_files(text: &str) -> (Extraction, Vec<FileRead>) {
    // A module without AWS resources holds no policy: not worth parsing.
    if !text.contains("aws_") {
        return (Extraction::default(), Vec::new());
    }
    let (body, errors) = parse(text);
    let Some(body) = body else {
        return (
            Extraction {
                policies: Vec::new(),
                errors,
                generated: Vec::new(),
                suppressions: Vec::new(),
                skeleton: None,
            },
            Vec::new(),
        );
    };
    let module = Module::new(text, &body);
    let mut found = Found { text, policies: Vec::new(), files: Vec::new(), errors };
    found.module(&module, &body);
    found.policies.sort_by_key(|p| (p.host.start, p.host.end));
    (
        Extraction {
            policies: found.policies,
            errors: found.errors,
            generated: Vec::new(),
            suppressions: Vec::new(),
            skeleton: None,
        },
        found.files,
    )
}

/// Parses HCL; a syntax error is reported, and the top-level block holding it blanked out
/// (bytes kept, so that offsets stay) so that the policies in the other blocks are still found.
fn parse(text: &str) -> (Option<Body>, Vec<HostError>) {
    let mut errors = Vec::new();
    let mut blanked: Option<String> = None;
    for _ in 0..4 {
        let source = blanked.as_deref().unwrap_or(text);
        match hcl_edit::parser::parse_body(source) {
            Ok(body) => return (Some(body), errors),
            Err(error) => {
                // The parser's offset may fall inside a multi-byte character.
                let mut at = error.location().offset().min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if errors.is_empty() {
                    let mut end = (at + 1).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    errors.push(HostError { range: at..end, message: format!("HCL syntax: {}", error.message()) });
                }
                let mut bytes = source.as_bytes().to_vec();
                let (start, end) = top_level_block_around(source, at);
                if start >= end {
                    break;
                }
                for b in &mut bytes[start..end] {
                    if *b != b'\n' && *b != b'\r' {
                        *b = b' ';
                    }
                }
                // Only ASCII was written over whole lines: still UTF-8.
                match String::from_utf8(bytes) {
                    Ok(s) => blanked = Some(s),
                    Err(_) => break,
                }
            }
        }
    }
    (None, errors)
}

/// The lines of the top-level block around `at`: from the last line at or before it that
/// starts a block (an identifier in the first column) to the next such line after it.
fn top_level_block_around(text: &str, at: usize) -> (usize, usize) {
    let starts_block = |line_start: usize| text.as_bytes().get(line_start).is_some_and(|b| b.is_ascii_alphabetic());
    let at = at.min(text.len());
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 && !starts_block(start) {
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let mut end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    while end < text.len() && !starts_block(end) {
        end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    }
    (start, end)
}

struct Found<'t> {
    text: &'t str,
    policies: Vec<EmbeddedPolicy>,
    files: Vec<FileRead>,
    errors: Vec<HostError>,
}

/// A role's or user's `permissions_boundary`.
struct Boundary {
    /// `aws_iam_role.app`.
    principal: String,
    whose: &'static str,
    /// The name of the module's `aws_iam_policy` it is, when it is one.
    policy: Option<String>,
    /// What the hover shows: that policy's address, or the argument as written.
    written: String,
}

/// The expression itself, or the one interpolation a string is made of (`"${x.y}"`: `x.y`);
/// `None` for a string with text around or between interpolations.
fn interpolated(expr: &Expression) -> Option<&Expression> {
    match expr {
        Expression::StringTemplate(template) => match template.iter().collect::<Vec<_>>().as_slice() {
            [hcl_edit::template::Element::Interpolation(interpolation)] => Some(&interpolation.expr),
            _ => None,
        },
        other => Some(other),
    }
}

/// `aws_iam_policy.x.arn` (or `"${aws_iam_policy.x.arn}"`): `x`.
fn policy_arn_of(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(t) = interpolated(expr)? else { return None };
    match Module::path(t)?.as_slice() {
        [Step::Name("aws_iam_policy"), Step::Name(name), Step::Name("arn")] => Some(name),
        _ => None,
    }
}

/// A reference to a policy document data source from a resource argument.
struct DocumentUse {
    kind: PolicyKind,
    origin: String,
}

impl Found<'_> {
    fn module(&mut self, module: &Module, body: &Body) {
        let mut uses: Vec<(String, DocumentUse)> = Vec::new();
        let mut sources: Vec<String> = Vec::new();
        let boundaries = self.boundaries(body);
        for block in blocks(body) {
            match (block.ident.as_str(), label(block, 0), label(block, 1)) {
                ("resource", Some(kind), Some(name)) => {
                    let address = format!("{kind}.{name}");
                    let note = match boundaries.iter().find(|b| b.principal == address) {
                        Some(b) => format!("; the {}'s permissions boundary: `{}`", b.whose, b.written),
                        None => String::new(),
                    };
                    // An `aws_iam_policy` that a role or user takes as its boundary is one.
                    let boundary_of = boundaries.iter().find(|b| b.policy.as_deref() == Some(name));
                    for &(_, argument, policy_kind) in POLICY_ARGUMENTS.iter().filter(|(k, ..)| *k == kind) {
                        let Some(attribute) = block.body.get_attribute(argument) else { continue };
                        let Some(policy_kind) = self.kind_of(module, block, policy_kind) else { continue };
                        let origin = match boundary_of.filter(|_| kind == "aws_iam_policy") {
                            Some(b) => {
                                let policy_kind = PolicyKind::Boundary;
                                let origin = format!(
                                    "{address} {argument} ({}: the permissions_boundary of {})",
                                    policy_kind.with_article(),
                                    b.principal
                                );
                                self.argument(
                                    module,
                                    &attribute.value,
                                    policy_kind,
                                    origin,
                                    address.clone(),
                                    &mut uses,
                                );
                                continue;
                            }
                            None => format!("{kind}.{name} {argument} ({}){note}", policy_kind.with_article()),
                        };
                        self.argument(
                            module,
                            &attribute.value,
                            policy_kind,
                            origin,
                            format!("{kind}.{name}"),
                            &mut uses,
                        );
                    }
                    if kind == "aws_iam_role" {
                        for inline in block.body.get_blocks("inline_policy") {
                            if let Some(attribute) = inline.body.get_attribute("policy") {
                                let origin = format!("{kind}.{name} inline_policy ({}){note}", Identity.with_article());
                                self.argument(
                                    module,
                                    &attribute.value,
                                    Identity,
                                    origin,
                                    format!("{kind}.{name}"),
                                    &mut uses,
                                );
                            }
                        }
                    }
                }
                ("data", Some("aws_iam_policy_document"), Some(_)) => {
                    for argument in ["source_policy_documents", "override_policy_documents"] {
                        if let Some(Expression::Array(list)) = block.body.get_attribute(argument).map(|a| &a.value) {
                            sources.extend(list.iter().filter_map(document_name).map(str::to_string));
                        }
                    }
                }
                _ => {}
            }
        }
        // Each policy document data source, with the kind of the first argument that reads it;
        // one only merged into others is checked there; one read by nothing, with its kind inferred.
        for block in blocks(body) {
            let ("data", Some("aws_iam_policy_document"), Some(name)) =
                (block.ident.as_str(), label(block, 0), label(block, 1))
            else {
                continue;
            };
            let address = format!("data.aws_iam_policy_document.{name}");
            let value = module.document(block, 0);
            let (kind, origin) = match uses.iter().find(|(n, _)| n == name) {
                Some((_, DocumentUse { kind, origin })) => (*kind, format!("{address}, read by {origin}")),
                None if sources.iter().any(|s| s == name) => continue,
                None => {
                    let kind = infer(&value);
                    (kind, format!("{address} ({}, inferred: no resource here reads it)", kind.with_article()))
                }
            };
            self.push(kind, origin, address, &value);
        }
    }

    /// The `permissions_boundary` of each role and user, in module order.
    fn boundaries(&self, body: &Body) -> Vec<Boundary> {
        let mut out = Vec::new();
        for block in blocks(body) {
            let ("resource", Some(kind @ ("aws_iam_role" | "aws_iam_user")), Some(name)) =
                (block.ident.as_str(), label(block, 0), label(block, 1))
            else {
                continue;
            };
            let Some(attribute) = block.body.get_attribute("permissions_boundary") else { continue };
            let policy = policy_arn_of(&attribute.value).map(str::to_string);
            let written = match &policy {
                Some(policy) => format!("aws_iam_policy.{policy}"),
                None => match self.text.get(span(&attribute.value)).map(str::trim) {
                    Some(w) if !w.is_empty() => w.trim_matches('"').to_string(),
                    _ => continue,
                },
            };
            let whose = if kind == "aws_iam_user" { "user" } else { "role" };
            out.push(Boundary { principal: format!("{kind}.{name}"), whose, policy, written });
        }
        out
    }

    /// The kind a resource argument gives, `None` when it is no IAM policy.
    fn kind_of(&self, module: &Module, block: &Block, kind: Kind) -> Option<PolicyKind> {
        match kind {
            Fixed(kind) => Some(kind),
            Kind::ByOrganizationsType => {
                let Some(attribute) = block.body.get_attribute("type") else { return Some(PolicyKind::Scp) };
                match module.eval(&attribute.value, 0).as_str().and_then(Str::known).as_deref() {
                    Some("SERVICE_CONTROL_POLICY") => Some(PolicyKind::Scp),
                    Some("RESOURCE_CONTROL_POLICY") => Some(PolicyKind::Rcp),
                    _ => None,
                }
            }
        }
    }

    /// The policy a resource argument holds.
    fn argument(
        &mut self,
        module: &Module,
        expr: &Expression,
        kind: PolicyKind,
        origin: String,
        name: String,
        uses: &mut Vec<(String, DocumentUse)>,
    ) {
        // `"${data.aws_iam_policy_document.x.json}"`, the old-style interpolation, is the reference itself.
        if let Expression::StringTemplate(template) = expr {
            if let (1, Some(hcl_edit::template::Element::Interpolation(interpolation))) =
                (template.len(), template.get(0))
            {
                return self.argument(module, &interpolation.expr, kind, origin, name, uses);
            }
        }
        if let Some(document) = document_name(expr) {
            uses.push((document.to_string(), DocumentUse { kind, origin }));
            return;
        }
        match expr {
            Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
                if let Some(value) = module.policy_value(expr, 0) {
                    self.push(kind, origin, name, &value);
                }
            }
            Expression::FuncCall(call) if matches!(call.name.name.as_str(), "file" | "templatefile") => {
                let path = call.args.iter().next().map(|arg| module.eval(arg, 0));
                if let Some(path) = path.as_ref().and_then(Value::as_str).and_then(file_path) {
                    self.files.push(FileRead { path, kind, origin, host: span(expr) });
                }
            }
            Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                if let Value::Str(s) = module.eval(expr, 0) {
                    // `"${aws_iam_policy.x.policy}"`: a policy known only at apply time, not a
                    // JSON string with a mistake in it.
                    let literal = |p: &Part| matches!(p, Part::Text { value, .. } if !value.trim().is_empty());
                    if !s.parts.iter().any(literal) {
                        return;
                    }
                    let (value, errors) = parse_json_string(&s);
                    self.errors.extend(errors.into_iter().map(|(range, message)| HostError {
                        range,
                        message: format!("the policy in this string is not valid JSON: {message}"),
                    }));
                    if let Some(value) = value {
                        self.push(kind, origin, name, &value);
                    }
                }
            }
            Expression::Parenthesis(p) => self.argument(module, p.inner(), kind, origin, name, uses),
            Expression::Traversal(_) => {
                // `local.policy`, `var.policy`: the document where it is written.
                if let Some(value) = module.policy_value(expr, 0) {
                    self.push(kind, origin, name, &value);
                }
            }
            _ => {}
        }
    }

    fn push(&mut self, kind: PolicyKind, origin: String, name: String, value: &Value) {
        let mut builder = VirtualJsonBuilder::new();
        emit(value, self.text, &mut builder);
        self.policies.push(EmbeddedPolicy { kind, origin, name, host: value.host(), json: builder.finish() });
    }
}

impl JsonSink for VirtualJsonBuilder {
    fn punct(&mut self, json: &str, host: Range<usize>) {
        VirtualJsonBuilder::punct(self, json, host);
    }
    fn begin_string(&mut self, host: Range<usize>) {
        VirtualJsonBuilder::begin_string(self, host);
    }
    fn text(&mut self, value: &str, host: Range<usize>, exact: bool) {
        VirtualJsonBuilder::text(self, value, host, exact);
    }
    fn unknown(&mut self, host: Range<usize>) {
        VirtualJsonBuilder::unknown(self, host);
    }
    fn end_string(&mut self, host: Range<usize>) {
        VirtualJsonBuilder::end_string(self, host);
    }
}

/// `x` of `data.aws_iam_policy_document.x.json`.
fn document_name(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(t) = expr else { return None };
    match Module::path(t)?.as_slice() {
        [Step::Name("data"), Step::Name("aws_iam_policy_document"), Step::Name(name), Step::Name("json" | "minified_json")] => {
            Some(name)
        }
        _ => None,
    }
}

/// The path of `file("${path.module}/policy.json")`, relative to the module.
fn file_path(path: &Str) -> Option<String> {
    let mut parts = path.parts.as_slice();
    if let [value::Part::Unknown { .. }, rest @ ..] = parts {
        parts = rest; // `${path.module}`
    }
    let text = Str { parts: parts.to_vec(), host: path.host.clone() }.known()?;
    let text = text.trim_start_matches('/').trim_start_matches("./");
    (!text.is_empty()).then(|| text.to_string())
}

/// The kind of a document no resource reads, from its statements: a principal with
/// `sts:AssumeRole*` is a trust policy, another principal a resource policy.
fn infer(document: &Value) -> PolicyKind {
    let Some(Value::Array { items, .. }) = document.get("Statement") else { return Identity };
    let with_principal: Vec<&Value> =
        items.iter().filter(|s| s.get("Principal").or(s.get("NotPrincipal")).is_some()).collect();
    if with_principal.is_empty() {
        return Identity;
    }
    let trust = with_principal.iter().any(|s| match s.get("Action") {
        Some(Value::Array { items, .. }) => {
            items.iter().any(|a| a.as_str().and_then(Str::known).is_some_and(|a| is_trust_action(&a)))
        }
        Some(Value::Str(a)) => a.known().is_some_and(|a| is_trust_action(&a)),
        _ => false,
    });
    if trust {
        Trust
    } else {
        Resource
    }
}

/// Which policies of a module apply to which principal: `(policy, principal)` by address,
/// for each `aws_iam_role_policy` / `aws_iam_user_policy` / `aws_iam_group_policy` and its
/// `role`/`user`/`group`, each `aws_iam_*_policy_attachment` and its `aws_iam_policy`, each
/// role's or user's `managed_policy_arns` and `permissions_boundary` of the module's
/// `aws_iam_policy`, and each `aws_iam_policy_document` and the resource that reads it.
/// Only references to the module's own resources: what is written otherwise (an ARN, a
/// variable) names no policy here.
pub fn attachments(text: &str) -> Vec<(String, String)> {
    if !text.contains("aws_") {
        return Vec::new();
    }
    let Some(body) = parse(text).0 else { return Vec::new() };
    // `aws_iam_role.x.name` (or `.id`, `.arn`), bare or in `"${...}"`: `aws_iam_role.x`.
    fn address(expr: &Expression, kinds: &[&str]) -> Option<String> {
        let Expression::Traversal(t) = interpolated(expr)? else { return None };
        match Module::path(t)?.as_slice() {
            [Step::Name(kind), Step::Name(name), Step::Name(_)] if kinds.contains(kind) => {
                Some(format!("{kind}.{name}"))
            }
            _ => None,
        }
    }
    let principals = ["aws_iam_role", "aws_iam_user", "aws_iam_group"];
    let mut out = Vec::new();
    for block in blocks(&body) {
        let ("resource", Some(kind), Some(name)) = (block.ident.as_str(), label(block, 0), label(block, 1)) else {
            continue;
        };
        let this = format!("{kind}.{name}");
        let attribute = |key: &str| block.body.get_attribute(key).map(|a| &a.value);
        let mut edge = |policy: Option<String>, principal: Option<String>| {
            if let (Some(policy), Some(principal)) = (policy, principal) {
                out.push((policy, principal));
            }
        };
        match kind {
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let key = &kind["aws_iam_".len()..kind.len() - "_policy".len()];
                edge(Some(this.clone()), attribute(key).and_then(|e| address(e, &principals)));
            }
            "aws_iam_role_policy_attachment" | "aws_iam_user_policy_attachment" | "aws_iam_group_policy_attachment" => {
                let key = &kind["aws_iam_".len()..kind.len() - "_policy_attachment".len()];
                let policy = attribute("policy_arn").and_then(|e| address(e, &["aws_iam_policy"]));
                edge(policy, attribute(key).and_then(|e| address(e, &principals)));
            }
            "aws_iam_role" | "aws_iam_user" => {
                let boundary = attribute("permissions_boundary").and_then(|e| address(e, &["aws_iam_policy"]));
                edge(boundary, Some(this.clone()));
                if let Some(Expression::Array(list)) = attribute("managed_policy_arns") {
                    for item in list.iter() {
                        edge(address(item, &["aws_iam_policy"]), Some(this.clone()));
                    }
                }
            }
            _ => {}
        }
        // A policy document data source read by this resource's policy argument.
        for argument in ["policy", "inline_policy", "content", "assume_role_policy"] {
            if let Some(document) = attribute(argument).and_then(document_name) {
                out.push((format!("data.aws_iam_policy_document.{document}"), this.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
