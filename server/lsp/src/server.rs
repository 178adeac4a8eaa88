//! The language server: its state ([`Backend`]) and how it is run over stdio. The handlers
//! of each request are in [`crate::handlers`], one file each; LSP conversions in
//! [`crate::convert`]. No IAM knowledge lives here.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use iam_analysis::{Encoding, Options};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LspService, Server};

use crate::capabilities::{ClientSupport, DEFAULT_SUPPORT};
use crate::config::{self, Config};
use crate::documents::{Documents, Snapshot};
use crate::output::{self, Outbox};
use crate::wire::InOrder;

pub struct Backend {
    pub(crate) client: Client,
    /// Where `publishDiagnostics` and pulled reports go, serialized without tower-lsp (see
    /// [`output`]).
    pub(crate) outbox: Outbox,
    pub(crate) documents: Arc<Documents>,
    support: OnceLock<ClientSupport>,
    /// Set by `shutdown`: from then on every request is tower-lsp's to refuse.
    shut_down: AtomicBool,
    /// The first workspace folder, where `.iam-lsp.toml` is read.
    root: OnceLock<Option<PathBuf>>,
    /// `.iam-lsp.toml`, then the editor's settings, which take precedence.
    file_config: RwLock<Option<Config>>,
    settings_config: RwLock<Option<Config>>,
    /// Configuration errors to show once the client is ready.
    pub(crate) pending_errors: RwLock<Vec<String>>,
    /// Documents whose background check is queued (see
    /// [`crate::handlers::diagnostics::check_in_background`]): at most one task each.
    pub(crate) checks_queued: Arc<DashMap<Uri, ()>>,
    /// The kind a Terraform module gives each JSON policy file it reads, found when the file
    /// is opened (see [`crate::module_reads`]).
    pub(crate) module_kinds: DashMap<PathBuf, Option<iam_analysis::KindChoice>>,
}

/// How many messages are handled at once. Document notifications are applied in the order
/// they arrive whatever this is ([`InOrder`]); above one, a hover is answered while a
/// pulled report waits for the checks of a large document.
const CONCURRENCY: usize = 4;

pub fn run() {
    short_slices();
    // The blocking pool's threads (large documents' checks) by name, for `top` and `perf`.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_io().thread_name("iam-lsp-check").build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("iam-lsp: cannot start the async runtime: {error}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async {
        let (lsp_output, from_lsp) = tokio::io::duplex(1 << 16);
        let (outbox, writer) = match output::stdout_writer(from_lsp) {
            Ok(writer) => writer,
            Err(error) => {
                eprintln!("iam-lsp: cannot start the output thread: {error}");
                std::process::exit(1);
            }
        };
        // Our own framing reader: tower-lsp's stops at the first malformed message.
        let input = match crate::transport::stdin(outbox.clone()) {
            Ok(input) => input,
            Err(error) => {
                eprintln!("iam-lsp: cannot start the input thread: {error}");
                std::process::exit(1);
            }
        };
        let (service, socket) = LspService::build(move |client| Backend::new(client, outbox))
            .custom_method("iam-lsp/crashTest", Backend::crash_test)
            .finish();
        let serve = Server::new(input, lsp_output, socket).concurrency_level(CONCURRENCY).serve(InOrder::new(service));
        tokio::join!(serve, writer);
    });
}

/// Asks the kernel for short time slices for this thread, the one that reads messages and
/// answers hovers and completions. Linux's scheduler (EEVDF; the request since 6.12) gives a
/// task that asks for a shorter slice an earlier deadline, so when a message wakes this thread it
/// preempts a running check (of a large document, on the blocking pool) at once instead of
/// waiting for the check's slice to end; with the editor busy too, two cores are often both
/// taken. Measured on the 1 MB document: a hover sent with a keystroke waited 2-4 ms for about
/// one keystroke in four, and waits for none (docs/performance.md, "two thread wake-ups and a
/// short slice").
/// Older kernels ignore the request; it needs no privilege, and failing changes nothing else.
fn short_slices() {
    #[cfg(target_os = "linux")]
    {
        /// `struct sched_attr` as `sched_setattr(2)` reads it (its first version, 48 bytes).
        #[repr(C)]
        struct SchedAttr {
            size: u32,
            policy: u32,
            flags: u64,
            nice: i32,
            priority: u32,
            /// For `SCHED_OTHER`, the slice asked for (the kernel keeps it within 0.1-100 ms).
            runtime: u64,
            deadline: u64,
            period: u64,
        }
        let attr = SchedAttr {
            size: std::mem::size_of::<SchedAttr>() as u32,
            policy: libc::SCHED_OTHER as u32,
            flags: 0,
            // The nice level it has (this call sets it too): lowering it would need privilege.
            // SAFETY: reads the calling thread's nice level.
            nice: unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) },
            priority: 0,
            runtime: 100_000, // ns: the shortest the kernel grants
            deadline: 0,
            period: 0,
        };
        // SAFETY: `sched_setattr(0, attr, 0)` reads `size` bytes of `attr` and changes only
        // the calling thread's scheduling.
        unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &attr as *const SchedAttr, 0) };
    }
}

pub fn server_version() -> String {
    format!("{} (catalog {})", env!("CARGO_PKG_VERSION"), iam_analysis::catalog::package())
}

/// Documents up to this size are checked on the thread that reads messages: it takes well
/// under a millisecond (a policy is at most 10 KB), less than handing it to another thread.
/// Larger ones are checked on a blocking thread while messages keep being read.
pub(crate) const CHECK_INLINE: usize = 64 * 1024;

/// Runs a request's analysis, turning a panic into an error response.
pub(crate) fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Error {
            code: ErrorCode::InternalError,
            message: format!("iam-lsp: {what} failed: {detail}").into(),
            data: None,
        }
    })
}

pub(crate) fn not_open(uri: &Uri) -> Error {
    Error::invalid_params(format!("document not open: {}", uri.as_str()))
}

impl Backend {
    fn new(client: Client, outbox: Outbox) -> Backend {
        Backend {
            client,
            outbox,
            documents: Arc::default(),
            support: OnceLock::new(),
            shut_down: AtomicBool::new(false),
            root: OnceLock::new(),
            file_config: RwLock::new(None),
            settings_config: RwLock::new(None),
            pending_errors: RwLock::new(Vec::new()),
            checks_queued: Arc::default(),
            module_kinds: DashMap::new(),
        }
    }

    /// Whether `initialize` was answered and `shutdown` not yet: the window in which
    /// [`InOrder`] handles document notifications and pulled diagnostics itself.
    pub(crate) fn serving(&self) -> bool {
        self.support.get().is_some() && !self.shut_down.load(Ordering::Relaxed)
    }

    pub(crate) fn set_support(&self, support: ClientSupport) {
        let _ = self.support.set(support);
    }

    pub(crate) fn set_shut_down(&self) {
        self.shut_down.store(true, Ordering::Relaxed);
    }

    pub(crate) fn set_root(&self, root: Option<PathBuf>) {
        let _ = self.root.set(root);
    }

    pub(crate) fn root(&self) -> Option<PathBuf> {
        self.root.get().cloned().flatten()
    }

    /// The analysis options for a document, from `.iam-lsp.toml` and the editor settings.
    pub(crate) fn options(&self, uri: &Uri) -> Options {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let file = self.file_config.read().ok().and_then(|c| c.clone());
        let settings = self.settings_config.read().ok().and_then(|c| c.clone());
        let configs: Vec<&Config> = file.iter().chain(settings.iter()).collect();
        let mut options = config::options_for(path.as_deref(), &configs, None);
        if let Some(path) = path.filter(|p| options.kind.is_none() && p.extension().is_some_and(|e| e == "json")) {
            let known = self.module_kinds.get(&path).map(|k| k.clone());
            options.kind = known.unwrap_or_else(|| {
                let found = crate::module_reads::kind_for_file(&path, self.root().as_deref());
                self.module_kinds.insert(path, found.clone());
                found
            });
        }
        options
    }

    /// Forgets the kind a module gave a file, to be found again (when the file is opened).
    pub(crate) fn forget_module_kind(&self, uri: &Uri) {
        if let Some(path) = uri.to_file_path() {
            self.module_kinds.remove(path.as_ref());
        }
    }

    /// Inlay hint settings: (enabled, access levels), the editor's over the file's.
    pub(crate) fn inlay_settings(&self) -> (bool, bool) {
        let file = self.file_config.read().ok().and_then(|c| c.clone());
        let settings = self.settings_config.read().ok().and_then(|c| c.clone());
        let pick = |f: fn(&Config) -> Option<bool>| settings.as_ref().and_then(f).or_else(|| file.as_ref().and_then(f));
        (pick(|c| c.inlay_hints).unwrap_or(true), pick(|c| c.access_levels).unwrap_or(false))
    }

    /// `.iam-lsp.toml` as last read (which policies apply together: `[[principal]]`,
    /// `[organization]`, `[[resource]]`).
    pub(crate) fn workspace_config(&self) -> Option<Config> {
        self.file_config.read().ok().and_then(|c| c.clone())
    }

    /// Reads `.iam-lsp.toml` from the workspace root; returns an error to show.
    pub(crate) fn load_file_config(&self) -> Option<String> {
        let root = self.root()?;
        let (config, error) = match Config::read_in(&root) {
            Ok(config) => (config, None),
            Err(error) => (None, Some(error)),
        };
        if let Ok(mut slot) = self.file_config.write() {
            *slot = config;
        }
        error
    }

    pub(crate) fn set_settings(&self, settings: &serde_json::Value) -> Option<String> {
        let base = self.root().unwrap_or_default();
        let (config, error) = match Config::from_json(settings, &base) {
            Ok(config) => (Some(config), None),
            Err(error) => (None, Some(error)),
        };
        if let Ok(mut slot) = self.settings_config.write() {
            *slot = config;
        }
        error
    }

    pub(crate) fn support(&self) -> ClientSupport {
        *self.support.get().unwrap_or(&DEFAULT_SUPPORT)
    }

    pub(crate) fn encoding(&self) -> Encoding {
        self.support().encoding
    }

    pub(crate) fn snapshot(&self, uri: &Uri) -> Result<Arc<Snapshot>> {
        self.documents.snapshot(uri).ok_or_else(|| not_open(uri))
    }

    /// `iam-lsp/crashTest`: panics inside the request guard, to prove that a panicking
    /// handler costs one error response, not the server.
    async fn crash_test(&self) -> Result<()> {
        guard("crash test", || panic!("crash test"))
    }
}
