//! What the checks report: plain data, converted to LSP or CLI output at the edge.

use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $summary:literal;)*) => {
        /// Stable diagnostic codes. The README's diagnostics table lists each one (a test
        /// keeps the two in step); never rename a code, only add new ones.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One line on what the code checks.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    JsonSyntax = "json-syntax", Error, "The document is not valid JSON (unterminated string, missing comma, bracket or value, ...).";
    JsonComment = "json-comment", Error, "A `//` or `/* */` comment: IAM rejects comments in policy JSON.";
    JsonTrailingComma = "json-trailing-comma", Error, "A comma after the last element of an object or array: IAM rejects it.";
    JsonDuplicateKey = "json-duplicate-key", Warning, "The same key twice in one object: only one of the two values takes effect.";
    ActionSyntax = "action-syntax", Error, "An action that is not `*` or `service:action`.";
    UnknownService = "unknown-service", Error, "A service prefix that no AWS service uses.";
    ApiNameAsPrefix = "api-name-as-prefix", Error, "An API endpoint name (`bedrock-runtime`, ...) used where IAM expects the service prefix.";
    UnknownAction = "unknown-action", Error, "An action the service does not have.";
    LegacyAction = "legacy-action", Warning, "An action missing from the current catalog that AWS managed policies still use.";
    WildcardMatchesNothing = "wildcard-matches-nothing", Error, "An action pattern with `*` or `?` that matches no action.";
    ArnSyntax = "arn-syntax", Error, "A resource that is neither `*` nor `arn:partition:service:region:account:resource`.";
    ArnUnknownPartition = "arn-unknown-partition", Error, "An ARN partition other than `aws`, `aws-cn`, `aws-us-gov`, `aws-iso*`, `aws-eusc`.";
    ArnUnknownService = "arn-unknown-service", Warning, "An ARN service that no resource type in the catalog uses.";
    ArnUnknownResource = "arn-unknown-resource", Warning, "An ARN whose resource part matches none of the service's resource-type ARN formats.";
    ResourceStar = "resource-star", Warning, "`\"Resource\": \"*\"` on an Allow statement whose actions support resource-level permissions.";
}

/// One text replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

/// A fix: edits that resolve a diagnostic, applied together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The obvious fix, which an editor may apply with one key.
    pub preferred: bool,
}

impl Fix {
    pub fn replace(title: impl Into<String>, range: TextRange, new_text: impl Into<String>) -> Fix {
        Fix { title: title.into(), edits: vec![Edit { range, new_text: new_text.into() }], preferred: false }
    }

    pub fn preferred(mut self, preferred: bool) -> Fix {
        self.preferred = preferred;
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, severity: code.default_severity(), range, message: message.into(), fixes: Vec::new() }
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }
}
