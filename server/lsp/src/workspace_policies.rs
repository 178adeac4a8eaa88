//! The policies a workspace's files hold, for the features that read several files together
//! (`iam-lsp explain --workspace`, the cross-file diagnostics, the "Simulate" lens): a JSON
//! policy file is one policy; a CloudFormation/SAM template or a Terraform module holds the
//! policies the analysis library extracts from it, each with its kind (an
//! `AWS::Organizations::Policy` or `aws_organizations_policy` is an SCP or an RCP by its
//! type, a role's inline policy an identity policy, a managed policy a role takes as its
//! `PermissionsBoundary` a boundary, a bucket or key policy a resource policy).
//!
//! A glob of `.iam-lsp.toml` that matches a template takes the policies of the kind its
//! place asks for (an `[organization]` SCP level the template's SCPs, a `[[principal]]`'s
//! `identity` its identity policies); `PATH#NAME` takes only those of the resource with
//! that logical id (CloudFormation) or address (Terraform), and those that apply to it
//! when it is a principal: `stack.yaml#AgentRole` the role's inline policies and the
//! template's managed policies attached to it (`identity`), its `PermissionsBoundary`
//! (`boundary`); `main.tf#aws_organizations_policy.guardrails` one SCP.

use std::ops::Range;
use std::path::{Path, PathBuf};

use iam_analysis::embedded::VirtualJson;
use iam_analysis::{Document, Language, PolicyKind};

use crate::config;

/// One policy of a workspace file.
#[derive(Clone, Debug)]
pub struct FilePolicy {
    /// The file, relative to the workspace root, with `/` separators.
    pub file: String,
    /// How answers name it: the file, or `FILE#NAME` for a template's (`org/stack.yaml#Guardrails`).
    pub name: String,
    /// The kind the template gives it; `None` for a JSON policy file (its place in the
    /// configuration says how it applies, whatever its text suggests).
    pub kind: Option<PolicyKind>,
    /// The policy's JSON: the file's text, or the analysis's writing of a template's policy.
    pub text: String,
    /// For a template's policy: the map from its JSON back to the template text.
    pub embedded: Option<Embedded>,
}

/// Where a template's policy is in its template.
#[derive(Clone, Debug)]
pub struct Embedded {
    /// Its place among the template's policies (as the analysis extracts them).
    pub index: usize,
    /// The logical id or resource address of the resource that holds it.
    pub resource: String,
    /// The principals of the template it applies to (by logical id or address): the role
    /// or user whose inline policy it is, that names it as a managed policy or boundary,
    /// that it names (`Roles`, `role`), directly or through a resource that reads it.
    pub principals: Vec<String>,
    /// Where it sits and why it has its kind ("AWS::Organizations::Policy `Guardrails` Content (an SCP)").
    pub origin: String,
    pub json: VirtualJson,
    /// Each part the template leaves unresolved: its text (one line), line (1-based) and
    /// the statement and element it is in, as [`crate::unresolved`] lists them.
    pub unresolved: Vec<serde_json::Value>,
}

impl FilePolicy {
    /// The host range (a byte range of the file's text) of the statement at `index`: the
    /// statement's object in a JSON policy file, its piece of the template in a template.
    pub fn statement_range(&self, index: usize) -> Option<Range<usize>> {
        let doc = Document::from(self.text.as_str());
        let policy = doc.policy()?;
        let range = policy.statements.iter().find(|s| s.index == index)?.object.range;
        Some(match &self.embedded {
            Some(e) => e.json.to_host(range.start..range.end),
            None => range.start..range.end,
        })
    }

    /// Whether the template leaves a part of it unresolved.
    pub fn has_unknown(&self) -> bool {
        self.embedded.as_ref().is_some_and(|e| e.json.has_unknown())
    }

    /// The policy as the scenario format takes it inline, named: `{"name", "policy"}`.
    pub fn scenario_value(&self) -> serde_json::Value {
        let policy: serde_json::Value = serde_json::from_str(&self.text).unwrap_or(serde_json::Value::Null);
        serde_json::json!({ "name": self.name, "policy": policy })
    }
}

/// Whether the file is one the workspace features read: a JSON file, a YAML file (a
/// template, a Serverless service) or a Terraform module.
fn is_read(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    [".json", ".yaml", ".yml", ".tf"].iter().any(|e| name.ends_with(e))
}

/// Every file under the root the workspace features read, relative to it, sorted; hidden
/// directories and build output (`target`, `node_modules`) skipped.
pub fn workspace_files(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    walk(&path, out);
                }
            } else if is_read(&path) {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    let mut out: Vec<String> =
        files.iter().filter_map(|f| Some(f.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/"))).collect();
    out.sort();
    out
}

/// Whether a file is a policy file (JSON) rather than a host of policies.
pub fn is_host_path(file: &str) -> bool {
    !matches!(Language::of_path(file), Language::Json)
}

/// The policies of the file `file` (relative to the root) whose text is `text`: the file
/// itself when it is a JSON policy, else each policy the template or module holds. A JSON
/// file that is a CloudFormation template is a template.
pub fn policies_in(file: &str, text: &str) -> Vec<FilePolicy> {
    let doc = Document::in_language(text.to_string(), iam_analysis::Options::default(), Language::of_path(file));
    let Some(host) = doc.host() else {
        if is_host_path(file) {
            return Vec::new();
        }
        return vec![FilePolicy {
            file: file.to_string(),
            name: file.to_string(),
            kind: None,
            text: text.to_string(),
            embedded: None,
        }];
    };
    let edges = match doc.language() {
        Language::Yaml => iam_analysis::embedded::cloudformation::attachments_yaml(text),
        Language::Json => doc
            .root()
            .map(|root| iam_analysis::embedded::cloudformation::attachments_json(text, root))
            .unwrap_or_default(),
        Language::Terraform => iam_analysis::embedded::terraform::attachments(text),
        Language::TerraformJson => Vec::new(),
    };
    // A resource with several policies of one kind (a role's `Policies`): the second is
    // `FILE#NAME (2)`.
    let mut seen: Vec<(&str, PolicyKind)> = Vec::new();
    host.policies
        .iter()
        .enumerate()
        .map(|(index, p)| FilePolicy {
            file: file.to_string(),
            name: {
                let before = seen.iter().filter(|(n, k)| *n == p.policy.name && *k == p.policy.kind).count();
                seen.push((&p.policy.name, p.policy.kind));
                match before {
                    0 => format!("{file}#{}", p.policy.name),
                    n => format!("{file}#{} ({})", p.policy.name, n + 1),
                }
            },
            kind: Some(p.policy.kind),
            text: p.policy.json.text().to_string(),
            embedded: Some(Embedded {
                index,
                resource: p.policy.name.clone(),
                principals: principals_of(&p.policy.name, &edges),
                origin: p.policy.origin.clone(),
                json: p.policy.json.clone(),
                unresolved: crate::unresolved::parts(&doc, p)
                    .into_iter()
                    .map(|mut part| {
                        part["file"] = file.into();
                        part
                    })
                    .collect(),
            }),
        })
        .collect()
}

/// The principals `resource`'s policy applies to: those the edges `(policy, principal)`
/// lead to from it, through any number of steps (a policy document read by a role policy
/// of a role), and itself (a role's inline policy).
fn principals_of(resource: &str, edges: &[(String, String)]) -> Vec<String> {
    let mut found = vec![resource.to_string()];
    let mut i = 0;
    while i < found.len() {
        let from = found[i].clone();
        for (_, principal) in edges.iter().filter(|(policy, _)| *policy == from) {
            if !found.contains(principal) {
                found.push(principal.clone());
            }
        }
        i += 1;
    }
    found
}

/// A glob of `.iam-lsp.toml` read as a path glob and, after `#`, the resource whose
/// policies it takes from a template.
fn split_glob(glob: &str) -> (&str, Option<&str>) {
    match glob.split_once('#') {
        Some((path, resource)) => (path, Some(resource)),
        None => (glob, None),
    }
}

/// Whether a glob's path part matches the file (`#NAME` left aside).
pub fn glob_matches_file(glob: &str, file: &str) -> bool {
    config::glob_matches(split_glob(glob).0, file)
}

/// Whether the glob takes the policy: its path part matches the policy's file, and its
/// `#NAME`, if any, names the policy's resource or a principal it applies to.
pub fn takes(glob: &str, policy: &FilePolicy) -> bool {
    let (path_glob, resource) = split_glob(glob);
    config::glob_matches(path_glob, &policy.file)
        && match (&policy.embedded, resource) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(e), Some(r)) => e.principals.iter().any(|p| p == r),
        }
}

/// The policies the glob takes from the workspace's `files`, read with `text_of`: each JSON
/// policy file it matches (unless it names a resource), and the policies of the kinds
/// `kinds` in each template it matches (only the named resource's, with `#NAME`).
pub fn select(
    glob: &str,
    kinds: &[PolicyKind],
    files: &[String],
    text_of: &dyn Fn(&str) -> Option<String>,
) -> Vec<FilePolicy> {
    let (path_glob, resource) = split_glob(glob);
    let mut out = Vec::new();
    for file in files.iter().filter(|f| config::glob_matches(path_glob, f)) {
        let Some(text) = text_of(file) else { continue };
        for policy in policies_in(file, &text) {
            let taken = match &policy.embedded {
                None => resource.is_none(),
                Some(e) => {
                    policy.kind.is_some_and(|k| kinds.contains(&k))
                        && resource.is_none_or(|r| e.principals.iter().any(|p| p == r))
                }
            };
            if taken {
                out.push(policy);
            }
        }
    }
    out
}

/// The kinds of template policies each place of the configuration takes.
pub const IDENTITY: &[PolicyKind] = &[PolicyKind::Identity];
pub const BOUNDARY: &[PolicyKind] = &[PolicyKind::Boundary];
pub const SCP: &[PolicyKind] = &[PolicyKind::Scp];
pub const RCP: &[PolicyKind] = &[PolicyKind::Rcp];
pub const RESOURCE: &[PolicyKind] = &[PolicyKind::Resource, PolicyKind::Trust];

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Guardrails:
    Type: AWS::Organizations::Policy
    Properties:
      Name: guardrails
      Type: SERVICE_CONTROL_POLICY
      Content:
        Version: '2012-10-17'
        Statement:
          - Sid: DenyLogDeletion
            Effect: Deny
            Action: logs:DeleteLogGroup
            Resource: '*'
  Agent:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: bedrock.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: bedrock:InvokeModel
                Resource: !ImportValue ModelArn
";

    #[test]
    fn a_template_gives_its_policies_with_their_kinds_and_a_glob_takes_the_kind_it_asks_for() {
        let files = vec!["org/stack.yaml".to_string(), "roles/a.json".to_string()];
        let text_of = |f: &str| match f {
            "org/stack.yaml" => Some(TEMPLATE.to_string()),
            _ => Some("{\"Version\": \"2012-10-17\", \"Statement\": []}".to_string()),
        };
        let scps = select("org/*", SCP, &files, &text_of);
        assert_eq!(scps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["org/stack.yaml#Guardrails"]);
        // The statement's range is the template's: line 10 (zero-based) holds `- Sid: DenyLogDeletion`.
        let range = scps[0].statement_range(0).unwrap();
        let line = TEMPLATE[..range.start].matches('\n').count();
        assert_eq!(line, 10, "{range:?}");
        assert!(TEMPLATE[range].starts_with("Sid: DenyLogDeletion"));
        let identity = select("**", IDENTITY, &files, &text_of);
        let names: Vec<&str> = identity.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["org/stack.yaml#Agent", "roles/a.json"]);
        assert!(identity[0].has_unknown() && !identity[1].has_unknown());
        assert_eq!(identity[0].embedded.as_ref().unwrap().unresolved.len(), 1);
        // `#NAME`: that resource's policies only, and no JSON file.
        assert_eq!(select("**#Agent", IDENTITY, &files, &text_of).len(), 1);
        assert!(select("**#Guardrails", IDENTITY, &files, &text_of).is_empty());
        assert!(select("org/stack.yaml#Other", SCP, &files, &text_of).is_empty());
    }

    const ROLES: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Agent:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: bedrock.amazonaws.com}, Action: sts:AssumeRole}]}
      PermissionsBoundary: !Ref AgentBoundary
      ManagedPolicyArns: [!Ref Shared, 'arn:aws:iam::aws:policy/ReadOnlyAccess']
      Policies:
        - PolicyName: own
          PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: logs:PutLogEvents, Resource: '*'}]}
  Named:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: named
      Roles: [!Ref Agent]
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: '*'}]}
  Unrelated:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: ec2:*, Resource: '*'}]}
  AgentBoundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: '*', Resource: '*'}]}
";

    const MODULE: &str = r#"
resource "aws_iam_role" "agent" {
  name                 = "agent"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  permissions_boundary = aws_iam_policy.boundary.arn
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["bedrock.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "invoke" {
  statement {
    actions   = ["bedrock:InvokeModel"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "invoke" {
  role   = aws_iam_role.agent.id
  policy = data.aws_iam_policy_document.invoke.json
}

resource "aws_iam_policy" "logs" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }] })
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.agent.name
  policy_arn = aws_iam_policy.logs.arn
}

resource "aws_iam_policy" "other" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:*", Resource = "*" }] })
}

resource "aws_iam_policy" "boundary" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
"#;

    /// `PATH#ROLE` takes the policies that apply to the role: its own, the template's
    /// managed policies attached to it, its boundary; not the others.
    #[test]
    fn a_role_named_in_a_glob_takes_the_policies_attached_to_it() {
        let files = vec!["stack.yaml".to_string(), "main.tf".to_string()];
        let text_of = |f: &str| Some(if f == "stack.yaml" { ROLES } else { MODULE }.to_string());
        let names = |glob: &str, kinds: &[PolicyKind]| -> Vec<String> {
            let mut names: Vec<String> = select(glob, kinds, &files, &text_of).into_iter().map(|p| p.name).collect();
            names.sort();
            names
        };
        assert_eq!(names("stack.yaml#Agent", IDENTITY), ["stack.yaml#Agent", "stack.yaml#Named", "stack.yaml#Shared"]);
        assert_eq!(names("stack.yaml#Agent", BOUNDARY), ["stack.yaml#AgentBoundary"]);
        assert_eq!(
            names("main.tf#aws_iam_role.agent", IDENTITY),
            ["main.tf#aws_iam_policy.logs", "main.tf#data.aws_iam_policy_document.invoke"]
        );
        assert_eq!(names("main.tf#aws_iam_role.agent", BOUNDARY), ["main.tf#aws_iam_policy.boundary"]);
        // Without `#NAME`: every identity policy, attached or not.
        assert!(names("stack.yaml", IDENTITY).contains(&"stack.yaml#Unrelated".to_string()));
    }

    /// An `aws_organizations_policy` is an SCP or an RCP by its `type`: each level takes its own.
    #[test]
    fn organization_policies_go_to_the_level_of_their_type() {
        let module = r#"
resource "aws_organizations_policy" "scp" {
  type    = "SERVICE_CONTROL_POLICY"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "s3:DeleteBucket", Resource = "*" }] })
}

resource "aws_organizations_policy" "rcp" {
  type    = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })
}
"#;
        let files = vec!["org/main.tf".to_string()];
        let text_of = |_: &str| Some(module.to_string());
        let names = |kinds| select("org/*.tf", kinds, &files, &text_of).into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(names(SCP), ["org/main.tf#aws_organizations_policy.scp"]);
        assert_eq!(names(RCP), ["org/main.tf#aws_organizations_policy.rcp"]);
        assert!(names(IDENTITY).is_empty());
    }
}
