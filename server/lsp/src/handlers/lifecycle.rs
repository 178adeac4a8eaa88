//! `initialize` and `initialized`: what the client supports, the workspace's configuration,
//! and the server's capabilities.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::capabilities::{server_capabilities, ClientSupport};
use crate::config;
use crate::server::{server_version, Backend};

pub(super) fn initialize(backend: &Backend, params: InitializeParams) -> Result<InitializeResult> {
    let support = ClientSupport::of(&params.capabilities);
    backend.set_support(support);
    #[allow(deprecated)] // `root_uri` is what older clients send
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|f| f.uri.clone())
        .or(params.root_uri.clone())
        .and_then(|uri| uri.to_file_path().map(|p| p.into_owned()));
    backend.set_root(root);
    let mut errors = Vec::new();
    errors.extend(backend.load_file_config());
    if let Some(options) = &params.initialization_options {
        errors.extend(backend.set_settings(options));
    }
    if let Ok(mut pending) = backend.pending_errors.write() {
        *pending = errors;
    }
    Ok(InitializeResult {
        server_info: Some(ServerInfo { name: "iam-lsp".to_string(), version: Some(server_version()) }),
        capabilities: server_capabilities(support),
        offset_encoding: None,
    })
}

pub(super) async fn initialized(backend: &Backend) {
    let errors = backend.pending_errors.write().map(|mut e| std::mem::take(&mut *e)).unwrap_or_default();
    for error in errors {
        backend.client.show_message(MessageType::ERROR, format!("iam-lsp: {error}")).await;
    }
    if backend.support().watch_files {
        // Not awaited: the client answers while this server handles other messages.
        let client = backend.client.clone();
        tokio::spawn(async move {
            // Policy files too: an SCP changed on disk changes the findings of the identity
            // policies it applies to (`crate::cross_file`).
            let watchers = vec![
                FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{}", config::FILE_NAME)),
                    kind: None,
                },
                FileSystemWatcher { glob_pattern: GlobPattern::String("**/*.json".to_string()), kind: None },
            ];
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = Registration {
                id: "iam-lsp-config".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            let _ = client.register_capability(vec![registration]).await;
        });
    }
}
