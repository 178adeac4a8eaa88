//! Terraform resource types and what their references hold (`resource_types.tsv`, reviewed
//! by hand, one source per row); ARN formats come from the catalog.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::eval::{ACCOUNT, PARTITION};
use super::value::{Part, Str};
use crate::Catalog;

const TABLE: &str = include_str!("resource_types.tsv");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holds {
    Arn,
    Name,
    /// An SQS queue's URL.
    Url,
}

#[derive(Debug)]
pub(crate) struct Entry {
    /// `prefix:resource-type` in the catalog.
    pub iam_resource: &'static str,
    /// The argument that names the resource; `None`: the ARN holds a generated id.
    pub name_argument: Option<&'static str>,
    attributes: Vec<(&'static str, Holds)>,
}

impl Entry {
    pub fn attribute(&self, name: &str) -> Option<Holds> {
        self.attributes.iter().find(|(a, _)| *a == name).map(|(_, h)| *h)
    }
}

fn table() -> &'static HashMap<&'static str, Entry> {
    static TABLE_MAP: OnceLock<HashMap<&'static str, Entry>> = OnceLock::new();
    TABLE_MAP.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|line| {
                let columns: Vec<&str> = line.split('\t').collect();
                let [kind, iam_resource, name, attributes, ..] = columns[..] else { return None };
                let attributes = attributes
                    .split(',')
                    .filter_map(|a| {
                        let (name, what) = a.split_once(':')?;
                        let holds = match what {
                            "arn" => Holds::Arn,
                            "name" => Holds::Name,
                            "url" => Holds::Url,
                            _ => return None,
                        };
                        Some((name, holds))
                    })
                    .collect();
                let name_argument = (name != "-").then_some(name);
                Some((kind, Entry { iam_resource, name_argument, attributes }))
            })
            .collect()
    })
}

pub(crate) fn get(kind: &str) -> Option<&'static Entry> {
    table().get(kind)
}

/// The ARN format of an entry, from the catalog.
fn arn_format(entry: &Entry) -> Option<&'static str> {
    let (prefix, name) = entry.iam_resource.split_once(':')?;
    Some(Catalog::get().service(prefix)?.resource_type(name)?.arn)
}

/// What attribute `what` of a resource named `name` holds. (Pieces keep the name's own
/// pieces, unknown ones included; the caller attributes them all to the reference.)
pub(crate) fn value(entry: &Entry, what: Holds, name: &Str, region: &str) -> Str {
    let text = |value: &str| Part::Text { value: value.to_string(), host: 0..0, exact: false };
    let mut parts = Vec::new();
    match what {
        Holds::Name => parts.extend(name.parts.iter().cloned()),
        Holds::Url => {
            parts.push(text(&format!("https://sqs.{region}.amazonaws.com/{ACCOUNT}/")));
            parts.extend(name.parts.iter().cloned());
        }
        Holds::Arn => {
            let Some(mut format) = arn_format(entry) else {
                return Str { parts: vec![Part::Unknown { host: 0..0 }], host: 0..0 };
            };
            while let Some(start) = format.find("${") {
                parts.push(text(&format[..start]));
                let end = format[start..].find('}').map_or(format.len(), |e| start + e + 1);
                match &format[start..end] {
                    "${Partition}" => parts.push(text(PARTITION)),
                    "${Region}" => parts.push(text(region)),
                    "${Account}" => parts.push(text(ACCOUNT)),
                    placeholder => {
                        let mut name_parts = name.parts.clone();
                        // `parameter/${ParameterNameWithoutLeadingSlash}` of a name `/app/x`.
                        if placeholder.contains("WithoutLeadingSlash") {
                            if let Some(Part::Text { value, .. }) = name_parts.first_mut() {
                                *value = value.trim_start_matches('/').to_string();
                            }
                        }
                        parts.extend(name_parts);
                    }
                }
                format = &format[end..];
            }
            parts.push(text(format));
        }
    }
    parts.retain(|p| !matches!(p, Part::Text { value, .. } if value.is_empty()));
    Str { parts, host: 0..0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_names_a_resource_type_of_the_catalog_and_has_a_source() {
        let rows: Vec<&str> = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
        assert_eq!(rows.len(), table().len(), "a row is malformed or repeated");
        for row in rows {
            let columns: Vec<&str> = row.split('\t').collect();
            assert_eq!(columns.len(), 6, "{row}");
            let entry = get(columns[0]).unwrap();
            assert!(arn_format(entry).is_some(), "{} is not in the catalog", entry.iam_resource);
            assert!(entry
                .attribute("arn")
                .or(entry.attribute("agent_arn"))
                .or(entry.attribute("guardrail_arn"))
                .is_some());
            assert_eq!(entry.attributes.len(), columns[3].split(',').count(), "{row}");
            assert!(columns[4].starts_with("https://"), "{row}");
            assert_eq!(columns[5].len(), 10, "{row}");
        }
    }

    #[test]
    fn arns_are_the_catalog_format_filled_in() {
        let known = |s: Str| s.known().unwrap();
        let bucket = Str::synthetic("logs", 0..0);
        assert_eq!(known(value(get("aws_s3_bucket").unwrap(), Holds::Arn, &bucket, "eu-west-1")), "arn:aws:s3:::logs");
        let kb = Str::synthetic("kb", 0..0);
        let entry = get("aws_bedrockagent_knowledge_base").unwrap();
        assert_eq!(
            known(value(entry, Holds::Arn, &kb, "eu-west-1")),
            "arn:aws:bedrock:eu-west-1:123456789012:knowledge-base/kb"
        );
        let parameter = Str::synthetic("/app/db", 0..0);
        assert_eq!(
            known(value(get("aws_ssm_parameter").unwrap(), Holds::Arn, &parameter, "us-east-1")),
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/db"
        );
        let queue = Str::synthetic("jobs", 0..0);
        assert_eq!(
            known(value(get("aws_sqs_queue").unwrap(), Holds::Url, &queue, "us-east-1")),
            "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"
        );
    }
}
