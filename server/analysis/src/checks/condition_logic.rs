//! Condition logic: conditions that parse, but do not test what they seem to (an absent
//! key, a literal `*`, an address no request carries).

use std::net::IpAddr;

use super::conditions::{rename_block, Family, Operator, SetOperator};
use super::Ctx;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::model::{Effect, Statement};
use crate::syntax::{Member, StringLit, Value};

/// Keys that a security control tests and that some requests do not carry: with `IfExists`
/// an Allow grants exactly those requests. Source: "...IfExists condition operators" and the
/// keys' "Availability" in https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
/// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
const SECURITY_KEYS: [&str; 12] = [
    "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge",
    "aws:SourceIp",
    "aws:VpcSourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:ResourceOrgID",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceOrgID",
];

const MFA_PRESENT: &str = "aws:MultiFactorAuthPresent";

pub(super) fn check_entry(cx: &mut Ctx, statement: &Statement, block: &Member, operator: &Operator, entry: &Member) {
    let key = entry.key.value.as_str();
    if_exists_security(cx, statement, block, operator, key, entry);
    mfa(cx, statement, block, operator, key, entry);
    for lit in strings(entry) {
        literal_wildcard(cx, statement, block, operator, lit);
        variable_in_non_string(cx, operator, lit);
        if operator.family == Family::Ip && key.eq_ignore_ascii_case("aws:SourceIp") {
            source_ip(cx, lit);
        } else if operator.family == Family::Ip {
            host_bits(cx, lit);
        }
        if operator.family == Family::String {
            vpc_id(cx, key, lit);
        }
    }
}

fn strings(entry: &Member) -> Vec<&StringLit> {
    match &entry.value {
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_security_key(key: &str) -> bool {
    SECURITY_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// `BoolIfExists`, `IpAddressIfExists`, ... on a security key in an Allow: the Allow also
/// grants every request that lacks the key (long-term credentials have no
/// `aws:MultiFactorAuthPresent`; requests through a VPC endpoint have no `aws:SourceIp`).
fn if_exists_security(
    cx: &mut Ctx,
    statement: &Statement,
    block: &Member,
    operator: &Operator,
    key: &str,
    entry: &Member,
) {
    if !operator.if_exists
        || operator.family == Family::Null
        || statement.effect != Some(Effect::Allow)
        || !is_security_key(key)
    {
        return;
    }
    let name = block.key.value.as_str();
    let fixed = name.strip_suffix("IfExists").unwrap_or(name);
    // `ForAllValues` holds where the key is absent with or without `IfExists`: dropping it
    // changes nothing, and `condition-set-operator` already asks for the `Null` check.
    if operator.set == Some(SetOperator::ForAllValues) {
        return;
    }
    // So does a negated operator without a set operator (`StringNotEquals`, `NotIpAddress`):
    // a `Null` check is what requires the key.
    if operator.set.is_none() && operator.base.contains("Not") {
        let why = "a negated operator holds where the key is absent";
        cx.push(Diagnostic::new(
            Code::ConditionIfExistsSecurity,
            entry.key.range,
            format!(
                "`{name}` matches when the request has no `{key}` (so would `{fixed}`: {why}), so this Allow also grants every request without it (`{key}` is absent, for example, {}): require the key with `\"Null\": {{\"{key}\": \"false\"}}`",
                absent_when(key)
            ),
        ));
        return;
    }
    // Dropping `IfExists` changes every key of the block: only where all are security keys.
    let all_security = super::conditions::block_entries(block).iter().all(|e| is_security_key(&e.key.value));
    cx.push(
        Diagnostic::new(
            Code::ConditionIfExistsSecurity,
            entry.key.range,
            format!(
                "`{name}` matches when the request has no `{key}`, so this Allow also grants every request without it (`{key}` is absent, for example, {}): use `{fixed}`",
                absent_when(key)
            ),
        )
        .with_fixes(all_security.then(|| rename_block(statement, block, fixed)).flatten()),
    );
}

fn absent_when(key: &str) -> &'static str {
    match key.to_ascii_lowercase().as_str() {
        "aws:multifactorauthpresent" | "aws:multifactorauthage" => "in requests signed with long-term access keys",
        "aws:sourceip" => "in requests that come through a VPC endpoint",
        "aws:vpcsourceip" | "aws:sourcevpc" | "aws:sourcevpce" => "in requests that do not come through a VPC endpoint",
        "aws:sourceaccount" | "aws:sourceorgid" => "in requests that no service makes on a resource's behalf",
        "aws:securetransport" => "in requests some services make on your behalf",
        _ => "in requests of principals outside an organization",
    }
}

/// `aws:MultiFactorAuthPresent` is absent from requests signed with long-term access keys,
/// so `Bool ... false` in a Deny lets them through, and `Null ... false` only tests for
/// temporary credentials. AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
/// and https://repost.aws/knowledge-center/mfa-iam-user-aws-cli (`BoolIfExists ... false`).
fn mfa(cx: &mut Ctx, statement: &Statement, block: &Member, operator: &Operator, key: &str, entry: &Member) {
    if !key.eq_ignore_ascii_case(MFA_PRESENT) || operator.set.is_some() || operator.if_exists {
        return;
    }
    let values: Vec<String> = match &entry.value {
        Some(Value::String(s)) => vec![s.value.clone()],
        Some(Value::Bool(b, _)) => vec![b.to_string()],
        Some(Value::Array(a)) => a
            .items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.value.clone()),
                Value::Bool(b, _) => Some(b.to_string()),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    let is = |v: &str| values.len() == 1 && values[0] == v;
    let range = entry.key.range;
    match (operator.family, statement.effect) {
        (Family::Bool, Some(Effect::Deny)) if is("false") => {
            // `BoolIfExists` also applies to the block's other keys: fine for keys every
            // request carries.
            let others_always_present = super::conditions::block_entries(block).iter().all(|e| {
                e.key.value.eq_ignore_ascii_case(MFA_PRESENT) || e.key.value.eq_ignore_ascii_case("aws:ViaAWSService")
            });
            let fix = others_always_present.then(|| rename_block(statement, block, "BoolIfExists")).flatten();
            cx.push(Diagnostic::new(
                Code::ConditionMfaCheck,
                range,
                "requests signed with long-term access keys carry no `aws:MultiFactorAuthPresent`, so `Bool` with `false` does not deny them: use `BoolIfExists` (denies unless MFA was used)",
            ).with_fixes(fix));
        }
        (Family::Bool, Some(Effect::Allow)) if is("false") => cx.push(Diagnostic::new(
            Code::ConditionMfaCheck,
            range,
            "in an Allow, `aws:MultiFactorAuthPresent` `false` grants only temporary credentials obtained without MFA: to require MFA, use `true`",
        )),
        (Family::Null, Some(Effect::Allow)) if is("false") => cx.push(Diagnostic::new(
            Code::ConditionMfaCheck,
            range,
            "`Null` `false` on `aws:MultiFactorAuthPresent` only tests that the request uses temporary credentials, with or without MFA: to require MFA, use `\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}`",
        )),
        _ => {}
    }
}

/// `*` and `?` are wildcards only in `StringLike`/`StringNotLike`; `StringEquals` compares
/// them as the characters themselves. AWS: "String condition operators" in
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
fn literal_wildcard(cx: &mut Ctx, statement: &Statement, block: &Member, operator: &Operator, lit: &StringLit) {
    if operator.family != Family::String || operator.base.ends_with("Like") {
        return;
    }
    let Some(at) = wildcard_at(&lit.value) else { return };
    let like = match operator.base {
        "StringEquals" => Some("StringLike"),
        "StringNotEquals" => Some("StringNotLike"),
        _ => None, // no case-insensitive `Like`
    };
    let name = block.key.value.as_str();
    let fixed = like.map(|like| name.replacen(operator.base, like, 1));
    let wildcard = &lit.value[at..at + 1];
    let message = match &fixed {
        Some(fixed) => format!(
            "`{}` compares `{wildcard}` as a plain character, so this matches only values with a literal `{wildcard}`: use `{fixed}` for a wildcard",
            operator.base
        ),
        None => format!(
            "`{}` compares `{wildcard}` as a plain character, so this matches only values with a literal `{wildcard}`: wildcards need `{}`, which is case-sensitive",
            operator.base,
            if operator.base.starts_with("StringNot") { "StringNotLike" } else { "StringLike" }
        ),
    };
    let fix = fixed.and_then(|fixed| rename_block(statement, block, &fixed));
    cx.push(Diagnostic::new(Code::ConditionWildcardLiteral, lit.sub_range(at, at + 1), message).with_fixes(fix));
}

/// The offset of the first `*` or `?` outside a policy variable (`${*}` is a literal `*`).
fn wildcard_at(value: &str) -> Option<usize> {
    let mut depth = false;
    let bytes = value.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth = true,
            b'}' if depth => depth = false,
            b'*' | b'?' if !depth => return Some(i),
            _ => {}
        }
    }
    None
}

/// The condition operators page marks policy variables "Not supported" for the Numeric, Date,
/// Binary and IP address operators (and supported for String, Boolean and ARN ones):
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
fn variable_in_non_string(cx: &mut Ctx, operator: &Operator, lit: &StringLit) {
    if !matches!(operator.family, Family::Numeric | Family::Date | Family::Binary | Family::Ip) || !cx.variables {
        return;
    }
    let Some(start) = lit.value.find("${") else { return };
    let end = lit.value[start..].find('}').map_or(lit.value.len(), |n| start + n + 1);
    cx.push(Diagnostic::new(
        Code::PolicyVariable,
        lit.sub_range(start, end),
        format!(
            "IAM does not substitute policy variables in `{}` (only String, Boolean and ARN operators take them): it compares `{}` as written",
            operator.base,
            &lit.value[start..end]
        ),
    ));
}

/// A CIDR range with bits set after its prefix (`10.0.0.1/8`): IAM may reject or read it
/// otherwise than meant; the network address says what it covers.
fn host_bits(cx: &mut Ctx, lit: &StringLit) {
    let Some((address, prefix)) = lit.value.split_once('/') else { return };
    let (Ok(address), Ok(prefix)) = (address.parse::<IpAddr>(), prefix.parse::<u32>()) else { return };
    let Some(network) = network_address(address, prefix) else { return };
    if network == address {
        return;
    }
    let fixed = format!("{network}/{prefix}");
    cx.push(
        Diagnostic::new(
            Code::ConditionValueInvalid,
            lit.range,
            format!("`{}` has bits set after its /{prefix} prefix: the range is `{fixed}`", lit.value),
        )
        .with_fix(Fix::replace(format!("Change to \"{fixed}\""), lit.range, format!("\"{fixed}\"")).preferred(true)),
    );
}

fn network_address(address: IpAddr, prefix: u32) -> Option<IpAddr> {
    Some(match address {
        IpAddr::V4(a) if prefix <= 32 => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            IpAddr::V4((u32::from(a) & mask).into())
        }
        IpAddr::V6(a) if prefix <= 128 => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            IpAddr::V6((u128::from(a) & mask).into())
        }
        _ => return None,
    })
}

/// `aws:SourceIp` is the public address a request comes from; requests from a VPC through an
/// endpoint carry no `aws:SourceIp` but `aws:VpcSourceIp`. AWS:
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
/// and https://repost.aws/knowledge-center/iam-restrict-access-policy ("Only public IP
/// addresses or public IP ranges are supported").
fn source_ip(cx: &mut Ctx, lit: &StringLit) {
    host_bits(cx, lit);
    let (address, prefix) = match lit.value.split_once('/') {
        Some((a, p)) => match p.parse::<u32>() {
            Ok(p) => (a, Some(p)),
            Err(_) => return,
        },
        None => (lit.value.as_str(), None),
    };
    let Ok(address) = address.parse::<IpAddr>() else { return };
    if network_address(address, prefix.unwrap_or(0)).is_none() {
        return; // a prefix too long: `condition-value-invalid` says so
    }
    let Some(private) = private_range(address, prefix) else { return };
    cx.push(Diagnostic::new(
        Code::SourceIpPrivate,
        lit.range,
        format!(
            "`{}` is in the private range {private}: no request carries a private `aws:SourceIp` (requests from a VPC through an endpoint carry `aws:VpcSourceIp` instead); use `aws:VpcSourceIp` for VPC addresses",
            lit.value
        ),
    ));
}

/// The private range (RFC 1918, RFC 4193) that holds the whole of `address/prefix`.
fn private_range(address: IpAddr, prefix: Option<u32>) -> Option<&'static str> {
    match address {
        IpAddr::V4(a) => {
            let prefix = prefix.unwrap_or(32);
            let [a0, a1, ..] = a.octets();
            if a0 == 10 && prefix >= 8 {
                Some("10.0.0.0/8")
            } else if a0 == 172 && (16..32).contains(&a1) && prefix >= 12 {
                Some("172.16.0.0/12")
            } else if a0 == 192 && a1 == 168 && prefix >= 16 {
                Some("192.168.0.0/16")
            } else {
                None
            }
        }
        IpAddr::V6(a) => ((a.segments()[0] & 0xfe00) == 0xfc00 && prefix.unwrap_or(128) >= 7).then_some("fc00::/7"),
    }
}

/// VPC and VPC endpoint ids: `vpc-`/`vpce-` and 8 or 17 lower-case hexadecimal digits.
/// AWS: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpc
fn vpc_id(cx: &mut Ctx, key: &str, lit: &StringLit) {
    let (prefix, what) = if key.eq_ignore_ascii_case("aws:SourceVpc") {
        ("vpc-", "a VPC id")
    } else if key.eq_ignore_ascii_case("aws:SourceVpce") {
        ("vpce-", "a VPC endpoint id")
    } else {
        return;
    };
    let value = lit.value.as_str();
    if value.contains(['*', '?', '$']) {
        return;
    }
    let valid = value.strip_prefix(prefix).is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if valid {
        return;
    }
    let hint = if prefix == "vpc-" && value.starts_with("vpce-") {
        " (this is a VPC endpoint id: its key is `aws:SourceVpce`)"
    } else if prefix == "vpce-" && value.starts_with("vpc-") {
        " (this is a VPC id: its key is `aws:SourceVpc`)"
    } else {
        ""
    };
    cx.push(Diagnostic::new(
        Code::ConditionValueInvalid,
        lit.range,
        format!(
            "`{key}` takes {what} (`{prefix}` and 8 or 17 lower-case hexadecimal digits, such as `{prefix}1a2b3c4d`), not `{value}`{hint}"
        ),
    ));
}
