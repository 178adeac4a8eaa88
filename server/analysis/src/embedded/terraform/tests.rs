use super::*;

/// The policies of a module as (name, kind, virtual JSON).
fn policies(text: &str) -> Vec<(String, PolicyKind, String)> {
    extract(text).policies.into_iter().map(|p| (p.name, p.kind, p.json.text().to_string())).collect()
}

/// The host text a JSON range of the only policy maps to, the range being where `needle` is in the JSON.
fn host_of<'t>(text: &'t str, policy: &EmbeddedPolicy, needle: &str) -> &'t str {
    let at = policy.json.text().find(needle).unwrap_or_else(|| panic!("{needle} not in {}", policy.json.text()));
    &text[policy.json.to_host(at..at + needle.len())]
}

#[test]
fn jsonencode_with_bare_keys() {
    let text = r#"resource "aws_iam_policy" "kb" {
  policy = jsonencode({
    Version = "2012-10-17"
    "Statement" = [{ Effect = "Allow", Action = ["bedrock:QueryKnowledgeBase"], Resource = "*" }]
  })
}
"#;
    let found = extract(text);
    assert_eq!(found.policies.len(), 1);
    let policy = &found.policies[0];
    assert_eq!(policy.kind, PolicyKind::Identity);
    assert_eq!(policy.name, "aws_iam_policy.kb");
    assert_eq!(policy.origin, "aws_iam_policy.kb policy (an identity-based policy)");
    assert_eq!(
        policy.json.text(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock:QueryKnowledgeBase"],"Resource":"*"}]}"#
    );
    assert_eq!(host_of(text, policy, "QueryKnowledgeBase"), "QueryKnowledgeBase");
    assert_eq!(host_of(text, policy, "Statement"), "Statement");
    assert_eq!(
        &text[policy.host.clone()],
        &text[text.find("{\n    Version").unwrap()..text.find("]\n  }").unwrap() + 5]
    );
}

#[test]
fn heredoc_and_quoted_json_with_interpolation() {
    let text = r#"variable "bucket" {
  default = "logs"
}
resource "aws_iam_role_policy" "r" {
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${var.bucket}/$${aws:username}/*"}]
    }
  EOT
}
resource "aws_sqs_queue_policy" "q" {
  policy = "{\"Version\": \"2012-10-17\", \"Statement\": []}"
}
"#;
    let found = extract(text);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let policy = &found.policies[0];
    assert_eq!(
        policy.json.text(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/${aws:username}/*"}]}"#
    );
    assert_eq!(host_of(text, policy, "logs"), "${var.bucket}");
    assert_eq!(host_of(text, policy, "GetObject"), "GetObject");
    assert_eq!(host_of(text, policy, "aws:username"), "aws:username");
    assert_eq!(found.policies[1].kind, PolicyKind::Resource);
    assert_eq!(found.policies[1].json.text(), r#"{"Version":"2012-10-17","Statement":[]}"#);
}

#[test]
fn policy_documents_render_as_terraform_does() {
    let text = r#"data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["bedrock.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}
resource "aws_iam_role" "agent" {
  name               = "agent"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
"#;
    let found = extract(text);
    let policy = &found.policies[0];
    assert_eq!(policy.kind, PolicyKind::Trust);
    assert_eq!(policy.name, "data.aws_iam_policy_document.trust");
    assert_eq!(
        policy.origin,
        "data.aws_iam_policy_document.trust, read by aws_iam_role.agent assume_role_policy (a role trust policy)"
    );
    assert_eq!(
        policy.json.text(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole"],"Principal":{"Service":["bedrock.amazonaws.com"]},"Condition":{"StringEquals":{"aws:SourceAccount":["123456789012"]}}}]}"#
    );
    assert_eq!(host_of(text, policy, "\"Action\""), "actions");
    assert_eq!(host_of(text, policy, "123456789012"), "data.aws_caller_identity.current.account_id");
    assert_eq!(host_of(text, policy, "bedrock.amazonaws.com"), "bedrock.amazonaws.com");
}

#[test]
fn source_and_override_documents_merge_by_sid() {
    let text = r#"data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "List"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "extra" {
  statement {
    sid     = "List"
    effect  = "Deny"
    actions = ["s3:ListBucket"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.extra.json, jsonencode({ Statement = [{ Sid = "New", Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }] })]
  statement {
    sid       = "Read"
    actions   = ["s3:GetObjectVersion"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.merged.json
}
"#;
    let found = policies(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].2,
        concat!(
            r#"{"Version":"2012-10-17","Statement":["#,
            r#"{"Sid":"Read","Effect":"Allow","Action":["s3:GetObjectVersion"],"Resource":["*"]},"#,
            r#"{"Sid":"List","Effect":"Deny","Action":["s3:ListBucket"],"Resource":["*"]},"#,
            r#"{"Sid":"New","Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}"#
        )
    );
}

#[test]
fn references_resolve_to_values_of_their_resource_type_or_stay_unknown() {
    let text = r#"provider "aws" {
  region = "eu-west-1"
}
locals {
  kb = aws_bedrockagent_knowledge_base.docs.arn
}
resource "aws_s3_bucket" "b" {
  bucket = "corpus"
}
resource "aws_iam_role_policy" "r" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "bedrock:Retrieve"]
      Resource = ["${aws_s3_bucket.b.arn}/*", local.kb, module.other.arn, "arn:${data.aws_partition.current.partition}:s3:::${var.missing}"]
    }]
  })
}
"#;
    let found = extract(text);
    let policy = &found.policies[0];
    assert_eq!(
        policy.json.text(),
        concat!(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","bedrock:Retrieve"],"#,
            r#""Resource":["arn:aws:s3:::corpus/*","arn:aws:bedrock:eu-west-1:123456789012:knowledge-base/DOCS012345","${iam-lsp:unknown}","arn:aws:s3:::${iam-lsp:unknown}"]}]}"#
        )
    );
    assert_eq!(host_of(text, policy, "arn:aws:s3:::corpus"), "${aws_s3_bucket.b.arn}");
    assert_eq!(host_of(text, policy, "knowledge-base/DOCS012345"), "local.kb");
    let unknown = policy.json.text().find("${iam-lsp").unwrap();
    assert!(policy.json.touches_unknown(unknown..unknown + 3));
    assert_eq!(host_of(text, policy, "${iam-lsp:unknown}"), "module.other.arn");
}

#[test]
fn kinds_follow_the_resource_argument() {
    let text = r#"resource "aws_organizations_policy" "scp" {
  content = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_organizations_policy" "rcp" {
  type    = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_organizations_policy" "tags" {
  type    = "TAG_POLICY"
  content = jsonencode({ tags = {} })
}
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  inline_policy {
    policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  }
}
resource "aws_kms_key" "k" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_lambda_permission" "p" {
  action = "lambda:InvokeFunction"
}
data "aws_iam_policy_document" "alone" {
  statement {
    actions = ["sqs:SendMessage"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
"#;
    let kinds: Vec<(String, PolicyKind)> = policies(text).into_iter().map(|(n, k, _)| (n, k)).collect();
    assert_eq!(
        kinds,
        vec![
            ("aws_organizations_policy.scp".into(), PolicyKind::Scp),
            ("aws_organizations_policy.rcp".into(), PolicyKind::Rcp),
            ("aws_iam_role.r".into(), PolicyKind::Trust),
            ("aws_iam_role.r".into(), PolicyKind::Identity),
            ("aws_kms_key.k".into(), PolicyKind::Resource),
            ("data.aws_iam_policy_document.alone".into(), PolicyKind::Resource),
        ]
    );
    assert!(policies(text)[5].2.contains(r#""Principal":"*""#));
}

#[test]
fn files_read_are_recorded_with_their_kind() {
    let text = r#"resource "aws_iam_role" "r" {
  assume_role_policy = file("${path.module}/trust.json")
}
resource "aws_iam_policy" "p" {
  policy = templatefile("policies/app.json.tpl", { bucket = "b" })
}
"#;
    let (found, files) = extract_with_files(text);
    assert!(found.policies.is_empty());
    let files: Vec<(&str, PolicyKind)> = files.iter().map(|f| (f.path.as_str(), f.kind)).collect();
    assert_eq!(files, vec![("trust.json", PolicyKind::Trust), ("policies/app.json.tpl", PolicyKind::Identity)]);
}

#[test]
fn a_syntax_error_is_reported_once_and_other_blocks_still_checked() {
    let text = r#"resource "aws_iam_policy" "a" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_iam_policy" "broken" {
  policy = jsonencode({ Version = 
}
resource "aws_iam_policy" "c" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
"#;
    let found = extract(text);
    assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
    let names: Vec<&str> = found.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["aws_iam_policy.a", "aws_iam_policy.c"]);
}

#[test]
fn text_without_aws_resources_costs_nothing() {
    assert!(extract("terraform {\n  required_version = \">= 1.5\"\n}\n").policies.is_empty());
    for text in ["", "{", "resource \"aws_iam_policy\" \"x\" {", "\u{feff}resource \"aws_x\" é {}", "aws_\r\n\"${"] {
        let found = extract(text);
        assert!(found.policies.is_empty());
    }
}

#[test]
fn policy_json_broken_inside_a_heredoc_is_a_host_error() {
    let text = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Version\": \"2012-10-17\" \"Statement\": []}\nEOF\n}\n";
    let found = extract(text);
    assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
    assert_eq!(found.policies.len(), 1);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    const MODULES: [&str; 3] = [
        include_str!("../../../../../tests/fixtures/terraform/bedrock-agent-broken.tf"),
        include_str!("../../../../../tests/fixtures/terraform/merged-documents-broken.tf"),
        include_str!("../../../../../tests/fixtures/terraform/organization-broken.tf"),
    ];

    /// Every range a module's extraction gives lies inside the text, on character boundaries.
    fn ranges_stay_inside(text: &str) -> Result<(), TestCaseError> {
        let inside = |r: &Range<usize>| r.start <= r.end && text.get(r.clone()).is_some();
        let found = extract(text);
        for error in &found.errors {
            prop_assert!(inside(&error.range), "{:?}", error);
        }
        for policy in &found.policies {
            prop_assert!(inside(&policy.host));
            let json = policy.json.text();
            prop_assert!(serde_json::from_str::<serde_json::Value>(json).is_ok(), "{json}");
            for (at, c) in json.char_indices() {
                prop_assert!(inside(&policy.json.to_host(at..at + c.len_utf8())));
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn edited_modules_are_extracted_without_panics(
            which in 0..MODULES.len(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..6, "[\"{}\\[\\]$%<>=,\\\\\n é🫣a-zEOT]{0,4}"), 1..5),
        ) {
            let mut text = MODULES[which].to_string();
            for (at, delete, insert) in edits {
                crate::properties::edit(&mut text, at, delete, &insert);
            }
            ranges_stay_inside(&text)?;
        }

        #[test]
        fn any_text_is_extracted_without_panics(text in "(resource \"aws_iam_policy\" \"p\" \\{|policy = |jsonencode\\(|<<-?EOT\n|EOT\n|\\$\\{|\\}|\"|[a-z_.]{1,8}|[\\[\\]{}(),=\n é\\\\])*") {
            ranges_stay_inside(&text)?;
        }
    }
}

/// Old-style `"${...}"` around a reference is the reference (serverless-patterns writes it).
#[test]
fn interpolation_only_string_is_the_reference() {
    let text = r#"data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = "${data.aws_iam_policy_document.trust.json}"
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = "${aws_iam_policy.other.policy}"
}
"#;
    let found = extract(text);
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let kinds: Vec<PolicyKind> = found.policies.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [PolicyKind::Trust]);
}

#[test]
fn a_policy_that_is_a_permissions_boundary_is_read_as_one() {
    let text = r#"resource "aws_iam_policy" "boundary" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
resource "aws_iam_policy" "attached" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_role" "app" {
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  inline_policy {
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  }
}
resource "aws_iam_role" "plain" {
  permissions_boundary = "arn:aws:iam::123456789012:policy/Plain"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
"#;
    let found: Vec<(PolicyKind, String)> = extract(text).policies.into_iter().map(|p| (p.kind, p.origin)).collect();
    let expected = [
        (
            PolicyKind::Boundary,
            "aws_iam_policy.boundary policy (a permissions boundary: the permissions_boundary of aws_iam_role.app)",
        ),
        (PolicyKind::Identity, "aws_iam_policy.attached policy (an identity-based policy)"),
        (
            PolicyKind::Trust,
            "aws_iam_role.app assume_role_policy (a role trust policy); the role's permissions boundary: `aws_iam_policy.boundary`",
        ),
        (
            PolicyKind::Identity,
            "aws_iam_role.app inline_policy (an identity-based policy); the role's permissions boundary: `aws_iam_policy.boundary`",
        ),
        (
            PolicyKind::Trust,
            "aws_iam_role.plain assume_role_policy (a role trust policy); the role's permissions boundary: `arn:aws:iam::123456789012:policy/Plain`",
        ),
    ];
    let expected: Vec<(PolicyKind, String)> = expected.iter().map(|(k, o)| (*k, o.to_string())).collect();
    assert_eq!(found, expected);
}

#[test]
fn a_policy_document_read_by_a_boundary_is_one() {
    let text = r#"data "aws_iam_policy_document" "boundary" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "boundary" {
  policy = data.aws_iam_policy_document.boundary.json
}
resource "aws_iam_user" "ops" {
  name                 = "ops"
  permissions_boundary = "${aws_iam_policy.boundary.arn}"
}
"#;
    let found: Vec<(PolicyKind, String)> = extract(text).policies.into_iter().map(|p| (p.kind, p.origin)).collect();
    assert_eq!(
        found,
        [(
            PolicyKind::Boundary,
            "data.aws_iam_policy_document.boundary, read by aws_iam_policy.boundary policy (a permissions boundary: the permissions_boundary of aws_iam_user.ops)"
                .to_string()
        )]
    );
}
