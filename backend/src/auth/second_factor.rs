//! The second step of signing in: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps,
//! one step of clock drift either way) through `totp-rs`, the QR code of its `otpauth://`
//! address drawn as SVG here (the secret goes to no outside service), and the recovery
//! codes.

use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The name authenticator apps show above the code.
const ISSUER: &str = "PST";
/// Seconds per code.
const STEP: u64 = 30;
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A new random secret: 160 bits, as RFC 4226 recommends.
pub fn new_secret() -> anyhow::Result<Vec<u8>> {
    let mut secret = vec![0_u8; 20];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(secret)
}

fn totp(secret: &[u8], account: &str) -> anyhow::Result<Totp> {
    // The account name may not hold a colon (the label's separator).
    let account = account.replace(':', " ");
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| anyhow::anyhow!("TOTP parameters: {e}"))
}

/// What an authenticator app needs: the secret in base32, the `otpauth://` address and
/// its QR code as SVG.
pub fn enrolment(secret: &[u8], account: &str) -> anyhow::Result<api_types::SecondFactorEnrolment> {
    let otpauth_uri = totp(secret, account)?
        .to_url()
        .map_err(|e| anyhow::anyhow!("otpauth address: {e}"))?;
    let qr = qrcode::QrCode::new(otpauth_uri.as_bytes())?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // An inline image in the page: no XML declaration.
    let qr_svg = svg
        .find("<svg")
        .map_or(svg.clone(), |start| svg[start..].to_owned());
    Ok(api_types::SecondFactorEnrolment {
        secret: Secret::from(secret).to_base32(),
        otpauth_uri,
        qr_svg,
    })
}

/// The time step at which `code` is the secret's code, within one step of `now` (Unix
/// seconds) either way; `None` when it is no code of that window.
pub fn matching_step(secret: &[u8], code: &str, now: u64) -> Option<u64> {
    // Authenticator apps show "123 456": the space is the person's, not the code's.
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    // `check` compares in constant time and says which step matched: the caller keeps it
    // so that the same code is never accepted twice (RFC 6238 § 5.2).
    totp(secret, "-").ok()?.check(&code, now)
}

/// Whether a code has a recovery code's shape (letters, not six digits).
pub fn looks_like_recovery_code(code: &str) -> bool {
    normalised(code).len() == 10
}

fn normalised(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The stored form of a recovery code: a SHA-256 of its letters, whatever the case, spaces
/// or dashes it is typed with.
pub fn recovery_code_hash(code: &str) -> Vec<u8> {
    Sha256::digest(normalised(code).as_bytes()).to_vec()
}

/// New recovery codes, `abcde-fghij` (50 random bits each, base32 without look-alikes),
/// with their stored hashes.
pub fn new_recovery_codes() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0_u8; 10];
            getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            let letters: String = bytes
                .iter()
                .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
                .collect();
            let code = format!("{}-{}", &letters[..5], &letters[5..]);
            let hash = recovery_code_hash(&code);
            Ok((code, hash))
        })
        .collect()
}

/// The additional data a sealed secret is bound to: its person (a sealed secret copied to
/// another row does not open).
pub fn sealing_aad(user: uuid::Uuid) -> Vec<u8> {
    format!("second-factor:{user}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test vectors (appendix B), truncated to 6 digits.
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
        ] {
            assert_eq!(
                matching_step(secret, code, time),
                Some(time / STEP),
                "{time}"
            );
        }
    }

    #[test]
    fn a_code_matches_one_step_of_drift_either_way_and_no_more() {
        let secret = new_secret().expect("random");
        let totp = totp(&secret, "a@b.example").expect("totp");
        let now = 1_800_000_000;
        let current = now / STEP;
        for (step, expected) in [
            (current - 2, None),
            (current - 1, Some(current - 1)),
            (current, Some(current)),
            (current + 1, Some(current + 1)),
            (current + 2, None),
        ] {
            let code = totp.generate(step * STEP).to_string();
            assert_eq!(matching_step(&secret, &code, now), expected, "{step}");
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_whatever_their_case_and_dashes() {
        let codes = new_recovery_codes().expect("random");
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().map(|(c, _)| c).collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let (code, hash) = &codes[0];
        assert!(looks_like_recovery_code(code));
        assert_eq!(
            &recovery_code_hash(&code.to_uppercase().replace('-', " ")),
            hash
        );
        assert!(!looks_like_recovery_code("123456"));
    }

    #[test]
    fn the_enrolment_draws_a_qr_code_of_the_otpauth_address() {
        let secret = new_secret().expect("random");
        let enrolment = enrolment(&secret, "dg@cpas-a.example").expect("enrolment");
        assert!(
            enrolment.otpauth_uri.starts_with("otpauth://totp/PST:"),
            "{}",
            enrolment.otpauth_uri
        );
        assert!(
            enrolment
                .otpauth_uri
                .contains(&format!("secret={}", enrolment.secret))
        );
        assert!(
            enrolment.qr_svg.starts_with("<svg"),
            "{}",
            &enrolment.qr_svg[..40]
        );
        assert_eq!(enrolment.secret.len(), 32, "160 bits in base32");
    }
}
