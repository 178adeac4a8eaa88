//! Diagnostics across files: an identity policy of the workspace (a JSON file, or a
//! template's that a `[[principal]]` takes) read with the SCPs of its `[organization]`
//! (`.iam-lsp.toml`; SCP files, and templates' SCPs), through the analysis library's
//! [`iam_analysis::evaluate::organization`]. The SCPs are read as the editor has them when
//! open, else from disk; an edit to one re-checks the open documents that depend on it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use iam_analysis::evaluate::organization::{self, CrossFileFinding, ScpFile};
use iam_analysis::{Document, Encoding};
use tower_lsp_server::ls_types::{self as lsp, DiagnosticRelatedInformation, Location, NumberOrString, Uri};

use crate::config::Config;
use crate::convert;
use crate::documents::Documents;
use crate::handlers::diagnostics;
use crate::server::Backend;
use crate::statement_scenario;
use crate::unresolved;
use crate::workspace_policies::{self, FilePolicy};

/// What the cross-file checks of a document need, taken from the server before a check runs.
#[derive(Clone)]
pub struct Workspace {
    root: PathBuf,
    config: Config,
    documents: Arc<Documents>,
}

impl Workspace {
    /// The workspace, when `.iam-lsp.toml` names an organization with SCPs.
    pub fn of(backend: &Backend) -> Option<Workspace> {
        let root = backend.root()?;
        let config = backend.workspace_config()?;
        let org = config.organization.as_ref()?;
        if org.scp.is_empty() {
            return None;
        }
        Some(Workspace { root, config, documents: backend.documents.clone() })
    }

    fn relative(&self, uri: &Uri) -> Option<String> {
        statement_scenario::relative(&self.root, &uri.to_file_path()?)
    }

    /// Whether the file is one of the organization's SCPs.
    pub fn is_scp(&self, uri: &Uri) -> bool {
        let (Some(org), Some(file)) = (&self.config.organization, self.relative(uri)) else { return false };
        org.scp.iter().flat_map(|l| l.globs()).any(|glob| workspace_policies::glob_matches_file(glob, &file))
    }

    /// The cross-file diagnostics of an identity policy that a `[[principal]]` lists.
    pub fn diagnostics(&self, uri: &Uri, doc: &Document, encoding: Encoding) -> Vec<lsp::Diagnostic> {
        let Some(file) = self.relative(uri) else { return Vec::new() };
        findings(&self.root, &self.config, &file, doc, &|path| self.text_of(path))
            .into_iter()
            .map(|f| {
                let mut d = convert::diagnostic(doc, &f.diagnostic, encoding);
                let related: Vec<DiagnosticRelatedInformation> = f
                    .related
                    .iter()
                    .filter_map(|r| {
                        let path = self.root.join(&r.file);
                        let text = self.text_of(&path)?;
                        let scp = Document::from(text.as_str());
                        Some(DiagnosticRelatedInformation {
                            location: Location {
                                uri: Uri::from_file_path(&path)?,
                                range: convert::range(&scp, r.range, encoding),
                            },
                            message: r.message.clone(),
                        })
                    })
                    .collect();
                d.related_information = (!related.is_empty()).then_some(related);
                d.code = Some(NumberOrString::String(f.diagnostic.code.as_str().to_string()));
                d
            })
            .collect()
    }

    /// A file's text: the open document's, else the file on disk.
    fn text_of(&self, path: &Path) -> Option<String> {
        let open = self.documents.uris().into_iter().find(|u| u.to_file_path().is_some_and(|p| p == path));
        if let Some(snapshot) = open.and_then(|u| self.documents.snapshot(&u)) {
            return Some(snapshot.document.text().to_string());
        }
        std::fs::read_to_string(path).ok()
    }
}

/// The cross-file findings of the policy `file` (a path relative to `root`, the directory of
/// `config`), when a `[[principal]]` lists it as an identity policy and the organization has
/// SCPs (policy files, and the SCPs of the templates its levels' globs match,
/// [`workspace_policies`]); the codes the document's options disable are left out.
/// `text_of` reads a file of the workspace: the editor's open documents first, `iam-lsp
/// check` the disk. Each related location names its file relative to `root`, and its range
/// in that file's text (the statement's place in a template).
///
/// A template's SCP with parts it leaves unresolved is read at the end where those parts
/// deny the least ([`unresolved::End::Most`]): a finding says an SCP always denies, which
/// must hold whatever they are.
pub fn findings(
    root: &Path,
    config: &Config,
    file: &str,
    doc: &Document,
    text_of: &dyn Fn(&Path) -> Option<String>,
) -> Vec<CrossFileFinding> {
    let principal = config
        .principals
        .iter()
        .find(|p| p.identity.iter().any(|glob| workspace_policies::glob_matches_file(glob, file)));
    let (Some(principal), Some(org)) = (principal, &config.organization) else { return Vec::new() };
    if org.scp.is_empty() {
        return Vec::new();
    }
    let files = workspace_policies::workspace_files(root);
    let read = |f: &str| text_of(&root.join(f));
    let policies: Vec<Vec<FilePolicy>> = org
        .scp
        .iter()
        .map(|level| {
            level
                .globs()
                .iter()
                .flat_map(|g| workspace_policies::select(g, workspace_policies::SCP, &files, &read))
                .collect()
        })
        .collect();
    let levels: Vec<Vec<ScpFile>> = policies
        .iter()
        .map(|level| {
            level
                .iter()
                .filter_map(|p| {
                    let text = if p.has_unknown() {
                        unresolved::policy_at_end(&p.text, unresolved::End::Most)?
                    } else {
                        p.text.clone()
                    };
                    Some(ScpFile { name: p.name.clone(), text })
                })
                .collect()
        })
        .collect();
    let caller = principal.arn.replace('*', "example");
    let disabled = &doc.options().disabled;
    let names = org.scp_names();
    let of = |identity: &Document| {
        organization::scp_findings(identity, &caller, &levels, &names, org.management_account.as_deref())
    };
    let found = match doc.host() {
        None => of(doc),
        Some(host) => {
            // A template's identity policies that the principal's globs take, each read on
            // its own, its findings placed in the template; a statement with a part the
            // template leaves unresolved gets none (whether the SCP denies it depends on it).
            let listed = workspace_policies::policies_in(file, doc.text());
            let mut found = Vec::new();
            for (i, p) in host.policies.iter().enumerate() {
                let taken = listed.get(i).filter(|l| l.kind == Some(p.policy.kind) && l.embedded.is_some());
                let taken = taken.is_some_and(|l| {
                    p.policy.kind == iam_analysis::PolicyKind::Identity
                        && principal.identity.iter().any(|g| workspace_policies::takes(g, l))
                });
                if !taken {
                    continue;
                }
                let statements = p.document.policy().map(|policy| policy.statements).unwrap_or_default();
                for mut f in of(&p.document) {
                    let range = f.diagnostic.range;
                    let statement = statements
                        .iter()
                        .find(|s| s.object.range.start <= range.start && range.end <= s.object.range.end);
                    let unresolved = statement
                        .is_none_or(|s| p.policy.json.touches_unknown(s.object.range.start..s.object.range.end));
                    if unresolved {
                        continue;
                    }
                    let host_range = p.policy.json.to_host(range.start..range.end);
                    f.diagnostic.range = iam_analysis::TextRange::new(host_range.start, host_range.end);
                    found.push(f);
                }
            }
            found
        }
    };
    found
        .into_iter()
        .filter(|f| !disabled.contains(&f.diagnostic.code))
        .map(|mut f| {
            for r in &mut f.related {
                let policy = policies.get(r.level).and_then(|l| l.iter().find(|p| p.name == r.file));
                if let Some(policy) = policy {
                    r.file = policy.file.clone();
                    if let Some(range) = policy.statement_range(r.index) {
                        r.range = iam_analysis::TextRange::new(range.start, range.end);
                    }
                }
            }
            f
        })
        .collect()
}

/// After an SCP of the workspace was opened, edited or closed: every other open document is
/// checked again (a new snapshot, so that a pulled report is not "unchanged"), and a client
/// that pulls is asked to.
pub fn scp_changed(backend: &Backend, uri: &Uri) {
    let Some(workspace) = Workspace::of(backend) else { return };
    if !workspace.is_scp(uri) {
        return;
    }
    for other in backend.documents.uris().into_iter().filter(|u| u != uri) {
        let options = backend.options(&other);
        if backend.documents.reanalyze(&other, &options).is_some() {
            diagnostics::check_in_background(backend, other);
        }
    }
    let support = backend.support();
    if support.pull_diagnostics && support.diagnostic_refresh {
        let client = backend.client.clone();
        tokio::spawn(async move {
            let _ = client.workspace_diagnostic_refresh().await;
        });
    }
}
