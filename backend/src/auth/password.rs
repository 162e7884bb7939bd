//! Password hashing with argon2id (OWASP parameters) and the password rules.

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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

/// Runs one argon2 computation on the hashing threads, one per core, waiting for a free
/// one. Each computation takes 19 MiB and a core for tens of milliseconds: without a limit a
/// burst of logins (or an attacker's) would take the server's memory (64 at once: 1.2 GB).
/// Each hashing thread keeps its 19 MiB (see [`compute`]): allocated afresh for each hash,
/// the buffers fragmented the heap and 48 logins left an idle server at 877 MiB.
fn one_per_core<T: Send + 'static>(
    compute: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    use std::sync::mpsc;
    use std::sync::{LazyLock, Mutex, PoisonError};
    type Job = Box<dyn FnOnce() + Send>;
    static QUEUE: LazyLock<Mutex<mpsc::Sender<Job>>> = LazyLock::new(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(Mutex::new(receiver));
        for n in 0..std::thread::available_parallelism().map_or(2, usize::from) {
            let receiver = std::sync::Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || {
                    loop {
                        let job = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password hashing thread");
            }
        }
        Mutex::new(sender)
    });
    let (done, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = done.send(compute());
    });
    let queued = QUEUE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(job);
    if let Err(mpsc::SendError(job)) = queued {
        // No hashing thread could start: compute here rather than not at all.
        job();
    }
    result
        .recv()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("a password hashing thread died")))
}

thread_local! {
    /// The working memory of argon2 on this hashing thread, allocated once and reused.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// argon2 of `password` and `salt` into `out`, in this thread's working memory.
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    MEMORY.with_borrow_mut(|memory| {
        let needed = argon2.params().block_count();
        if memory.len() < needed {
            memory.resize(needed, Block::new());
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut memory[..needed])
    })
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
        let failed = |e: &dyn std::fmt::Display| {
            ApiError::Internal(anyhow::anyhow!("password hashing failed: {e}"))
        };
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| failed(&e))?;
        let password = self.0.clone();
        let (argon2, output) = one_per_core(move || {
            let argon2 = argon2();
            let mut output = [0u8; 32];
            compute(&argon2, password.as_bytes(), &salt, &mut output).map(|()| (argon2, output))
        })?
        .map_err(|e| failed(&e))?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(argon2.params()).map_err(|e| failed(&e))?,
            salt: Some(Salt::new(&salt).map_err(|e| failed(&e))?),
            hash: Some(Output::new(&output).map_err(|e| failed(&e))?),
        };
        Ok(phc.to_string())
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
    let Some((argon2, salt, expected)) = parse_phc(hash) else {
        return false;
    };
    let password = password.to_owned();
    let computed = one_per_core(move || {
        let mut output = vec![0u8; expected.len()];
        compute(&argon2, password.as_bytes(), salt.as_ref(), &mut output)
            .ok()
            // `Output` compares in constant time.
            .and_then(|()| Output::new(&output).ok())
            .is_some_and(|output| output == expected)
    });
    computed.unwrap_or(false)
}

/// The function, salt and expected output of a stored PHC string (`$argon2id$v=19$…`).
fn parse_phc(hash: &str) -> Option<(Argon2<'static>, Salt, Output)> {
    let parsed = PasswordHash::new(hash).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).ok()?;
    let version = match parsed.version {
        Some(version) => Version::try_from(version).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).ok()?;
    Some((
        Argon2::new(algorithm, version, params),
        parsed.salt?,
        parsed.hash?,
    ))
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
    fn hashes_made_by_the_argon2_crate_itself_verify_and_ours_verify_there() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // Hashes stored before the hashing threads were made with the crate's own API.
        let theirs = argon2()
            .hash_password(b"correct horse battery")
            .expect("hashes")
            .to_string();
        assert!(verify("correct horse battery", &theirs));
        assert!(!verify("correct horse battery?", &theirs));
        let ours = NewPassword::parse("correct horse battery", "password")
            .expect("valid")
            .hash()
            .expect("hashes");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(
            argon2()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
    }

    #[test]
    fn generated_passwords_pass_the_rules() {
        let generated = generate().expect("random");
        assert_eq!(generated.chars().count(), 20);
        assert!(NewPassword::parse(&generated, "password").is_ok());
    }
}
