//! The evaluator's rules, one test per rule or operator, and properties that hold for any
//! policy the parser accepts.

use proptest::prelude::*;

use super::condition::{check, date};
use super::policy::Condition;
use super::*;

const USER: &str = "arn:aws:iam::111122223333:user/alice";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/AppRole/s1";
const ROLE: &str = "arn:aws:iam::111122223333:role/AppRole";
const BUCKET: &str = "arn:aws:s3:::amzn-s3-demo-bucket/report.csv";

fn holds(operator: &str, key: &str, values: &[&str], context: &[(&str, ContextValue)]) -> bool {
    let condition = Condition::new(operator, key, values.iter().map(|v| v.to_string()).collect());
    let context: Vec<(String, ContextValue)> = context.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    check(&[condition], &context, true).is_ok()
}

fn one(v: &str) -> ContextValue {
    ContextValue::single(v)
}

fn many(v: &[&str]) -> ContextValue {
    ContextValue::list(v.iter().copied())
}

fn p(json: &str) -> Policy {
    Policy::parse("p.json", json)
}

fn allow(action: &str, resource: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}]}}"#
    ))
}

fn deny(action: &str, resource: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"{action}","Resource":"{resource}"}}]}}"#
    ))
}

fn bucket_policy(principal: &str, effect: &str) -> Policy {
    p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Principal":{{"AWS":"{principal}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}}]}}"#
    ))
}

fn request(principal: &str, action: &str, resource: &str) -> Request {
    Request { principal: principal.into(), action: action.into(), resource: resource.into(), ..Request::default() }
}

fn decide(request: &Request, policies: &PolicySet) -> (Decision, Vec<PolicyType>) {
    let e = evaluate(request, policies);
    (e.decision, e.blocked_by)
}

// --- string operators ---

#[test]
fn string_equals_is_exact_and_case_sensitive() {
    assert!(holds(
        "StringEquals",
        "aws:RequestedRegion",
        &["us-east-1", "eu-west-1"],
        &[("aws:RequestedRegion", one("eu-west-1"))]
    ));
    assert!(!holds(
        "StringEquals",
        "aws:RequestedRegion",
        &["us-east-1"],
        &[("aws:RequestedRegion", one("US-EAST-1"))]
    ));
    assert!(!holds("StringEquals", "aws:RequestedRegion", &["us-*"], &[("aws:RequestedRegion", one("us-east-1"))]));
    // Keys are case-insensitive.
    assert!(holds("StringEquals", "AWS:requestedregion", &["us-east-1"], &[("aws:RequestedRegion", one("us-east-1"))]));
}

#[test]
fn string_not_equals_holds_when_no_value_matches_and_when_the_key_is_absent() {
    assert!(holds(
        "StringNotEquals",
        "aws:RequestedRegion",
        &["us-east-1"],
        &[("aws:RequestedRegion", one("us-west-2"))]
    ));
    assert!(!holds(
        "StringNotEquals",
        "aws:RequestedRegion",
        &["us-east-1", "us-west-2"],
        &[("aws:RequestedRegion", one("us-west-2"))]
    ));
    assert!(holds("StringNotEquals", "aws:RequestedRegion", &["us-east-1"], &[]));
}

#[test]
fn string_ignore_case_and_like() {
    assert!(holds(
        "StringEqualsIgnoreCase",
        "aws:PrincipalTag/team",
        &["Blue"],
        &[("aws:PrincipalTag/team", one("BLUE"))]
    ));
    assert!(!holds(
        "StringNotEqualsIgnoreCase",
        "aws:PrincipalTag/team",
        &["Blue"],
        &[("aws:PrincipalTag/team", one("blue"))]
    ));
    assert!(holds("StringLike", "s3:prefix", &["home/*"], &[("s3:prefix", one("home/alice/x"))]));
    assert!(holds("StringLike", "s3:prefix", &["home/?"], &[("s3:prefix", one("home/a"))]));
    assert!(!holds("StringLike", "s3:prefix", &["home/?"], &[("s3:prefix", one("home/ab"))]));
    assert!(holds("StringNotLike", "s3:prefix", &["home/*"], &[("s3:prefix", one("tmp/x"))]));
    assert!(!holds("StringNotLike", "s3:prefix", &["home/*"], &[("s3:prefix", one("home/x"))]));
}

// --- numeric, date, bool, binary, IP, ARN ---

#[test]
fn numeric_operators_read_text() {
    let age = |v: &str| vec![("aws:MultiFactorAuthAge", one(v))];
    assert!(holds("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"], &age("15")));
    assert!(!holds("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"], &age("3600")));
    assert!(holds("NumericLessThanEquals", "aws:MultiFactorAuthAge", &["3600"], &age("3600")));
    assert!(holds("NumericGreaterThan", "aws:MultiFactorAuthAge", &["10"], &age("10.5")));
    assert!(holds("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", &["10"], &age("10")));
    assert!(holds("NumericEquals", "aws:MultiFactorAuthAge", &["10"], &age("10.0")));
    assert!(holds("NumericNotEquals", "aws:MultiFactorAuthAge", &["10"], &age("11")));
    // Text that is not a number matches neither way.
    assert!(!holds("NumericEquals", "aws:MultiFactorAuthAge", &["10"], &age("ten")));
    assert!(!holds("NumericNotEquals", "aws:MultiFactorAuthAge", &["10"], &age("ten")));
}

#[test]
fn date_operators_read_iso_8601_and_epoch_seconds() {
    assert_eq!(date("1970-01-02T00:00:00Z"), Some(86_400.0));
    assert_eq!(date("1970-01-01T01:00:00+01:00"), Some(0.0));
    assert_eq!(date("2020-03-01"), date("2020-02-29T24:00:00Z"));
    assert_eq!(date("86400"), Some(86_400.0));
    let now = |v: &str| vec![("aws:CurrentTime", one(v))];
    assert!(holds("DateLessThan", "aws:CurrentTime", &["2020-01-01T00:00:00Z"], &now("2019-12-31T23:59:59Z")));
    assert!(!holds("DateLessThan", "aws:CurrentTime", &["2020-01-01T00:00:00Z"], &now("2020-01-01T00:00:00Z")));
    assert!(holds("DateLessThanEquals", "aws:CurrentTime", &["2020-01-01"], &now("2020-01-01T00:00:00Z")));
    assert!(holds("DateGreaterThan", "aws:CurrentTime", &["2020-01-01"], &now("1577836801")));
    assert!(holds("DateGreaterThanEquals", "aws:CurrentTime", &["2020-01-01"], &now("2020-01-01")));
    assert!(holds("DateEquals", "aws:CurrentTime", &["2020-01-01T00:00:00.000Z"], &now("2020-01-01T00:00:00Z")));
    assert!(holds("DateNotEquals", "aws:CurrentTime", &["2020-01-01"], &now("2021-01-01")));
    assert!(!holds("DateEquals", "aws:CurrentTime", &["2020-01-01"], &now("yesterday")));
}

#[test]
fn bool_binary_and_ip_address() {
    assert!(holds("Bool", "aws:SecureTransport", &["true"], &[("aws:SecureTransport", one("TRUE"))]));
    assert!(!holds("Bool", "aws:SecureTransport", &["true"], &[("aws:SecureTransport", one("false"))]));
    assert!(!holds("Bool", "aws:SecureTransport", &["true"], &[("aws:SecureTransport", one("yes"))]));
    assert!(holds("BinaryEquals", "key", &["QmluYXJ5VmFsdWU="], &[("key", one("QmluYXJ5VmFsdWU="))]));
    assert!(!holds("BinaryEquals", "key", &["QmluYXJ5VmFsdWU="], &[("key", one("QmluYXJ5"))]));
    let ip = |v: &str| vec![("aws:SourceIp", one(v))];
    assert!(holds("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &ip("203.0.113.77")));
    assert!(!holds("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &ip("198.51.100.1")));
    assert!(holds("IpAddress", "aws:SourceIp", &["2001:DB8:1234:5678::/64"], &ip("2001:db8:1234:5678::1")));
    assert!(holds("IpAddress", "aws:SourceIp", &["203.0.113.5"], &ip("203.0.113.5")));
    assert!(holds("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"], &ip("198.51.100.1")));
    assert!(!holds("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"], &ip("203.0.113.1")));
    assert!(!holds("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &ip("2001:db8::1")));
}

#[test]
fn arn_operators_match_part_by_part() {
    let src = |v: &str| vec![("aws:SourceArn", one(v))];
    let topic = "arn:aws:sns:us-east-1:111122223333:topic";
    assert!(holds("ArnEquals", "aws:SourceArn", &[topic], &src(topic)));
    assert!(holds("ArnLike", "aws:SourceArn", &["arn:aws:sns:*:111122223333:*"], &src(topic)));
    assert!(holds("ArnEquals", "aws:SourceArn", &["arn:aws:sns:*:111122223333:*"], &src(topic)));
    // A wildcard in one part does not reach across a colon into the next.
    assert!(!holds("ArnLike", "aws:SourceArn", &["arn:aws:sns:us-*"], &src(topic)));
    assert!(!holds("ArnLike", "aws:SourceArn", &["arn:aws:sns:*:444455556666:*"], &src(topic)));
    assert!(holds("ArnNotEquals", "aws:SourceArn", &["arn:aws:sns:*:444455556666:*"], &src(topic)));
    assert!(!holds("ArnNotLike", "aws:SourceArn", &["arn:aws:sns:*:*:*"], &src(topic)));
}

// --- Null, IfExists, set operators ---

#[test]
fn null_tests_whether_the_key_is_present() {
    assert!(holds("Null", "aws:TokenIssueTime", &["true"], &[]));
    assert!(!holds("Null", "aws:TokenIssueTime", &["true"], &[("aws:TokenIssueTime", one("2020-01-01"))]));
    assert!(holds("Null", "aws:TokenIssueTime", &["false"], &[("aws:TokenIssueTime", one("2020-01-01"))]));
    assert!(!holds("Null", "aws:TokenIssueTime", &["false"], &[]));
}

#[test]
fn if_exists_holds_when_the_key_is_absent() {
    assert!(holds("StringEqualsIfExists", "ec2:InstanceType", &["t2.micro"], &[]));
    assert!(!holds(
        "StringEqualsIfExists",
        "ec2:InstanceType",
        &["t2.micro"],
        &[("ec2:InstanceType", one("m5.large"))]
    ));
    assert!(!holds("StringEquals", "ec2:InstanceType", &["t2.micro"], &[]));
    assert!(holds("NumericLessThanIfExists", "k", &["1"], &[]));
    assert!(holds("StringNotEqualsIfExists", "k", &["a"], &[]));
}

#[test]
fn for_all_values_and_for_any_value() {
    let tags = |v: &[&str]| vec![("aws:TagKeys", many(v))];
    let allowed = ["environment", "cost-center"];
    assert!(holds("ForAllValues:StringEquals", "aws:TagKeys", &allowed, &tags(&["environment"])));
    assert!(!holds("ForAllValues:StringEquals", "aws:TagKeys", &allowed, &tags(&["environment", "owner"])));
    // ForAllValues holds on an absent key and an empty set; ForAnyValue does not.
    assert!(holds("ForAllValues:StringEquals", "aws:TagKeys", &allowed, &[]));
    assert!(holds("ForAllValues:StringEquals", "aws:TagKeys", &allowed, &tags(&[])));
    assert!(!holds("ForAnyValue:StringEquals", "aws:TagKeys", &allowed, &[]));
    assert!(holds("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", &allowed, &[]));
    assert!(holds("ForAnyValue:StringEquals", "aws:TagKeys", &allowed, &tags(&["owner", "cost-center"])));
    assert!(!holds("ForAnyValue:StringEquals", "aws:TagKeys", &allowed, &tags(&["owner"])));
    assert!(holds("ForAllValues:StringNotEquals", "aws:TagKeys", &allowed, &tags(&["owner"])));
    assert!(!holds("ForAllValues:StringNotEquals", "aws:TagKeys", &allowed, &tags(&["owner", "environment"])));
    assert!(holds("ForAnyValue:StringNotEquals", "aws:TagKeys", &allowed, &tags(&["owner", "environment"])));
    assert!(holds("ForAllValues:StringLike", "aws:TagKeys", &["env*"], &tags(&["env", "environment"])));
}

#[test]
fn an_unknown_operator_never_holds() {
    assert!(!holds("StringEqualz", "k", &["a"], &[("k", one("a"))]));
    assert!(!holds("NullIfExists", "k", &["true"], &[]));
}

// --- variables ---

#[test]
fn policy_variables_in_resources_and_conditions() {
    let policy = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}"#,
    );
    let set = PolicySet { identity: vec![policy], ..PolicySet::default() };
    let mine = request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/a.txt");
    let theirs = request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/a.txt");
    assert_eq!(decide(&mine, &set).0, Decision::Allowed);
    assert_eq!(decide(&theirs, &set).0, Decision::ImplicitlyDenied);
    // Without the 2012-10-17 version, `${...}` is literal text.
    let old = p(
        r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}"#,
    );
    assert_eq!(decide(&mine, &PolicySet { identity: vec![old], ..PolicySet::default() }).0, Decision::ImplicitlyDenied);
    // A tag value substituted is literal, not a wildcard; a default fills in a missing key.
    let tagged = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'shared'}/*"}]}"#,
    );
    let set = PolicySet { identity: vec![tagged], ..PolicySet::default() };
    let mut star = request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/blue/x");
    star.context.push(("aws:PrincipalTag/team".into(), one("*")));
    assert_eq!(decide(&star, &set).0, Decision::ImplicitlyDenied);
    let shared = request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/shared/x");
    assert_eq!(decide(&shared, &set).0, Decision::Allowed);
    assert!(holds(
        "StringEquals",
        "s3:prefix",
        &["${aws:username}/"],
        &[("s3:prefix", one("alice/")), ("aws:username", one("alice"))]
    ));
    assert!(holds("StringEquals", "k", &["a${*}b${?}c${$}"], &[("k", one("a*b?c$"))]));
    assert!(!holds("StringLike", "k", &["a${*}"], &[("k", one("ab"))]));
    assert!(!holds("StringEquals", "k", &["${aws:username}"], &[("k", one(""))]));
}

// --- actions, resources, principals ---

#[test]
fn actions_ignore_case_and_take_wildcards_and_not_action() {
    let set = PolicySet { identity: vec![allow("S3:get*", "*")], ..PolicySet::default() };
    assert_eq!(decide(&request(USER, "s3:GetObject", BUCKET), &set).0, Decision::Allowed);
    assert_eq!(decide(&request(USER, "s3:PutObject", BUCKET), &set).0, Decision::ImplicitlyDenied);
    // A NotAction with an unknown action matches every action.
    let not =
        p(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:NoSuchThing","Resource":"*"}]}"#);
    let set = PolicySet { identity: vec![allow("*", "*"), not], ..PolicySet::default() };
    assert_eq!(decide(&request(USER, "s3:GetObject", BUCKET), &set).0, Decision::ExplicitlyDenied);
}

#[test]
fn resources_match_arn_part_by_part() {
    let set = |r: &str| PolicySet { identity: vec![allow("sns:Publish", r)], ..PolicySet::default() };
    let topic = "arn:aws:sns:us-east-1:111122223333:alerts";
    let ask = request(USER, "sns:Publish", topic);
    assert_eq!(decide(&ask, &set("arn:aws:sns:*:111122223333:*")).0, Decision::Allowed);
    assert_eq!(decide(&ask, &set("arn:aws:sns:us-east-1:*")).0, Decision::ImplicitlyDenied);
    assert_eq!(decide(&ask, &set("arn:aws:sns:*:444455556666:*")).0, Decision::ImplicitlyDenied);
}

/// A `*` ending the account may reach across colons; the resource part is read the same
/// with or without it (every `*` in it any text), as the checks read it
/// (`pattern::ArnResource`): the two agree on which statements can grant a log stream.
#[test]
fn the_resource_part_reads_alike_whether_or_not_the_account_star_spans() {
    let set = |r: &str| PolicySet { identity: vec![allow("logs:GetLogEvents", r)], ..PolicySet::default() };
    let stream = "arn:aws:logs:us-east-1:111122223333:log-group:/aws-glue/jobs:log-stream:run-1";
    let ask = request(USER, "logs:GetLogEvents", stream);
    // Not spanning: the resource part's middle `*` takes `jobs:log-stream:run`.
    assert_eq!(decide(&ask, &set("arn:aws:logs:*:111122223333:log-group:/aws-glue/*-1")).0, Decision::Allowed);
    // Spanning (the account's `*` takes `111122223333:log-group`): the same reading.
    assert_eq!(decide(&ask, &set("arn:aws:logs:*:*:/aws-glue/*-1")).0, Decision::Allowed);
    assert_eq!(decide(&ask, &set("arn:aws:logs:*:*:/aws-glue/*-2")).0, Decision::ImplicitlyDenied);
    // A `*` inside the account still stays in it.
    assert_eq!(decide(&ask, &set("arn:aws:logs:*:1111*3333:/aws-glue/*")).0, Decision::ImplicitlyDenied);
}

#[test]
fn a_resource_pattern_in_the_request_is_allowed_on_overlap_and_denied_on_cover() {
    let any = request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*");
    let allow_some = PolicySet {
        identity: vec![allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/public/*")],
        ..PolicySet::default()
    };
    assert_eq!(decide(&any, &allow_some).0, Decision::Allowed);
    let deny_some = PolicySet {
        identity: vec![allow("s3:*", "*"), deny("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/secret/*")],
        ..PolicySet::default()
    };
    assert_eq!(decide(&any, &deny_some).0, Decision::Allowed);
    let deny_all = PolicySet {
        identity: vec![allow("s3:*", "*"), deny("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*")],
        ..PolicySet::default()
    };
    assert_eq!(decide(&any, &deny_all).0, Decision::ExplicitlyDenied);
}

#[test]
fn actions_that_take_no_resource_match_only_resource_star() {
    let set = PolicySet { identity: vec![allow("s3:ListAllMyBuckets", "arn:aws:s3:::*")], ..PolicySet::default() };
    let e = evaluate(&request(USER, "s3:ListAllMyBuckets", "*"), &set);
    assert_eq!(e.decision, Decision::ImplicitlyDenied);
    assert!(e.statements[0].why_not().unwrap_or_default().contains("takes no resource"));
    let set = PolicySet { identity: vec![allow("s3:ListAllMyBuckets", "*")], ..PolicySet::default() };
    assert_eq!(decide(&request(USER, "s3:ListAllMyBuckets", "*"), &set).0, Decision::Allowed);
}

// --- combining policy types ---

#[test]
fn explicit_deny_wins_everywhere() {
    let set = PolicySet { identity: vec![allow("s3:*", "*"), deny("s3:GetObject", "*")], ..PolicySet::default() };
    assert_eq!(
        decide(&request(USER, "s3:GetObject", BUCKET), &set),
        (Decision::ExplicitlyDenied, vec![PolicyType::Identity])
    );
}

#[test]
fn same_account_identity_or_resource_policy_grants() {
    let by_resource = PolicySet { resource: Some(bucket_policy(USER, "Allow")), ..PolicySet::default() };
    assert_eq!(decide(&request(USER, "s3:GetObject", BUCKET), &by_resource).0, Decision::Allowed);
    let neither = PolicySet {
        resource: Some(bucket_policy("arn:aws:iam::111122223333:user/bob", "Allow")),
        ..PolicySet::default()
    };
    assert_eq!(
        decide(&request(USER, "s3:GetObject", BUCKET), &neither),
        (Decision::ImplicitlyDenied, vec![PolicyType::Identity, PolicyType::Resource])
    );
}

#[test]
fn a_boundary_limits_identity_policies_and_role_arn_grants_but_not_session_grants() {
    let boundary = Some(allow("ec2:*", "*"));
    let identity = PolicySet { identity: vec![allow("s3:*", "*")], boundary: boundary.clone(), ..PolicySet::default() };
    assert_eq!(
        decide(&request(SESSION, "s3:GetObject", BUCKET), &identity),
        (Decision::ImplicitlyDenied, vec![PolicyType::Boundary])
    );
    let role_named =
        PolicySet { resource: Some(bucket_policy(ROLE, "Allow")), boundary: boundary.clone(), ..PolicySet::default() };
    assert_eq!(
        decide(&request(SESSION, "s3:GetObject", BUCKET), &role_named),
        (Decision::ImplicitlyDenied, vec![PolicyType::Boundary])
    );
    let session_named = PolicySet {
        resource: Some(bucket_policy(SESSION, "Allow")),
        boundary: boundary.clone(),
        ..PolicySet::default()
    };
    assert_eq!(decide(&request(SESSION, "s3:GetObject", BUCKET), &session_named).0, Decision::Allowed);
    let user_named = PolicySet { resource: Some(bucket_policy(USER, "Allow")), boundary, ..PolicySet::default() };
    assert_eq!(decide(&request(USER, "s3:GetObject", BUCKET), &user_named).0, Decision::Allowed);
}

#[test]
fn a_session_policy_limits_like_a_boundary() {
    let set = PolicySet {
        identity: vec![allow("s3:*", "*")],
        session: Some(allow("s3:PutObject", "*")),
        ..PolicySet::default()
    };
    assert_eq!(
        decide(&request(SESSION, "s3:GetObject", BUCKET), &set),
        (Decision::ImplicitlyDenied, vec![PolicyType::Session])
    );
    assert_eq!(decide(&request(SESSION, "s3:PutObject", BUCKET), &set).0, Decision::Allowed);
}

#[test]
fn cross_account_needs_both_sides() {
    let other = "arn:aws:iam::444455556666:user/carol";
    let only_identity = PolicySet { identity: vec![allow("s3:GetObject", "*")], ..PolicySet::default() };
    let mut ask = request(other, "s3:GetObject", BUCKET);
    ask.resource_account = Some("111122223333".into());
    assert_eq!(decide(&ask, &only_identity), (Decision::ImplicitlyDenied, vec![PolicyType::Resource]));
    let only_resource = PolicySet { resource: Some(bucket_policy("444455556666", "Allow")), ..PolicySet::default() };
    assert_eq!(decide(&ask, &only_resource), (Decision::ImplicitlyDenied, vec![PolicyType::Identity]));
    let both = PolicySet { resource: Some(bucket_policy("444455556666", "Allow")), ..only_identity };
    assert_eq!(decide(&ask, &both).0, Decision::Allowed);
}

#[test]
fn scps_need_an_allow_at_every_level_and_spare_the_management_account_and_service_linked_roles() {
    let full = allow("*", "*");
    let set = PolicySet {
        identity: vec![allow("s3:*", "*")],
        scp: vec![vec![full.clone()], vec![allow("ec2:*", "*")], vec![full.clone()]],
        ..PolicySet::default()
    };
    assert_eq!(
        decide(&request(USER, "s3:GetObject", BUCKET), &set),
        (Decision::ImplicitlyDenied, vec![PolicyType::Scp])
    );
    let managed = PolicySet { management_account: Some("111122223333".into()), ..set.clone() };
    assert_eq!(decide(&request(USER, "s3:GetObject", BUCKET), &managed).0, Decision::Allowed);
    let slr = "arn:aws:iam::111122223333:role/aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps";
    assert_eq!(decide(&request(slr, "s3:GetObject", BUCKET), &set).0, Decision::Allowed);
}

#[test]
fn rcps_only_deny_because_every_level_has_full_access() {
    let rcp = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}]}"#,
    );
    let set = PolicySet { identity: vec![allow("s3:*", "*")], rcp: vec![vec![rcp]], ..PolicySet::default() };
    let mut ask = request(USER, "s3:GetObject", BUCKET);
    assert_eq!(decide(&ask, &set), (Decision::ExplicitlyDenied, vec![PolicyType::Rcp]));
    ask.context.push(("aws:PrincipalOrgID".into(), one("o-abc")));
    assert_eq!(decide(&ask, &set).0, Decision::Allowed);
}

#[test]
fn trust_and_key_policies_must_allow_explicitly() {
    let identity =
        PolicySet { identity: vec![allow("sts:AssumeRole", "*"), allow("kms:Decrypt", "*")], ..PolicySet::default() };
    let assume = request(USER, "sts:AssumeRole", "arn:aws:iam::111122223333:role/Target");
    assert_eq!(decide(&assume, &identity), (Decision::ImplicitlyDenied, vec![PolicyType::Resource]));
    let trust = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#,
    );
    let delegated = PolicySet { resource: Some(trust.clone()), ..identity.clone() };
    assert_eq!(decide(&assume, &delegated).0, Decision::Allowed);
    // The root principal delegates: without the identity policy, no.
    let trust_only = PolicySet { resource: Some(trust), ..PolicySet::default() };
    assert_eq!(decide(&assume, &trust_only), (Decision::ImplicitlyDenied, vec![PolicyType::Identity]));
    let key =
        request(USER, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    assert_eq!(decide(&key, &identity), (Decision::ImplicitlyDenied, vec![PolicyType::Resource]));
}

#[test]
fn not_principal_with_deny_catches_principals_with_a_boundary() {
    let policy = p(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{SESSION}"}},"Action":"s3:GetObject","Resource":"*"}},{{"Effect":"Deny","NotPrincipal":{{"AWS":["{SESSION}","arn:aws:iam::111122223333:root"]}},"Action":"s3:*","Resource":"*"}}]}}"#
    ));
    let ask = request(SESSION, "s3:GetObject", BUCKET);
    let without = PolicySet { resource: Some(policy.clone()), ..PolicySet::default() };
    assert_eq!(decide(&ask, &without).0, Decision::Allowed);
    let with = PolicySet { resource: Some(policy), boundary: Some(allow("s3:*", "*")), ..PolicySet::default() };
    assert_eq!(decide(&ask, &with), (Decision::ExplicitlyDenied, vec![PolicyType::Resource]));
}

#[test]
fn rules_beyond_the_policies() {
    let deny_all = PolicySet { identity: vec![deny("*", "*")], ..PolicySet::default() };
    assert_eq!(decide(&request(USER, "sts:GetCallerIdentity", "*"), &deny_all).0, Decision::Allowed);
    let admin = PolicySet { identity: vec![allow("*", "*")], ..PolicySet::default() };
    let managed = request(USER, "iam:CreatePolicyVersion", "arn:aws:iam::aws:policy/AdministratorAccess");
    assert_eq!(decide(&managed, &admin).0, Decision::ImplicitlyDenied);
    let reserved = request(
        USER,
        "iam:DeleteRole",
        "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1",
    );
    assert_eq!(decide(&reserved, &admin).0, Decision::ImplicitlyDenied);
    let alias = request(USER, "kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/aws/s3");
    assert_eq!(decide(&alias, &admin).0, Decision::ImplicitlyDenied);
}

#[test]
fn a_report_says_which_condition_failed_and_why() {
    let scp = p(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}]}"#,
    );
    let set =
        PolicySet { identity: vec![allow("*", "*")], scp: vec![vec![allow("*", "*"), scp]], ..PolicySet::default() };
    let mut ask = request(SESSION, "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/m");
    ask.context.push(("aws:RequestedRegion".into(), one("us-east-1")));
    let e = evaluate(&ask, &set);
    assert_eq!(e.decision, Decision::Allowed);
    let statement = e.statements.iter().find(|s| s.sid == Some("DenyOtherRegions")).unwrap();
    let failure = statement.condition_failure.as_ref().unwrap();
    assert_eq!((failure.operator, failure.key), ("StringNotEquals", "aws:RequestedRegion"));
    assert_eq!(failure.reason(), "`aws:RequestedRegion` is `us-east-1`; `StringNotEquals` [`us-east-1`]");
    ask.context[0].1 = one("us-west-2");
    let e = evaluate(&ask, &set);
    assert_eq!((e.decision, e.blocked_by), (Decision::ExplicitlyDenied, vec![PolicyType::Scp]));
}

// --- properties ---

fn statement_strategy() -> impl Strategy<Value = String> {
    let effect = prop::sample::select(vec!["Allow", "Deny"]);
    let action = prop::sample::select(vec![
        "\"s3:GetObject\"",
        "\"s3:*\"",
        "\"*\"",
        "\"ec2:*\"",
        "[\"s3:Put*\",\"s3:Get*\"]",
        "\"bad action\"",
    ]);
    let action_key = prop::sample::select(vec!["Action", "NotAction"]);
    let resource = prop::sample::select(vec![
        "\"*\"",
        "\"arn:aws:s3:::amzn-s3-demo-bucket/*\"",
        "\"arn:aws:s3:::other/*\"",
        "\"arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}\"",
    ]);
    let resource_key = prop::sample::select(vec!["Resource", "NotResource"]);
    let condition = prop::sample::select(vec![
        "",
        r#","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#,
        r#","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}"#,
        r#","Condition":{"Bool":{"aws:SecureTransport":"true"}}"#,
        r#","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
        r#","Condition":{"Null":{"aws:PrincipalTag/team":"true"}}"#,
    ]);
    let principal = prop::sample::select(vec![
        "",
        r#","Principal":"*""#,
        r#","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"}"#,
        r#","Principal":{"AWS":"111122223333"}"#,
        r#","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"}"#,
    ]);
    (effect, action_key, action, resource_key, resource, condition, principal)
        .prop_map(|(e, ak, a, rk, r, c, p)| format!(r#"{{"Effect":"{e}","{ak}":{a},"{rk}":{r}{c}{p}}}"#))
}

fn policy_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(statement_strategy(), 0..4)
        .prop_map(|s| format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, s.join(",")))
}

fn request_strategy() -> impl Strategy<Value = Request> {
    let principal = prop::sample::select(vec![
        USER,
        SESSION,
        "arn:aws:iam::444455556666:user/carol",
        "bedrock.amazonaws.com",
        "arn:aws:iam::111122223333:root",
    ]);
    let action = prop::sample::select(vec![
        "s3:GetObject",
        "s3:PutObject",
        "ec2:RunInstances",
        "s3:ListAllMyBuckets",
        "kms:Decrypt",
    ]);
    let resource =
        prop::sample::select(vec![BUCKET, "arn:aws:s3:::other/x", "*", "arn:aws:s3:::amzn-s3-demo-bucket/*"]);
    let region = prop::sample::select(vec![None, Some("us-east-1"), Some("us-west-2")]);
    (principal, action, resource, region).prop_map(|(p, a, r, region)| {
        let mut request = request(p, a, r);
        request.resource_account = Some("111122223333".into());
        if let Some(region) = region {
            request.context.push(("aws:RequestedRegion".into(), one(region)));
        }
        request
    })
}

fn set_strategy() -> impl Strategy<Value = (PolicySet, bool)> {
    (
        prop::collection::vec(policy_strategy(), 0..3),
        prop::option::of(policy_strategy()),
        prop::option::of(policy_strategy()),
        prop::option::of(policy_strategy()),
        prop::collection::vec(policy_strategy(), 0..2),
    )
        .prop_map(|(identity, boundary, session, resource, scp)| {
            let set = PolicySet {
                identity: identity.iter().map(|t| p(t)).collect(),
                boundary: boundary.map(|t| p(&t)),
                session: session.map(|t| p(&t)),
                resource: resource.map(|t| p(&t)),
                scp: scp.iter().map(|t| vec![p(t)]).collect(),
                ..PolicySet::default()
            };
            let has_scp = !set.scp.is_empty();
            (set, has_scp)
        })
}

/// Adds a policy's statements to another (the resource policy is one document), or sets it.
fn add_statements(to: &mut Option<Policy>, extra: Policy) {
    match to {
        Some(policy) => policy.statements.extend(extra.statements),
        None => *to = Some(extra),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Reporting every element changes no decision, and keeps what the fast path reports.
    #[test]
    fn every_part_gives_the_same_answer(request in request_strategy(), (set, _) in set_strategy()) {
        let fast = evaluate(&request, &set);
        let full = super::evaluate_every_part(&request, &set);
        prop_assert_eq!(fast.decision, full.decision);
        prop_assert_eq!(&fast.blocked_by, &full.blocked_by);
        prop_assert_eq!(fast.statements.len(), full.statements.len());
        for (f, a) in fast.statements.iter().zip(&full.statements) {
            prop_assert_eq!(f.applies, a.applies);
            prop_assert_eq!(&f.action, &a.action);
            prop_assert!(a.resource.is_some());
            if f.action.matched {
                prop_assert_eq!(f, a);
            }
        }
    }

    #[test]
    fn adding_an_allow_never_turns_allowed_into_denied((set, _) in set_strategy(), request in request_strategy(), extra in policy_strategy()) {
        let before = evaluate(&request, &set).decision;
        let allows_only = extra.replace("\"Deny\"", "\"Allow\"");
        for place in 0..3 {
            let mut more = set.clone();
            match place {
                0 => more.identity.push(p(&allows_only)),
                1 => add_statements(&mut more.resource, p(&allows_only)),
                _ => if let Some(level) = more.scp.first_mut() { level.push(p(&allows_only)) },
            }
            if before == Decision::Allowed {
                prop_assert_eq!(evaluate(&request, &more).decision, Decision::Allowed);
            }
        }
    }

    #[test]
    fn adding_a_deny_never_turns_denied_into_allowed((set, _) in set_strategy(), request in request_strategy(), extra in policy_strategy()) {
        let before = evaluate(&request, &set).decision;
        let denies_only = extra.replace("\"Allow\"", "\"Deny\"");
        let mut more = set.clone();
        more.identity.push(p(&denies_only));
        add_statements(&mut more.resource, p(&denies_only));
        add_statements(&mut more.boundary, p(&denies_only));
        if before != Decision::Allowed {
            prop_assert_ne!(evaluate(&request, &more).decision, Decision::Allowed);
        }
    }

    #[test]
    fn a_boundary_or_session_policy_never_grants((set, _) in set_strategy(), request in request_strategy(), extra in policy_strategy()) {
        let mut without = set.clone();
        without.boundary = None;
        without.session = None;
        let base = evaluate(&request, &without).decision;
        let mut with = without.clone();
        with.boundary = Some(p(&extra));
        with.session = Some(p(&extra));
        if base != Decision::Allowed {
            prop_assert_ne!(evaluate(&request, &with).decision, Decision::Allowed);
        }
    }

    #[test]
    fn no_policy_the_parser_accepts_makes_it_panic(text in crate::properties::policy_like(), request in request_strategy()) {
        let policy = p(&text);
        let set = PolicySet {
            identity: vec![policy.clone()],
            boundary: Some(policy.clone()),
            session: Some(policy.clone()),
            resource: Some(policy.clone()),
            vpc_endpoint: Some(policy.clone()),
            scp: vec![vec![policy.clone()]],
            rcp: vec![vec![policy]],
            management_account: None,
            scp_names: vec![Some("OU ${?}".into())],
            rcp_names: Vec::new(),
        };
        let _ = evaluate(&request, &set);
    }
}

/// The issue's wording: "denied by statement `DenyOtherRegions` of the SCP at OU `Workloads`".
#[test]
fn organization_levels_are_named_by_their_place_or_as_given() {
    use super::{level_name, level_phrase};
    let names: Vec<String> = (0..4).map(|l| level_name(None, 4, l).into_owned()).collect();
    assert_eq!(names, ["root", "OU 1", "OU 2", "account"]);
    // Two levels: the second is an OU, unless its name says otherwise.
    assert_eq!(level_name(None, 2, 1), "OU 1");
    assert_eq!(level_name(Some("Workloads"), 2, 1), "OU Workloads");
    assert_eq!(level_name(Some("account 111122223333"), 2, 1), "account 111122223333");
    assert_eq!(level_name(Some("r-abcd"), 3, 0), "root r-abcd");
    assert_eq!(level_name(Some(" "), 3, 2), "account");
    let phrases: Vec<String> =
        ["root", "OU 1", "account", "OU Workloads", "root r-abcd", "OU"].iter().map(|n| level_phrase(n)).collect();
    assert_eq!(phrases, ["the root", "OU 1", "the account", "OU `Workloads`", "root `r-abcd`", "an OU"]);

    let set = PolicySet {
        identity: vec![allow("*", "*")],
        scp: vec![vec![allow("*", "*")], vec![allow("*", "*"), deny("s3:*", "*")], vec![allow("s3:*", "*")]],
        scp_names: vec![None, Some("Workloads".into())],
        ..PolicySet::default()
    };
    let e = evaluate(&request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k"), &set);
    let denying: Vec<String> = e.denying().map(|d| d.describe()).collect();
    assert_eq!(denying, ["statement 1 of the service control policy `p.json` at OU `Workloads`"]);
    let levels: Vec<Option<&str>> = e.statements.iter().map(|s| s.level_name.as_deref()).collect();
    assert_eq!(levels, [Some("root"), Some("OU Workloads"), Some("OU Workloads"), Some("account"), None]);
    let blocked = PolicySet { scp: vec![vec![allow("*", "*")], vec![allow("ec2:*", "*")]], ..set };
    let e = evaluate(&request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k"), &blocked);
    assert!(e.notes.iter().any(|n| n == "no SCP at OU `Workloads` allows the action"), "{:?}", e.notes);
}

/// The issue: "for every statement of every policy, whether its action, resource,
/// principal and condition matched, with the reason when not".
#[test]
fn every_part_of_every_statement_is_reported_with_its_reason() {
    let policy = p(r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Other","Effect":"Allow","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*",
         "Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}},
        {"Sid":"Near","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other-bucket/*"}]}"#);
    let set = PolicySet { identity: vec![policy], ..PolicySet::default() };
    let mut ask = request(USER, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k");
    ask.context.push(("aws:RequestedRegion".into(), ContextValue::single("us-east-1")));
    // The fast path stops at the action.
    let fast = evaluate(&ask, &set);
    assert_eq!(fast.statements[0].resource, None);
    let full = super::evaluate_every_part(&ask, &set);
    assert_eq!(full.decision, fast.decision);
    let other = &full.statements[0];
    assert!(!other.action.matched && !other.resource.as_ref().unwrap().matched);
    assert!(!other.condition.as_ref().unwrap().matched);
    assert_eq!(
        other.every_why_not(),
        [
            "action: the action is not in `Action`",
            "resource: `arn:aws:s3:::amzn-s3-demo-bucket/k` is not in `Resource`",
            "condition: `aws:RequestedRegion` is `us-east-1`; `StringEquals` [`eu-west-1`]"
        ]
    );
    let json = serde_json::to_value(&full).unwrap();
    assert_eq!(json["statements"][0]["condition"]["matched"], false, "{json}");
    assert_eq!(json["statements"][1]["action"]["matched"], true);
    assert_eq!(json["statements"][1]["condition"]["matched"], true);
    let shown = super::render::render(&ask, &full);
    assert!(shown.contains("statement `Near` of the identity-based policy `p.json`: resource: `arn:aws:s3:::amzn-s3-demo-bucket/k` is not in `Resource`\n"), "{shown}");
    assert!(!shown.contains("`Other`"), "the statements that name the action are shown first: {shown}");
}

// --- the one change that would allow a request (`explain`) ---

fn change(request: &Request, policies: &PolicySet) -> Option<String> {
    render::one_change(request, &evaluate_every_part(request, policies))
}

const CALLER: &str = "arn:aws:sts::111111111111:assumed-role/AppRole/s";
const OBJECT: &str = "arn:aws:s3:::amzn-s3-demo-bucket/key";

#[test]
fn the_one_change_names_the_element_of_the_closest_allow_that_failed() {
    let r = request(CALLER, "s3:PutObject", OBJECT);
    // Only the action is missing from the statement.
    let set =
        PolicySet { identity: vec![allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*")], ..Default::default() };
    assert_eq!(
        change(&r, &set).as_deref(),
        Some("add `s3:PutObject` to the Action of statement 1 of the identity-based policy `p.json`")
    );
    // Only the resource.
    let set = PolicySet { identity: vec![allow("s3:PutObject", "arn:aws:s3:::other-bucket/*")], ..Default::default() };
    assert_eq!(
        change(&r, &set).as_deref(),
        Some("add `arn:aws:s3:::amzn-s3-demo-bucket/key` to the Resource of statement 1 of the identity-based policy `p.json`")
    );
    // No statement one element away: a new statement.
    let set =
        PolicySet { identity: vec![allow("ec2:RunInstances", "arn:aws:ec2:*:*:instance/*")], ..Default::default() };
    assert_eq!(
        change(&r, &set).as_deref(),
        Some("add an Allow for `s3:PutObject` on `arn:aws:s3:::amzn-s3-demo-bucket/key` to the identity-based policy")
    );
    // Allowed: nothing to change.
    let set = PolicySet { identity: vec![allow("s3:*", "*")], ..Default::default() };
    assert_eq!(change(&r, &set), None);
}

#[test]
fn the_one_change_of_a_failed_condition_adds_the_requests_value_where_the_operator_lists_what_passes() {
    let policy = p(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"EastOnly","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1"]}}}]}"#,
    );
    let set = PolicySet { identity: vec![policy], ..Default::default() };
    let mut r = request(CALLER, "s3:GetObject", OBJECT);
    r.context.push(("aws:RequestedRegion".into(), one("eu-west-1")));
    assert_eq!(
        change(&r, &set).as_deref(),
        Some("add `eu-west-1` to the values of `aws:RequestedRegion` in the `StringEquals` condition of statement `EastOnly` of the identity-based policy `p.json`")
    );
    // The key absent from the request: send it, or drop the condition.
    let r = request(CALLER, "s3:GetObject", OBJECT);
    assert_eq!(
        change(&r, &set).as_deref(),
        Some("send `aws:RequestedRegion` with the request, or remove the `StringEquals` condition on `aws:RequestedRegion` from statement `EastOnly` of the identity-based policy `p.json`")
    );
}

#[test]
fn the_one_change_of_an_explicit_deny_is_in_the_deny_and_several_blocking_types_need_one_each() {
    let r = request(CALLER, "s3:DeleteObject", OBJECT);
    let set = PolicySet { identity: vec![allow("s3:*", "*"), deny("s3:DeleteObject", "*")], ..Default::default() };
    assert_eq!(
        change(&r, &set).as_deref(),
        Some("leave `s3:DeleteObject` out of the Action of statement 1 of the identity-based policy `p.json` (or `arn:aws:s3:::amzn-s3-demo-bucket/key` out of its Resource): its Deny has no condition this request could fail")
    );
    let set =
        PolicySet { identity: vec![allow("ec2:*", "*")], boundary: Some(allow("ec2:*", "*")), ..Default::default() };
    let answer = change(&r, &set).unwrap();
    assert!(answer.starts_with("no one change: "), "{answer}");
}

#[test]
fn the_one_change_for_an_scp_is_at_the_level_that_allows_nothing() {
    let r = request(CALLER, "s3:GetObject", OBJECT);
    // The root allows everything (and has an S3 statement one element away); the OU's
    // Allows lack the action: the change is at the OU, not in the root's statement.
    let root = p(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"Other","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#,
    );
    let ou = p(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Ec2Only","Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Sid":"S3Write","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#,
    );
    let set = PolicySet { identity: vec![allow("s3:*", "*")], scp: vec![vec![root], vec![ou]], ..Default::default() };
    let answer = change(&r, &set).unwrap();
    assert!(answer.starts_with("add `s3:GetObject` to the Action of statement `"), "{answer}");
    assert!(answer.ends_with("of the service control policy `p.json` at OU 1"), "{answer}");
}
