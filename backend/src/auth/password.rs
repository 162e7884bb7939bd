//! Password hashing with argon2id (OWASP parameters) and the password rules.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::ApiError;

/// Minimum length of a password, in characters.
pub const MIN_LENGTH: usize = 12;
const MAX_LENGTH: usize = 256;

/// Passwords that are long enough but guessed first by every attacker.
const COMMON: &str = include_str!("common-passwords.txt");

fn argon2() -> Argon2<'static> {
    // m = 19 MiB, t = 2, p = 1: the OWASP recommendation for argon2id.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A password that passed the rules; only this can be hashed.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks length and the list of common passwords. `field` names the field in errors.
    pub fn parse(candidate: &str, field: &str) -> Result<Self, ApiError> {
        let length = candidate.chars().count();
        let problem = if length < MIN_LENGTH {
            Some(("too_short", format!("at least {MIN_LENGTH} characters")))
        } else if length > MAX_LENGTH {
            Some(("too_long", format!("at most {MAX_LENGTH} characters")))
        } else if is_common(candidate) {
            Some((
                "too_common",
                "this password is among the most used ones; choose another".to_owned(),
            ))
        } else {
            None
        };
        match problem {
            Some((code, message)) => Err(ApiError::invalid_field(field, code, message)),
            None => Ok(Self(candidate.to_owned())),
        }
    }

    /// Hashes with a fresh salt (slow on purpose: call off the async executor).
    pub fn hash(&self) -> Result<String, ApiError> {
        argon2()
            .hash_password(self.0.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("password hashing failed: {e}")))
    }
}

fn is_common(candidate: &str) -> bool {
    let lowered = candidate.to_lowercase();
    COMMON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|common| common == lowered)
}

/// Whether `password` matches the stored PHC `hash` (slow on purpose).
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).ok().is_some_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of nothing anyone knows, checked when the e-mail is unknown so that an unknown
/// account and a wrong password take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        NewPassword("an unguessable dummy password".to_owned())
            .hash()
            .unwrap_or_default()
    })
}

/// A random password for a new or reset account: 20 characters from an alphabet without
/// look-alikes.
pub fn generate() -> Result<String, ApiError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_common_passwords_are_refused_with_the_field_named() {
        for (candidate, code) in [
            ("short", "too_short"),
            ("azertyuiop123", "too_common"),
            ("Password1234", "too_common"),
        ] {
            let Err(ApiError::Validation(errors)) = NewPassword::parse(candidate, "password")
            else {
                panic!("{candidate} accepted");
            };
            assert_eq!(errors[0].field, "password");
            assert_eq!(errors[0].code, code, "{candidate}");
        }
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = NewPassword::parse("correct horse battery", "password").expect("valid");
        let hash = password.hash().expect("hashes");

        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &hash));
        assert!(!verify("correct horse battery!", &hash));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn generated_passwords_pass_the_rules() {
        let generated = generate().expect("random");
        assert_eq!(generated.chars().count(), 20);
        assert!(NewPassword::parse(&generated, "password").is_ok());
    }
}
