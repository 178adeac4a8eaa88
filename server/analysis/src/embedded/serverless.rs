//! Serverless Framework services (`serverless.yml`): the role statements of the provider.

use memchr::memmem;

use super::node::{self, Node};
use super::Extraction;

/// Whether a parsed root is a Serverless service on AWS: `service` and `provider` with
/// `name: aws` (or a `frameworkVersion`).
pub fn is_service(root: &Node) -> bool {
    let Some(provider) = root.get("provider") else { return false };
    root.get("service").is_some()
        && (provider.get("name").and_then(Node::str) == Some("aws") || root.get("frameworkVersion").is_some())
}

/// The policies of a `serverless.yml`; `None` when it is not a service.
pub fn extract(text: &str) -> Option<Extraction> {
    let bytes = text.as_bytes();
    if memmem::find(bytes, b"provider").is_none() || memmem::find(bytes, b"service").is_none() {
        return None;
    }
    let (root, errors) = node::parse_yaml(text);
    let root = root?;
    if !is_service(&root) {
        return None;
    }
    let mut extraction = super::cloudformation::extract_serverless(text, &root);
    super::cloudformation::drop_broken(&mut extraction, errors);
    Some(extraction)
}
