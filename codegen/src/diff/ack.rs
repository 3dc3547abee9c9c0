//! Acknowledged breaking changes: a TOML file, named by the manifest's
//! `acknowledged` field, listing the fingerprints of findings a reviewer
//! accepted. Acknowledged findings are still reported but never fail a run.
//!
//! ```toml
//! [[accept]]
//! fingerprint = "3f1c0a9e5b7d2468"
//! id = "response-property-removed"      # optional, for the reader
//! reason = "inviteCode was never set for SSO users; nobody reads it"
//! ```

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    pub fingerprint: String,
    #[serde(default)]
    pub id: Option<String>,
    /// Why the break is acceptable; required so that the file explains itself.
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    accept: Vec<Acknowledgement>,
}

#[derive(Debug, thiserror::Error)]
pub enum AckError {
    #[error("cannot parse acknowledgements file {file}: {message}")]
    Parse { file: String, message: String },
    #[error("acknowledgements file {file}: fingerprint `{fingerprint}` is not 16 lowercase hex digits")]
    Fingerprint { file: String, fingerprint: String },
}

/// Parse an acknowledgements file; `file` is only used in errors.
pub fn parse_acknowledgements(text: &str, file: &str) -> Result<Vec<Acknowledgement>, AckError> {
    let parsed: File = toml::from_str(text)
        .map_err(|e| AckError::Parse { file: file.to_string(), message: e.to_string().trim_end().to_string() })?;
    for a in &parsed.accept {
        let ok = a.fingerprint.len() == 16
            && a.fingerprint.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !ok {
            return Err(AckError::Fingerprint { file: file.to_string(), fingerprint: a.fingerprint.clone() });
        }
    }
    Ok(parsed.accept)
}
