//! The bundle file: an uncompressed ustar archive of exactly three members, in this order —
//! `manifest.json` (clear, no personal data), `manifest.sig` (Ed25519 over the manifest's exact
//! bytes with a domain prefix), `payload.age` (the changes, encrypted with age to the
//! destination and, optionally, an escrow recipient). See `docs/bundle-format.md`.
//!
//! Reading checks sizes before reading anything, reads member by member without extracting
//! anything to disk, and parses the manifest only after its signature has verified.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keys::{Card, Keys, Rotation};
use super::Refusal;

/// Format name in the manifest.
pub const FORMAT: &str = "jiuzhu-bundle";
/// This program's format version (major.minor); a newer major is refused.
pub const VERSION: &str = "1.1";
const MAJOR: u64 = 1;
/// Member names, in their required order.
pub const MEMBERS: [&str; 3] = ["manifest.json", "manifest.sig", "payload.age"];
const SIG_DOMAIN: &[u8] = b"jiuzhu-bundle-manifest-v1\0";
const SIG_TAG: &str = "jiuzhu-signature/1";
/// Largest manifest.
pub const MAX_MANIFEST: u64 = 256 * 1024;
/// Largest signature member (its tag, fingerprint, signature and an optional rotation).
pub const MAX_SIG: u64 = 16 * 1024;
/// Largest bundle file: 4 GiB.
pub const MAX_BUNDLE: u64 = 4 << 30;
const BLOCK: u64 = 512;

/// One side of the exchange as the manifest names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Workstation id.
    pub workstation: String,
    /// Org unit code.
    pub org_code: String,
    /// Tier code.
    pub tier: String,
    /// Card fingerprint (digits).
    pub fingerprint: String,
}

/// A stretch of one chain the bundle carries: entries `from..=to` of (origin, epoch), some in
/// full and the rest elided (by hash only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Workstation whose chain it is.
    pub origin: String,
    /// Its epoch.
    pub epoch: i64,
    /// First sequence number carried.
    pub from: i64,
    /// Last.
    pub to: i64,
    /// How many of them in full.
    pub entries: u64,
}

/// How far the sender holds one chain (its acknowledgement of what it received).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Held {
    /// Whose chain.
    pub origin: String,
    /// Epoch.
    pub epoch: i64,
    /// Highest sequence number held, all before it held too.
    pub seq: i64,
}

/// The sender's own chain head: a signed checkpoint of its audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    /// Epoch.
    pub epoch: i64,
    /// Last sequence number.
    pub seq: i64,
    /// Its hash, hex.
    pub hash: String,
}

/// The last entry of an access log: how far it reached, and its hash (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogHead {
    /// Its sequence number.
    pub seq: i64,
    /// SHA-256, hex.
    pub hash: String,
    /// The workstation's epoch when the head was read: a head of an earlier epoch predates a
    /// restore, which the access log records (since 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<i64>,
}

/// An org unit as a manifest names it: the sender's own, and those below it (to its parent) or
/// above it (to a child), so that a workstation set up outside the built-in tree learns the
/// units its peers' records belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitEntry {
    pub code: String,
    pub name: String,
    /// `district`, `subdistrict`, `town`, `cluster_zone`, `community` or `village`.
    pub kind: String,
    pub parent: Option<String>,
}

/// The encrypted part as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadInfo {
    /// SHA-256 of `payload.age`, hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// Size of the decrypted content.
    pub plain_size: u64,
    /// Also encrypted to an escrow recipient.
    pub escrow: bool,
}

/// The signed manifest. It names sender and recipient inside the signature, what the bundle
/// builds on (ranges and previous bundle) and the hash of everything else; no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the writer.
    pub version: String,
    /// Unique id of this bundle.
    pub bundle_id: String,
    /// Made by a demo or training workstation.
    pub demo: bool,
    /// When it was written (sender's clock; informational, never enforced).
    pub created_at: String,
    /// Who sends.
    pub sender: Party,
    /// Who alone can read it.
    pub destination: Party,
    /// The sender's epoch (a restore starts a new one).
    pub epoch: i64,
    /// Number of this bundle from sender to destination within the epoch, from 1.
    pub bundle_seq: i64,
    /// SHA-256 of the manifest of the previous bundle to the same destination, hex.
    pub previous: Option<String>,
    /// Chain stretches carried.
    pub ranges: Vec<Range>,
    /// Entries in full.
    pub entries: u64,
    /// Attachments (scans) carried.
    pub attachments: u64,
    /// What the sender holds: its acknowledgement.
    pub held: Vec<Held>,
    /// The sender's own chain head.
    pub head: Option<Head>,
    /// The encrypted part.
    pub payload: PayloadInfo,
    /// The sender's access-log head: a signed checkpoint of the log that never travels
    /// (since 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_head: Option<LogHead>,
    /// The destination's access-log head as the sender last received it, sent back so the
    /// destination can tell its own log never lost that far (since 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_seen: Option<LogHead>,
    /// The sender's unit and those below it (to the parent) or above it (to a child), as its
    /// org tree has them (since 1.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitEntry>,
}

impl Manifest {
    /// The manifest's exact bytes as written and signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        // A struct of strings, numbers and vectors always serialises.
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// Parses verified bytes: refuses a newer major version before anything else.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Refusal> {
        #[derive(Deserialize)]
        struct Probe {
            format: String,
            version: String,
        }
        let probe: Probe = serde_json::from_slice(bytes).map_err(|_| Refusal::BadManifest)?;
        if probe.format != FORMAT {
            return Err(Refusal::BadManifest);
        }
        let major: u64 = probe
            .version
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .ok_or(Refusal::BadManifest)?;
        if major > MAJOR {
            return Err(Refusal::NewerFormat {
                version: probe.version.chars().take(16).collect(),
            });
        }
        if major < MAJOR {
            return Err(Refusal::BadManifest);
        }
        serde_json::from_slice(bytes).map_err(|_| Refusal::BadManifest)
    }
}

/// The bytes a manifest signature covers.
pub fn signed_bytes(manifest: &[u8]) -> Vec<u8> {
    let mut v = SIG_DOMAIN.to_vec();
    v.extend_from_slice(&(manifest.len() as u64).to_be_bytes());
    v.extend_from_slice(manifest);
    v
}

/// The signature member: who signed (a hint to find the key), the signature, and after a
/// key rotation the previous key's endorsement of the signing card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureMember {
    /// Fingerprint of the signing card (digits).
    pub fingerprint: String,
    /// Ed25519 signature.
    pub signature: [u8; 64],
    /// The rotation that introduced the signing key.
    pub rotation: Option<Rotation>,
}

impl SignatureMember {
    /// Signs `manifest` with `keys` as the card with `fingerprint`.
    pub fn sign(keys: &Keys, fingerprint: &str, manifest: &[u8]) -> SignatureMember {
        SignatureMember {
            fingerprint: fingerprint.to_string(),
            signature: keys.sign(&signed_bytes(manifest)),
            rotation: keys.rotation().cloned(),
        }
    }

    /// The member's text.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = format!(
            "{SIG_TAG}\n{}\n{}\n",
            self.fingerprint,
            hex::encode(self.signature)
        );
        if let Some(r) = &self.rotation {
            s.push_str(&serde_json::to_string(r).unwrap_or_default());
            s.push('\n');
        }
        s.into_bytes()
    }

    /// Parses the member (its content is not trusted until the signature verifies).
    pub fn parse(bytes: &[u8]) -> Result<SignatureMember, Refusal> {
        let text = std::str::from_utf8(bytes).map_err(|_| Refusal::BadSignature)?;
        let mut lines = text.split('\n');
        if lines.next() != Some(SIG_TAG) {
            return Err(Refusal::BadSignature);
        }
        let fingerprint = lines
            .next()
            .and_then(super::keys::parse_fingerprint)
            .ok_or(Refusal::BadSignature)?;
        let signature: [u8; 64] = lines
            .next()
            .and_then(|l| hex::decode(l).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or(Refusal::BadSignature)?;
        let rotation = match lines.next() {
            Some(l) if !l.is_empty() => {
                Some(serde_json::from_str(l).map_err(|_| Refusal::BadSignature)?)
            }
            _ => None,
        };
        if lines.any(|l| !l.is_empty()) {
            return Err(Refusal::BadSignature);
        }
        let member = SignatureMember {
            fingerprint,
            signature,
            rotation,
        };
        // Only the exact form the writer makes: an upper-case hex digit or a respaced line
        // means the same to a lenient parser but is still a changed byte.
        if member.to_bytes() != bytes {
            return Err(Refusal::BadSignature);
        }
        Ok(member)
    }

    /// Verifies the signature over `manifest` with `card`'s key (strict: no malleable forms).
    pub fn verify(&self, card: &Card, manifest: &[u8]) -> Result<(), Refusal> {
        let sig = ed25519_dalek::Signature::from_bytes(&self.signature);
        card.verifying_key()?
            .verify_strict(&signed_bytes(manifest), &sig)
            .map_err(|_| Refusal::BadSignature)
    }
}

fn member_header(name: &str, size: u64) -> io::Result<tar::Header> {
    let mut h = tar::Header::new_ustar();
    h.set_path(name)?;
    h.set_size(size);
    h.set_mode(0o600);
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(h)
}

/// Writes the three members to `out`; the payload is copied from `payload` (`payload_size`
/// bytes), so it need never be held in memory.
pub fn write_bundle<W: Write>(
    out: W,
    manifest: &[u8],
    signature: &[u8],
    payload: &mut impl Read,
    payload_size: u64,
) -> io::Result<W> {
    let mut b = tar::Builder::new(out);
    b.mode(tar::HeaderMode::Deterministic);
    b.append(&member_header(MEMBERS[0], manifest.len() as u64)?, manifest)?;
    b.append(
        &member_header(MEMBERS[1], signature.len() as u64)?,
        signature,
    )?;
    b.append(
        &member_header(MEMBERS[2], payload_size)?,
        payload.take(payload_size),
    )?;
    b.into_inner()
}

/// The clear parts of an opened bundle and where its payload lies in the file.
#[derive(Debug)]
pub struct Opened {
    /// The manifest's exact bytes (not yet verified).
    pub manifest_bytes: Vec<u8>,
    /// The parsed signature member (not yet verified).
    pub signature: SignatureMember,
    /// Byte offset of `payload.age` in the file.
    pub payload_offset: u64,
    /// Its length.
    pub payload_size: u64,
    /// SHA-256 of the manifest bytes, hex: the bundle's identity for forks and chaining.
    pub manifest_sha256: String,
}

fn shown_name(name: &str) -> String {
    crate::domain::text::for_display(name)
        .chars()
        .take(64)
        .collect()
}

fn padded(size: u64) -> u64 {
    size.div_ceil(BLOCK) * BLOCK
}

/// Opens a bundle file: size caps, exactly the three members in order, nothing else (no
/// links, folders, extension headers, `../` names or trailing data). Reads only the two small
/// members.
pub fn open(path: &Path) -> Result<Opened, OpenError> {
    let file = File::open(path).map_err(OpenError::Io)?;
    let len = file.metadata().map_err(OpenError::Io)?.len();
    open_from(io::BufReader::new(file), len)
}

/// As [`open`], over any seekable reader of `len` bytes (the fuzz target reads from memory).
pub fn open_from<R: Read + Seek>(reader: R, len: u64) -> Result<Opened, OpenError> {
    if len == 0 {
        return Err(Refusal::EmptyFile.into());
    }
    if len > MAX_BUNDLE {
        return Err(Refusal::TooLarge {
            max_mib: MAX_BUNDLE >> 20,
        }
        .into());
    }
    if len < BLOCK * 2 {
        return Err(Refusal::NotABundle.into());
    }
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|_| Refusal::NotABundle)?
        .raw(true);
    let mut manifest_bytes = Vec::new();
    let mut sig_bytes = Vec::new();
    let mut payload: Option<(u64, u64)> = None;
    let mut seen = 0usize;
    let mut expected_len = 0u64;
    let mut padding: Vec<(u64, u64)> = Vec::new();
    for (i, entry) in entries.enumerate() {
        let mut entry = entry.map_err(|_| {
            if i == 0 {
                Refusal::NotABundle
            } else {
                Refusal::Truncated
            }
        })?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let Some(want) = MEMBERS.get(i) else {
            return Err(Refusal::Members {
                detail: shown_name(&name),
            }
            .into());
        };
        if name != *want || entry.header().entry_type() != tar::EntryType::Regular {
            if i == 0 && !MEMBERS.contains(&name.as_str()) {
                return Err(Refusal::NotABundle.into());
            }
            return Err(Refusal::Members {
                detail: shown_name(&name),
            }
            .into());
        }
        let size = entry.header().size().map_err(|_| Refusal::NotABundle)?;
        let cap = match i {
            0 => MAX_MANIFEST,
            1 => MAX_SIG,
            _ => MAX_BUNDLE,
        };
        if size > cap {
            return Err(Refusal::TooLarge { max_mib: cap >> 20 }.into());
        }
        // Headers are not signed, so they must be exactly the ones the writer makes.
        let canonical = member_header(want, size).map_err(|_| Refusal::NotABundle)?;
        if entry.header().as_bytes() != canonical.as_bytes() {
            return Err(Refusal::Members {
                detail: shown_name(&name),
            }
            .into());
        }
        expected_len += BLOCK + padded(size);
        if expected_len > len {
            return Err(Refusal::Truncated.into());
        }
        match i {
            0 => {
                entry
                    .read_to_end(&mut manifest_bytes)
                    .map_err(|_| Refusal::Truncated)?;
            }
            1 => {
                entry
                    .read_to_end(&mut sig_bytes)
                    .map_err(|_| Refusal::Truncated)?;
            }
            _ => payload = Some((entry.raw_file_position(), size)),
        }
        padding.push((entry.raw_file_position() + size, padded(size) - size));
        seen = i + 1;
    }
    if seen < MEMBERS.len() {
        return Err(Refusal::Members {
            detail: MEMBERS[seen].to_string(),
        }
        .into());
    }
    // Two zero blocks end the archive; anything after them, or fewer, is not our file.
    expected_len += 2 * BLOCK;
    if len < expected_len {
        return Err(Refusal::Truncated.into());
    }
    if len > expected_len {
        return Err(Refusal::Members {
            detail: "…".into()
        }
        .into());
    }
    // Padding after each member and the two end blocks: zeros, or the file was altered.
    padding.push((len - 2 * BLOCK, 2 * BLOCK));
    let mut file = archive.into_inner();
    for (at, n) in padding {
        let mut buf = vec![0u8; n as usize];
        file.seek(SeekFrom::Start(at)).map_err(OpenError::Io)?;
        file.read_exact(&mut buf).map_err(|_| Refusal::Truncated)?;
        if buf.iter().any(|b| *b != 0) {
            return Err(Refusal::Members {
                detail: "…".into()
            }
            .into());
        }
    }
    let (payload_offset, payload_size) = payload.ok_or(Refusal::NotABundle)?;
    let signature = SignatureMember::parse(&sig_bytes)?;
    Ok(Opened {
        manifest_sha256: hex::encode(Sha256::digest(&manifest_bytes)),
        manifest_bytes,
        signature,
        payload_offset,
        payload_size,
    })
}

/// Why a bundle could not be opened: refused, or the file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Refused as a bundle.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The file cannot be read.
    #[error("read: {0}")]
    Io(#[source] io::Error),
}

/// A reader over the payload member only.
pub fn payload_reader(path: &Path, opened: &Opened) -> io::Result<io::Take<io::BufReader<File>>> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(opened.payload_offset))?;
    Ok(io::BufReader::with_capacity(1 << 16, f).take(opened.payload_size))
}

/// SHA-256 of the payload member, read in a stream.
pub fn payload_sha256(path: &Path, opened: &Opened) -> io::Result<(String, u64)> {
    let mut r = payload_reader(path, opened)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n_total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        n_total += n as u64;
        h.update(&buf[..n]);
    }
    Ok((hex::encode(h.finalize()), n_total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_major_version_is_refused_by_name() {
        let m = br#"{"format":"jiuzhu-bundle","version":"2.0","x":1}"#;
        assert_eq!(
            Manifest::parse(m),
            Err(Refusal::NewerFormat {
                version: "2.0".into()
            })
        );
        assert_eq!(Manifest::parse(b"{}"), Err(Refusal::BadManifest));
        assert_eq!(
            Manifest::parse(br#"{"format":"jiuzhu-bundle","version":"1.0","extra":1}"#),
            Err(Refusal::BadManifest)
        );
    }

    #[test]
    fn the_signature_member_round_trips_and_refuses_trailing_lines() {
        let m = SignatureMember {
            fingerprint: "1".repeat(30),
            signature: [7u8; 64],
            rotation: None,
        };
        assert_eq!(SignatureMember::parse(&m.to_bytes()).unwrap(), m);
        let mut bad = m.to_bytes();
        bad.extend_from_slice(b"{}\nmore\n");
        assert!(SignatureMember::parse(&bad).is_err());
    }
}
