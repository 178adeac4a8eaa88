//! Reads the catalog's binary encoding (written by `catalog/update.mjs`, which describes it):
//! a string table, then the catalog as varints and string indices.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use super::{AccessLevel, Action, ConditionKey, Partition, RawCatalog, ResourceType, Service, Source};

const MAGIC: &[u8] = b"IAMCAT3\n";

/// Reads catalogs embedded in the binary: its strings are the catalog's own, never copied.
struct Reader {
    bytes: &'static [u8],
    at: usize,
    strings: Vec<&'static str>,
}

impl Reader {
    fn uint(&mut self) -> Result<usize, String> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or("the catalog ends early")?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return usize::try_from(value).map_err(|_| "a number out of range".to_string());
            }
        }
        Err("a number out of range".to_string())
    }

    /// A count of items that each take at least one byte: bounded by what is left, so a
    /// corrupt count cannot ask for a huge allocation.
    fn count(&mut self) -> Result<usize, String> {
        let n = self.uint()?;
        if n > self.bytes.len() - self.at {
            return Err(format!("a count of {n} past the end of the catalog"));
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&'static str, String> {
        let id = self.uint()?;
        self.strings.get(id).copied().ok_or_else(|| format!("string {id} is not in the table"))
    }

    fn string(&mut self) -> Result<String, String> {
        self.str().map(str::to_owned)
    }

    /// `count` items read by `item`. (A loop, not `collect` into a `Result`, which cannot
    /// size the vector up front.)
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T, String>) -> Result<Vec<T>, String> {
        let n = self.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }

    fn strings(&mut self) -> Result<Vec<String>, String> {
        self.list(Self::string)
    }

    fn strs(&mut self) -> Result<Vec<&'static str>, String> {
        self.list(Self::str)
    }

    fn condition_keys(&mut self) -> Result<Vec<ConditionKey>, String> {
        self.list(|r| Ok(ConditionKey { key: r.str()?, key_type: r.str()?, description: r.str()? }))
    }

    fn action(&mut self) -> Result<Action, String> {
        let name = self.str()?;
        let level = self.uint()?;
        let access_level = *AccessLevel::ALL.get(level).ok_or_else(|| format!("access level {level}"))?;
        Ok(Action {
            name,
            access_level,
            description: self.str()?,
            resource_types: self.strs()?,
            condition_keys: self.strs()?,
            request_arns: self.strs()?,
        })
    }

    fn resource_type(&mut self) -> Result<ResourceType, String> {
        Ok(ResourceType {
            name: self.str()?,
            arn: self.str()?,
            condition_keys: self.strs()?,
            arn_format: None,
            other_formats: Vec::new(),
        })
    }

    fn service(&mut self) -> Result<Service, String> {
        let prefix = self.str()?;
        let name = self.str()?;
        let actions = self.list(Self::action)?;
        let resource_types = self.list(Self::resource_type)?;
        Ok(Service {
            prefix,
            name,
            actions,
            resource_types,
            condition_keys: self.condition_keys()?,
            actions_by_name: HashMap::default(),
            condition_keys_by_name: HashMap::default(),
            condition_key_templates: Vec::new(),
            resource_types_by_name: HashMap::default(),
            actions_sorted: OnceLock::new(),
        })
    }
}

/// The string table, leaving the reader at the start of the catalog proper.
fn header(bytes: &'static [u8]) -> Result<Reader, String> {
    let body =
        bytes.strip_prefix(MAGIC).ok_or("not a catalog in encoding version 3 (regenerate it with update.mjs)")?;
    let mut reader = Reader { bytes: body, at: 0, strings: Vec::new() };
    let lengths = reader.list(Reader::uint)?;
    let n = lengths.len();
    let total = reader.uint()?;
    let blob = body.get(reader.at..reader.at.checked_add(total).ok_or("a string table too long")?);
    let blob = std::str::from_utf8(blob.ok_or("the string table ends early")?).map_err(|e| e.to_string())?;
    reader.at += total;
    let mut start: usize = 0;
    reader.strings.reserve_exact(n);
    for len in lengths {
        let s = start
            .checked_add(len)
            .and_then(|end| blob.get(start..end))
            .ok_or("a string past the end of the table, or not on a character boundary")?;
        reader.strings.push(s);
        start += len;
    }
    Ok(reader)
}

/// The package the catalog was generated from (its first string), without decoding the rest.
pub(super) fn package(bytes: &'static [u8]) -> Result<&'static str, String> {
    header(bytes)?.str()
}

pub(super) fn decode(bytes: &'static [u8]) -> Result<RawCatalog, String> {
    let mut reader = header(bytes)?;
    let source =
        Source { package: reader.string()?, integrity: reader.string()?, legacy_actions_from: reader.string()? };
    let services = reader.list(Reader::service)?;
    let global_condition_keys = reader.condition_keys()?;
    let legacy_actions = reader.strs()?;
    let legacy_prefixes = reader.strs()?;
    let rcp_supported_services = reader.strs()?;
    let partitions = reader.list(|r| Ok(Partition { id: r.string()?, regions: r.strings()? }))?;
    let service_principals = reader.strings()?;
    let undocumented_condition_keys = reader.strs()?;
    if reader.at != reader.bytes.len() {
        return Err(format!("{} bytes left over after the catalog", reader.bytes.len() - reader.at));
    }
    Ok(RawCatalog {
        source,
        services,
        global_condition_keys,
        legacy_actions,
        legacy_prefixes,
        rcp_supported_services,
        partitions,
        service_principals,
        undocumented_condition_keys,
    })
}
