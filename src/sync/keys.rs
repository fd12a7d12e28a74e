//! The workstation's keys and its public card.
//!
//! Each workstation has an Ed25519 signing key and an age (X25519) identity, made at set-up and
//! kept beside the database in `keys/` (owner-only, or group-readable in group mode). Its
//! public card names the org unit, tier and both public keys; the fingerprint people read
//! aloud is a hash of the whole card, so no field of it can be changed unnoticed.

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::Refusal;

/// Folder of the key files, beside the database.
pub const KEYS_DIR: &str = "keys";
const SIGNING_FILE: &str = "signing.key";
const AGE_FILE: &str = "age.key";
const ROTATION_FILE: &str = "rotation.json";
/// Format tag of a public card.
pub const CARD_FORMAT: &str = "jiuzhu-card/1";
const CARD_DOMAIN: &[u8] = b"jiuzhu-card-v1\0";
const ROTATION_DOMAIN: &[u8] = b"jiuzhu-key-rotation-v1\0";
/// Digits in a fingerprint (six groups of five).
pub const FINGERPRINT_DIGITS: usize = 30;

/// Why keys could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key file could not be read or written.
    #[error("key file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A key file is there but does not parse.
    #[error("key file {0} is damaged")]
    Damaged(PathBuf),
    /// The workstation has no keys (set up before keys existed, or the folder was removed).
    #[error("no keys in {0}")]
    Missing(PathBuf),
}

/// The public card of a workstation: what a peer enrols.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Always [`CARD_FORMAT`].
    pub format: String,
    /// The workstation id (origin of its changes).
    pub workstation: String,
    /// Its org unit.
    pub org_code: String,
    /// The unit's name, for people.
    pub org_name: String,
    /// `community`, `subdistrict` or `district`.
    pub tier: String,
    /// The parent unit's code (none for the district).
    pub parent: Option<String>,
    /// A demo or training workstation.
    pub demo: bool,
    /// Ed25519 public key, hex.
    pub sign_key: String,
    /// age X25519 recipient (`age1…`).
    pub age_recipient: String,
}

impl Card {
    /// The fingerprint: 30 decimal digits of a hash over every field, for reading aloud.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(CARD_DOMAIN);
        for part in [
            &self.format,
            &self.workstation,
            &self.org_code,
            &self.org_name,
            &self.tier,
            self.parent.as_deref().unwrap_or(""),
            &self.sign_key,
            &self.age_recipient,
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        h.update([u8::from(self.demo)]);
        let digest = h.finalize();
        // Five bytes give a 40-bit number; its last five decimal digits make one group.
        let mut out = String::with_capacity(FINGERPRINT_DIGITS);
        for chunk in digest.chunks(5).take(FINGERPRINT_DIGITS / 5) {
            let mut n: u64 = 0;
            for b in chunk {
                n = (n << 8) | u64::from(*b);
            }
            out.push_str(&format!("{:05}", n % 100_000));
        }
        out
    }

    /// The card's text as written to a file (pretty JSON, one field a line).
    pub fn to_text(&self) -> String {
        // Serialising a struct of strings and bools cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Parses a card file's text; checks the keys inside are well-formed.
    pub fn parse(text: &str) -> Result<Card, Refusal> {
        let card: Card = serde_json::from_str(text).map_err(|_| Refusal::NotACard)?;
        if card.format != CARD_FORMAT {
            return Err(Refusal::NotACard);
        }
        card.verifying_key()?;
        card.recipient()?;
        Ok(card)
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> Result<VerifyingKey, Refusal> {
        let bytes: [u8; 32] = hex::decode(&self.sign_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(Refusal::NotACard)?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| Refusal::NotACard)
    }

    /// The age recipient.
    pub fn recipient(&self) -> Result<age::x25519::Recipient, Refusal> {
        age::x25519::Recipient::from_str(&self.age_recipient).map_err(|_| Refusal::NotACard)
    }
}

/// Groups a fingerprint for reading aloud: `12345 67890 …`.
pub fn show_fingerprint(fp: &str) -> String {
    let digits: Vec<char> = fp.chars().collect();
    digits
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A fingerprint as typed (spaces, dashes allowed) reduced to its digits, if it has exactly
/// the right number of them.
pub fn parse_fingerprint(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == FINGERPRINT_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// The old key's endorsement of a new card, carried by every bundle after a rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// Fingerprint of the card rotated out.
    pub previous: String,
    /// The new card's exact text.
    pub card: String,
    /// Ed25519 signature by the previous key over the new card, hex.
    pub signature: String,
}

impl Rotation {
    /// The bytes the previous key signs.
    pub fn signed_bytes(card_text: &str) -> Vec<u8> {
        let mut v = ROTATION_DOMAIN.to_vec();
        v.extend_from_slice(&(card_text.len() as u64).to_be_bytes());
        v.extend_from_slice(card_text.as_bytes());
        v
    }

    /// Checks the endorsement against the previous card and returns the new card, which must
    /// name the same workstation, unit and tier.
    pub fn verify(&self, previous: &Card) -> Result<Card, Refusal> {
        let sig_bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(Refusal::BadRotation)?;
        let sig = ed25519_dalek::Signature::from_bytes(&sig_bytes);
        previous
            .verifying_key()?
            .verify_strict(&Self::signed_bytes(&self.card), &sig)
            .map_err(|_| Refusal::BadRotation)?;
        let card = Card::parse(&self.card).map_err(|_| Refusal::BadRotation)?;
        if card.workstation != previous.workstation
            || card.org_code != previous.org_code
            || card.tier != previous.tier
            || card.demo != previous.demo
        {
            return Err(Refusal::BadRotation);
        }
        Ok(card)
    }
}

/// The secret half: signing key and age identities (the newest first; older ones stay to
/// read bundles peers encrypted before they learnt of a rotation).
pub struct Keys {
    signing: SigningKey,
    identities: Vec<age::x25519::Identity>,
    rotation: Option<Rotation>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").finish_non_exhaustive()
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The key folder for the database at `db_path`.
pub fn dir_for(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(KEYS_DIR)
}

fn write_secret(path: &Path, text: &str, mode: u32) -> Result<(), KeyError> {
    use std::io::Write as _;
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path).map_err(io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(io(path))?;
    }
    f.write_all(text.as_bytes()).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

fn make_dir(dir: &Path, mode: u32) -> Result<(), KeyError> {
    fs::create_dir_all(dir).map_err(io(dir))?;
    #[cfg(not(unix))]
    let _ = mode;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir_mode = if mode & 0o060 != 0 { 0o2770 } else { 0o700 };
        fs::set_permissions(dir, fs::Permissions::from_mode(dir_mode)).map_err(io(dir))?;
    }
    Ok(())
}

impl Keys {
    /// Makes new keys in `dir` with file mode `mode`; refuses to overwrite existing ones.
    pub fn generate(dir: &Path, mode: u32) -> Result<Keys, KeyError> {
        make_dir(dir, mode)?;
        let signing_path = dir.join(SIGNING_FILE);
        if signing_path.exists() {
            return Keys::load(dir);
        }
        let signing = SigningKey::generate(&mut rand::rngs::OsRng);
        let identity = age::x25519::Identity::generate();
        let seed = Zeroizing::new(hex::encode(signing.to_bytes()) + "\n");
        write_secret(
            &dir.join(AGE_FILE),
            &(identity.to_string().expose_secret().to_string() + "\n"),
            mode,
        )?;
        write_secret(&signing_path, &seed, mode)?;
        Ok(Keys {
            signing,
            identities: vec![identity],
            rotation: None,
        })
    }

    /// Reads the keys from `dir`.
    pub fn load(dir: &Path) -> Result<Keys, KeyError> {
        let signing_path = dir.join(SIGNING_FILE);
        if !signing_path.exists() {
            return Err(KeyError::Missing(dir.to_path_buf()));
        }
        let text = Zeroizing::new(fs::read_to_string(&signing_path).map_err(io(&signing_path))?);
        let bytes = Zeroizing::new(
            hex::decode(text.trim()).map_err(|_| KeyError::Damaged(signing_path.clone()))?,
        );
        let seed: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Damaged(signing_path.clone()))?;
        let signing = SigningKey::from_bytes(&seed);
        let age_path = dir.join(AGE_FILE);
        let age_text = Zeroizing::new(fs::read_to_string(&age_path).map_err(io(&age_path))?);
        let identities = age_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                age::x25519::Identity::from_str(l).map_err(|_| KeyError::Damaged(age_path.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if identities.is_empty() {
            return Err(KeyError::Damaged(age_path));
        }
        let rotation_path = dir.join(ROTATION_FILE);
        let rotation = if rotation_path.exists() {
            let text = fs::read_to_string(&rotation_path).map_err(io(&rotation_path))?;
            Some(serde_json::from_str(&text).map_err(|_| KeyError::Damaged(rotation_path))?)
        } else {
            None
        };
        Ok(Keys {
            signing,
            identities,
            rotation,
        })
    }

    /// Replaces both keys with new ones. The old signing key endorses the new card (which
    /// `card_of` builds from the new public keys); the endorsement is kept and carried by
    /// later bundles, and the old age identity stays for reading what peers still encrypt
    /// to it. The old signing key is destroyed.
    pub fn rotate(
        dir: &Path,
        mode: u32,
        old_card: &Card,
        card_of: impl Fn(&Keys) -> Card,
    ) -> Result<(Keys, Card), KeyError> {
        let old = Keys::load(dir)?;
        let mut new = Keys {
            signing: SigningKey::generate(&mut rand::rngs::OsRng),
            identities: vec![age::x25519::Identity::generate()],
            rotation: None,
        };
        new.identities.extend(old.identities.iter().cloned());
        let card = card_of(&new);
        let text = card.to_text();
        let signature = old.signing.sign(&Rotation::signed_bytes(&text));
        let rotation = Rotation {
            previous: old_card.fingerprint(),
            card: text,
            signature: hex::encode(signature.to_bytes()),
        };
        let age_text: String = new
            .identities
            .iter()
            .map(|i| i.to_string().expose_secret().to_string() + "\n")
            .collect();
        write_secret(&dir.join(AGE_FILE), &age_text, mode)?;
        write_secret(
            &dir.join(ROTATION_FILE),
            &(serde_json::to_string(&rotation).unwrap_or_default() + "\n"),
            mode,
        )?;
        let seed = Zeroizing::new(hex::encode(new.signing.to_bytes()) + "\n");
        write_secret(&dir.join(SIGNING_FILE), &seed, mode)?;
        new.rotation = Some(rotation);
        Ok((new, card))
    }

    /// The Ed25519 public key, hex.
    pub fn sign_key_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// The age recipient (`age1…`) of the newest identity.
    pub fn age_recipient(&self) -> String {
        self.identities
            .first()
            .map(|i| i.to_public().to_string())
            .unwrap_or_default()
    }

    /// Signs `bytes` (already domain-separated by the caller).
    pub fn sign(&self, bytes: &[u8]) -> [u8; 64] {
        self.signing.sign(bytes).to_bytes()
    }

    /// Every age identity, newest first.
    pub fn identities(&self) -> &[age::x25519::Identity] {
        &self.identities
    }

    /// The endorsement of the current card by the previous key, after a rotation.
    pub fn rotation(&self) -> Option<&Rotation> {
        self.rotation.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(keys: &Keys) -> Card {
        Card {
            format: CARD_FORMAT.into(),
            workstation: "ws-1".into(),
            org_code: "360104001001".into(),
            org_name: "测试社区".into(),
            tier: "community".into(),
            parent: Some("360104001".into()),
            demo: false,
            sign_key: keys.sign_key_hex(),
            age_recipient: keys.age_recipient(),
        }
    }

    #[test]
    fn generated_keys_load_back_and_the_card_round_trips() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("keys");
        let k = Keys::generate(&dir, 0o600).unwrap();
        let again = Keys::load(&dir).unwrap();
        assert_eq!(k.sign_key_hex(), again.sign_key_hex());
        assert_eq!(k.age_recipient(), again.age_recipient());
        let c = card(&k);
        let parsed = Card::parse(&c.to_text()).unwrap();
        assert_eq!(parsed, c);
        assert_eq!(c.fingerprint().len(), FINGERPRINT_DIGITS);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(SIGNING_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn any_changed_field_changes_the_fingerprint() {
        let tmp = tempfile::tempdir().unwrap();
        let k = Keys::generate(&tmp.path().join("k"), 0o600).unwrap();
        let c = card(&k);
        let mut other = c.clone();
        other.org_name.push('x');
        assert_ne!(c.fingerprint(), other.fingerprint());
        let mut other = c.clone();
        other.demo = true;
        assert_ne!(c.fingerprint(), other.fingerprint());
    }

    #[test]
    fn typed_fingerprints_are_reduced_to_digits() {
        let fp = "12345678901234567890123456789 0";
        assert_eq!(parse_fingerprint(fp).unwrap().len(), 30);
        assert_eq!(
            show_fingerprint("123456789012345678901234567890"),
            "12345 67890 12345 67890 12345 67890"
        );
        assert!(parse_fingerprint("1234").is_none());
        assert!(parse_fingerprint("12345678901234567890123456789a").is_none());
    }

    #[test]
    fn a_rotation_is_endorsed_by_the_old_key_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("k");
        let k = Keys::generate(&dir, 0o600).unwrap();
        let old_card = card(&k);
        let (new, new_card) = Keys::rotate(&dir, 0o600, &old_card, card).unwrap();
        let rot = new.rotation().unwrap().clone();
        assert_eq!(rot.verify(&old_card).unwrap(), new_card);
        // Endorsed by a stranger's key: refused.
        let stranger = Keys::generate(&tmp.path().join("s"), 0o600).unwrap();
        assert!(rot.verify(&card(&stranger)).is_err());
        // The old age identity still decrypts.
        assert_eq!(new.identities().len(), 2);
        let loaded = Keys::load(&dir).unwrap();
        assert!(loaded.rotation().is_some());
    }
}
