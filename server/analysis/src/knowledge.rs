//! Curated knowledge beyond the catalog: API names that people mistake for IAM prefixes
//! and actions (`knowledge/api-names.json`, with its sources).

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct ApiNames {
    pub prefixes: Vec<PrefixAlias>,
    pub actions: Vec<ActionAlias>,
}

#[derive(Deserialize)]
pub struct PrefixAlias {
    pub name: String,
    pub prefix: String,
    pub why: String,
}

#[derive(Deserialize)]
pub struct ActionAlias {
    pub name: String,
    #[serde(rename = "use")]
    pub replacements: Vec<String>,
    pub why: String,
}

impl ApiNames {
    pub fn get() -> &'static ApiNames {
        static NAMES: OnceLock<ApiNames> = OnceLock::new();
        NAMES.get_or_init(|| {
            serde_json::from_str(include_str!("../knowledge/api-names.json"))
                .expect("api-names.json is valid (checked by tests)")
        })
    }

    pub fn prefix(&self, name: &str) -> Option<&PrefixAlias> {
        self.prefixes.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn action(&self, name: &str) -> Option<&ActionAlias> {
        self.actions.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// Cross-Region (system-defined) inference profiles: where each geography's profiles send
/// requests (`knowledge/cross-region-inference.json`, with its sources and date).
#[derive(Deserialize)]
pub struct CrossRegion {
    pub source: String,
    pub checked: String,
    geographies: Vec<Geography>,
    profiles: Vec<Profile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    id: String,
    /// Source Region → destination Regions, where AWS documents them per source.
    by_source: std::collections::BTreeMap<String, Vec<String>>,
    /// All destinations from any source (or `"all-commercial"`).
    regions: serde_json::Value,
}

#[derive(Deserialize)]
struct Geography {
    prefix: String,
    name: String,
    /// Region codes, or `"all-commercial"` for every Region of the `aws` partition.
    regions: serde_json::Value,
}

impl CrossRegion {
    pub fn get() -> &'static CrossRegion {
        static TABLE: OnceLock<CrossRegion> = OnceLock::new();
        TABLE.get_or_init(|| {
            serde_json::from_str(include_str!("../knowledge/cross-region-inference.json"))
                .expect("cross-region-inference.json is valid (checked by tests)")
        })
    }

    /// Splits a system inference profile id into its geography and model id:
    /// `us.anthropic.claude-3-haiku-20240307-v1:0` → (`us`, `anthropic.claude-...`).
    pub fn split_profile<'p>(&self, profile: &'p str) -> Option<(&'p str, &'p str)> {
        let (geography, model) = profile.split_once('.')?;
        self.geographies.iter().any(|g| g.prefix == geography).then_some((geography, model))
    }

    pub fn name<'s>(&'s self, geography: &'s str) -> &'s str {
        self.geographies.iter().find(|g| g.prefix == geography).map_or(geography, |g| g.name.as_str())
    }

    /// Where a profile called from `source` (a Region, or a pattern such as `*`) can send
    /// requests: the documented table for that profile, else its geography's Regions.
    pub fn destinations(&self, geography: &str, profile: &str, source: &str, catalog: &crate::Catalog) -> Vec<String> {
        let id = format!("{geography}.{profile}");
        if let Some(p) = self.profiles.iter().find(|p| p.id == id) {
            return match p.by_source.get(source) {
                Some(regions) => regions.clone(),
                None => expand(&p.regions, catalog),
            };
        }
        self.geographies.iter().find(|g| g.prefix == geography).map(|g| expand(&g.regions, catalog)).unwrap_or_default()
    }
}

/// A list of Regions, or every Region of the `aws` partition for `"all-commercial"`.
fn expand(regions: &serde_json::Value, catalog: &crate::Catalog) -> Vec<String> {
    match regions {
        serde_json::Value::Array(list) => list.iter().filter_map(|r| r.as_str().map(str::to_string)).collect(),
        _ => catalog.partitions.iter().filter(|p| p.id == "aws").flat_map(|p| p.regions.iter().cloned()).collect(),
    }
}

/// Name prefixes AWS reserves for the resources it owns (`knowledge/aws-owned-names.json`).
#[derive(Deserialize)]
pub struct AwsOwnedNames {
    pub prefixes: Vec<ReservedPrefix>,
}

#[derive(Deserialize)]
pub struct ReservedPrefix {
    pub prefix: String,
    /// The ARN services whose resources AWS names so.
    pub services: Vec<String>,
    pub source: String,
    pub checked: String,
}

impl AwsOwnedNames {
    pub fn get() -> &'static AwsOwnedNames {
        static NAMES: OnceLock<AwsOwnedNames> = OnceLock::new();
        NAMES.get_or_init(|| {
            serde_json::from_str(include_str!("../knowledge/aws-owned-names.json"))
                .expect("aws-owned-names.json is valid (checked by tests)")
        })
    }
}

/// Multi-valued keys that requests of some actions always carry (`knowledge/always-sent-keys.json`).
#[derive(Deserialize)]
pub struct AlwaysSentKeys {
    pub keys: Vec<AlwaysSent>,
}

#[derive(Deserialize)]
pub struct AlwaysSent {
    pub key: String,
    pub actions: Vec<String>,
    pub source: String,
}

impl AlwaysSentKeys {
    pub fn get() -> &'static AlwaysSentKeys {
        static KEYS: OnceLock<AlwaysSentKeys> = OnceLock::new();
        KEYS.get_or_init(|| {
            serde_json::from_str(include_str!("../knowledge/always-sent-keys.json"))
                .expect("always-sent-keys.json is valid (checked by tests)")
        })
    }

    /// Whether every request of the action carries the key: an entry `Action` is the action
    /// of that name in any service, `service:Action` only that service's.
    pub fn sent(&self, key: &str, service: &str, action: &str) -> bool {
        self.keys.iter().filter(|k| k.key.eq_ignore_ascii_case(key)).any(|k| {
            k.actions.iter().any(|a| match a.split_once(':') {
                Some((s, name)) => s.eq_ignore_ascii_case(service) && name.eq_ignore_ascii_case(action),
                None => a.eq_ignore_ascii_case(action),
            })
        })
    }
}

/// Services whose resource-based policies have no `Resource` element
/// (`knowledge/resource-policy-services.json`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePolicyServices {
    pub without_resource: Vec<ServiceEntry>,
}

#[derive(Deserialize)]
pub struct ServiceEntry {
    pub prefix: String,
    pub source: String,
}

impl ResourcePolicyServices {
    pub fn get() -> &'static ResourcePolicyServices {
        static TABLE: OnceLock<ResourcePolicyServices> = OnceLock::new();
        TABLE.get_or_init(|| {
            serde_json::from_str(include_str!("../knowledge/resource-policy-services.json"))
                .expect("resource-policy-services.json is valid (checked by tests)")
        })
    }

    pub fn takes_no_resource(&self, prefix: &str) -> bool {
        self.without_resource.iter().any(|s| s.prefix.eq_ignore_ascii_case(prefix))
    }
}

/// Actions that return credentials and actions (alone or together) known to let the holder
/// raise its own permissions (`knowledge/risk-actions.json`, with their sources).
#[derive(Deserialize)]
pub struct RiskActions {
    pub credentials: Vec<CredentialAction>,
    pub escalation: Vec<Escalation>,
}

#[derive(Deserialize)]
pub struct CredentialAction {
    pub action: String,
    /// What the caller gets (or sets), for the message.
    pub returns: String,
    pub source: String,
    pub checked: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Escalation {
    pub actions: Vec<String>,
    /// The service principal an `iam:PassRole` of the set passes the role to.
    pub passed_to: Option<String>,
    /// How the holder gains permissions, for the message.
    pub how: String,
    pub source: String,
    pub checked: String,
}

impl RiskActions {
    pub fn get() -> &'static RiskActions {
        static TABLE: OnceLock<RiskActions> = OnceLock::new();
        TABLE.get_or_init(|| {
            serde_json::from_str(include_str!("../knowledge/risk-actions.json"))
                .expect("risk-actions.json is valid (checked by tests)")
        })
    }

    /// The credential entry of an action (`service:Name`, ignoring case).
    pub fn credential(&self, action: &str) -> Option<&CredentialAction> {
        self.credentials.iter().find(|c| c.action.eq_ignore_ascii_case(action))
    }

    /// The single-action escalation entry of an action (`service:Name`, ignoring case).
    pub fn escalation(&self, action: &str) -> Option<&Escalation> {
        self.escalation.iter().find(|e| matches!(e.actions.as_slice(), [one] if one.eq_ignore_ascii_case(action)))
    }

    /// The escalations that take several actions, granted together across a policy.
    pub fn combinations(&self) -> impl Iterator<Item = &Escalation> {
        self.escalation.iter().filter(|e| e.actions.len() > 1)
    }
}

/// Actions that need another action to do their work, where AWS documents it
/// (`knowledge/dependent-actions.json`, with sources and dates).
#[derive(Deserialize)]
pub struct DependentActions {
    pub entries: Vec<Dependency>,
}

#[derive(Deserialize)]
pub struct Dependency {
    /// The actions that need it (`service:Name`).
    pub actions: Vec<String>,
    /// The action they need.
    pub needs: String,
    /// What it is allowed on, for the message ("the KMS key").
    pub on: String,
    /// When AWS says it is needed, for the message ("the secret is encrypted with ...").
    pub when: String,
    /// Why adding the action to the statement is no fix (`iam:PassRole` on `*`), if it is not.
    #[serde(rename = "noFix", default)]
    pub no_fix: Option<String>,
    pub source: String,
    pub checked: String,
}

impl DependentActions {
    pub fn get() -> &'static DependentActions {
        static TABLE: OnceLock<DependentActions> = OnceLock::new();
        TABLE.get_or_init(|| {
            serde_json::from_str(include_str!("../knowledge/dependent-actions.json"))
                .expect("dependent-actions.json is valid (checked by tests)")
        })
    }

    /// The entry for an action (`service:Name`, ignoring case).
    pub fn of(&self, action: &str) -> Option<&Dependency> {
        self.entries.iter().find(|e| e.actions.iter().any(|a| a.eq_ignore_ascii_case(action)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn always_sent_keys_load_with_sources() {
        let keys = AlwaysSentKeys::get();
        assert!(keys.sent("aws:tagkeys", "ec2", "TagResource"));
        assert!(!keys.sent("aws:TagKeys", "ec2", "DeleteTags"));
        assert!(keys.sent("aws:TagKeys", "sagemaker", "DeleteTags"));
        assert!(keys.sent("kms:GrantOperations", "kms", "CreateGrant"));
        assert!(keys.keys.iter().all(|k| k.source.starts_with("https://")));
    }

    #[test]
    fn resource_policy_services_load_with_sources() {
        let table = ResourcePolicyServices::get();
        assert!(table.takes_no_resource("ECR") && !table.takes_no_resource("s3"));
        assert!(table.without_resource.iter().all(|s| s.source.starts_with("https://docs.aws.amazon.com/")));
    }

    #[test]
    fn aws_owned_names_load_with_sources() {
        let names = AwsOwnedNames::get();
        assert!(names.prefixes.iter().any(|p| p.prefix == "aws" && p.services.iter().any(|s| s == "ssm")));
        assert!(names.prefixes.iter().all(|p| p.source.starts_with("https://") && p.checked.len() == 10));
    }

    #[test]
    fn cross_region_table_loads_with_sources() {
        let table = CrossRegion::get();
        assert!(table.source.contains("docs.aws.amazon.com/bedrock"));
        assert_eq!(
            table.split_profile("us.anthropic.claude-3-haiku-20240307-v1:0"),
            Some(("us", "anthropic.claude-3-haiku-20240307-v1:0"))
        );
        assert_eq!(table.split_profile("anthropic.claude-3-haiku-20240307-v1:0"), None);
        let catalog = crate::Catalog::get();
        // Documented per source Region: from us-east-2 all three US Regions, from us-west-2 two.
        let from_ohio = table.destinations("us", "anthropic.claude-3-haiku-20240307-v1:0", "us-east-2", catalog);
        assert_eq!(from_ohio, ["us-east-1", "us-east-2", "us-west-2"]);
        let from_oregon = table.destinations("us", "anthropic.claude-3-haiku-20240307-v1:0", "us-west-2", catalog);
        assert_eq!(from_oregon, ["us-east-1", "us-west-2"]);
        assert!(table.destinations("global", "anthropic.claude-new-v9:0", "*", catalog).len() > 20);
    }
    #[test]
    fn risk_actions_load_with_sources_and_name_catalog_actions() {
        let table = RiskActions::get();
        let catalog = crate::Catalog::get();
        let named = table
            .credentials
            .iter()
            .map(|c| (&c.action, &c.source, &c.checked))
            .chain(table.escalation.iter().flat_map(|e| e.actions.iter().map(move |a| (a, &e.source, &e.checked))));
        for (action, source, checked) in named {
            assert!(catalog.action(action).is_some(), "{action} is not in the catalog");
            assert!(source.starts_with("https://") && checked.len() == 10, "{action}");
        }
        assert!(table.credential("STS:assumerole").is_some() && table.credential("iam:PassRole").is_none());
        assert!(table.escalation("iam:attachrolepolicy").is_some() && table.escalation("iam:PassRole").is_none());
        // A combination's `iam:PassRole` says which service it passes the role to.
        for combination in table.combinations() {
            let passes = combination.actions.iter().any(|a| a == "iam:PassRole");
            assert_eq!(passes, combination.passed_to.is_some(), "{:?}", combination.actions);
        }
        assert!(table.combinations().count() >= 5);
    }
    #[test]
    fn dependent_actions_load_with_sources_and_name_catalog_actions() {
        let table = DependentActions::get();
        let catalog = crate::Catalog::get();
        for entry in &table.entries {
            for action in entry.actions.iter().chain([&entry.needs]) {
                assert!(catalog.action(action).is_some(), "{action} is not in the catalog");
            }
            assert!(entry.source.starts_with("https://docs.aws.amazon.com/") && entry.checked.len() == 10);
        }
        assert_eq!(table.of("SecretsManager:getsecretvalue").map(|e| e.needs.as_str()), Some("kms:Decrypt"));
        assert!(table.of("secretsmanager:DescribeSecret").is_none());
        // A role to pass is named in the call: no one-edit fix adds `iam:PassRole` on `*`.
        let create_function = table.of("lambda:CreateFunction").unwrap();
        assert_eq!(create_function.needs, "iam:PassRole");
        assert!(create_function.no_fix.is_some());
        assert!(table.entries.iter().all(|e| e.needs != "iam:PassRole" || e.no_fix.is_some()));
    }
}
