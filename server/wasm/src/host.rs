//! What the page's text is: an IAM policy, a CloudFormation (SAM, Serverless) template, or a
//! Terraform module. The page lets the user choose, and by default guesses from the text, as a
//! file's name tells the server (`Language::of_path`); a pasted snippet has no name.

use iam_analysis::Language;
use serde::Serialize;

/// The host choices the page offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Host {
    /// One IAM policy document in JSON.
    Policy,
    /// A CloudFormation or SAM template (YAML or JSON) or a Serverless service (YAML).
    CloudFormation,
    /// A Terraform module.
    Terraform,
}

/// A host as the page's selector lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostInfo {
    pub id: &'static str,
    pub title: &'static str,
}

impl Host {
    pub const ALL: [Host; 3] = [Host::Policy, Host::CloudFormation, Host::Terraform];

    /// The name the page, the protocol and share links use.
    pub fn id(self) -> &'static str {
        match self {
            Host::Policy => "iam-json",
            Host::CloudFormation => "cloudformation",
            Host::Terraform => "terraform",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Host::Policy => "IAM policy JSON",
            Host::CloudFormation => "CloudFormation / SAM / Serverless (YAML or JSON)",
            Host::Terraform => "Terraform",
        }
    }

    pub fn parse(id: &str) -> Option<Host> {
        Host::ALL.into_iter().find(|h| h.id() == id)
    }

    pub fn info(self) -> HostInfo {
        HostInfo { id: self.id(), title: self.title() }
    }

    /// The language the library reads `text` in as this host: a template in JSON is JSON
    /// (the library finds its `Resources`), in YAML YAML.
    pub fn language(self, text: &str) -> Language {
        match self {
            Host::Policy => Language::Json,
            Host::CloudFormation if starts_as_json(text) => Language::Json,
            Host::CloudFormation => Language::Yaml,
            Host::Terraform => Language::Terraform,
        }
    }

    /// The host a text most likely is: JSON (or nothing yet) a policy, unless it is a
    /// template's JSON; HCL blocks Terraform; other text YAML, a template. The text is read
    /// only up to the first sign, which is near the start of every real file.
    pub fn detect(text: &str) -> Host {
        if starts_as_json(text) || text.trim().is_empty() {
            return if is_template_json(text) { Host::CloudFormation } else { Host::Policy };
        }
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') || line.starts_with("//") || line.starts_with("/*") {
                continue;
            }
            let word = line.split(|c: char| c.is_whitespace() || c == '{').next().unwrap_or("");
            let hcl_block = matches!(
                word,
                "resource" | "data" | "module" | "variable" | "output" | "locals" | "provider" | "terraform"
            ) && (line.ends_with('{') || line.contains(" \""));
            if hcl_block {
                return Host::Terraform;
            }
            // The first line of real content decides: a YAML key, a document start, a list.
            return Host::CloudFormation;
        }
        Host::CloudFormation
    }
}

fn starts_as_json(text: &str) -> bool {
    text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']).starts_with(['{', '['])
}

/// Whether a JSON text is a CloudFormation template: its top-level keys say so. A quick look
/// for the keys' quoted names; the library decides for certain when it reads the template.
fn is_template_json(text: &str) -> bool {
    ["\"AWSTemplateFormatVersion\"", "\"Resources\"", "\"Transform\""].iter().any(|key| text.contains(key))
}
