//! The decoded form of an encoded authorization failure message: what
//! `aws sts decode-authorization-message` prints (`{"DecodedMessage": "<JSON text>"}`), or
//! that JSON text itself. Its `context` holds the request as AWS evaluated it: the
//! principal, the action, the resource and the value of every condition key, from which the
//! request is built again.
//! <https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html>
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/sts_example_sts_DecodeAuthorizationMessage_section.html>

use serde::Serialize;
use serde_json::Value;

use super::{ContextValue, Request};

/// A decoded authorization message, read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedMessage {
    pub principal: String,
    /// With its service prefix: AWS writes the operation alone (`RunInstances`), the prefix
    /// is then taken from the resource's ARN.
    pub action: String,
    pub resource: String,
    /// The condition keys and values of the request, in the order AWS lists them.
    #[serde(skip)]
    pub context: Vec<(String, ContextValue)>,
    pub allowed: bool,
    pub explicit_deny: bool,
    /// The `statementId`s of the statements AWS says matched (a Deny's, for an explicit deny).
    pub matched_statements: Vec<String>,
}

impl DecodedMessage {
    /// The request AWS evaluated.
    pub fn request(&self) -> Request {
        Request {
            principal: self.principal.clone(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account: None,
            context: self.context.clone(),
        }
    }
}

/// Reads a decoded message. `None` when the text is not one (not JSON, or no `context`
/// with an action): the caller then reads it as a plain AccessDenied message.
pub fn parse(text: &str) -> Option<DecodedMessage> {
    let value: Value = serde_json::from_str(text.trim()).ok()?;
    // The CLI's output wraps the message, as a JSON string, in `DecodedMessage`.
    let message = match value.get("DecodedMessage") {
        Some(Value::String(inner)) => serde_json::from_str(inner).ok()?,
        Some(inner @ Value::Object(_)) => inner.clone(),
        _ => value,
    };
    let context = message.get("context")?;
    let principal = context.get("principal")?;
    let principal = principal
        .get("arn")
        .and_then(Value::as_str)
        .or_else(|| principal.as_str())
        .or_else(|| principal.get("id").and_then(Value::as_str))?
        .to_string();
    let resource = context.get("resource").and_then(Value::as_str).unwrap_or("*").to_string();
    let action = context.get("action").and_then(Value::as_str)?;
    let action = if action.contains(':') {
        action.to_string()
    } else {
        let service = resource.split(':').nth(2).filter(|s| !s.is_empty());
        match service {
            Some(service) => format!("{service}:{action}"),
            None => action.to_string(),
        }
    };
    let mut keys = Vec::new();
    for item in items(context.get("conditions")) {
        let Some(key) = item.get("key").and_then(Value::as_str) else { continue };
        let values: Vec<String> = items(item.get("values"))
            .iter()
            .filter_map(|v| match v.get("value").unwrap_or(v) {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
            .collect();
        // AWS lists a multi-valued key's values together; one value is a single value.
        let value =
            if values.len() == 1 { ContextValue::single(values[0].clone()) } else { ContextValue::list(values) };
        keys.push((key.to_string(), value));
    }
    let matched_statements = items(message.get("matchedStatements"))
        .iter()
        .filter_map(|s| s.get("statementId").and_then(Value::as_str).map(str::to_string))
        .collect();
    Some(DecodedMessage {
        principal,
        action,
        resource,
        context: keys,
        allowed: message.get("allowed").and_then(Value::as_bool).unwrap_or(false),
        explicit_deny: message.get("explicitDeny").and_then(Value::as_bool).unwrap_or(false),
        matched_statements,
    })
}

/// The elements of AWS's `{"items": [...]}` lists.
fn items(value: Option<&Value>) -> Vec<Value> {
    match value.and_then(|v| v.get("items")).unwrap_or(&Value::Null) {
        Value::Array(items) => items.clone(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of the CLI example on AWS's page (its account, role and keys), the inner
    /// message as the JSON string the CLI prints.
    #[test]
    fn the_cli_output_is_read_back_into_the_request() {
        let inner = serde_json::json!({
            "allowed": false, "explicitDeny": true,
            "matchedStatements": {"items": [{"statementId": "VisualEditor0", "effect": "DENY"}]},
            "failures": {"items": []},
            "context": {
                "principal": {"id": "AROA123456789EXAMPLE:Ana", "arn": "arn:aws:sts::111122223333:assumed-role/Developer/Ana"},
                "action": "RunInstances",
                "resource": "arn:aws:ec2:us-east-1:111122223333:instance/*",
                "conditions": {"items": [
                    {"key": "ec2:InstanceType", "values": {"items": [{"value": "t2.micro"}]}},
                    {"key": "aws:TagKeys", "values": {"items": [{"value": "team"}, {"value": "cost-center"}]}}
                ]}
            }
        });
        let text = serde_json::json!({ "DecodedMessage": inner.to_string() }).to_string();
        let m = parse(&text).unwrap();
        assert_eq!(m.principal, "arn:aws:sts::111122223333:assumed-role/Developer/Ana");
        assert_eq!(m.action, "ec2:RunInstances");
        assert_eq!(m.resource, "arn:aws:ec2:us-east-1:111122223333:instance/*");
        assert!(m.explicit_deny && !m.allowed);
        assert_eq!(m.matched_statements, ["VisualEditor0"]);
        assert_eq!(
            m.context,
            [
                ("ec2:InstanceType".to_string(), ContextValue::single("t2.micro")),
                ("aws:TagKeys".to_string(), ContextValue::list(["team", "cost-center"])),
            ]
        );
        // The inner JSON alone reads the same.
        assert_eq!(parse(&inner.to_string()), Some(m));
    }

    #[test]
    fn other_text_is_not_a_decoded_message() {
        assert_eq!(parse("User: arn:aws:iam::1:user/a is not authorized to perform: s3:GetObject"), None);
        assert_eq!(parse("{\"DecodedMessage\": \"not json\"}"), None);
        assert_eq!(parse("{\"context\": {}}"), None);
        assert_eq!(parse("[1, 2]"), None);
    }
}
