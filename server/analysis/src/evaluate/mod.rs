//! An offline policy evaluator: whether AWS would allow a request, given the policies that
//! apply to it, and which statement of which policy decides. Plain data in (a [`Request`]
//! and a [`PolicySet`]), plain data out (an [`Evaluation`]).
//!
//! It follows AWS's documented evaluation logic; each rule cites its page:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>.
//! "The denyallow page" below is the second of these.

pub mod condition;
pub mod decoded;
pub mod from_statement;
pub mod matching;
pub mod message;
pub mod organization;
pub mod policy;
pub mod render;
pub mod request;
pub mod scenario;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub use condition::ConditionFailure;
pub use matching::Named;
pub use policy::{ActionPattern, Policy, ResourcePattern, Statement};
pub use request::{Caller, ContextValue, PrincipalKind, Request};

use crate::model::Effect;
use matching::{AskedAction, AskedResource, Side};

/// The policy types, as scenario files and reports name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyType {
    Identity,
    Boundary,
    Session,
    Resource,
    Scp,
    Rcp,
    VpcEndpoint,
}

impl PolicyType {
    pub const ALL: [PolicyType; 7] = [
        PolicyType::Identity,
        PolicyType::Boundary,
        PolicyType::Session,
        PolicyType::Resource,
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::VpcEndpoint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::Resource => "resource",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::VpcEndpoint => "vpcEndpoint",
        }
    }

    pub fn parse(name: &str) -> Option<PolicyType> {
        PolicyType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// How messages name a policy of this type.
    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity-based policy",
            PolicyType::Boundary => "permissions boundary",
            PolicyType::Session => "session policy",
            PolicyType::Resource => "resource-based policy",
            PolicyType::Scp => "service control policy",
            PolicyType::Rcp => "resource control policy",
            PolicyType::VpcEndpoint => "VPC endpoint policy",
        }
    }
}

/// The policies that apply to a request.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    pub identity: Vec<Policy>,
    pub boundary: Option<Policy>,
    pub session: Option<Policy>,
    /// The resource's policy; for `sts:AssumeRole*` the role's trust policy, for `kms:*`
    /// the key policy.
    pub resource: Option<Policy>,
    pub vpc_endpoint: Option<Policy>,
    /// The SCPs attached at each level of the organization, root first, account last.
    /// Empty: no organization.
    pub scp: Vec<Vec<Policy>>,
    /// The RCPs likewise (without the AWS-managed `RCPFullAWSAccess`, which every level has).
    pub rcp: Vec<Vec<Policy>>,
    /// The organization's management account, to which SCPs and RCPs do not apply.
    pub management_account: Option<String>,
    /// What answers call each SCP level ([`level_name`]); a level without one (or beyond
    /// the list) is named by its place.
    pub scp_names: Vec<Option<String>>,
    /// The RCP levels' names likewise.
    pub rcp_names: Vec<Option<String>>,
}

/// What answers call level `level` of `count` levels of the organization: `root` for the
/// first, `account` for the last of three or more, `OU n` for the others (n counting from
/// the root's child); a given name is kept when it begins with one of these words
/// (`OU Workloads`, `account 111122223333`), else it follows the word of its place
/// (`Workloads` at an OU is `OU Workloads`).
pub fn level_name<'p>(given: Option<&'p str>, count: usize, level: usize) -> Cow<'p, str> {
    let place = if level == 0 {
        "root"
    } else if count >= 3 && level == count - 1 {
        "account"
    } else {
        "OU"
    };
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        Some(name) => {
            let word = name.split_whitespace().next().unwrap_or("");
            if ["root", "OU", "account"].iter().any(|w| w.eq_ignore_ascii_case(word)) {
                Cow::Borrowed(name)
            } else {
                Cow::Owned(format!("{place} {name}"))
            }
        }
        None if place == "OU" => {
            const OUS: [&str; 5] = ["OU 1", "OU 2", "OU 3", "OU 4", "OU 5"];
            OUS.get(level - 1).map_or_else(|| Cow::Owned(format!("OU {level}")), |n| Cow::Borrowed(*n))
        }
        None => Cow::Borrowed(place),
    }
}

/// A level's name as a sentence shows it: "the root", "OU 1", "OU `Workloads`",
/// "account `111122223333`".
pub fn level_phrase(name: &str) -> String {
    let (word, rest) = name.split_once(' ').map_or((name, ""), |(w, r)| (w, r.trim()));
    match rest {
        "" if word.eq_ignore_ascii_case("OU") => "an OU".to_string(),
        "" => format!("the {word}"),
        _ if word.eq_ignore_ascii_case("OU") && rest.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
        _ => format!("{word} `{rest}`"),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allowed,
    ExplicitlyDenied,
    ImplicitlyDenied,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "Allowed",
            Decision::ExplicitlyDenied => "ExplicitlyDenied",
            Decision::ImplicitlyDenied => "ImplicitlyDenied",
        }
    }

    pub fn parse(name: &str) -> Option<Decision> {
        [Decision::Allowed, Decision::ExplicitlyDenied, Decision::ImplicitlyDenied]
            .into_iter()
            .find(|d| d.as_str() == name)
    }
}

/// Whether one element of a statement matched, and why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check<'p> {
    pub matched: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason<'p>>,
}

impl<'p> Check<'p> {
    fn yes() -> Check<'p> {
        Check { matched: true, reason: None }
    }

    fn no(reason: impl Into<Cow<'static, str>>) -> Check<'p> {
        Check { matched: false, reason: Some(Reason::Text(reason.into())) }
    }
}

/// Why an element did not match. A failed condition keeps its data and is written as text
/// only when shown or serialized: a wildcard question fails the same condition for
/// thousands of requests, and shows few of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason<'p> {
    Text(Cow<'static, str>),
    /// The policy's own words (why its `Condition` block cannot be read).
    Policy(&'p str),
    Condition(Arc<ConditionFailure<'p>>),
    /// The request's resource, which no pattern of `Resource` matches: shared by the
    /// statements of one request, its text written when shown.
    NotInResource(Arc<str>),
}

impl Reason<'_> {
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Reason::Text(text) => Cow::Borrowed(text),
            Reason::Policy(text) => Cow::Borrowed(text),
            Reason::Condition(failure) => Cow::Owned(failure.reason()),
            Reason::NotInResource(resource) => Cow::Owned(format!("`{resource}` is not in `Resource`")),
        }
    }
}

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Text(text) => f.write_str(text),
            Reason::Policy(text) => f.write_str(text),
            Reason::Condition(failure) => failure.fmt(f),
            Reason::NotInResource(resource) => write!(f, "`{resource}` is not in `Resource`"),
        }
    }
}

impl Serialize for Reason<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What one statement of one policy did with the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementReport<'p> {
    pub policy_type: PolicyType,
    /// For SCPs and RCPs: the level (0 the root, the last the account).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    /// For SCPs and RCPs: the level's name ([`level_name`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_name: Option<Cow<'p, str>>,
    pub policy: &'p str,
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<&'p str>,
    pub effect: Option<&'static str>,
    /// Whether every element matched: the statement applies to the request.
    pub applies: bool,
    pub action: Check<'p>,
    /// The other elements: evaluated for every statement by [`evaluate_every_part`], only
    /// when the action matched by [`evaluate`] (absent otherwise); `principal` only in
    /// policies that name principals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<Check<'p>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<Check<'p>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<Check<'p>>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "shared")]
    pub condition_failure: Option<Arc<ConditionFailure<'p>>>,
    /// For a statement that applies: what the request held for each of its conditions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions_held: Vec<String>,
    /// For a resource policy's `Allow`: how its principal names the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named: Option<Named>,
}

/// A failure the report shares with its `condition` check, serialized as itself.
fn shared<S: serde::Serializer>(failure: &Option<Arc<ConditionFailure<'_>>>, serializer: S) -> Result<S::Ok, S::Error> {
    failure.as_deref().serialize(serializer)
}

impl StatementReport<'_> {
    /// "statement `DenyOtherRegions` of the service control policy `deny-regions.json` at OU `Workloads`".
    pub fn describe(&self) -> String {
        let statement = match self.sid {
            Some(sid) if !sid.is_empty() => format!("statement `{sid}`"),
            _ => format!("statement {}", self.index + 1),
        };
        let level = match (&self.level_name, self.level) {
            (Some(name), _) => format!(" at {}", level_phrase(name)),
            (None, Some(l)) => format!(" at level {l}"),
            (None, None) => String::new(),
        };
        format!("{statement} of the {} `{}`{level}", self.policy_type.describe(), self.policy)
    }

    /// Why the statement does not apply: the first element that did not match.
    pub fn why_not(&self) -> Option<Cow<'_, str>> {
        self.parts().find(|(_, c)| !c.matched).and_then(|(_, c)| c.reason.as_ref()).map(Reason::text)
    }

    /// The elements evaluated, in order, each with its name in the JSON report.
    pub fn parts(&self) -> impl Iterator<Item = (&'static str, &Check<'_>)> {
        [
            Some(("action", &self.action)),
            self.resource.as_ref().map(|c| ("resource", c)),
            self.principal.as_ref().map(|c| ("principal", c)),
            self.condition.as_ref().map(|c| ("condition", c)),
        ]
        .into_iter()
        .flatten()
    }

    /// Every element that did not match, with its reason: "resource: `...` is not in `Resource`".
    pub fn every_why_not(&self) -> Vec<String> {
        self.parts()
            .filter(|(_, c)| !c.matched)
            .map(|(name, c)| match &c.reason {
                Some(reason) => format!("{name}: {reason}"),
                None => format!("{name}: does not match"),
            })
            .collect()
    }
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation<'p> {
    pub decision: Decision,
    /// Every policy type that denied, or failed to allow where an allow was needed.
    pub blocked_by: Vec<PolicyType>,
    /// Every statement of every policy that applies to the request, in evaluation order.
    pub statements: Vec<StatementReport<'p>>,
    /// Rules beyond the policy text that decided, and what else AWS checks.
    pub notes: Vec<Cow<'static, str>>,
    /// Whether the principal and the resource are in the same account.
    pub same_account: bool,
}

impl<'p> Evaluation<'p> {
    /// The statements that explicitly deny.
    pub fn denying(&self) -> impl Iterator<Item = &StatementReport<'p>> {
        self.statements.iter().filter(|s| s.applies && s.effect == Some("Deny"))
    }

    /// The statements that allow.
    pub fn allowing(&self) -> impl Iterator<Item = &StatementReport<'p>> {
        self.statements.iter().filter(|s| s.applies && s.effect == Some("Allow"))
    }
}

/// What evaluating a statement needs to know about the request.
struct Ask<'r> {
    caller: &'r Caller,
    action: AskedAction<'r>,
    resource: AskedResource<'r>,
    context: &'r [(String, ContextValue)],
    /// The action can only be granted on `"Resource": "*"` (the catalog lists no resource
    /// type for it): a statement naming ARNs does not match it.
    /// <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
    takes_no_resource: bool,
    has_boundary: bool,
    /// Whether a statement whose action does not match has its other elements evaluated
    /// too ([`evaluate_every_part`]), or stops there ([`evaluate`]).
    every_part: bool,
    /// The resource's text for the statements whose `Resource` leaves it out: made once,
    /// when the first needs it.
    resource_text: std::cell::OnceCell<Arc<str>>,
}

/// Evaluates a request against the policies that apply to it. A statement whose action
/// does not match the request is reported with its action only: the decision needs no
/// more, and most statements of a large policy are such ([`evaluate_every_part`] says
/// what the others did too).
pub fn evaluate<'p>(request: &Request, policies: &'p PolicySet) -> Evaluation<'p> {
    evaluate_request(request, policies, false)
}

/// Evaluates a request as [`evaluate`] does, with every element of every statement
/// reported (action, resource, principal, condition: matched, or why not), for answers a
/// person reads: the same decision.
pub fn evaluate_every_part<'p>(request: &Request, policies: &'p PolicySet) -> Evaluation<'p> {
    evaluate_request(request, policies, true)
}

fn evaluate_request<'p>(request: &Request, policies: &'p PolicySet, every_part: bool) -> Evaluation<'p> {
    // One request: the catalog asked directly, not through the requester's memory of it.
    let requester = Requester::new(&request.principal, &request.context);
    evaluate_for(
        &requester.caller,
        &requester.context,
        &request.action,
        takes_no_resource(&request.action),
        (&request.resource, request.resource_account.as_deref()),
        policies,
        every_part,
    )
}

/// Who makes requests: the caller read from its ARN, and the request context with the keys
/// AWS adds for it. Read once for the many requests of a wildcard question.
#[derive(Clone, Debug)]
pub struct Requester {
    caller: Caller,
    context: Vec<(String, ContextValue)>,
    /// The last action asked and whether it takes no resource: a wildcard question asks
    /// each action for many resources, and the catalog is looked up once for them.
    last_action: RefCell<Option<(String, bool)>>,
}

impl Requester {
    pub fn new(principal: &str, context: &[(String, ContextValue)]) -> Requester {
        let caller = Caller::read(principal, context);
        let mut context = context.to_vec();
        for (key, value) in caller.implied_context() {
            if request::lookup(&context, &key).is_none() {
                context.push((key, value));
            }
        }
        Requester { caller, context, last_action: RefCell::new(None) }
    }

    /// Evaluates the caller's request for `action` on `resource` (whose account is
    /// `resource_account` when given) against the policies that apply to it.
    pub fn evaluate<'p>(
        &self,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        policies: &'p PolicySet,
    ) -> Evaluation<'p> {
        self.evaluate_with(action, resource, resource_account, policies, false)
    }

    /// [`Requester::evaluate`] with every element of every statement reported, as
    /// [`evaluate_every_part`] does.
    pub fn evaluate_every_part<'p>(
        &self,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        policies: &'p PolicySet,
    ) -> Evaluation<'p> {
        self.evaluate_with(action, resource, resource_account, policies, true)
    }

    fn evaluate_with<'p>(
        &self,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        policies: &'p PolicySet,
        every_part: bool,
    ) -> Evaluation<'p> {
        let mut last = self.last_action.borrow_mut();
        let takes_no_resource = match &*last {
            Some((asked, answer)) if asked == action => *answer,
            _ => {
                let answer = takes_no_resource(action);
                *last = Some((action.to_string(), answer));
                answer
            }
        };
        drop(last);
        let asked = (resource, resource_account);
        evaluate_for(&self.caller, &self.context, action, takes_no_resource, asked, policies, every_part)
    }
}

/// Whether the action can only be granted on `"Resource": "*"`: the catalog lists no
/// resource type for it.
fn takes_no_resource(action: &str) -> bool {
    !crate::pattern::has_wildcard(action)
        && crate::Catalog::get().action(action).is_some_and(|(_, a)| a.resource_types.is_empty())
}

fn evaluate_for<'p>(
    caller: &Caller,
    context: &[(String, ContextValue)],
    action: &str,
    takes_no_resource: bool,
    (resource, resource_account): (&str, Option<&str>),
    policies: &'p PolicySet,
    every_part: bool,
) -> Evaluation<'p> {
    let ask = Ask {
        caller,
        action: AskedAction::new(action),
        resource: AskedResource::new(resource),
        context,
        takes_no_resource,
        has_boundary: policies.boundary.is_some(),
        every_part,
        resource_text: std::cell::OnceCell::new(),
    };
    let resource_account = resource_account.or_else(|| arn_account(resource)).or(caller.account.as_deref());
    let same_account = caller.account.is_some() && caller.account.as_deref() == resource_account;
    let management = policies.management_account.as_deref();
    let mut notes = Vec::new();

    // SCPs restrict the principals of member accounts, not the management account's, not
    // service-linked roles; RCPs restrict the resources of member accounts, not
    // service-linked roles. <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>
    // <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>
    let slr = caller.is_service_linked_role();
    let scp_applies = !policies.scp.is_empty()
        && caller.account.is_some()
        && caller.account.as_deref() != management
        && !slr
        && caller.kind != PrincipalKind::Service;
    let rcp_applies = !policies.rcp.is_empty() && resource_account != management && !slr;
    if !policies.scp.is_empty() && !scp_applies {
        notes.push(Cow::Borrowed(if slr {
            "SCPs do not apply to service-linked roles"
        } else if caller.kind == PrincipalKind::Service {
            "SCPs do not apply to service principals"
        } else {
            "SCPs do not apply to the organization's management account"
        }));
    }
    if !policies.rcp.is_empty() && !rcp_applies {
        notes.push(Cow::Borrowed(if slr {
            "RCPs do not apply to service-linked roles"
        } else {
            "RCPs do not apply to resources in the organization's management account"
        }));
    }

    let count = |list: &[Policy]| list.iter().map(|p| p.statements.len()).sum::<usize>();
    let mut statements = Vec::with_capacity(
        count(&policies.identity)
            + [&policies.boundary, &policies.session, &policies.resource, &policies.vpc_endpoint]
                .into_iter()
                .flatten()
                .map(|p| p.statements.len())
                .sum::<usize>()
            + policies.scp.iter().chain(&policies.rcp).map(|l| count(l)).sum::<usize>(),
    );
    let caller_side = caller.has_identity_policies();
    let run = |kind: PolicyType, level: Option<usize>, policy: &'p Policy, out: &mut Vec<StatementReport<'p>>| {
        for statement in &policy.statements {
            out.push(evaluate_statement(statement, policy, kind, level, &ask));
        }
    };
    // Each level's name, made once per level (no list: a wildcard question evaluates
    // thousands of requests).
    let name_of = |given: &'p [Option<String>], count: usize, level: usize| -> Cow<'p, str> {
        level_name(given.get(level).and_then(|g| g.as_deref()), count, level)
    };
    let run_levels = |kind: PolicyType, levels: &'p [Vec<Policy>], given: &'p [Option<String>], out: &mut Vec<_>| {
        for (level, list) in levels.iter().enumerate() {
            let from = out.len();
            for policy in list {
                run(kind, Some(level), policy, out);
            }
            let name = name_of(given, levels.len(), level);
            for report in &mut out[from..] {
                report.level_name = Some(name.clone());
            }
        }
    };
    if rcp_applies {
        run_levels(PolicyType::Rcp, &policies.rcp, &policies.rcp_names, &mut statements);
    }
    if scp_applies {
        run_levels(PolicyType::Scp, &policies.scp, &policies.scp_names, &mut statements);
    }
    if let Some(policy) = &policies.resource {
        run(PolicyType::Resource, None, policy, &mut statements);
    }
    if caller_side {
        for policy in &policies.identity {
            run(PolicyType::Identity, None, policy, &mut statements);
        }
        if let Some(policy) = &policies.boundary {
            run(PolicyType::Boundary, None, policy, &mut statements);
        }
        if let Some(policy) = &policies.session {
            run(PolicyType::Session, None, policy, &mut statements);
        }
    }
    if let Some(policy) = &policies.vpc_endpoint {
        run(PolicyType::VpcEndpoint, None, policy, &mut statements);
    }

    let finish =
        |decision: Decision, mut blocked_by: Vec<PolicyType>, mut notes: Vec<Cow<'static, str>>, statements| {
            blocked_by.sort();
            blocked_by.dedup();
            if decision == Decision::Allowed {
                notes.extend(look_elsewhere(action, resource).map(Cow::Borrowed));
            }
            Evaluation { decision, blocked_by, statements, notes, same_account }
        };

    // "You do not need permission to perform this operation": not even an explicit deny
    // stops it. <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>
    if action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        notes.push(Cow::Borrowed("sts:GetCallerIdentity is always allowed, whatever the policies say"));
        return finish(Decision::Allowed, Vec::new(), notes, statements);
    }

    // 1. An explicit deny in any policy that applies ends it. (denyallow page, "Deny evaluation")
    let denied: Vec<PolicyType> =
        statements.iter().filter(|s| s.applies && s.effect == Some("Deny")).map(|s| s.policy_type).collect();
    if !denied.is_empty() {
        return finish(Decision::ExplicitlyDenied, denied, notes, statements);
    }

    // Rules of the services themselves, which no policy overrides. No statement denies
    // them, so the denial is not an explicit deny in AWS's sense, and no policy type is to
    // blame.
    if let Some(rule) = unmodifiable(action, resource) {
        notes.push(Cow::Borrowed(rule));
        return finish(Decision::ImplicitlyDenied, Vec::new(), notes, statements);
    }

    let allows =
        |kind: PolicyType| statements.iter().any(|s| s.policy_type == kind && s.applies && s.effect == Some("Allow"));
    let mut blocked = Vec::new();

    // 2. RCPs: an Allow at every level; `RCPFullAWSAccess` is attached at each and cannot be
    // detached, so every level allows and RCPs only ever deny. (denyallow page, "AWS Organizations RCPs")
    // 3. SCPs: an Allow at every level, root, each OU, the account. (denyallow page, "AWS Organizations SCPs")
    if scp_applies {
        for level in 0..policies.scp.len() {
            let allowed = statements.iter().any(|s| {
                s.policy_type == PolicyType::Scp && s.level == Some(level) && s.applies && s.effect == Some("Allow")
            });
            if !allowed {
                blocked.push(PolicyType::Scp);
                let name = name_of(&policies.scp_names, policies.scp.len(), level);
                notes.push(Cow::Owned(format!("no SCP at {} allows the action", level_phrase(&name))));
            }
        }
    }
    // A VPC endpoint policy must allow what goes through the endpoint.
    // <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>
    if policies.vpc_endpoint.is_some() && !allows(PolicyType::VpcEndpoint) {
        blocked.push(PolicyType::VpcEndpoint);
    }

    // How the resource policy names the caller, at best.
    let named = statements
        .iter()
        .filter(|s| s.policy_type == PolicyType::Resource && s.applies && s.effect == Some("Allow"))
        .filter_map(|s| s.named)
        .max();
    // The account root has full access in its own account; it has no identity policies.
    // (denyallow page, "with the exception of the AWS account root user")
    let identity = caller.kind == PrincipalKind::Root || allows(PolicyType::Identity);
    let boundary = caller.kind == PrincipalKind::Root || policies.boundary.is_none() || allows(PolicyType::Boundary);
    let session = caller.kind == PrincipalKind::Root || policies.session.is_none() || allows(PolicyType::Session);
    let mut caller_failures = Vec::new();
    if !identity {
        caller_failures.push(PolicyType::Identity);
    }
    if !boundary {
        caller_failures.push(PolicyType::Boundary);
    }
    if !session {
        caller_failures.push(PolicyType::Session);
    }
    // Role trust policies and KMS key policies must allow the principal themselves.
    // (denyallow page, "IAM role trust policies and KMS key policies are exceptions")
    let must_be_named = needs_resource_policy(action);

    if !caller_side && caller.kind != PrincipalKind::Root {
        // A service or anonymous caller has no identity policies: the resource policy alone.
        if named.is_none() {
            blocked.push(PolicyType::Resource);
        }
    } else if !same_account {
        // Cross-account: the caller's account (identity, boundary, session, SCPs) and the
        // resource's (its policy, RCPs) must both allow.
        // <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>
        blocked.extend(caller_failures);
        if named.is_none() {
            blocked.push(PolicyType::Resource);
        }
    } else {
        // Same account. (denyallow page, "Resource-based policies"; and
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html,
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session)
        // A resource policy naming the user, the session or the federated user grants
        // whatever the boundary and the session policy say; one naming the role ARN is
        // limited by both; one naming the account delegates to the identity policies.
        let granted = match named {
            Some(Named::Directly | Named::Everyone) => true,
            Some(Named::Role) => boundary && session,
            Some(Named::Account) | None => false,
        };
        let through_identity = identity && boundary && session && (!must_be_named || named.is_some());
        if !granted && !through_identity {
            match named {
                Some(Named::Role) => blocked.extend(caller_failures.into_iter().filter(|&t| t != PolicyType::Identity)),
                _ => blocked.extend(caller_failures),
            }
            // The resource policy failed too when it had to allow, or when nothing else did.
            if named.is_none() && (must_be_named || (!identity && policies.resource.is_some())) {
                blocked.push(PolicyType::Resource);
            }
        }
    }
    if must_be_named && named.is_none() && policies.resource.is_none() {
        notes.push(Cow::Owned(format!(
            "`{action}` needs the resource's own policy (a role's trust policy, a KMS key policy) to allow the principal; none was given"
        )));
    }
    if named == Some(Named::Account) && same_account {
        notes.push(Cow::Borrowed("the resource policy names the account: it delegates to the identity-based policies"));
    }

    if blocked.is_empty() {
        finish(Decision::Allowed, blocked, notes, statements)
    } else {
        finish(Decision::ImplicitlyDenied, blocked, notes, statements)
    }
}

/// The account part of a resource ARN, when it names one (not `aws`, not a wildcard).
fn arn_account(resource: &str) -> Option<&str> {
    let mut parts = resource.splitn(6, ':');
    let account = parts.nth(4).filter(|a| !a.is_empty() && *a != "aws" && !a.contains('*'))?;
    parts.next().map(|_| account)
}

/// Whether the resource's own policy must allow the action: role trust policies for
/// `sts:AssumeRole*` (and the session tags and source identity set with it), key
/// policies for `kms:*`.
pub fn needs_resource_policy(action: &str) -> bool {
    starts_with_ignore_case(action, "kms:")
        || starts_with_ignore_case(action, "sts:assumerole")
        || ["sts:tagsession", "sts:setsourceidentity", "sts:setcontext"].iter().any(|a| action.eq_ignore_ascii_case(a))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// A service rule that denies whatever the policies say: AWS managed policies and the
/// roles under `aws-reserved` cannot be changed, nor the `alias/aws/` KMS aliases.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies>
/// <https://repost.aws/knowledge-center/identity-center-aws-reserved-sso>
/// <https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html>
fn unmodifiable(action: &str, resource: &str) -> Option<&'static str> {
    let (service, name) = crate::text::split_colon(action)?;
    let changes = ["create", "delete", "update", "put", "attach", "detach", "set", "tag", "untag", "add", "remove"]
        .iter()
        .any(|verb| starts_with_ignore_case(name, verb));
    if service.eq_ignore_ascii_case("iam") && changes {
        if resource.contains(":iam::aws:policy/") {
            return Some("AWS managed policies cannot be changed, whatever the policies allow");
        }
        if resource.contains(":role/aws-reserved/") {
            return Some("roles under the `aws-reserved` path cannot be changed, whatever the policies allow");
        }
    }
    if service.eq_ignore_ascii_case("kms")
        && ["createalias", "updatealias", "deletealias"].iter().any(|a| name.eq_ignore_ascii_case(a))
        && resource.contains(":alias/aws/")
    {
        return Some("aliases that begin with `alias/aws/` are reserved for AWS managed keys and cannot be created, changed or deleted");
    }
    None
}

/// What else AWS checks once the policies allow a request (no list built: every allowed
/// request of a wildcard question says it).
/// - Bedrock foundation models need model access: <https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html>
/// - A KMS key's policy (or a grant) must allow its use, for KMS calls and for S3 objects
///   encrypted with SSE-KMS: <https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html>,
///   <https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html>
/// - S3 Block Public Access overrides policies: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
/// - VPC endpoint policies: <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>
/// - Service-linked roles: [`service_linked_role`].
pub fn look_elsewhere(action: &str, resource: &str) -> impl Iterator<Item = &'static str> {
    let bedrock = starts_with_ignore_case(action, "bedrock:")
        && (resource.contains(":foundation-model/") || resource.contains(":inference-profile/"));
    let s3 = starts_with_ignore_case(action, "s3:");
    let kms = starts_with_ignore_case(action, "kms:");
    [
        bedrock.then_some("the policies allow this; if AWS still denies it, look at model access: the foundation model must be enabled in the account and every Region the request reaches (https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html)"),
        (kms || s3).then_some("a KMS key policy or grant must also allow the key the data is encrypted with"),
        s3.then_some("S3 Block Public Access overrides policies that grant public access"),
        service_linked_role(action),
        Some("a VPC endpoint policy applies to requests that go through the endpoint"),
    ]
    .into_iter()
    .flatten()
}

/// The note for an action whose service creates a service-linked role on first use: "to
/// allow an IAM entity to create a specific service-linked role", the caller needs
/// `iam:CreateServiceLinkedRole` too, which the policies that allow the action may not grant.
/// The actions are `knowledge/dependent-actions.json`'s entries that need it, each citing
/// its service's page. <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create-service-linked-role.html#service-linked-role-permissions>
fn service_linked_role(action: &str) -> Option<&'static str> {
    static NOTES: std::sync::OnceLock<Vec<(&'static [String], String)>> = std::sync::OnceLock::new();
    let notes = NOTES.get_or_init(|| {
        crate::knowledge::DependentActions::get()
            .entries
            .iter()
            .filter(|e| e.needs.eq_ignore_ascii_case("iam:CreateServiceLinkedRole"))
            .map(|e| {
                let note = format!(
                    "when {}, the caller also needs `{}` on that role (its path is `/aws-service-role/`), which the policies that allow this action may not grant: simulate it too ({})",
                    e.when, e.needs, e.source
                );
                (e.actions.as_slice(), note)
            })
            .collect()
    });
    notes.iter().find(|(actions, _)| actions.iter().any(|a| a.eq_ignore_ascii_case(action))).map(|(_, n)| n.as_str())
}

fn evaluate_statement<'p>(
    statement: &'p Statement,
    policy: &'p Policy,
    kind: PolicyType,
    level: Option<usize>,
    ask: &Ask<'_>,
) -> StatementReport<'p> {
    let effect = statement.effect;
    // An Allow applies to a set of actions or resources when it overlaps it; a Deny when
    // it covers it.
    let side = if effect == Some(Effect::Deny) { Side::Covers } else { Side::Overlaps };
    let flip = if side == Side::Covers { Side::Overlaps } else { Side::Covers };
    let action = match (&statement.action, &statement.not_action) {
        (Some(list), _) => {
            if list.iter().any(|p| matching::action_matches(p, &ask.action, side)) {
                Check::yes()
            } else {
                // Static text: most statements of a large policy end here.
                Check::no("the action is not in `Action`")
            }
        }
        (None, Some(list)) => match list.iter().find(|p| matching::action_matches(p, &ask.action, flip)) {
            None => Check::yes(),
            Some(p) => Check::no(format!("`NotAction` `{p}` leaves `{}` out", ask.action.text)),
        },
        (None, None) => Check::no("the statement has no `Action` or `NotAction`"),
    };
    let effect_name = match effect {
        Some(Effect::Allow) => Some("Allow"),
        Some(Effect::Deny) => Some("Deny"),
        None => None,
    };
    let mut report = StatementReport {
        policy_type: kind,
        level,
        level_name: None,
        policy: &policy.name,
        index: statement.index,
        sid: statement.sid.as_deref(),
        effect: effect_name,
        applies: false,
        action,
        resource: None,
        principal: None,
        condition: None,
        condition_failure: None,
        conditions_held: Vec::new(),
        named: None,
    };
    // The rest only matters to the decision for a statement that names the action: most do
    // not, and a simulation over large policies is mostly this.
    if !report.action.matched && !ask.every_part {
        return report;
    }
    let resource_check = |list: &'p [ResourcePattern], side: Side| -> Result<Option<&'p str>, String> {
        // The action takes no resource: only `*` names what it acts on.
        if ask.takes_no_resource {
            return Ok(list.iter().find(|p| crate::arn::is_all_wildcard(&p.text)).map(|p| p.text.as_str()));
        }
        for p in list {
            if matching::resource_matches(p, &ask.resource, ask.context, policy.variables, side)? {
                return Ok(Some(&p.text));
            }
        }
        Ok(None)
    };
    let resource = match (&statement.resource, &statement.not_resource) {
        (Some(list), _) => match resource_check(list, side) {
            Ok(Some(_)) => Check::yes(),
            Ok(None) if ask.takes_no_resource => {
                Check::no(format!("`{}` takes no resource: only `\"Resource\": \"*\"` matches it", ask.action.text))
            }
            Ok(None) => {
                let text = ask.resource_text.get_or_init(|| Arc::from(ask.resource.text));
                Check { matched: false, reason: Some(Reason::NotInResource(Arc::clone(text))) }
            }
            Err(reason) => Check::no(reason),
        },
        (None, Some(list)) => match resource_check(list, flip) {
            Ok(None) => Check::yes(),
            Ok(Some(p)) => Check::no(format!("`NotResource` `{p}` leaves `{}` out", ask.resource.text)),
            Err(reason) => Check::no(reason),
        },
        // A resource policy (and a trust policy) applies to the resource it is attached to.
        (None, None) if matches!(kind, PolicyType::Resource | PolicyType::VpcEndpoint) => Check::yes(),
        (None, None) => Check::no("the statement has no `Resource` or `NotResource`"),
    };
    let mut named = None;
    let principal = matches!(kind, PolicyType::Resource | PolicyType::Rcp | PolicyType::VpcEndpoint).then(|| {
        match (&statement.principal, &statement.not_principal) {
            (Some(p), _) => match matching::principal_named(p, ask.caller) {
                Some(how) => {
                    named = Some(how);
                    Check::yes()
                }
                None => Check::no(format!("`Principal` does not name `{}`", ask.caller.arn)),
            },
            // `NotPrincipal` with `Deny` always denies principals with a permissions
            // boundary, whatever it lists.
            // <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
            (None, Some(_)) if effect == Some(Effect::Deny) && ask.has_boundary => Check::yes(),
            (None, Some(p)) => {
                if matching::not_principal_excludes(p, ask.caller) {
                    Check::no(format!("`NotPrincipal` leaves `{}` out", ask.caller.arn))
                } else {
                    named = Some(Named::Everyone);
                    Check::yes()
                }
            }
            // A VPC endpoint policy without a principal applies to everyone.
            (None, None) if kind == PolicyType::VpcEndpoint => {
                named = Some(Named::Everyone);
                Check::yes()
            }
            (None, None) => Check::no("the statement has no `Principal` or `NotPrincipal`"),
        }
    });
    let condition = match &statement.condition {
        None => Check::yes(),
        Some(Err(problem)) => Check { matched: false, reason: Some(Reason::Policy(problem)) },
        Some(Ok(conditions)) => match condition::check(conditions, ask.context, policy.variables) {
            Ok(()) => Check::yes(),
            Err(failure) => {
                let failure = Arc::new(failure);
                report.condition_failure = Some(Arc::clone(&failure));
                Check { matched: false, reason: Some(Reason::Condition(failure)) }
            }
        },
    };
    report.applies = effect.is_some()
        && report.action.matched
        && resource.matched
        && principal.as_ref().is_none_or(|p| p.matched)
        && condition.matched;
    if report.applies {
        if let Some(Ok(conditions)) = &statement.condition {
            report.conditions_held = condition::describe(conditions, ask.context);
        }
        if kind == PolicyType::Resource {
            report.named = named;
        }
    }
    report.resource = Some(resource);
    report.principal = principal;
    report.condition = Some(condition);
    report
}
