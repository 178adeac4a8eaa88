//! The criterion micro-benchmarks' medians, read from criterion's output directory.

use std::path::Path;

use crate::{fmt_time, Row};

/// The benchmarks of `server/analysis/benches/analysis.rs`, as criterion names them.
const STAGES: [&str; 5] = ["parse", "model", "analyse", "hover", "completion"];
const POLICIES: [&str; 3] = ["small", "typical", "largest"];

/// The median of one benchmark, in nanoseconds.
fn median_ns(dir: &Path, group: &str, id: &str) -> Option<f64> {
    let path = dir.join(group).join(id).join("new").join("estimates.json");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

pub fn rows(dir: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    for stage in STAGES {
        let cells: Vec<String> = POLICIES
            .iter()
            .map(|p| median_ns(dir, stage, p).map_or_else(|| "—".to_string(), |ns| fmt_time(ns / 1e9)))
            .collect();
        rows.push(Row::new(
            format!("Library: {stage}, small (0.7 KB) / typical (4 KB) / largest (14 KB) policy"),
            cells.join(" / "),
            String::new(),
            None,
        ));
    }
    let cells: Vec<String> = ["parse", "analyse", "reanalyse"]
        .iter()
        .map(|id| median_ns(dir, "document", id).map_or_else(|| "—".to_string(), |ns| fmt_time(ns / 1e9)))
        .collect();
    rows.push(Row::new(
        "Library: parse / analyse / re-analyse after a keystroke (kept tree and findings), the 1 MB document".into(),
        cells.join(" / "),
        String::new(),
        None,
    ));
    let template = |id: &str| median_ns(dir, "template", id);
    let cells: Vec<String> = ["yaml-parse-5k-lines", "extract-5k-lines", "open-5k-lines"]
        .iter()
        .map(|id| template(id).map_or_else(|| "—".to_string(), |ns| fmt_time(ns / 1e9)))
        .collect();
    rows.push(Row::new(
        "Library: YAML parse / extraction / open (every policy checked), 5,000-line CloudFormation template".into(),
        cells.join(" / "),
        String::new(),
        None,
    ));
    let keystroke = template("keystroke-5k-lines");
    rows.push(Row::new(
        "Library: keystroke inside an embedded policy of the 5,000-line template: next version + its diagnostics"
            .into(),
        keystroke.map_or_else(|| "—".to_string(), |ns| fmt_time(ns / 1e9)),
        "< 5 ms".into(),
        keystroke.map(|ns| ns < 5e6),
    ));
    let load = median_ns(dir, "catalog", "load").map_or_else(|| "—".to_string(), |ns| fmt_time(ns / 1e9));
    rows.push(Row::new(
        "Library: catalog load (decode and index the embedded catalog)".into(),
        load,
        String::new(),
        None,
    ));
    rows
}
