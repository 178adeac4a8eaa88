//! Inflates the gzipped catalog (`catalog/catalog.bin.gz`, written by `catalog/update.mjs`)
//! into OUT_DIR, for `catalog/mod.rs` to embed: the binary then starts without spending time
//! on decompression.

use std::io::Read;
use std::path::PathBuf;

fn main() {
    let source = "catalog/catalog.bin.gz";
    println!("cargo:rerun-if-changed={source}");
    let gz = std::fs::read(source).expect("read catalog/catalog.bin.gz");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut bytes).expect("catalog/catalog.bin.gz is gzip");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.bin");
    std::fs::write(out, bytes).expect("write the inflated catalog");
}
