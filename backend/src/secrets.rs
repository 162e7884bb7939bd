//! Secrets at rest: what the server must read back in clear (a webhook's signing key, an
//! answer kept for an idempotent replay) is stored sealed under the server's key,
//! `PST_SECRETS_KEY`, which the database never holds. A copy of the database (a backup, a
//! read replica, an SQL injection elsewhere) then shows no secret.
//!
//! XChaCha20-Poly1305 (RustCrypto): a random 24-byte nonce per value, so random nonces never
//! repeat in practice; associated data that names the value's row and column, so a sealed
//! value copied into another row does not open. Each value is stored with the id of the key
//! that sealed it (the first 8 hex digits of a SHA-256 of the key): after a rotation the
//! previous keys (`PST_SECRETS_PREVIOUS_KEYS`) still open what they sealed, and the server
//! re-seals it under the current key at start (see `db::integrations::reseal_secrets`).

use std::sync::Arc;

use base64::Engine;
use chacha20poly1305::aead::Aead;
use chacha20poly1305::aead::Payload;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Bytes of a key.
const KEY_BYTES: usize = 32;
/// Bytes of a nonce, stored in front of the ciphertext.
const NONCE_BYTES: usize = 24;

/// Why a value was not sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// Sealed with a key this server does not have: a previous key dropped too early, or
    /// an instance started without the current one.
    #[error(
        "sealed with key {0}, which is neither PST_SECRETS_KEY nor in PST_SECRETS_PREVIOUS_KEYS"
    )]
    UnknownKey(String),
    /// The key id matches but the value does not open: altered, truncated, or moved to
    /// another row.
    #[error("a sealed value does not open: altered, or not this row's")]
    Refused,
    #[error("no randomness for a nonce: {0}")]
    NoRandomness(String),
}

/// One key: its id and its cipher. Its bytes are not kept elsewhere, and the cipher wipes
/// them when dropped.
#[derive(Clone)]
pub struct SecretKey {
    id: String,
    cipher: Arc<XChaCha20Poly1305>,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({}…)", self.id)
    }
}

impl SecretKey {
    /// A key from its base64 form (standard alphabet, padding optional), as
    /// `openssl rand -base64 32` prints it. The message never repeats the value.
    pub fn parse(text: &str) -> Result<Self, String> {
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let bytes = Zeroizing::new(engine.decode(text.trim()).map_err(|_| {
            "is not base64; generate a key with `openssl rand -base64 32`".to_owned()
        })?);
        if bytes.len() != KEY_BYTES {
            return Err(format!(
                "must be {KEY_BYTES} random bytes in base64 (`openssl rand -base64 32`); \
                 it decodes to {} bytes",
                bytes.len()
            ));
        }
        let distinct = bytes.iter().collect::<std::collections::HashSet<_>>().len();
        if distinct < 8 {
            return Err(
                "looks like a placeholder, not random bytes; generate a key with \
                 `openssl rand -base64 32`"
                    .to_owned(),
            );
        }
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let cipher = XChaCha20Poly1305::new_from_slice(bytes)
            .map_err(|_| format!("must be {KEY_BYTES} bytes"))?;
        let mut hasher = Sha256::new();
        hasher.update(b"pst secrets key id\n");
        hasher.update(bytes);
        let id = hasher.finalize()[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Self {
            id,
            cipher: Arc::new(cipher),
        })
    }

    /// The id stored beside what this key seals (not secret: 32 bits of a hash of the key).
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The previous keys, `PST_SECRETS_PREVIOUS_KEYS`: comma-separated, possibly none.
#[derive(Debug, Clone, Default)]
pub struct PreviousKeys(pub Vec<SecretKey>);

impl PreviousKeys {
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .enumerate()
            .map(|(n, key)| SecretKey::parse(key).map_err(|e| format!("key {}: {e}", n + 1)))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// A value as stored: the id of the key that sealed it, and nonce ‖ ciphertext ‖ tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub bytes: Vec<u8>,
}

/// The keys of this instance: the current one seals, every one opens.
#[derive(Clone)]
pub struct Keyring {
    current: SecretKey,
    previous: Arc<[SecretKey]>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Keyring {
    /// The current key and the previous ones (the current one among them is ignored).
    pub fn new(current: SecretKey, previous: PreviousKeys) -> Self {
        let mut kept: Vec<SecretKey> = Vec::new();
        for key in previous.0 {
            if key.id != current.id && kept.iter().all(|k| k.id != key.id) {
                kept.push(key);
            }
        }
        Self {
            current,
            previous: kept.into(),
        }
    }

    /// The id of the key that seals.
    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    /// The ids of every key this instance can open with.
    pub fn key_ids(&self) -> Vec<&str> {
        std::iter::once(&self.current)
            .chain(self.previous.iter())
            .map(|k| k.id.as_str())
            .collect()
    }

    /// The ids of the previous keys: what a value sealed under one of them must be
    /// re-sealed from.
    pub fn previous_key_ids(&self) -> Vec<String> {
        self.previous.iter().map(|k| k.id.clone()).collect()
    }

    /// Seals `plaintext` under the current key, bound to `aad` (see [`aad`]).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Sealed, SecretsError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|e| SecretsError::NoRandomness(e.to_string()))?;
        let nonce = XNonce::from(nonce);
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            // Only a message beyond the cipher's 256 GiB limit fails.
            .map_err(|_| SecretsError::Refused)?;
        let mut bytes = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&ciphertext);
        Ok(Sealed {
            key_id: self.current.id.clone(),
            bytes,
        })
    }

    /// Opens a value sealed by any key of the ring, if `aad` is the one it was sealed with.
    pub fn open(
        &self,
        key_id: &str,
        bytes: &[u8],
        aad: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SecretsError> {
        let key = std::iter::once(&self.current)
            .chain(self.previous.iter())
            .find(|k| k.id == key_id)
            .ok_or_else(|| SecretsError::UnknownKey(key_id.to_owned()))?;
        let (nonce, ciphertext) = bytes
            .split_at_checked(NONCE_BYTES)
            .ok_or(SecretsError::Refused)?;
        let nonce = XNonce::try_from(nonce).map_err(|_| SecretsError::Refused)?;
        key.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| SecretsError::Refused)
    }

    /// Opens with the ring and seals again under the current key (a rotation).
    pub fn reseal(&self, sealed: &Sealed, aad: &[u8]) -> Result<Sealed, SecretsError> {
        let plaintext = self.open(&sealed.key_id, &sealed.bytes, aad)?;
        self.seal(&plaintext, aad)
    }
}

/// Associated data naming where a value lives: `purpose` (table and column) and the row's
/// identity, each part length-prefixed so that no two different rows give the same bytes.
pub fn aad(purpose: &str, parts: &[&[u8]]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(purpose.len() + parts.iter().map(|p| p.len() + 4).sum::<usize>());
    out.extend_from_slice(purpose.as_bytes());
    for part in parts {
        out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// A fresh random key in base64, as `PST_SECRETS_KEY` takes it (development tools, tests).
pub fn generate_key() -> anyhow::Result<String> {
    let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
    getrandom::fill(bytes.as_mut_slice()).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::parse(&generate_key().expect("a key")).expect("a valid key")
    }

    fn ring(current: &SecretKey, previous: &[&SecretKey]) -> Keyring {
        Keyring::new(
            current.clone(),
            PreviousKeys(previous.iter().map(|k| (*k).clone()).collect()),
        )
    }

    #[test]
    fn a_sealed_value_opens_back_with_its_row_and_shows_nothing_of_itself() {
        let ring = ring(&key(), &[]);
        let row = aad("webhook_endpoints.secret", &[b"row-1"]);
        let sealed = ring.seal(b"whsec_abcdef", &row).expect("sealed");
        assert_eq!(sealed.key_id, ring.current_key_id());
        assert_eq!(sealed.key_id.len(), 8);
        assert!(!sealed.bytes.windows(6).any(|w| w == b"whsec_"));
        let opened = ring
            .open(&sealed.key_id, &sealed.bytes, &row)
            .expect("opens");
        assert_eq!(opened.as_slice(), b"whsec_abcdef");
        // A fresh nonce each time: the same value never looks the same twice.
        assert_ne!(ring.seal(b"whsec_abcdef", &row).expect("sealed"), sealed);
    }

    #[test]
    fn a_value_moved_to_another_row_or_altered_does_not_open() {
        let ring = ring(&key(), &[]);
        let sealed = ring
            .seal(b"secret", &aad("t.c", &[b"row-1"]))
            .expect("sealed");
        assert!(matches!(
            ring.open(&sealed.key_id, &sealed.bytes, &aad("t.c", &[b"row-2"])),
            Err(SecretsError::Refused)
        ));
        assert!(matches!(
            ring.open(&sealed.key_id, &sealed.bytes, &aad("t.other", &[b"row-1"])),
            Err(SecretsError::Refused)
        ));
        let mut altered = sealed.bytes.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert!(matches!(
            ring.open(&sealed.key_id, &altered, &aad("t.c", &[b"row-1"])),
            Err(SecretsError::Refused)
        ));
        assert!(matches!(
            ring.open(
                &sealed.key_id,
                &sealed.bytes[..10],
                &aad("t.c", &[b"row-1"])
            ),
            Err(SecretsError::Refused)
        ));
    }

    #[test]
    fn a_previous_key_opens_what_it_sealed_and_the_current_one_reseals_it() {
        let (old, new) = (key(), key());
        let before = ring(&old, &[]);
        let row = aad("t.c", &[b"row"]);
        let sealed = before.seal(b"secret", &row).expect("sealed");

        let after = ring(&new, &[&old]);
        let opened = after
            .open(&sealed.key_id, &sealed.bytes, &row)
            .expect("the previous key opens");
        assert_eq!(opened.as_slice(), b"secret");
        let resealed = after.reseal(&sealed, &row).expect("resealed");
        assert_eq!(resealed.key_id, new.id());
        assert_ne!(resealed.key_id, old.id());
        assert_eq!(
            ring(&new, &[])
                .open(&resealed.key_id, &resealed.bytes, &row)
                .expect("opens without the old key")
                .as_slice(),
            b"secret"
        );
    }

    #[test]
    fn a_value_sealed_with_an_unknown_key_is_an_error_naming_the_key() {
        let (old, new) = (key(), key());
        let sealed = ring(&old, &[]).seal(b"secret", b"row").expect("sealed");
        let error = ring(&new, &[])
            .open(&sealed.key_id, &sealed.bytes, b"row")
            .expect_err("unknown key");
        assert!(matches!(&error, SecretsError::UnknownKey(id) if id == old.id()));
        assert!(error.to_string().contains("PST_SECRETS_PREVIOUS_KEYS"));
    }

    #[test]
    fn keys_are_32_random_bytes_in_base64_and_errors_never_repeat_them() {
        assert!(SecretKey::parse(&generate_key().expect("key")).is_ok());
        // Padding is optional.
        let unpadded = generate_key()
            .expect("key")
            .trim_end_matches('=')
            .to_owned();
        assert!(SecretKey::parse(&unpadded).is_ok());
        for bad in [
            "",
            "not base64 at all!",
            "c2hvcnQ=",
            // 32 zero bytes: a placeholder.
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ] {
            let error = SecretKey::parse(bad).expect_err(bad);
            assert!(bad.is_empty() || !error.contains(bad), "{error}");
        }
        assert!(PreviousKeys::parse("").expect("none").0.is_empty());
        let two = format!(
            "{}, {}",
            generate_key().expect("key"),
            generate_key().expect("key")
        );
        assert_eq!(PreviousKeys::parse(&two).expect("two").0.len(), 2);
        let error = PreviousKeys::parse(&format!("{},oops", generate_key().expect("key")))
            .expect_err("the second is bad");
        assert!(error.starts_with("key 2:"), "{error}");
    }

    #[test]
    fn the_current_key_is_not_kept_twice_among_the_previous() {
        let current = key();
        let other = key();
        let ring = ring(&current, &[&current, &other, &other]);
        assert_eq!(ring.key_ids(), vec![current.id(), other.id()]);
        assert!(!format!("{ring:?}").is_empty());
    }
}
