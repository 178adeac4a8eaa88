//! Re-extracting an edited YAML template by the resource the edit falls in.
//!
//! A keystroke in a template of hundreds of resources changes one of them: this finds which
//! (from what the old and new texts share at each end, as [`crate::syntax::Tree::update`]
//! does for JSON), parses that resource's lines alone, and extracts its policies against the
//! rest of the template as the previous version left it; every other resource keeps its
//! policies, moved by the change in length. Where that cannot be shown to give what a full
//! extraction gives, the caller extracts in full: an edit outside every resource, a line of
//! the resource at or left of its key's column (which could end it or start another), a
//! syntax error, an anchor or alias, or a change to what other resources read of it (its
//! logical id, type and name, which their `Ref`, `Fn::GetAtt` and `Fn::Sub` resolve to).
//!
//! What else a resource's policies read — `Parameters` and `Mappings` — sits outside
//! `Resources`, so no such edit changes it; `Conditions`, `Globals`, `DependsOn` and
//! `Outputs` are not read.

use std::collections::HashSet;

use super::*;
use crate::suppress::Written;
use crate::text::TextChange;

/// Moves a suppression's ranges; `whole`: its scope is the whole text, of this length now.
pub(crate) fn shift_written(change: &TextChange, w: &mut Written, whole: Option<usize>) -> bool {
    if let Some(len) = whole {
        w.scope = 0..len;
    } else if !change.shift(&mut w.scope) {
        return false;
    }
    let removal = match &mut w.removal {
        None => true,
        Some(crate::suppress::Removal::Text(r)) => change.shift(r),
        Some(crate::suppress::Removal::Item { list, items, .. }) => {
            change.shift(list) && items.iter_mut().all(|r| change.shift(r))
        }
    };
    removal && change.shift(&mut w.at)
}

/// What a YAML template's extraction keeps for re-extracting the next version by resource.
#[derive(Clone, Debug)]
pub(crate) struct Skeleton {
    /// The template's `Parameters` and `Mappings`, at this version's offsets.
    parameters: Option<Node>,
    mappings: Option<Node>,
    /// The column of the resources' keys.
    column: usize,
    /// How many suppressions the template's own `Metadata` wrote (the first ones).
    top_suppressions: usize,
    /// The entries of `Resources`, in order.
    entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
struct Entry {
    key_start: usize,
    /// From its key's line start to the next entry's key's line start (the last: to the line
    /// of the next top-level key, or the end of the text).
    span: Range<usize>,
    interface: Interface,
    counts: Counts,
}

/// What the rest of a template reads of a resource: its logical id, type and name (`Ref`,
/// `Fn::GetAtt`, `Fn::Sub`; whether the text is a template at all), and its permissions
/// boundary (which makes a managed policy of the template a boundary).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Interface {
    key: Option<String>,
    resource_type: Option<String>,
    name: Option<String>,
    boundary: Option<Boundary>,
}

fn interface(text: &str, key: &Node, node: &Node) -> Interface {
    let key = key.str().map(str::to_string);
    let resource_type = node.get("Type").and_then(Node::str).map(str::to_string);
    let name = match (&key, &resource_type) {
        (Some(k), Some(t)) => Some(resource_name(k, t, node)),
        _ => None,
    };
    let boundary = resource_type.as_deref().and_then(|t| permissions_boundary(text, t, node));
    Interface { key, resource_type, name, boundary }
}

/// The column of the key at `at` when only spaces are before it on its line.
fn column_of(text: &str, at: usize) -> Option<usize> {
    let line = text.get(..at)?;
    let start = memchr::memrchr(b'\n', line.as_bytes()).map_or(0, |i| i + 1);
    line[start..].bytes().all(|b| b == b' ').then_some(at - start)
}

/// Whether every line of a resource's text after its key's is blank, a comment, or indented
/// right of the key: then no line can end the resource or start another, and the lines parse
/// alone as they do in the template.
fn lines_inside(fragment: &str, column: usize) -> bool {
    // YAML breaks lines at `\r` too (a CRLF's empty piece is a blank line)
    fragment.split(['\r', '\n']).skip(1).all(|line| {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let rest = &line[indent..];
        rest.bytes().all(|b| matches!(b, b' ' | b'\t')) || rest.starts_with('#') || indent > column
    })
}

/// What [`Skeleton::plan`] found: the edited entry, parsed alone.
pub(crate) struct Plan {
    index: usize,
    pub change: TextChange,
    /// A mapping of one entry: the resource's key and node, at the new text's offsets.
    fragment: Node,
}

/// What [`Skeleton::apply`] re-extracted, and which of the previous version's it replaces.
pub(crate) struct Replaced {
    pub policies: Range<usize>,
    pub generated: Range<usize>,
    pub suppressions: Range<usize>,
    pub top_suppressions: usize,
    pub extraction: Extraction,
}

impl Skeleton {
    /// `None` where no edit could be re-extracted by resource: `Resources` not a block
    /// mapping at the top of a block mapping, keys not alone at the start of their lines,
    /// a logical id twice; `counts` are what [`extract_counted`] found per entry.
    pub(crate) fn new(text: &str, root: &Node, counts: Vec<Counts>) -> Option<Skeleton> {
        let top = root.map().filter(|_| !root.flow)?;
        let at = top.iter().position(|(k, _)| k.str() == Some("Resources"))?;
        let (key, resources) = &top[at];
        let items = resources.map().filter(|_| !resources.flow && column_of(text, key.range.start) == Some(0))?;
        if items.len() != counts.len()
            || text.starts_with('%')
            || memchr::memmem::find(text.as_bytes(), b"\n%").is_some()
        {
            return None; // a `%TAG` directive changes what tags mean
        }
        let column = column_of(text, items.first()?.0.range.start).filter(|&c| c > 0)?;
        let end = match top.get(at + 1) {
            Some((next, _)) => {
                column_of(text, next.range.start).filter(|&c| c == 0)?;
                next.range.start
            }
            None => text.len(),
        };
        let mut ids = HashSet::new();
        let mut entries: Vec<Entry> = Vec::with_capacity(items.len());
        for ((key, node), counts) in items.iter().zip(counts) {
            if column_of(text, key.range.start) != Some(column) {
                return None;
            }
            let line = key.range.start - column;
            if let Some(last) = entries.last_mut() {
                last.span.end = line;
            }
            let interface = interface(text, key, node);
            if interface.key.as_ref().is_some_and(|k| !ids.insert(k.clone())) {
                return None;
            }
            entries.push(Entry { key_start: key.range.start, span: line..end, interface, counts });
        }
        if entries.iter().any(|e| e.span.start >= e.span.end) {
            return None;
        }
        let mut top_suppressions = Vec::new();
        crate::suppress::template_metadata(root, text.len(), &mut top_suppressions);
        Some(Skeleton {
            parameters: root.get("Parameters").cloned(),
            mappings: root.get("Mappings").cloned(),
            column,
            top_suppressions: top_suppressions.len(),
            entries,
        })
    }

    /// Where `old` became `text` inside one resource, that resource parsed alone, when it
    /// gives what a full parse would and leaves what the rest of the template reads of it
    /// as it was; `None` otherwise (and when nothing changed).
    pub(crate) fn plan(&self, old: &str, text: &str) -> Option<Plan> {
        let change = TextChange::between(old, text)?;
        let index = self.entries.partition_point(|e| e.span.end <= change.start);
        let entry = self.entries.get(index)?;
        // Strictly inside: the key's first byte and the line break that ends the entry kept.
        if change.start <= entry.key_start || change.old_end >= entry.span.end {
            return None;
        }
        let span = entry.span.start..change.moved(entry.span.end);
        let fragment = text.get(span.clone())?;
        if !lines_inside(fragment, self.column) {
            return None;
        }
        let root = node::parse_yaml_fragment(fragment, span.start)?;
        let [(key, value)] = root.map()? else { return None };
        if root.flow || key.range.start != entry.key_start || interface(text, key, value) != entry.interface {
            return None;
        }
        Some(Plan { index, change, fragment: root })
    }

    /// Moves the skeleton to the new text of `plan` and extracts the edited resource's
    /// policies there; `None` (the skeleton then unusable) where something it keeps overlaps
    /// the change, which a plan rules out.
    pub(crate) fn apply(&mut self, plan: Plan, text: &str) -> Option<Replaced> {
        let Plan { index, change, fragment } = plan;
        for section in [&mut self.parameters, &mut self.mappings].into_iter().flatten() {
            change.range(&section.range)?;
            section.shift(&|offset| change.moved(offset));
        }
        let before = |counts: fn(&Counts) -> usize| self.entries[..index].iter().map(|e| counts(&e.counts)).sum();
        let (policies, generated, suppressions): (usize, usize, usize) =
            (before(|c| c.policies), before(|c| c.generated), before(|c| c.suppressions));
        let old = self.entries[index].counts;

        let (_, node) = fragment.map()?.first()?;
        let mut resources = HashMap::with_capacity(self.entries.len());
        for (i, entry) in self.entries.iter().enumerate() {
            let Interface { key: Some(logical_id), resource_type: Some(resource_type), name: Some(name), boundary } =
                &entry.interface
            else {
                continue;
            };
            let node = (i == index).then_some(node);
            resources.insert(
                logical_id.as_str(),
                Resource {
                    logical_id,
                    resource_type,
                    name: Cow::Borrowed(name.as_str()),
                    node,
                    boundary: boundary.clone(),
                },
            );
        }
        let template = Template::with(text, self.parameters.as_ref(), self.mappings.as_ref(), resources, None);
        let mut extraction = Extraction::default();
        if let Some(logical_id) = &self.entries[index].interface.key {
            if self.entries[index].interface.resource_type.is_some() {
                template.extract_resource(logical_id, &mut extraction);
            }
        }
        crate::suppress::resource_metadata(node, &mut extraction.suppressions);
        let counts = Counts {
            policies: extraction.policies.len(),
            generated: extraction.generated.len(),
            suppressions: extraction.suppressions.len(),
        };

        let entry = &mut self.entries[index];
        entry.span.end = change.moved(entry.span.end);
        entry.counts = counts;
        for entry in &mut self.entries[index + 1..] {
            entry.key_start = change.moved(entry.key_start);
            entry.span = change.moved(entry.span.start)..change.moved(entry.span.end);
        }
        let top = self.top_suppressions;
        Some(Replaced {
            policies: policies..policies + old.policies,
            generated: generated..generated + old.generated,
            suppressions: top + suppressions..top + suppressions + old.suppressions,
            top_suppressions: top,
            extraction,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::embedded::host::Host;
    use crate::{Document, Language, Options};

    const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Reader:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: !Sub '${Bucket.Arn}/*'
  Writer:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:PutObjectt
            Resource: !Sub '${Bucket.Arn}/*'
Outputs:
  Name: {Value: !Ref Bucket}
";

    fn open(text: &str) -> Document {
        Document::in_language(text.to_string(), Options::default(), Language::Yaml)
    }

    /// Whether the edit of `TEMPLATE` that replaces `from` by `to` is re-extracted by
    /// resource, and that the next version equals a fresh one either way.
    fn by_resource(from: &str, to: &str) -> bool {
        by_resource_in(TEMPLATE, from, to)
    }

    fn by_resource_in(template: &str, from: &str, to: &str) -> bool {
        let edited = template.replacen(from, to, 1);
        assert_ne!(edited, template, "{from:?}");
        let doc = open(template);
        let host = Arc::new(doc.host().expect("a template").clone());
        let taken = Host::edited(host, template, &edited, doc.options()).is_ok();
        let kept = doc.edit(edited.clone());
        let fresh = open(&edited);
        assert_eq!(kept.analysis().map(|a| &a.diagnostics), fresh.analysis().map(|a| &a.diagnostics), "{edited}");
        let policies =
            |d: &Document| format!("{:?}", d.host().map(|h| h.policies.iter().map(|p| &p.policy).collect::<Vec<_>>()));
        assert_eq!(policies(&kept), policies(&fresh), "{edited}");
        taken
    }

    #[test]
    fn a_keystroke_inside_a_policy_re_extracts_its_resource() {
        assert!(by_resource("s3:GetObject", "s3:GetObjectx"));
        assert!(by_resource("s3:PutObjectt", "s3:PutObject"));
        assert!(by_resource(
            "Effect: Allow\n            Action: s3:Get",
            "Effect: Allow\n            Sid: A\n            Action: s3:Get"
        ));
        // a comment line left of the key, or a blank line, changes nothing around it
        assert!(by_resource("      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:Put", "      PolicyDocument:\n# note\n\n        Statement:\n          - Effect: Allow\n            Action: s3:Put"));
    }

    #[test]
    fn an_edit_that_may_reach_beyond_its_resource_extracts_in_full() {
        // outside every resource
        assert!(!by_resource("Name: {Value", "Names: {Value"));
        assert!(!by_resource("'2010-09-09'", "'2010-09-10'"));
        // what other resources read of it: its logical id, type, name
        assert!(!by_resource("  Bucket:\n", "  Buckets:\n"));
        assert!(!by_resource("AWS::S3::Bucket", "AWS::SQS::Queue"));
        assert!(!by_resource("AWS::S3::Bucket\n", "AWS::S3::Bucket\n    Properties: {BucketName: b}\n"));
        // a line at the key's column starts another resource; one left of it ends `Resources`
        assert!(!by_resource(
            "            Resource: !Sub '${Bucket.Arn}/*'\n  Writer",
            "            Resource: !Sub '${Bucket.Arn}/*'\n  Other:\n    Type: AWS::SNS::Topic\n  Writer"
        ));
        assert!(!by_resource(
            "            Resource: !Sub '${Bucket.Arn}/*'\n  Writer",
            "            Resource: !Sub '${Bucket.Arn}/*'\nParameters: {}\n  Writer"
        ));
        // the same after a line break of YAML's that is not `\n`
        assert!(!by_resource("s3:GetObject\n", "s3:GetObject\r  Other: {Type: AWS::SNS::Topic}\n"));
        assert!(!by_resource("s3:GetObject\n", "s3:GetObject\r# note\rParameters: {}\n"));
        // a syntax error; an anchor
        assert!(!by_resource("s3:GetObject", "[s3:GetObject"));
        assert!(!by_resource("Action: s3:GetObject", "Action: &a s3:GetObject"));
        // the line break that ends the resource
        assert!(!by_resource("/*'\n  Writer", "/*'  Writer"));
    }

    /// A managed policy is a boundary by what a role says of it: an edit inside the policy
    /// keeps that, one to the role's `PermissionsBoundary` extracts in full.
    #[test]
    fn a_permissions_boundary_is_read_across_resources() {
        const BOUNDED: &str = "Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: '*', Resource: '*'}]
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Ref Boundary
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]
";
        assert!(by_resource_in(BOUNDED, "Action: '*'", "Action: 's3:*'"));
        assert!(by_resource_in(BOUNDED, "lambda.amazonaws.com", "ec2.amazonaws.com"));
        assert!(!by_resource_in(
            BOUNDED,
            "PermissionsBoundary: !Ref Boundary",
            "PermissionsBoundary: arn:aws:iam::123456789012:policy/B"
        ));
        assert!(!by_resource_in(BOUNDED, "      PermissionsBoundary: !Ref Boundary\n", ""));
    }
}
