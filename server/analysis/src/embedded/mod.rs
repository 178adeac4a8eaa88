//! Policies inside host files: CloudFormation and SAM templates, Serverless services,
//! Terraform modules. Each policy found is re-written as a JSON policy document (a
//! [`VirtualJson`]) with a map from its pieces back to the host text; the whole analysis runs
//! on that JSON and its ranges are mapped back.

pub mod cloudformation;
pub mod host;
pub mod node;
pub(crate) mod sam;
pub mod serverless;
pub mod terraform;
pub mod virtual_json;
pub mod writer;

use std::ops::Range;

use crate::diagnostics::Edit;
use crate::PolicyKind;

pub use virtual_json::{VirtualJson, VirtualJsonBuilder, UNKNOWN};

/// One policy found in a host file.
#[derive(Clone, Debug)]
pub struct EmbeddedPolicy {
    pub kind: PolicyKind,
    /// Where it sits and why it has its kind, for hover and symbols:
    /// e.g. "AWS::IAM::Role `AgentRole` AssumeRolePolicyDocument (a trust policy)",
    /// "aws_iam_role.agent assume_role_policy (a trust policy)".
    pub origin: String,
    /// The name shown in the outline: the logical id / resource address.
    pub name: String,
    /// The host range of the whole policy document node.
    pub host: Range<usize>,
    pub json: VirtualJson,
}

/// A host syntax error, reported once, as such.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    pub range: Range<usize>,
    pub message: String,
}

/// What a host file holds: its policies (in host order) and its syntax errors.
#[derive(Clone, Debug, Default)]
pub struct Extraction {
    pub policies: Vec<EmbeddedPolicy>,
    pub errors: Vec<HostError>,
    /// Host ranges that stand for text that is not in the file (a SAM policy template's
    /// name stands for AWS's definition): findings there are not the user's, and dropped.
    pub generated: Vec<Range<usize>>,
    /// Suppressions written in the host's structure (CloudFormation `Metadata`).
    pub suppressions: Vec<crate::suppress::Written>,
    /// What the next version needs to re-extract only the resource an edit falls in (a YAML
    /// template without syntax errors or anchors).
    pub(crate) skeleton: Option<Box<cloudformation::Skeleton>>,
}

/// The languages of host files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostFormat {
    /// A CloudFormation or SAM template in YAML.
    CloudFormationYaml,
    /// A CloudFormation or SAM template in JSON (a CDK `*.template.json`).
    CloudFormationJson,
    /// A Serverless Framework service (`serverless.yml`).
    Serverless,
    /// A Terraform module (`.tf`).
    Terraform,
    /// A Terraform module in JSON syntax (`.tf.json`).
    TerraformJson,
}

impl HostFormat {
    /// How fixes write this host's syntax.
    pub fn writer(self) -> &'static dyn HostWriter {
        match self {
            HostFormat::CloudFormationYaml | HostFormat::Serverless => &writer::Yaml,
            HostFormat::CloudFormationJson => &writer::Json,
            HostFormat::Terraform => &terraform::HclWriter,
            HostFormat::TerraformJson => &terraform::TfJsonWriter,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            HostFormat::CloudFormationYaml => "CloudFormation template (YAML)",
            HostFormat::CloudFormationJson => "CloudFormation template (JSON)",
            HostFormat::Serverless => "Serverless service",
            HostFormat::Terraform => "Terraform module",
            HostFormat::TerraformJson => "Terraform module (JSON)",
        }
    }
}

/// The policies of a YAML file: a Serverless service or a CloudFormation/SAM template;
/// `None` (found in microseconds for most) when it is neither.
pub fn extract_yaml(text: &str) -> Option<(HostFormat, Extraction)> {
    if let Some(extraction) = serverless::extract(text) {
        return Some((HostFormat::Serverless, extraction));
    }
    cloudformation::extract_yaml(text).map(|e| (HostFormat::CloudFormationYaml, e))
}

/// The policies of a Terraform module; `None` when it has none (most `.tf` files).
pub fn extract_terraform(text: &str) -> Option<(HostFormat, Extraction)> {
    let extraction = terraform::extract(text);
    let any = !extraction.policies.is_empty() || !extraction.errors.is_empty();
    any.then_some((HostFormat::Terraform, extraction))
}

/// The policies of a Terraform module in JSON syntax, from its parsed tree (whose syntax
/// errors the document reports as JSON errors); `None` when it has none.
pub fn extract_terraform_json(text: &str, root: &crate::syntax::Value) -> Option<(HostFormat, Extraction)> {
    let extraction = terraform::json::extract(text, root);
    let any = !extraction.policies.is_empty() || !extraction.errors.is_empty();
    any.then_some((HostFormat::TerraformJson, extraction))
}

/// Edits that need the host's syntax (quoting, indentation, list style), for fixes whose
/// JSON edit is more than a change inside one exact piece. Ranges are host byte ranges as
/// the policy's [`VirtualJson::to_host`] gives them; `None` when the host cannot take the
/// edit (the fix is then not offered).
pub trait HostWriter: Sync {
    /// Replaces the whole scalar at `scalar` (its quotes included) with one whose value is
    /// `value`, quoted as the host needs.
    fn replace_scalar(&self, text: &str, scalar: Range<usize>, value: &str) -> Option<Edit>;
    /// Removes `items[index]` from the list at `list` whose items are at `items`.
    fn remove_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<Edit>;
    /// Adds a string item whose value is `value` after the last of `items` in the list at `list`.
    fn append_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], value: &str) -> Option<Edit>;
    /// Removes the entry whose key is at `key` and value at `value` from the mapping at `mapping`.
    fn remove_entry(&self, text: &str, mapping: Range<usize>, key: Range<usize>, value: Range<usize>) -> Option<Edit>;
    /// Replaces the scalar at `scalar` with a list of the strings `values` (a wildcard action
    /// expanded where one action was written); `None` where the host cannot write one there.
    fn replace_scalar_with_list(&self, text: &str, scalar: Range<usize>, values: &[String]) -> Option<Edit> {
        let _ = (text, scalar, values);
        None
    }
    /// What goes between copies of `items[index]` of the list at `list` written one after
    /// the other (a statement split in several): the list's separator, then the indentation
    /// the item starts at; `None` where the host cannot write one there.
    fn copy_separator(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<String> {
        let _ = (text, list, items, index);
        None
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::{Document, Language, Options, TextRange};

    /// Text that looks like a template being typed: YAML, intrinsics and policy tokens.
    fn template_like() -> impl Strategy<Value = String> {
        prop::collection::vec(template_piece(), 0..120)
            .prop_map(|v| format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n{}", v.concat()))
    }

    /// One token of a template being typed.
    fn template_piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "\n",
            "  ",
            "- ",
            ": ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "'",
            "\"",
            "!Sub ",
            "!Ref ",
            "!GetAtt ",
            "!If ",
            "!Join ",
            "!Split ",
            "!Select ",
            "!FindInMap ",
            "!ImportValue ",
            "Fn::Sub",
            "${",
            "}",
            "${AWS::Region}",
            "${!x}",
            "Type: AWS::IAM::Role\n",
            "Properties:\n",
            "PolicyDocument:\n",
            "AssumeRolePolicyDocument:\n",
            "Policies:\n",
            "Statement:\n",
            "Effect: Allow",
            "Action: s3:GetObject",
            "Resource: '*'",
            "Version: '2012-10-17'",
            "Parameters:\n",
            "Mappings:\n",
            "Default: x",
            "AllowedValues: [a, b]",
            "é",
            "🫣",
            "\r\n",
            "#",
            "&a ",
            "*a",
            "|\n",
            ">\n",
            "?",
            "%",
            "@",
            "x",
            "\r",
            "s3:",
            "Sid: S\n",
            "Metadata:\n  iam-lsp:\n    config:\n      ignore_checks: [resource-star]\n",
            "# iam-lsp: ignore[resource-star] why\n",
            "Type: AWS::S3::Bucket\n",
            "RoleName: named\n",
            "Ref: Bucket",
            "${Bucket.Arn}",
        ])
    }

    /// Templates whose resources read one another, parameters, mappings (after `Resources`,
    /// so that their offsets move) and `Metadata`, for edits at random.
    const TEMPLATES: [&str; 6] = [
        include_str!("../../../../tests/fixtures/cloudformation/bedrock-agent-stack.yaml"),
        include_str!("../../../../tests/fixtures/cloudformation/bedrock-agent-sam.yaml"),
        include_str!("../../../../tests/fixtures/cloudformation/intrinsics.yaml"),
        include_str!("../../../../tests/fixtures/cloudformation/if-branches.yaml"),
        include_str!("../../../../tests/fixtures/suppressions/cloudformation-suppressions.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  iam-lsp:
    config:
      ignore_checks: [action-wildcard]
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: reports
  Reader:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:Get*
            Resource: [!GetAtt Bucket.Arn, !Sub '${Bucket.Arn}/${Stage}/*']
          - !FindInMap [Shared, Statements, Read]
# a comment at the start of a line, inside the last resource
  Key:
    Type: AWS::KMS::Key
    Metadata:
      iam-lsp:
        config:
          ignore_checks: [principal-wildcard]
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: kms:Decrypt
            Resource: !Ref Bucket
Mappings:
  Shared:
    Statements:
      Read: {Effect: Allow, Action: s3:ListBucket, Resource: '*'}
",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every feature answered from a template kept across edits (re-extracted by the
        /// resource an edit falls in where that can be shown to give the same, in full
        /// otherwise) is what the same feature says of the final text read afresh.
        #[test]
        fn every_feature_of_an_edited_template_equals_a_fresh_one(
            which in 0..TEMPLATES.len(),
            edits in prop::collection::vec(
                (any::<prop::sample::Index>(), any::<bool>(), 0usize..4, prop::collection::vec(template_piece(), 0..3)),
                1..6,
            ),
            cursor in any::<prop::sample::Index>(),
        ) {
            let open = |text: &str| Document::in_language(text.to_string(), Options::default(), Language::Yaml);
            let mut text = TEMPLATES[which].to_string();
            let mut kept = open(&text);
            for (at, in_policy, delete, insert) in edits {
                kept.analysis();
                // Half the edits inside a policy, where most keystrokes are.
                let policy = kept.host().filter(|h| in_policy && !h.policies.is_empty()).map(|h| {
                    let host = &h.policies[at.index(h.policies.len())].policy.host;
                    host.start + at.index(host.len() + 1)
                });
                let at = match policy {
                    Some(offset) => crate::properties::Offset::At(offset),
                    None => crate::properties::Offset::Index(at),
                };
                crate::properties::edit_at(&mut text, at, delete, &insert.concat());
                kept = kept.edit(text.clone());
                let fresh = open(&text);
                prop_assert_eq!(kept.analysis().map(|a| &a.diagnostics), fresh.analysis().map(|a| &a.diagnostics));
            }
            let fresh = open(&text);
            let mut offset = cursor.index(text.len() + 1);
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let whole = TextRange::new(0, text.len());
            let here = TextRange::empty(offset);
            prop_assert_eq!(kept.analysis().map(|a| &a.ignores_used), fresh.analysis().map(|a| &a.ignores_used));
            prop_assert_eq!(crate::hover(&kept, offset), crate::hover(&fresh, offset));
            prop_assert_eq!(crate::complete(&kept, offset), crate::complete(&fresh, offset));
            prop_assert_eq!(crate::semantic_tokens::semantic_tokens(&kept), crate::semantic_tokens::semantic_tokens(&fresh));
            prop_assert_eq!(
                crate::inlay_hints::inlay_hints(&kept, whole, true),
                crate::inlay_hints::inlay_hints(&fresh, whole, true)
            );
            prop_assert_eq!(crate::symbols::document_symbols(&kept), crate::symbols::document_symbols(&fresh));
            prop_assert_eq!(crate::symbols::folding_ranges(&kept), crate::symbols::folding_ranges(&fresh));
            prop_assert_eq!(crate::symbols::selection_ranges(&kept, offset), crate::symbols::selection_ranges(&fresh, offset));
            prop_assert_eq!(crate::refactors::refactors(&kept, here), crate::refactors::refactors(&fresh, here));
            let policies = |d: &Document| d.host().map(|h| {
                h.policies.iter().map(|p| (p.policy.clone(), p.document.text().to_string())).collect::<Vec<_>>()
            });
            prop_assert_eq!(format!("{:?}", policies(&kept)), format!("{:?}", policies(&fresh)));
            let host = |d: &Document| d.host().map(|h| format!("{:?} {:?} {:?}", h.errors, h.generated, h.suppressions));
            prop_assert_eq!(host(&kept), host(&fresh));
        }

        /// Any template-like YAML is analysed without panics, and every range (diagnostics,
        /// fixes, hover, completion, tokens, symbols) lies inside the text on character
        /// boundaries.
        #[test]
        fn half_typed_templates_are_analysed_without_panics(text in template_like(), cursor in any::<prop::sample::Index>()) {
            let doc = Document::in_language(text.clone(), Options::default(), Language::Yaml);
            let inside = |r: TextRange| r.start <= r.end && r.end <= text.len()
                && text.is_char_boundary(r.start) && text.is_char_boundary(r.end);
            let analysis = doc.analysis().expect("no panic");
            for d in &analysis.diagnostics {
                prop_assert!(inside(d.range), "{:?}", d);
                for fix in &d.fixes {
                    for e in &fix.edits {
                        prop_assert!(inside(e.range), "{:?}", e);
                    }
                }
            }
            let mut offset = cursor.index(text.len() + 1);
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            if let Some(h) = crate::hover(&doc, offset) {
                prop_assert!(inside(h.range));
            }
            for item in crate::complete(&doc, offset) {
                prop_assert!(inside(item.edit.range));
            }
            for t in crate::semantic_tokens::semantic_tokens(&doc) {
                prop_assert!(inside(t.range));
            }
            for s in crate::symbols::document_symbols(&doc) {
                prop_assert!(inside(s.range));
            }
        }
    }
}
