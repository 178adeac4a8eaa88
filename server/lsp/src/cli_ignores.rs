//! `iam-lsp check`: the `[[ignore]]` entries of `.iam-lsp.toml` that suppressed nothing.
//! Only the CLI sees every file an entry may apply to, so only it reports these; an entry
//! that applies to none of the files checked (a run on a few files) is not reported.

use std::path::Path;

use iam_analysis::Code;

use super::Finding;
use crate::config::Config;

#[derive(Default)]
pub(super) struct Tracker {
    configs: Vec<Config>,
    /// Per file: its config's index, and for each of its options' ignores, the entry's index.
    files: Vec<Option<(usize, Vec<usize>)>>,
    /// Per config, per entry: whether it applies to a checked file, and whether it was used.
    state: Vec<Vec<(bool, bool)>>,
}

impl Tracker {
    /// The next file, and the config its options come from.
    pub(super) fn add(&mut self, file: &Path, config: Option<&Config>) {
        let Some(config) = config.filter(|c| !c.ignores.is_empty()) else {
            self.files.push(None);
            return;
        };
        let c = match self.configs.iter().position(|k| k.origin == config.origin) {
            Some(c) => c,
            None => {
                self.configs.push(config.clone());
                self.state.push(vec![(false, false); config.ignores.len()]);
                self.configs.len() - 1
            }
        };
        let absolute = std::path::absolute(file).ok();
        let entries = config.ignores_for(absolute.as_deref()).map(|(i, _)| i).collect();
        self.files.push(Some((c, entries)));
    }

    /// File `file` was checked; `used` is its analysis's [`iam_analysis::Analysis::ignores_used`].
    pub(super) fn checked(&mut self, file: usize, used: &[bool]) {
        let Some(Some((c, entries))) = self.files.get(file) else { return };
        for (j, &entry) in entries.iter().enumerate() {
            let state = &mut self.state[*c][entry];
            state.0 = true;
            state.1 |= used.get(j).copied().unwrap_or(false);
        }
    }

    /// An `unused-suppression` finding on each entry that applies to a checked file and
    /// suppressed nothing in any.
    pub(super) fn unused(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (config, state) in self.configs.iter().zip(&self.state) {
            if config.disabled.contains(&Code::UnusedSuppression) {
                continue;
            }
            let severity = config
                .severity
                .iter()
                .find(|(c, _)| *c == Code::UnusedSuppression)
                .map_or(Code::UnusedSuppression.default_severity(), |(_, s)| *s);
            let path = Path::new(&config.origin);
            let shown = std::env::current_dir()
                .ok()
                .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
                .unwrap_or_else(|| config.origin.clone());
            for (entry, &(applies, used)) in config.ignores.iter().zip(state) {
                if !applies || used {
                    continue;
                }
                let line = entry.line.unwrap_or(0);
                let sid = entry.ignore.sid.as_ref().map(|s| format!(" in statement `{s}`")).unwrap_or_default();
                out.push(Finding {
                    path: shown.clone(),
                    code: Code::UnusedSuppression,
                    severity,
                    start: (line, 0),
                    end: (line, if entry.line.is_some() { "[[ignore]]".len() as u32 } else { 0 }),
                    message: format!(
                        "this [[ignore]] of `{}`{sid} suppresses nothing in the files checked that it applies to; remove it",
                        entry.ignore.code.as_str()
                    ),
                    related: Vec::new(),
                });
            }
        }
        out
    }
}
