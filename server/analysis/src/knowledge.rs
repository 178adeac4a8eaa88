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
