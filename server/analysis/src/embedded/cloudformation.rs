//! CloudFormation and SAM templates, YAML or JSON (a CDK `cdk.out/*.template.json` is one):
//! where their policy documents sit, of which kind, and their intrinsic functions resolved to
//! realistic values so that every check reads them as literal text.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use memchr::memmem;

use super::node::{self, Node, NodeKind};
use super::virtual_json::VirtualJsonBuilder;
use super::{EmbeddedPolicy, Extraction};
use crate::PolicyKind;

pub(crate) mod incremental;

pub(crate) use incremental::Skeleton;

/// The account, Region and partition that pseudo parameters resolve to: plausible values
/// that every ARN check accepts.
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";
pub const PARTITION: &str = "aws";

/// How many variants of a policy are checked at most (`Fn::If` branches, `AllowedValues`).
const MAX_VARIANTS: usize = 8;

/// The conditions whose combinations are all checked (2^3 = `MAX_VARIANTS`); beyond them,
/// conditions share bits, so each is still checked true and false.
const CONDITION_BITS: usize = 3;

/// Whether a text may be a template, by bytes alone (no parse): what lets a Kubernetes
/// manifest or a `docker-compose.yml` cost nothing.
pub fn may_be_template(text: &str) -> bool {
    let bytes = text.as_bytes();
    memmem::find(bytes, b"AWSTemplateFormatVersion").is_some()
        || memmem::find(bytes, b"AWS::Serverless").is_some()
        || memmem::find(bytes, b"AWS::").is_some() && memmem::find(bytes, b"Resources").is_some()
}

/// Whether a parsed root is a template: `AWSTemplateFormatVersion`, a SAM `Transform`, or
/// `Resources` of which one has an `AWS::` type.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let transform = root.get("Transform");
    let sam = |n: &Node| n.str().is_some_and(|s| s.starts_with("AWS::Serverless"));
    if transform.is_some_and(|t| sam(t) || t.seq().is_some_and(|items| items.iter().any(sam))) {
        return true;
    }
    root.get("Resources").and_then(Node::map).is_some_and(|resources| {
        resources.iter().any(|(_, r)| r.get("Type").and_then(Node::str).is_some_and(|t| t.starts_with("AWS::")))
    })
}

/// The policies of a YAML template, with what lets the next version re-extract only the
/// resource an edit falls in ([`Skeleton`]).
pub fn extract_yaml(text: &str) -> Option<Extraction> {
    if !may_be_template(text) {
        return None;
    }
    let parsed = node::parse_yaml_anchored(text);
    let root = parsed.root?;
    if !is_template(&root) {
        return None;
    }
    let (mut extraction, counts) = extract_counted(text, &root);
    if parsed.errors.is_empty() && !parsed.anchored {
        extraction.skeleton = Skeleton::new(text, &root, counts).map(Box::new);
    }
    drop_broken(&mut extraction, parsed.errors);
    Some(extraction)
}

/// Keeps the host's syntax errors, and drops the policies that hold one (they were cut short).
pub(crate) fn drop_broken(extraction: &mut Extraction, errors: Vec<super::HostError>) {
    extraction
        .policies
        .retain(|p| !errors.iter().any(|e| p.host.start <= e.range.start && e.range.start <= p.host.end));
    extraction.errors = errors;
}

/// The policies of a JSON template, from its parsed tree (whose syntax errors the document
/// reports as JSON errors).
pub fn extract_json(text: &str, root: &crate::syntax::Value) -> Option<Extraction> {
    // The keys `is_template` reads, before a search of the whole text (a large policy is
    // searched on each keystroke otherwise).
    let crate::syntax::Value::Object(object) = root else { return None };
    if ["AWSTemplateFormatVersion", "Transform", "Resources"].iter().all(|key| object.get(key).is_none()) {
        return None;
    }
    if !may_be_template(text) {
        return None;
    }
    let root = node::from_json(root);
    is_template(&root).then(|| extract(text, &root))
}

/// Which policies of a template apply to which principal: `(policy, principal)` by logical
/// id, for each `AWS::IAM::Policy`/`ManagedPolicy` and the `Roles`/`Users`/`Groups` it names,
/// each `RolePolicy`/`UserPolicy`/`GroupPolicy` and its `RoleName`/`UserName`/`GroupName`, and
/// each principal's `ManagedPolicyArns` and `PermissionsBoundary` of the template's managed
/// policies. Only `Ref`s (and `Fn::GetAtt`s) of the template's own resources: an ARN or an
/// import names no policy here. (A role's or user's inline `Policies` are its own: their
/// policy's name is the principal's logical id.)
pub fn attachments_yaml(text: &str) -> Vec<(String, String)> {
    if !may_be_template(text) {
        return Vec::new();
    }
    node::parse_yaml_anchored(text).root.map(|root| attachments(text, &root)).unwrap_or_default()
}

/// [`attachments_yaml`] of a JSON template, from its parsed tree.
pub fn attachments_json(text: &str, root: &crate::syntax::Value) -> Vec<(String, String)> {
    if !may_be_template(text) {
        return Vec::new();
    }
    attachments(text, &node::from_json(root))
}

fn attachments(text: &str, root: &Node) -> Vec<(String, String)> {
    let entries = root.get("Resources").and_then(Node::map).unwrap_or_default();
    let is_resource = |id: &str| entries.iter().any(|(k, _)| k.str() == Some(id));
    // `Ref X` or `Fn::GetAtt X.Arn` of a resource of the template: `X`.
    let target = |node: &Node| -> Option<String> {
        let id = match intrinsic(node)? {
            ("Ref", arg) => arg.node().str()?.to_string(),
            ("GetAtt", arg) => match (arg.node().str(), arg.node().seq()) {
                (Some(s), _) => s.split_once('.')?.0.to_string(),
                (_, Some([resource, _])) => resource.str()?.to_string(),
                _ => return None,
            },
            _ => return None,
        };
        is_resource(&id).then_some(id)
    };
    let list = |node: Option<&Node>| -> Vec<String> {
        match node {
            Some(n) => n
                .seq()
                .map_or_else(|| target(n).into_iter().collect(), |items| items.iter().filter_map(target).collect()),
            None => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for (key, node) in entries {
        let (Some(id), Some(resource_type)) = (key.str(), node.get("Type").and_then(Node::str)) else { continue };
        let Some(properties) = node.get("Properties") else { continue };
        match resource_type {
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                for property in ["Roles", "Users", "Groups"] {
                    out.extend(list(properties.get(property)).into_iter().map(|p| (id.to_string(), p)));
                }
            }
            "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                for property in ["RoleName", "UserName", "GroupName"] {
                    out.extend(list(properties.get(property)).into_iter().map(|p| (id.to_string(), p)));
                }
            }
            _ => {}
        }
        out.extend(list(properties.get("ManagedPolicyArns")).into_iter().map(|p| (p, id.to_string())));
        if let Some(Boundary::Resource(policy)) = permissions_boundary(text, resource_type, node) {
            if is_resource(&policy) {
                out.push((policy, id.to_string()));
            }
        }
    }
    out
}

/// Where a resource type keeps policy documents: `(property path, kind)`; `Policies` is a
/// list of `{PolicyName, PolicyDocument}`.
fn policy_properties(resource_type: &str) -> &'static [(&'static str, PolicyKind)] {
    use PolicyKind::*;
    match resource_type {
        "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::IAM::RolePolicy"
        | "AWS::IAM::UserPolicy"
        | "AWS::IAM::GroupPolicy" => &[("PolicyDocument", Identity)],
        "AWS::IAM::Role" => &[("AssumeRolePolicyDocument", Trust), ("Policies", Identity)],
        "AWS::IAM::User" | "AWS::IAM::Group" => &[("Policies", Identity)],
        "AWS::SSO::PermissionSet" => &[("InlinePolicy", Identity)],
        "AWS::S3::BucketPolicy"
        | "AWS::S3Express::BucketPolicy"
        | "AWS::SQS::QueuePolicy"
        | "AWS::SQS::QueueInlinePolicy"
        | "AWS::SNS::TopicPolicy"
        | "AWS::SNS::TopicInlinePolicy"
        | "AWS::Logs::ResourcePolicy"
        | "AWS::S3::AccessPointPolicy" => &[("PolicyDocument", Resource)],
        "AWS::S3::AccessPoint" | "AWS::S3ObjectLambda::AccessPoint" => &[("Policy", Resource)],
        "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => &[("KeyPolicy", Resource)],
        "AWS::SecretsManager::ResourcePolicy" => &[("ResourcePolicy", Resource)],
        "AWS::ECR::Repository" => &[("RepositoryPolicyText", Resource)],
        "AWS::ECR::RegistryPolicy" => &[("PolicyText", Resource)],
        "AWS::OpenSearchService::Domain" | "AWS::Elasticsearch::Domain" => &[("AccessPolicies", Resource)],
        "AWS::ApiGateway::RestApi" => &[("Policy", Resource)],
        "AWS::Backup::BackupVault" => &[("AccessPolicy", Resource)],
        "AWS::CloudTrail::ResourcePolicy" => &[("ResourcePolicy", Resource)],
        "AWS::CodeArtifact::Domain" | "AWS::CodeArtifact::Repository" => &[("PermissionsPolicyDocument", Resource)],
        "AWS::EFS::FileSystem" => &[("FileSystemPolicy", Resource)],
        "AWS::Events::EventBus" => &[("Policy", Resource)],
        "AWS::Lambda::LayerVersionPermission" => &[],
        "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => {
            &[("AssumeRolePolicyDocument", Trust), ("Policies", Identity)]
        }
        _ => &[],
    }
}

struct Resource<'n> {
    logical_id: &'n str,
    resource_type: &'n str,
    /// The name it gets ([`resource_name`]): what `Ref` and `Fn::GetAtt` of it read.
    name: Cow<'n, str>,
    /// `None` for a resource whose policies are not being extracted (kept from the previous
    /// version: only its id, type, name and boundary are read).
    node: Option<&'n Node>,
    /// Its `PermissionsBoundary` (a role, a user, a SAM function or state machine).
    boundary: Option<Boundary>,
}

/// A principal's `PermissionsBoundary`: the managed policy that caps what its policies grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Boundary {
    /// `Ref` or `Fn::GetAtt` of a resource of the template: its logical id.
    Resource(String),
    /// Anything else (an ARN, a `Fn::Sub`, an import), as written.
    Written(String),
}

/// The `PermissionsBoundary` of a resource that takes one.
fn permissions_boundary(text: &str, resource_type: &str, node: &Node) -> Option<Boundary> {
    if !matches!(
        resource_type,
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::Serverless::Function" | "AWS::Serverless::StateMachine"
    ) {
        return None;
    }
    let value = node.get("Properties")?.get("PermissionsBoundary")?;
    let target = match intrinsic(value) {
        Some(("Ref", arg)) => arg.node().str().map(str::to_string),
        Some(("GetAtt", arg)) => match (arg.node().str(), arg.node().seq()) {
            (Some(s), _) => s.split_once('.').map(|(r, _)| r.to_string()),
            (_, Some([resource, _])) => resource.str().map(str::to_string),
            _ => None,
        },
        _ => None,
    };
    match target {
        Some(id) => Some(Boundary::Resource(id)),
        None => match value.str().filter(|_| value.tag.is_none()) {
            Some(arn) => Some(Boundary::Written(arn.to_string())),
            None => {
                let written = text.get(value.range.clone())?.trim();
                (!written.is_empty())
                    .then(|| Boundary::Written(written.split_whitespace().collect::<Vec<_>>().join(" ")))
            }
        },
    }
}

/// What a template's intrinsics can look up.
struct Template<'n> {
    text: &'n str,
    serverless: Option<&'n Node>,
    parameters: HashMap<&'n str, &'n Node>,
    mappings: Option<&'n Node>,
    resources: HashMap<&'n str, Resource<'n>>,
    /// The managed policies that are some principal's permissions boundary, and that
    /// principal (the first by logical id).
    boundaries: HashMap<&'n str, &'n str>,
}

fn extract(text: &str, root: &Node) -> Extraction {
    extract_counted(text, root).0
}

/// What one entry of `Resources` added to an extraction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    policies: usize,
    generated: usize,
    suppressions: usize,
}

/// A template's policies and `Metadata` suppressions, and what each entry of `Resources` (in
/// order) added: the policies and suppressions of the entries follow one another.
fn extract_counted(text: &str, root: &Node) -> (Extraction, Vec<Counts>) {
    let template = Template::new(text, root, None);
    let mut extraction = Extraction::default();
    crate::suppress::template_metadata(root, text.len(), &mut extraction.suppressions);
    let entries = root.get("Resources").and_then(Node::map).unwrap_or_default();
    let mut counts = Vec::with_capacity(entries.len());
    for (key, node) in entries {
        let before = Counts {
            policies: extraction.policies.len(),
            generated: extraction.generated.len(),
            suppressions: extraction.suppressions.len(),
        };
        if let (Some(logical_id), Some(_)) = (key.str(), node.get("Type").and_then(Node::str)) {
            template.extract_resource(logical_id, &mut extraction);
        }
        crate::suppress::resource_metadata(node, &mut extraction.suppressions);
        counts.push(Counts {
            policies: extraction.policies.len() - before.policies,
            generated: extraction.generated.len() - before.generated,
            suppressions: extraction.suppressions.len() - before.suppressions,
        });
    }
    (extraction, counts)
}

/// The statements of a Serverless service (`provider.iam.role.statements`, or the older
/// `provider.iamRoleStatements`), whose CloudFormation intrinsics resolve against its
/// `resources` section and whose `${...}` variables against the service itself.
pub(crate) fn extract_serverless(text: &str, root: &Node) -> Extraction {
    let empty = Node { kind: NodeKind::Map(Vec::new()), range: 0..0, tag: None, flow: false };
    let resources = root.get("resources").unwrap_or(&empty);
    let template = Template::new(text, resources, Some(root));
    let mut out = Extraction::default();
    let provider = root.get("provider");
    let current = provider.and_then(|p| p.get("iam")).and_then(|i| i.get("role")).and_then(|r| r.get("statements"));
    let (statements, path) = match current {
        Some(s) => (s, "provider.iam.role.statements"),
        None => match provider.and_then(|p| p.get("iamRoleStatements")) {
            Some(s) => (s, "provider.iamRoleStatements"),
            None => return out,
        },
    };
    let kind = PolicyKind::Identity;
    let origin = format!("Serverless `{path}` (the service role's {}, an identity-based policy)", "statements");
    template.statements(&mut out, statements, kind, "provider.iam.role", origin);
    out
}

impl<'n> Template<'n> {
    fn new(text: &'n str, root: &'n Node, serverless: Option<&'n Node>) -> Template<'n> {
        let mut resources = HashMap::new();
        for (key, node) in root.get("Resources").and_then(Node::map).unwrap_or(&[]) {
            let (Some(logical_id), Some(resource_type)) = (key.str(), node.get("Type").and_then(Node::str)) else {
                continue;
            };
            let name = Cow::Owned(resource_name(logical_id, resource_type, node));
            let boundary = permissions_boundary(text, resource_type, node);
            resources.insert(logical_id, Resource { logical_id, resource_type, name, node: Some(node), boundary });
        }
        Template::with(text, root.get("Parameters"), root.get("Mappings"), resources, serverless)
    }

    fn with(
        text: &'n str,
        parameters: Option<&'n Node>,
        mappings: Option<&'n Node>,
        resources: HashMap<&'n str, Resource<'n>>,
        serverless: Option<&'n Node>,
    ) -> Template<'n> {
        let parameters =
            parameters.and_then(Node::map).unwrap_or(&[]).iter().filter_map(|(k, v)| Some((k.str()?, v))).collect();
        let mut boundaries: HashMap<&'n str, &'n str> = HashMap::new();
        for resource in resources.values() {
            let Some(Boundary::Resource(target)) = &resource.boundary else { continue };
            let Some((&target, policy)) = resources.get_key_value(target.as_str()) else { continue };
            if policy.resource_type != "AWS::IAM::ManagedPolicy" {
                continue;
            }
            let first = boundaries.entry(target).or_insert(resource.logical_id);
            if resource.logical_id < *first {
                *first = resource.logical_id;
            }
        }
        Template { text, serverless, parameters, mappings, resources, boundaries }
    }

    /// A policy made of a list of statements (SAM and Serverless write no document around
    /// them): `{"Version": "2012-10-17", "Statement": [...]}`.
    fn statements(&self, out: &mut Extraction, statements: &Node, kind: PolicyKind, name: &str, origin: String) {
        let at = statements.range.start..statements.range.start;
        self.variants(out, kind, name, &origin, statements.range.clone(), |writer, b| {
            b.punct("{\"Version\":\"2012-10-17\",\"Statement\":", at.clone());
            writer.value(b, statements);
            b.punct("}", statements.range.end..statements.range.end);
        });
    }

    /// Adds each variant of a policy that `write` writes: one per combination of the
    /// `Fn::If` conditions it meets (each condition true in some variants and false in
    /// others, the same condition the same way throughout a variant) and per `AllowedValues`
    /// choice, at most `MAX_VARIANTS`; identical variants once.
    fn variants<'s>(
        &'s self,
        out: &mut Extraction,
        kind: PolicyKind,
        name: &str,
        origin: &str,
        host: Range<usize>,
        mut write: impl FnMut(&mut Writer<'s, 'n>, &mut VirtualJsonBuilder),
    ) {
        let mut variant = 0;
        let mut count = 1;
        let mut conditions: Vec<&'n str> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        while variant < count {
            let mut writer = Writer {
                template: self,
                variant,
                conditions: std::mem::take(&mut conditions),
                choices: 1,
                serverless: self.serverless,
            };
            let mut b = VirtualJsonBuilder::new();
            write(&mut writer, &mut b);
            // A condition met only under another's false branch adds variants when it is met.
            let combinations = 1usize << writer.conditions.len().min(CONDITION_BITS);
            count = count.max(combinations.max(writer.choices).min(MAX_VARIANTS));
            conditions = writer.conditions;
            let json = b.finish();
            if !seen.iter().any(|s| s == json.text()) {
                seen.push(json.text().to_string());
                out.policies.push(EmbeddedPolicy {
                    kind,
                    origin: origin.to_string(),
                    name: name.to_string(),
                    host: host.clone(),
                    json,
                });
            }
            variant += 1;
        }
    }

    /// Adds the policies of the resource `logical_id` (in `resources`, with its node).
    fn extract_resource(&self, logical_id: &str, extraction: &mut Extraction) {
        let template = self;
        let Some(resource) = template.resources.get(logical_id) else { return };
        let Some(properties) = resource.node.and_then(|n| n.get("Properties")) else { return };
        let logical_id = resource.logical_id;
        let boundary = self.boundary_note(resource);
        let origin = |property: &str, kind: PolicyKind| {
            format!("{} `{}` {} ({}){boundary}", resource.resource_type, logical_id, property, kind.with_article())
        };
        if resource.resource_type == "AWS::Organizations::Policy" {
            let kind = match properties.get("Type").and_then(Node::str) {
                Some("SERVICE_CONTROL_POLICY") => PolicyKind::Scp,
                Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
                _ => return,
            };
            if let Some(doc) = properties.get("Content") {
                template.policy(extraction, doc, kind, logical_id, origin("Content", kind));
            }
            return;
        }
        for &(property, kind) in policy_properties(resource.resource_type) {
            let Some(value) = properties.get(property) else { continue };
            // A managed policy that a principal takes as its permissions boundary is one.
            let boundary_of = self.boundaries.get(logical_id).filter(|_| kind == PolicyKind::Identity);
            if let (Some(principal), "AWS::IAM::ManagedPolicy") = (boundary_of, resource.resource_type) {
                let principal_type = self.resources.get(principal).map_or("", |p| p.resource_type);
                let kind = PolicyKind::Boundary;
                let origin = format!(
                    "{} `{logical_id}` {property} ({}: the PermissionsBoundary of {principal_type} `{principal}`)",
                    resource.resource_type,
                    kind.with_article()
                );
                template.policy(extraction, value, kind, logical_id, origin);
                continue;
            }
            if property != "Policies" {
                template.policy(extraction, value, kind, logical_id, origin(property, kind));
                continue;
            }
            let sam = resource.resource_type.starts_with("AWS::Serverless::");
            for item in value.seq().map(<[Node]>::to_vec).unwrap_or_else(|| vec![value.clone()]).iter() {
                if sam {
                    let view = template.view();
                    super::sam::policy_item(&view, extraction, item, logical_id, resource.resource_type, &boundary);
                    continue;
                }
                let Some(doc) = item.get("PolicyDocument") else { continue };
                let name = item.get("PolicyName").and_then(Node::str).unwrap_or("");
                let origin = format!(
                    "{} `{}` Policies `{}` ({}){boundary}",
                    resource.resource_type,
                    logical_id,
                    name,
                    kind.with_article()
                );
                template.policy(extraction, doc, kind, logical_id, origin);
            }
        }
    }
}

/// A resolved value: text made of parts, a list, a node to write as it is, or nothing.
#[derive(Clone, Debug)]
pub(crate) enum Resolved<'n> {
    Text(Vec<Part>),
    List(Vec<Resolved<'n>>),
    Node(&'n Node),
    NoValue,
}

#[derive(Clone, Debug)]
pub(crate) enum Part {
    Text { value: String, host: Range<usize>, exact: bool },
    Unknown(Range<usize>),
}

/// The parts of a template that a SAM policy item or a Serverless statement needs.
pub(crate) struct TemplateView<'a, 'n> {
    template: &'a Template<'n>,
}

impl<'n> TemplateView<'_, 'n> {
    pub(crate) fn policy(&self, out: &mut Extraction, doc: &Node, kind: PolicyKind, name: &str, origin: String) {
        self.template.policy(out, doc, kind, name, origin);
    }

    /// Writes a policy made of a generated document (SAM's template definitions), whose
    /// pieces all map to `host`, with `Ref`s of its parameters resolved from `arguments`.
    pub(crate) fn generated(
        &self,
        out: &mut Extraction,
        definition: &serde_json::Value,
        arguments: &Node,
        host: Range<usize>,
        name: &str,
        origin: String,
    ) {
        let mut writer =
            Writer { template: self.template, variant: 0, conditions: Vec::new(), choices: 1, serverless: None };
        let mut b = VirtualJsonBuilder::new();
        let at = host.start..host.start;
        b.punct("{\"Version\":\"2012-10-17\",\"Statement\":", at.clone());
        let statements = definition.get("Statement").cloned().unwrap_or(serde_json::Value::Null);
        writer.generated(&mut b, &statements, arguments, &at);
        b.punct("}", at);
        out.policies.push(EmbeddedPolicy {
            kind: PolicyKind::Identity,
            origin,
            name: name.to_string(),
            host,
            json: b.finish(),
        });
    }
}

impl<'n> Template<'n> {
    fn view(&self) -> TemplateView<'_, 'n> {
        TemplateView { template: self }
    }

    /// What the origin of a principal's policies says of its permissions boundary: empty
    /// when it has none.
    fn boundary_note(&self, resource: &Resource) -> String {
        let whose = match resource.resource_type {
            "AWS::IAM::User" => "user",
            _ => "role",
        };
        match &resource.boundary {
            None => String::new(),
            Some(Boundary::Resource(id)) => match self.parameters.get(id.as_str()) {
                // `Ref` of a parameter: its default, if it has one, is the ARN
                Some(parameter) if !self.resources.contains_key(id.as_str()) => {
                    match parameter.get("Default").and_then(Node::str) {
                        Some(default) => {
                            format!("; the {whose}'s permissions boundary: the parameter `{id}` (default `{default}`)")
                        }
                        None => format!("; the {whose}'s permissions boundary: the parameter `{id}`"),
                    }
                }
                _ => format!("; the {whose}'s permissions boundary: `{id}`"),
            },
            Some(Boundary::Written(written)) => format!("; the {whose}'s permissions boundary: `{written}`"),
        }
    }

    /// Adds the policy at `doc` (each of its variants: `Fn::If` branches, `AllowedValues`).
    fn policy(&self, out: &mut Extraction, doc: &Node, kind: PolicyKind, name: &str, origin: String) {
        // A policy given as a JSON string (`Logs::ResourcePolicy`, or any document property).
        let parsed;
        let doc = match &doc.kind {
            NodeKind::Scalar { value, exact, .. } if doc.tag.is_none() && value.trim_start().starts_with('{') => {
                let parse = crate::syntax::parse(value);
                let Some(root) = parse.root else { return };
                parsed = node::from_json_in(&root, exact.as_ref().map(|r| r.start), doc.range.clone());
                &parsed
            }
            _ => doc,
        };
        self.variants(out, kind, name, &origin, doc.range.clone(), |writer, b| writer.value(b, doc));
    }
}

/// Writes one variant of a policy as JSON.
struct Writer<'a, 'n> {
    template: &'a Template<'n>,
    variant: usize,
    /// The `Fn::If` conditions met, in the order first met: condition `i` is false in this
    /// variant where bit `i % CONDITION_BITS` of `variant` is set.
    conditions: Vec<&'n str>,
    /// The most `AllowedValues` a `Ref` without `Default` chose from.
    choices: usize,
    /// A Serverless service's root, whose `${self:...}`-style variables strings may hold.
    serverless: Option<&'n Node>,
}

/// The intrinsic function a node is, and its argument: `!Sub x` or `{"Fn::Sub": x}`.
fn intrinsic(node: &Node) -> Option<(&str, IntrinsicArg<'_>)> {
    if let Some(tag) = &node.tag {
        let name = match tag.as_str() {
            "Ref" | "Condition" => tag.as_str(),
            other => return Some((fn_name(other)?, IntrinsicArg::Tagged(node))),
        };
        return Some((name, IntrinsicArg::Tagged(node)));
    }
    let entries = node.map()?;
    let [(key, value)] = entries else { return None };
    let key = key.str()?;
    (key == "Ref" || key.starts_with("Fn::") || key == "Condition")
        .then_some((key_name(key), IntrinsicArg::Node(value)))
}

fn key_name(key: &str) -> &str {
    key.strip_prefix("Fn::").unwrap_or(key)
}

fn fn_name(tag: &str) -> Option<&str> {
    const NAMES: [&str; 17] = [
        "Sub",
        "GetAtt",
        "Join",
        "Select",
        "Split",
        "FindInMap",
        "ImportValue",
        "If",
        "GetAZs",
        "Base64",
        "Cidr",
        "Equals",
        "Not",
        "And",
        "Or",
        "Length",
        "ToJsonString",
    ];
    NAMES.iter().copied().find(|n| *n == tag)
}

enum IntrinsicArg<'n> {
    /// The tagged node is its own argument (the tag stripped).
    Tagged(&'n Node),
    Node(&'n Node),
}

impl<'n> IntrinsicArg<'n> {
    fn node(&self) -> &'n Node {
        match self {
            IntrinsicArg::Tagged(n) | IntrinsicArg::Node(n) => n,
        }
    }
}

fn whole(value: impl Into<String>, host: Range<usize>) -> Resolved<'static> {
    Resolved::Text(vec![Part::Text { value: value.into(), host, exact: false }])
}

impl<'n> Writer<'_, 'n> {
    /// Writes a node as a JSON value.
    fn value(&mut self, b: &mut VirtualJsonBuilder, node: &'n Node) {
        if intrinsic(node).is_some() {
            let resolved = self.resolve(node);
            self.resolved(b, resolved, node);
            return;
        }
        let start = node.range.start;
        let end = node.range.end;
        let open = |flow: bool| if flow { start..start + 1 } else { start..start };
        let close = |flow: bool| if flow { end.saturating_sub(1).max(start)..end } else { end..end };
        match &node.kind {
            NodeKind::Map(entries) => {
                // A block mapping's `{` is its first key (what a finding on the object shows).
                let brace = match entries.first() {
                    Some((key, _)) if !node.flow => key.range.clone(),
                    _ => open(node.flow),
                };
                b.punct("{", brace);
                let mut first = true;
                let mut last_end = start;
                for (key, value) in entries {
                    if matches!(self.resolve_if_novalue(value), Some(true)) {
                        continue;
                    }
                    if !first {
                        b.punct(",", last_end..last_end);
                    }
                    first = false;
                    let k = key.str().unwrap_or("");
                    b.string(k, key_range(key), key_exact(key));
                    b.punct(":", key.range.end..key.range.end);
                    self.value(b, value);
                    last_end = value.range.end;
                }
                b.punct("}", close(node.flow));
            }
            NodeKind::Seq(items) => {
                // A block sequence's `[` is its first `-`.
                b.punct("[", if node.flow || items.is_empty() { open(node.flow) } else { start..start + 1 });
                let mut first = true;
                let mut last_end = start;
                for item in items {
                    if matches!(self.resolve_if_novalue(item), Some(true)) {
                        continue;
                    }
                    if !first {
                        b.punct(",", last_end..last_end);
                    }
                    first = false;
                    self.value(b, item);
                    last_end = item.range.end;
                }
                b.punct("]", close(node.flow));
            }
            NodeKind::Scalar { value, exact, .. } => self.scalar(b, node, value, exact.as_ref()),
            NodeKind::Other => match self.template.text.get(node.range.clone()) {
                // a JSON number, boolean or null, as written
                Some(raw) if node.flow && !raw.is_empty() => b.punct(raw, node.range.clone()),
                _ => b.punct("null", node.range.clone()),
            },
        }
    }

    fn scalar(&mut self, b: &mut VirtualJsonBuilder, node: &Node, value: &str, exact: Option<&Range<usize>>) {
        if let Some(root) = self.serverless.filter(|_| value.contains("${")) {
            b.begin_string(node.range.start..node.range.start);
            for part in serverless_parts(root, node, value, exact) {
                match part {
                    Part::Text { value, host, exact } => b.text(&value, host, exact),
                    Part::Unknown(host) => b.unknown(host),
                }
            }
            b.end_string(node.range.end..node.range.end);
            return;
        }
        b.begin_string(node.range.start..node.range.start);
        match exact {
            // An empty quoted scalar (`''`): its closing quote holds the cursor between the
            // quotes, so that completion there completes the string.
            Some(r) if value.is_empty() && r.start < node.range.end => {
                b.end_string(r.start..node.range.end);
                return;
            }
            Some(r) => b.text(value, r.clone(), true),
            None => b.text(value, node.range.clone(), false),
        }
        b.end_string(node.range.end..node.range.end);
    }

    /// Whether a node is an `Fn::If` whose branch in this variant is `AWS::NoValue`.
    fn resolve_if_novalue(&mut self, node: &'n Node) -> Option<bool> {
        let (name, _) = intrinsic(node)?;
        if name != "If" && name != "Ref" {
            return None;
        }
        Some(matches!(self.resolve(node), Resolved::NoValue))
    }

    fn resolved(&mut self, b: &mut VirtualJsonBuilder, resolved: Resolved<'n>, at: &'n Node) {
        match resolved {
            Resolved::Node(n) => self.value(b, n),
            Resolved::NoValue => b.punct("null", at.range.clone()),
            Resolved::Text(parts) => {
                let start = parts.iter().map(part_host).map(|r| r.start).min().unwrap_or(at.range.start);
                let end = parts.iter().map(part_host).map(|r| r.end).max().unwrap_or(at.range.end);
                b.begin_string(start..start);
                for part in parts {
                    match part {
                        Part::Text { value, host, exact } => b.text(&value, host, exact),
                        Part::Unknown(host) => b.unknown(host),
                    }
                }
                b.end_string(end..end);
            }
            Resolved::List(items) => {
                let r = at.range.clone();
                b.punct("[", r.start..r.start);
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        b.punct(",", r.clone());
                    }
                    self.resolved(b, item, at);
                }
                b.punct("]", r.end..r.end);
            }
        }
    }

    /// Resolves a node that is (or may be) an intrinsic function.
    fn resolve(&mut self, node: &'n Node) -> Resolved<'n> {
        let Some((name, arg)) = intrinsic(node) else {
            return match &node.kind {
                NodeKind::Scalar { value, exact, .. } => Resolved::Text(vec![match exact {
                    Some(r) => Part::Text { value: value.clone(), host: r.clone(), exact: true },
                    None => Part::Text { value: value.clone(), host: node.range.clone(), exact: false },
                }]),
                NodeKind::Seq(items) => Resolved::List(items.iter().map(|i| self.resolve(i)).collect()),
                _ => Resolved::Node(node),
            };
        };
        let host = node.range.clone();
        let arg = arg.node();
        let unknown = || Resolved::Text(vec![Part::Unknown(host.clone())]);
        match name {
            "Ref" => match arg.str() {
                Some(name) => self.reference(name, host.clone()),
                None => unknown(),
            },
            "GetAtt" => {
                let (resource, attribute) = match (&arg.kind, arg.str()) {
                    (_, Some(s)) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => return unknown(),
                    },
                    (NodeKind::Seq(items), _) if items.len() == 2 => {
                        match (self.plain(&items[0]), self.plain(&items[1])) {
                            (Some(r), Some(a)) => (r, a),
                            _ => return unknown(),
                        }
                    }
                    _ => return unknown(),
                };
                match self.attribute(&resource, &attribute) {
                    Some(v) => whole(v, host),
                    None => unknown(),
                }
            }
            "Sub" => self.sub(arg, host),
            "Join" => {
                let Some([delimiter, list]) = arg.seq() else { return unknown() };
                let delimiter = self.resolve(delimiter);
                let Resolved::List(items) = self.resolve(list) else { return unknown() };
                let mut parts = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        parts.extend(text_parts(delimiter.clone(), &host));
                    }
                    parts.extend(text_parts(item, &host));
                }
                Resolved::Text(parts)
            }
            "Select" => {
                let Some([index, list]) = arg.seq() else { return unknown() };
                let Some(index) = self.plain(index).and_then(|i| i.trim().parse::<usize>().ok()) else {
                    return unknown();
                };
                match self.resolve(list) {
                    Resolved::List(mut items) if index < items.len() => rehost(items.swap_remove(index), &host),
                    _ => unknown(),
                }
            }
            "Split" => {
                let Some([delimiter, source]) = arg.seq() else { return unknown() };
                let Some(delimiter) = self.plain(delimiter).filter(|d| !d.is_empty()) else { return unknown() };
                let parts = text_parts(self.resolve(source), &host);
                Resolved::List(split_parts(parts, &delimiter).into_iter().map(Resolved::Text).collect())
            }
            "FindInMap" => {
                let Some([map, top, second, ..]) = arg.seq() else { return unknown() };
                let (Some(map), Some(top), Some(second)) = (self.plain(map), self.plain(top), self.plain(second))
                else {
                    return unknown();
                };
                let found = self.template.mappings.and_then(|m| m.get(&map)?.get(&top)?.get(&second));
                match found {
                    Some(found) => rehost(self.resolve(found), &host),
                    None => unknown(),
                }
            }
            "If" => {
                let Some([condition, yes, no]) = arg.seq() else { return unknown() };
                let name = condition.str().unwrap_or("");
                let index = match self.conditions.iter().position(|c| *c == name) {
                    Some(i) => i,
                    None => {
                        self.conditions.push(name);
                        self.conditions.len() - 1
                    }
                };
                let holds = self.variant >> (index % CONDITION_BITS) & 1 == 0;
                self.resolve(if holds { yes } else { no })
            }
            "GetAZs" => {
                Resolved::List(["a", "b", "c"].iter().map(|z| whole(format!("{REGION}{z}"), host.clone())).collect())
            }
            _ => unknown(),
        }
    }

    /// A value that must be plain text (a map name, an index): `None` if any part is unknown.
    fn plain(&mut self, node: &'n Node) -> Option<String> {
        let mut out = String::new();
        for part in text_parts(self.resolve(node), &node.range) {
            match part {
                Part::Text { value, .. } => out.push_str(&value),
                Part::Unknown(_) => return None,
            }
        }
        Some(out)
    }

    /// `Ref name`: a pseudo parameter, a parameter or a resource.
    fn reference(&mut self, name: &str, host: Range<usize>) -> Resolved<'n> {
        let unknown = Resolved::Text(vec![Part::Unknown(host.clone())]);
        if let Some(value) = pseudo(name) {
            return match value {
                Some(v) => whole(v, host),
                None => Resolved::NoValue,
            };
        }
        if let Some(parameter) = self.template.parameters.get(name) {
            let is_list = parameter
                .get("Type")
                .and_then(Node::str)
                .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
            let value = match parameter.get("Default").and_then(|d| self.plain_static(d)) {
                Some(v) => v,
                None => {
                    let allowed: Vec<String> = parameter
                        .get("AllowedValues")
                        .and_then(Node::seq)
                        .map(|items| items.iter().filter_map(|i| i.str().map(str::to_string)).collect())
                        .unwrap_or_default();
                    if allowed.is_empty() {
                        return unknown;
                    }
                    self.choices = self.choices.max(allowed.len());
                    allowed[self.variant % allowed.len()].clone()
                }
            };
            if is_list {
                return Resolved::List(value.split(',').map(|v| whole(v.trim(), host.clone())).collect());
            }
            return whole(value, host);
        }
        match self.template.resources.get(name).and_then(|r| ref_value(r)) {
            Some(v) => whole(v, host),
            None => unknown,
        }
    }

    fn plain_static(&self, node: &Node) -> Option<String> {
        node.str().map(str::to_string)
    }

    fn attribute(&self, resource: &str, attribute: &str) -> Option<String> {
        let resource = self.template.resources.get(resource)?;
        get_att(resource, attribute)
    }

    /// `Fn::Sub`: a string with `${Name}`, `${Resource.Attribute}` and `${!Literal}`, and
    /// optionally a map of its own variables.
    fn sub(&mut self, arg: &'n Node, host: Range<usize>) -> Resolved<'n> {
        let (string, variables) = match (&arg.kind, arg.seq()) {
            (_, Some([string, variables])) => (string, Some(variables)),
            (NodeKind::Scalar { .. }, _) => (arg, None),
            _ => return Resolved::Text(vec![Part::Unknown(host)]),
        };
        let NodeKind::Scalar { value, exact, .. } = &string.kind else {
            return Resolved::Text(vec![Part::Unknown(host)]);
        };
        let at = |from: usize, to: usize| -> (Range<usize>, bool) {
            match exact {
                Some(r) => (r.start + from..r.start + to, true),
                None => (string.range.clone(), false),
            }
        };
        let mut parts = Vec::new();
        let mut rest = 0;
        let mut literal = String::new();
        let mut literal_start = 0;
        let flush = |parts: &mut Vec<Part>, literal: &mut String, start: usize, end: usize| {
            if !literal.is_empty() {
                let (host, exact) = at(start, end);
                // a `${!x}` inside makes the host bytes differ from the value
                let exact = exact && end - start == literal.len();
                parts.push(Part::Text { value: std::mem::take(literal), host, exact });
            }
        };
        while let Some(found) = value[rest..].find("${") {
            let open = rest + found;
            let Some(close) = value[open..].find('}').map(|c| open + c) else { break };
            let name = &value[open + 2..close];
            if let Some(escaped) = name.strip_prefix('!') {
                if literal.is_empty() {
                    literal_start = rest;
                }
                literal.push_str(&value[rest..open]);
                // the escape ends the exact run
                flush(&mut parts, &mut literal, literal_start, open);
                let (h, _) = at(open, close + 1);
                parts.push(Part::Text { value: format!("${{{escaped}}}"), host: h, exact: false });
                rest = close + 1;
                continue;
            }
            if literal.is_empty() {
                literal_start = rest;
            }
            literal.push_str(&value[rest..open]);
            flush(&mut parts, &mut literal, literal_start, open);
            let (h, _) = at(open, close + 1);
            let resolved = match variables.and_then(|v| v.get(name.trim())) {
                Some(node) => self.resolve(node),
                None => match name.trim().split_once('.') {
                    Some((resource, attribute)) if !self.template.parameters.contains_key(name.trim()) => {
                        match self.attribute(resource, attribute) {
                            Some(v) => whole(v, h.clone()),
                            None => Resolved::Text(vec![Part::Unknown(h.clone())]),
                        }
                    }
                    _ => self.reference(name.trim(), h.clone()),
                },
            };
            parts.extend(text_parts(resolved, &h).into_iter().map(|p| match p {
                Part::Text { value, .. } => Part::Text { value, host: h.clone(), exact: false },
                Part::Unknown(_) => Part::Unknown(h.clone()),
            }));
            rest = close + 1;
        }
        if literal.is_empty() {
            literal_start = rest;
        }
        literal.push_str(&value[rest..]);
        flush(&mut parts, &mut literal, literal_start, value.len());
        if parts.is_empty() {
            let (h, _) = at(0, 0);
            parts.push(Part::Text { value: String::new(), host: h, exact: false });
        }
        Resolved::Text(parts)
    }

    /// Writes a SAM template definition (AWS's JSON) with `Ref`s of its parameters resolved
    /// from the user's arguments; everything else maps to `at`.
    fn generated(
        &mut self,
        b: &mut VirtualJsonBuilder,
        value: &serde_json::Value,
        arguments: &'n Node,
        at: &Range<usize>,
    ) {
        use serde_json::Value as J;
        match value {
            J::Object(map)
                if map.len() == 1 && map.keys().next().is_some_and(|k| k == "Ref" || k.starts_with("Fn::")) =>
            {
                let parts = self.generated_text(value, arguments, at);
                b.begin_string(at.clone());
                for part in parts {
                    match part {
                        Part::Text { value, host, exact } => b.text(&value, host, exact),
                        Part::Unknown(host) => b.unknown(host),
                    }
                }
                b.end_string(at.clone());
            }
            J::Object(map) => {
                b.punct("{", at.clone());
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        b.punct(",", at.clone());
                    }
                    b.string(k, at.clone(), false);
                    b.punct(":", at.clone());
                    self.generated(b, v, arguments, at);
                }
                b.punct("}", at.clone());
            }
            J::Array(items) => {
                b.punct("[", at.clone());
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        b.punct(",", at.clone());
                    }
                    self.generated(b, v, arguments, at);
                }
                b.punct("]", at.clone());
            }
            J::String(s) => b.string(s, at.clone(), false),
            other => b.punct(&other.to_string(), at.clone()),
        }
    }

    /// The text of a definition's intrinsic (`Fn::Sub`, `Ref` of a parameter, `Fn::Join`).
    fn generated_text(&mut self, value: &serde_json::Value, arguments: &'n Node, at: &Range<usize>) -> Vec<Part> {
        use serde_json::Value as J;
        let unknown = || vec![Part::Unknown(at.clone())];
        let J::Object(map) = value else {
            return match value {
                J::String(s) => vec![Part::Text { value: s.clone(), host: at.clone(), exact: false }],
                _ => unknown(),
            };
        };
        let Some((key, arg)) = map.iter().next() else { return unknown() };
        match key.as_str() {
            "Ref" => {
                let Some(name) = arg.as_str() else { return unknown() };
                match arguments.get(name) {
                    Some(node) => text_parts(self.resolve(node), &node.range),
                    None => match pseudo(name) {
                        Some(Some(v)) => vec![Part::Text { value: v, host: at.clone(), exact: false }],
                        _ => unknown(),
                    },
                }
            }
            "Fn::Sub" => {
                let (string, variables) = match arg {
                    J::String(s) => (s.as_str(), None),
                    J::Array(items) if items.len() == 2 => match (items[0].as_str(), items[1].as_object()) {
                        (Some(s), Some(v)) => (s, Some(v)),
                        _ => return unknown(),
                    },
                    _ => return unknown(),
                };
                let mut parts = Vec::new();
                let mut rest = string;
                while let Some(open) = rest.find("${") {
                    let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
                    if open > 0 {
                        parts.push(Part::Text { value: rest[..open].to_string(), host: at.clone(), exact: false });
                    }
                    let name = &rest[open + 2..close];
                    match variables.and_then(|v| v.get(name)) {
                        Some(v) => parts.extend(self.generated_text(v, arguments, at)),
                        None => match pseudo(name) {
                            Some(Some(v)) => parts.push(Part::Text { value: v, host: at.clone(), exact: false }),
                            _ => match arguments.get(name) {
                                Some(node) => parts.extend(text_parts(self.resolve(node), &node.range)),
                                None => parts.push(Part::Unknown(at.clone())),
                            },
                        },
                    }
                    rest = &rest[close + 1..];
                }
                if !rest.is_empty() {
                    parts.push(Part::Text { value: rest.to_string(), host: at.clone(), exact: false });
                }
                parts
            }
            "Fn::Join" => {
                let Some([J::String(delimiter), J::Array(items)]) = arg.as_array().map(Vec::as_slice) else {
                    return unknown();
                };
                let mut parts = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        parts.push(Part::Text { value: delimiter.clone(), host: at.clone(), exact: false });
                    }
                    parts.extend(self.generated_text(item, arguments, at));
                }
                parts
            }
            _ => unknown(),
        }
    }
}

/// A Serverless string's parts: `${self:path}` looked up in the service, `${aws:accountId}`
/// and `${aws:region}` plausible values, `${x, 'default'}` its default; other `${aws:...}`
/// are IAM policy variables, kept; anything else is unknown.
fn serverless_parts(root: &Node, node: &Node, value: &str, exact: Option<&Range<usize>>) -> Vec<Part> {
    let at = |from: usize, to: usize| match exact {
        Some(r) => (r.start + from..r.start + to, true),
        None => (node.range.clone(), false),
    };
    let mut parts = Vec::new();
    let mut rest = 0;
    let literal = |parts: &mut Vec<Part>, from: usize, to: usize| {
        if to > from {
            let (host, exact) = at(from, to);
            parts.push(Part::Text { value: value[from..to].to_string(), host, exact });
        }
    };
    while let Some(found) = value[rest..].find("${") {
        let open = rest + found;
        let Some(close) = value[open..].find('}').map(|c| open + c) else { break };
        let inner = value[open + 2..close].trim();
        let (h, _) = at(open, close + 1);
        let resolved = match inner {
            "aws:accountId" => Some(ACCOUNT.to_string()),
            "aws:region" => Some(
                root.get("provider")
                    .and_then(|p| p.get("region"))
                    .and_then(Node::str)
                    .filter(|r| !r.contains("${"))
                    .unwrap_or(REGION)
                    .to_string(),
            ),
            "aws:partition" => Some(PARTITION.to_string()),
            _ if inner.starts_with("aws:") => {
                // an IAM policy variable, written as it is
                literal(&mut parts, rest, close + 1);
                rest = close + 1;
                continue;
            }
            _ => match inner.split_once(',') {
                Some((_, default)) => {
                    let d = default.trim();
                    let unquoted = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\''));
                    unquoted.or(d.strip_prefix('"').and_then(|d| d.strip_suffix('"'))).map(str::to_string)
                }
                None => inner.strip_prefix("self:").and_then(|path| {
                    let mut at = root;
                    for key in path.split('.') {
                        at = at.get(key)?;
                    }
                    at.str().filter(|v| !v.contains("${") && at.tag.is_none()).map(str::to_string)
                }),
            },
        };
        literal(&mut parts, rest, open);
        parts.push(match resolved {
            Some(v) => Part::Text { value: v, host: h, exact: false },
            None => Part::Unknown(h),
        });
        rest = close + 1;
    }
    literal(&mut parts, rest, value.len());
    parts
}

fn part_host(part: &Part) -> &Range<usize> {
    match part {
        Part::Text { host, .. } | Part::Unknown(host) => host,
    }
}

/// A resolved value's parts where text is wanted (a list or a mapping there is unknown).
fn text_parts(resolved: Resolved<'_>, host: &Range<usize>) -> Vec<Part> {
    match resolved {
        Resolved::Text(parts) => parts,
        Resolved::Node(node) => match &node.kind {
            NodeKind::Scalar { value, exact, .. } if node.tag.is_none() => vec![match exact {
                Some(r) => Part::Text { value: value.clone(), host: r.clone(), exact: true },
                None => Part::Text { value: value.clone(), host: node.range.clone(), exact: false },
            }],
            _ => vec![Part::Unknown(host.clone())],
        },
        Resolved::List(_) | Resolved::NoValue => vec![Part::Unknown(host.clone())],
    }
}

/// A value found elsewhere (a mapping, a list) attributed to the intrinsic that chose it.
fn rehost<'n>(resolved: Resolved<'n>, host: &Range<usize>) -> Resolved<'n> {
    match resolved {
        Resolved::Text(parts) => Resolved::Text(
            parts
                .into_iter()
                .map(|p| match p {
                    Part::Text { value, .. } => Part::Text { value, host: host.clone(), exact: false },
                    Part::Unknown(_) => Part::Unknown(host.clone()),
                })
                .collect(),
        ),
        Resolved::List(items) => Resolved::List(items.into_iter().map(|i| rehost(i, host)).collect()),
        Resolved::Node(n) => match &n.kind {
            NodeKind::Scalar { .. } | NodeKind::Seq(_) => {
                rehost(Resolved::Text(text_parts(Resolved::Node(n), host)), host)
            }
            _ => Resolved::Node(n),
        },
        Resolved::NoValue => Resolved::NoValue,
    }
}

/// Splits text parts at a delimiter, keeping exact sub-ranges.
fn split_parts(parts: Vec<Part>, delimiter: &str) -> Vec<Vec<Part>> {
    let mut out = vec![Vec::new()];
    for part in parts {
        match part {
            Part::Text { value, host, exact } => {
                let mut from = 0;
                for (i, piece) in value.split(delimiter).enumerate() {
                    if i > 0 {
                        out.push(Vec::new());
                    }
                    let h = if exact { host.start + from..host.start + from + piece.len() } else { host.clone() };
                    if !piece.is_empty() {
                        if let Some(last) = out.last_mut() {
                            last.push(Part::Text { value: piece.to_string(), host: h, exact });
                        }
                    }
                    from += piece.len() + delimiter.len();
                }
            }
            unknown => {
                if let Some(last) = out.last_mut() {
                    last.push(unknown);
                }
            }
        }
    }
    out
}

/// A pseudo parameter's value: `Some(None)` for `AWS::NoValue`, `None` if `name` is none.
fn pseudo(name: &str) -> Option<Option<String>> {
    Some(Some(match name {
        "AWS::AccountId" => ACCOUNT.to_string(),
        "AWS::Region" => REGION.to_string(),
        "AWS::Partition" => PARTITION.to_string(),
        "AWS::URLSuffix" => "amazonaws.com".to_string(),
        "AWS::StackName" => "stack".to_string(),
        "AWS::StackId" => {
            format!(
                "arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/stack/11111111-2222-3333-4444-555555555555"
            )
        }
        "AWS::NoValue" => return Some(None),
        _ => return None,
    }))
}

/// The generated table of resource types to the ARNs their `Ref` and attributes return.
struct ArnTable {
    types: HashMap<String, HashMap<String, String>>,
}

fn arn_table() -> &'static ArnTable {
    static TABLE: OnceLock<ArnTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            types: HashMap<String, HashMap<String, String>>,
        }
        let file: File = serde_json::from_str(include_str!("../../embedded/cfn-arns.json"))
            .unwrap_or(File { types: HashMap::new() });
        ArnTable { types: file.types }
    })
}

/// The CloudFormation type a SAM resource becomes.
fn underlying(resource_type: &str) -> &str {
    match resource_type {
        "AWS::Serverless::Function" => "AWS::Lambda::Function",
        "AWS::Serverless::StateMachine" => "AWS::StepFunctions::StateMachine",
        "AWS::Serverless::SimpleTable" => "AWS::DynamoDB::Table",
        "AWS::Serverless::Api" => "AWS::ApiGateway::RestApi",
        "AWS::Serverless::HttpApi" => "AWS::ApiGatewayV2::Api",
        "AWS::Serverless::LayerVersion" => "AWS::Lambda::LayerVersion",
        other => other,
    }
}

/// The name a resource gets: its `<Type>Name` property when written plainly, else its
/// logical id.
fn resource_name(logical_id: &str, resource_type: &str, node: &Node) -> String {
    let short = underlying(resource_type).rsplit("::").next().unwrap_or("");
    node.get("Properties")
        .and_then(|p| p.get(&format!("{short}Name")))
        .and_then(|n| if n.tag.is_none() { n.str() } else { None })
        .filter(|n| !n.is_empty())
        .unwrap_or(logical_id)
        .to_string()
}

fn fill(pattern: &str, name: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + name.len());
    let mut rest = pattern;
    while let Some(open) = rest.find("${") {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        match &rest[open + 2..close] {
            "Partition" => out.push_str(PARTITION),
            "Region" => out.push_str(REGION),
            "Account" => out.push_str(ACCOUNT),
            placeholder if placeholder.ends_with("Id") => out.push_str(&id_like(name)),
            _ => out.push_str(name),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What `Ref` of a resource returns: its ARN where the table says so, its name otherwise;
/// `None` for a type the table does not know.
fn ref_value(resource: &Resource) -> Option<String> {
    let t = underlying(resource.resource_type);
    let name: &str = &resource.name;
    arn_table().types.get(t).map(|attributes| attributes.get("Ref").map_or(name.to_string(), |p| fill(p, name)))
}

/// What `Fn::GetAtt` of a resource's attribute returns, from the table, else (for an
/// attribute named `...Arn` of a type the table lacks) from the catalog's ARN format of the
/// resource type of the same name (`AWS::Bedrock::KnowledgeBase` → `bedrock` `knowledge-base`).
fn get_att(resource: &Resource, attribute: &str) -> Option<String> {
    let t = underlying(resource.resource_type);
    let name: &str = &resource.name;
    if let Some(pattern) = arn_table().types.get(t).and_then(|a| a.get(attribute)) {
        return Some(fill(pattern, name));
    }
    if !attribute.ends_with("Arn") {
        return None;
    }
    let mut parts = t.split("::");
    let (_, service, kind) = (parts.next()?, parts.next()?, parts.next()?);
    let prefix = service.to_ascii_lowercase();
    let catalog = crate::Catalog::get();
    let service = catalog.service(&prefix)?;
    let resource_type = service.resource_type(&kebab(kind))?;
    Some(fill(resource_type.arn, name))
}

/// A generated id from a logical id: ten upper-case letters and digits, the shape of the ids
/// AWS generates for Bedrock knowledge bases, agents and aliases (and harmless elsewhere).
fn id_like(name: &str) -> String {
    let mut id: String =
        name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).take(10).collect();
    while id.len() < 10 {
        id.push('0');
    }
    id
}

fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn key_range(key: &Node) -> Range<usize> {
    match &key.kind {
        NodeKind::Scalar { exact: Some(r), .. } => r.clone(),
        _ => key.range.clone(),
    }
}

fn key_exact(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar { exact: Some(_), .. })
}

#[cfg(test)]
mod tests;
