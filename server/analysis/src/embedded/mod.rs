//! Policies inside host files: CloudFormation and SAM templates, Serverless services,
//! Terraform modules. Each policy found is re-written as a JSON policy document (a
//! [`VirtualJson`]) with a map from its pieces back to the host text; the whole analysis runs
//! on that JSON and its ranges are mapped back.

pub mod terraform;
pub mod virtual_json;

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
}
