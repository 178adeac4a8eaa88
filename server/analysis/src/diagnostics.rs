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
    VersionMissing = "version-missing", Warning, "No `Version`: IAM assumes 2008-10-17, where policy variables are plain text.";
    VersionOld = "version-old", Warning, "`Version` 2008-10-17: policy variables are plain text; use 2012-10-17.";
    VersionInvalid = "version-invalid", Error, "A `Version` other than 2012-10-17 or 2008-10-17.";
    StatementMissing = "statement-missing", Error, "A policy without a `Statement`.";
    UnknownElement = "unknown-element", Error, "A key IAM does not know at the top level or in a statement (`Statment`, `action`).";
    WrongType = "wrong-type", Error, "An element with the wrong JSON type (a number, null, object or nested array where IAM wants a string or an array of strings).";
    EmptyValue = "empty-value", Info, "An empty array, object or string: the element grants or restricts nothing.";
    SidInvalid = "sid-invalid", Error, "A `Sid` with characters other than letters and digits (IAM policies).";
    SidDuplicate = "sid-duplicate", Error, "Two statements with the same `Sid`.";
    EffectMissing = "effect-missing", Error, "A statement without `Effect`.";
    EffectInvalid = "effect-invalid", Error, "An `Effect` other than `Allow` or `Deny` (case matters).";
    ActionMissing = "action-missing", Error, "A statement with neither `Action` nor `NotAction`.";
    ResourceMissing = "resource-missing", Error, "A statement with neither `Resource` nor `NotResource`, where the policy kind needs one.";
    PrincipalMissing = "principal-missing", Error, "A resource-based, trust or resource control policy statement without `Principal`.";
    ElementConflict = "element-conflict", Error, "`Action` with `NotAction`, `Resource` with `NotResource`, or `Principal` with `NotPrincipal` in one statement.";
    ElementNotAllowed = "element-not-allowed", Error, "An element the policy kind does not take (`Principal` in an identity policy, `Resource` in a trust policy, ...).";
    PrincipalInvalid = "principal-invalid", Error, "A principal that is not `*`, an account, an IAM ARN, a service, a federated provider or a canonical user id.";
    PrincipalServiceUnknown = "principal-service-unknown", Warning, "A service principal that no AWS service uses.";
    PrincipalWildcard = "principal-wildcard", Warning, "`\"Principal\": \"*\"` in an Allow statement of a resource or trust policy without a condition: anyone can use it.";
    ActionDuplicate = "action-duplicate", Info, "The same action twice in one statement.";
    ActionRedundant = "action-redundant", Info, "An action already covered by a wildcard in the same statement.";
    ActionCase = "action-case", Hint, "An action written in a case different from the catalog's.";
    ActionNotInKind = "action-not-in-kind", Error, "An action the policy kind cannot use (RCPs: only supported services; trust policies: only `sts:` role actions).";
    ArnRegion = "arn-region", Error, "An ARN Region where the resource type has none.";
    ArnRegionMissing = "arn-region-missing", Warning, "No Region in an ARN whose resource type has one (the ARN matches nothing unless the resource is AWS-owned).";
    ArnRegionUnknown = "arn-region-unknown", Warning, "An ARN Region that is not an AWS Region.";
    ArnAccount = "arn-account", Error, "An ARN account that is not 12 digits (or `*`, a variable or `aws`), or one where the resource type has none.";
    ArnAccountMissing = "arn-account-missing", Warning, "No account in an ARN whose resource type has one (only AWS-owned resources, such as AWS's SSM documents, have none).";
    ArnPlaceholder = "arn-placeholder", Error, "A placeholder left in an ARN (`account-id`, `YOUR_ACCOUNT_ID`, `<bucket>`, `REGION`, `${AWS::AccountId}`).";
    ActionResourceMismatch = "action-resource-mismatch", Warning, "An allowed action that none of the statement's resources can grant it (so the statement never grants it).";
    ConditionOperator = "condition-operator", Error, "A condition operator IAM does not have, or `Null` with `IfExists`.";
    ConditionKeyUnknown = "condition-key-unknown", Error, "A condition key that is neither global nor a key of the service named.";
    ConditionKeyUndocumented = "condition-key-undocumented", Warning, "A condition key missing from the catalog that AWS managed policies still use.";
    ConditionKeyNotApplicable = "condition-key-not-applicable", Warning, "A service condition key that none of the statement's actions supports.";
    ConditionKeyCase = "condition-key-case", Error, "The same condition key twice in one operator block, differing only in case.";
    ConditionTypeMismatch = "condition-type-mismatch", Warning, "An operator for another type than the key's (a `Bool` key with `StringEquals`, a date with `NumericLessThan`, ...).";
    ConditionArnOperator = "condition-arn-operator", Hint, "A `String` operator on an ARN key: it works, but `ArnEquals`/`ArnLike` compare ARNs part by part.";
    ConditionValueInvalid = "condition-value-invalid", Warning, "A condition value that does not fit the operator (a date, number, boolean or IP range that does not parse).";
    ConditionSetOperator = "condition-set-operator", Warning, "`ForAllValues`/`ForAnyValue` on a single-valued key, `ForAllValues` in an Allow or `ForAnyValue` in a Deny without a `Null` check.";
    PolicyVariable = "policy-variable", Error, "A policy variable IAM does not substitute: in a 2008-10-17 policy, in an element other than `Resource` and `Condition`, unknown, or unclosed.";
    AllowWithNot = "allow-with-not", Warning, "`Allow` with `NotAction`, `NotResource` or `NotPrincipal`: it grants everything not listed.";
    PassRoleWildcard = "passrole-wildcard", Warning, "`iam:PassRole` on every role (`*` or `NotResource`) without an `iam:PassedToService` condition.";
    FullAdmin = "full-admin", Warning, "`Allow` of every action on every resource.";
    ConfusedDeputy = "confused-deputy", Warning, "A service principal allowed without `aws:SourceAccount`/`aws:SourceArn` (or org) conditions.";
    TrustWholeAccount = "trust-whole-account", Info, "A trust policy that trusts a whole account without `sts:ExternalId` or MFA conditions.";
    PolicySize = "policy-size", Warning, "A policy over the size quota of its kind (whitespace not counted).";
    StatementDuplicate = "statement-duplicate", Info, "Two statements that are the same but for their `Sid`.";
    ResourceDuplicate = "resource-duplicate", Info, "The same resource twice in one statement.";
    BedrockId = "bedrock-id", Warning, "A Bedrock id of the wrong shape: knowledge base, agent and alias ids are 10 letters and digits; model ids are `provider.model-name-vN:M`.";
    BedrockCrossRegion = "bedrock-cross-region", Warning, "A cross-Region inference profile allowed without its foundation model in every destination Region.";
    BedrockKnowledgeBaseRole = "bedrock-knowledge-base-role", Info, "Querying a knowledge base: what the knowledge base's own service role needs.";
    ConditionArnService = "condition-arn-service", Warning, "An ARN condition value of another service than the key expects (a KMS key where a Secrets Manager secret belongs).";
    SourceArnService = "source-arn-service", Warning, "An `aws:SourceArn` of another service than the trusted service principal.";
    YamlSyntax = "yaml-syntax", Error, "A CloudFormation, SAM or Serverless YAML file that does not parse: reported once, the policies before the error still checked.";
    StatementOverlap = "statement-overlap", Hint, "Two statements with the same effect, resources, principals and conditions, whose actions could be one list (not two of one access level each, a split by access level).";
    HclSyntax = "hcl-syntax", Error, "A Terraform file that does not parse, or a policy in one of its strings that is not JSON: reported once, the other blocks still checked.";
    ConditionIfExistsSecurity = "condition-if-exists-security", Warning, "`...IfExists` on a security key (`aws:SourceIp`, `aws:MultiFactorAuthPresent`, `aws:PrincipalOrgID`, ...) in an Allow: requests without the key are granted.";
    ConditionMfaCheck = "condition-mfa-check", Warning, "An MFA check that does not require MFA: `Bool` `false` in a Deny (long-term keys carry no MFA key), `false` in an Allow, `Null` `false` in an Allow.";
    ConditionWildcardLiteral = "condition-wildcard-literal", Warning, "`*` or `?` in a `StringEquals`/`StringNotEquals` value: compared as a plain character, not a wildcard.";
    SourceIpPrivate = "source-ip-private", Warning, "A private IP range in `aws:SourceIp`: no request carries one; VPC addresses are `aws:VpcSourceIp`.";
    OidcSubjectMissing = "oidc-subject-missing", Warning, "A trust policy that lets a shared OIDC provider (GitHub Actions, GitLab.com, HCP Terraform, Cognito identity pools) assume the role without a `sub` (Cognito: `aud`) condition naming the customer's own.";
    PolicyCharacter = "policy-character", Error, "A character IAM rejects in an identity, trust or boundary policy: only tab, line feed, carriage return and U+0020 to U+00FF.";
    ScpDeniesAllow = "scp-denies-allow", Warning, "An `Allow` in an identity policy that an SCP of the workspace's organization denies for every request it matches.";
    ScpDeniesInferenceRegion = "scp-denies-inference-region", Warning, "A cross-Region inference profile allowed in an identity policy whose destination Regions an SCP of the workspace denies.";
    UnusedSuppression = "unused-suppression", Warning, "A suppression (`# iam-lsp: ignore[code] reason` comment or `Metadata` `iam-lsp` `ignore_checks` entry) that suppresses no finding.";
    SuppressionInvalid = "suppression-invalid", Warning, "A suppression that names no iam-lsp code, or a suppression comment without a reason.";
    PermissionsManagement = "permissions-management", Info, "An Allow statement of an identity policy granting actions of access level Permissions management (they change who may do what).";
    CredentialExposure = "credential-exposure", Info, "An Allow statement of an identity policy granting actions that return or set credentials (`sts:AssumeRole`, `iam:CreateAccessKey`, ...).";
    PrivilegeEscalation = "privilege-escalation", Info, "An identity policy granting an action, or a set of actions across its statements, known to let the holder raise its own permissions.";
    DependentActionMissing = "dependent-action-missing", Hint, "An allowed action that AWS documents as needing another (`kms:Decrypt` for `secretsmanager:GetSecretValue` with a customer managed key), in a policy that grants none.";
}

impl Code {
    /// A code by its name (`"resource-star"`).
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl Severity {
    pub fn parse(name: &str) -> Option<Severity> {
        [Severity::Error, Severity::Warning, Severity::Info, Severity::Hint].into_iter().find(|s| s.as_str() == name)
    }
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

    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Diagnostic {
        self.fixes.extend(fixes);
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }
}
