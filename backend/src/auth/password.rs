//! Password hashing with argon2id (OWASP parameters) and the password rules.

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::ApiError;
use api_types::ProblemCode;

/// Minimum length of a password, in characters.
pub const MIN_LENGTH: usize = api_types::PASSWORD_MIN_CHARS;

/// The stored hash of an account that signs in through its identity provider only: not a
/// PHC string, so no password ever verifies against it.
pub const NO_PASSWORD: &str = "!signs-in-through-an-identity-provider";
const MAX_LENGTH: usize = api_types::PASSWORD_MAX_CHARS;

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

/// Longest stretch of a password the strength estimator reads: its cost grows steeply with
/// length (a random 128-character string takes 0.4 s, 256 characters 0.5 s, against 40 ms
/// for 64). A prefix never scores higher than the whole, so a weak start is refused and a
/// strong one is enough.
pub const ESTIMATED_PREFIX: usize = 64;

/// Lowest zxcvbn score accepted (0–4): 3 means about 10^8 guesses or more, "safely
/// unguessable" for an online attacker whom the login throttle slows down.
const MIN_SCORE: u8 = 3;

/// Who the password is for: what an attacker who knows the person tries first.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordOwner<'a> {
    pub name: &'a str,
    pub email: &'a str,
    /// The name of their CPAS.
    pub tenant_name: Option<&'a str>,
}

impl PasswordOwner<'_> {
    /// The words zxcvbn treats as known to the attacker: each name whole and word by word,
    /// the e-mail, its local part and its domain, and their pieces.
    fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        let mut add = |text: &str| {
            let text = text.trim().to_lowercase();
            if text.is_empty() {
                return;
            }
            words.extend(
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|piece| !piece.is_empty())
                    .map(str::to_owned),
            );
            words.push(text);
        };
        add(self.name);
        add(self.email);
        if let Some((local, domain)) = self.email.split_once('@') {
            add(local);
            add(domain);
        }
        if let Some(tenant) = self.tenant_name {
            add(tenant);
        }
        words.sort_unstable();
        words.dedup();
        words
    }
}

impl NewPassword {
    /// Checks length, the list of common passwords and the estimated strength (with the
    /// owner's name, e-mail and CPAS as words the attacker knows). `field` names the field
    /// in errors. CPU-bound for tens of milliseconds: call off the async executor.
    pub fn parse(
        candidate: &str,
        field: &str,
        owner: &PasswordOwner<'_>,
    ) -> Result<Self, ApiError> {
        let length = candidate.chars().count();
        let problem = if length < MIN_LENGTH {
            Some((
                ProblemCode::TooShort,
                format!("at least {MIN_LENGTH} characters"),
            ))
        } else if length > MAX_LENGTH {
            Some((
                ProblemCode::TooLong,
                format!("at most {MAX_LENGTH} characters"),
            ))
        } else if is_common(candidate) {
            Some((
                ProblemCode::TooCommon,
                "this password is among the most used ones; choose another".to_owned(),
            ))
        } else {
            weakness(candidate, owner).map(|reason| (ProblemCode::WeakPassword, reason))
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

/// Why `candidate` is too easy to guess, in French (zxcvbn's own feedback is in English);
/// `None` when its score is at least [`MIN_SCORE`].
fn weakness(candidate: &str, owner: &PasswordOwner<'_>) -> Option<String> {
    let estimated: String = candidate.chars().take(ESTIMATED_PREFIX).collect();
    let words = owner.words();
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(&estimated, &inputs);
    if u8::from(entropy.score()) >= MIN_SCORE {
        return None;
    }
    let lowered = estimated.to_lowercase();
    // zxcvbn finds these words but says nothing about them: the reason the user most needs.
    let personal = words
        .iter()
        .any(|word| word.chars().count() >= 3 && lowered.contains(word.as_str()));
    let mut reasons = Vec::new();
    if personal {
        reasons.push("il contient votre nom, votre adresse e-mail ou le nom de votre CPAS");
    }
    if let Some(feedback) = entropy.feedback() {
        reasons.extend(feedback.warning().map(warning_fr));
        reasons.extend(feedback.suggestions().iter().map(|s| suggestion_fr(*s)));
    }
    if reasons.is_empty() {
        reasons.push("ajoutez un ou deux mots peu courants");
    }
    Some(format!(
        "Ce mot de passe est trop facile à deviner : {}.",
        reasons.join(" ; ")
    ))
}

fn warning_fr(warning: zxcvbn::feedback::Warning) -> &'static str {
    use zxcvbn::feedback::Warning as W;
    match warning {
        W::StraightRowsOfKeysAreEasyToGuess => "une rangée de touches du clavier se devine vite",
        W::ShortKeyboardPatternsAreEasyToGuess => "un court motif de clavier se devine vite",
        W::RepeatsLikeAaaAreEasyToGuess => "une répétition comme « aaa » se devine vite",
        W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "une répétition comme « abcabc » se devine à peine moins vite que « abc »"
        }
        W::ThisIsATop10Password => "c'est l'un des dix mots de passe les plus utilisés",
        W::ThisIsATop100Password => "c'est l'un des cent mots de passe les plus utilisés",
        W::ThisIsACommonPassword => "c'est un mot de passe très courant",
        W::ThisIsSimilarToACommonlyUsedPassword => "il ressemble à un mot de passe très courant",
        W::SequencesLikeAbcAreEasyToGuess => "une suite comme « abc » ou « 6543 » se devine vite",
        W::RecentYearsAreEasyToGuess => "une année récente se devine vite",
        W::AWordByItselfIsEasyToGuess => "un mot seul se devine vite",
        W::DatesAreOftenEasyToGuess => "une date se devine vite",
        W::NamesAndSurnamesByThemselvesAreEasyToGuess => "un prénom ou un nom seul se devine vite",
        W::CommonNamesAndSurnamesAreEasyToGuess => "un prénom ou un nom courant se devine vite",
    }
}

fn suggestion_fr(suggestion: zxcvbn::feedback::Suggestion) -> &'static str {
    use zxcvbn::feedback::Suggestion as S;
    match suggestion {
        S::UseAFewWordsAvoidCommonPhrases => {
            "utilisez quelques mots, en évitant les expressions courantes"
        }
        S::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "inutile d'ajouter symboles, chiffres ou majuscules"
        }
        S::AddAnotherWordOrTwo => "ajoutez un ou deux mots peu courants",
        S::CapitalizationDoesntHelpVeryMuch => "les majuscules n'aident pas beaucoup",
        S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "tout en majuscules se devine presque aussi vite que tout en minuscules"
        }
        S::ReversedWordsArentMuchHarderToGuess => {
            "un mot écrit à l'envers ne se devine guère moins vite"
        }
        S::PredictableSubstitutionsDontHelpVeryMuch => {
            "les substitutions prévisibles comme « @ » pour « a » n'aident pas beaucoup"
        }
        S::UseALongerKeyboardPatternWithMoreTurns => {
            "un motif de clavier doit être plus long, avec plus de changements de direction"
        }
        S::AvoidRepeatedWordsAndCharacters => "évitez les mots et les caractères répétés",
        S::AvoidSequences => "évitez les suites",
        S::AvoidRecentYears => "évitez les années récentes",
        S::AvoidYearsThatAreAssociatedWithYou => "évitez les années qui vous concernent",
        S::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            "évitez les dates et les années qui vous concernent"
        }
    }
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
            let Err(ApiError::Validation(errors)) =
                NewPassword::parse(candidate, "password", &PasswordOwner::default())
            else {
                panic!("{candidate} accepted");
            };
            assert_eq!(errors[0].field, "password");
            assert_eq!(errors[0].code, code, "{candidate}");
        }
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = NewPassword::parse(
            "correct horse battery",
            "password",
            &PasswordOwner::default(),
        )
        .expect("valid");
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
        let ours = NewPassword::parse(
            "correct horse battery",
            "password",
            &PasswordOwner::default(),
        )
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
        assert!(NewPassword::parse(&generated, "password", &PasswordOwner::default()).is_ok());
    }

    const OWNER: PasswordOwner<'static> = PasswordOwner {
        name: "Marie Dupont",
        email: "marie.dupont@paliseul.example",
        tenant_name: Some("CPAS de Paliseul"),
    };

    /// The field error of a refused password.
    fn refusal(candidate: &str) -> api_types::FieldError {
        match NewPassword::parse(candidate, "new_password", &OWNER) {
            Err(ApiError::Validation(mut errors)) => errors.remove(0),
            Err(other) => panic!("{candidate:?}: {other:?}"),
            Ok(_) => panic!("{candidate:?} accepted"),
        }
    }

    #[test]
    fn guessable_passwords_are_refused_with_a_french_reason() {
        for (candidate, reason) in [
            ("            ", "répétition"),
            ("zzzzzzzzzzzz", "répétition comme « aaa »"),
            ("abababababab", "répétition comme « abcabc »"),
            ("Bruxelles2026", "ajoutez un ou deux mots"),
            (
                "marie.dupont@paliseul.example",
                "votre nom, votre adresse e-mail",
            ),
            (
                "Paliseul2026!",
                "votre nom, votre adresse e-mail ou le nom de votre CPAS",
            ),
        ] {
            let error = refusal(candidate);
            assert_eq!(
                (error.field.as_str(), error.code.as_str()),
                ("new_password", "weak_password"),
                "{candidate:?}"
            );
            assert!(
                error
                    .message
                    .starts_with("Ce mot de passe est trop facile à deviner : "),
                "{candidate:?}: {}",
                error.message
            );
            assert!(
                error.message.contains(reason),
                "{candidate:?}: {}",
                error.message
            );
        }
    }

    #[test]
    fn the_owners_words_make_a_password_weak_that_would_pass_for_someone_else() {
        let candidate = "Paliseul2026!";
        assert!(NewPassword::parse(candidate, "password", &PasswordOwner::default()).is_ok());
        assert_eq!(refusal(candidate).code, "weak_password");
    }

    #[test]
    fn a_strong_passphrase_passes() {
        for candidate in [
            "le héron guette la carpe sous le pont",
            "correct horse battery staple",
            "Vélo-Ardoise-Fougère-42",
        ] {
            assert!(
                NewPassword::parse(candidate, "password", &OWNER).is_ok(),
                "{candidate:?}"
            );
        }
    }

    #[test]
    fn only_the_first_characters_are_estimated_so_a_weak_start_is_refused() {
        // The estimator's cost grows steeply with length: it reads a prefix only.
        let weak_start = format!(
            "{}{}",
            "a".repeat(ESTIMATED_PREFIX),
            "le héron guette la carpe"
        );
        assert_eq!(refusal(&weak_start).code, "weak_password");
        let strong_start = format!("le héron guette la carpe {}", "a".repeat(200));
        assert!(NewPassword::parse(&strong_start, "password", &OWNER).is_ok());
        assert_eq!(refusal(&"x".repeat(MAX_LENGTH + 1)).code, "too_long");
    }

    #[test]
    fn the_common_list_still_comes_first() {
        assert_eq!(refusal("azertyuiop123").code, "too_common");
    }
}
