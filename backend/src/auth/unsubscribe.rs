//! Unsubscribe links. Every e-mail carries, for each topic it is about, a link that stops
//! that topic's e-mails without logging in. Its token names the link, the person and the
//! topic, and is signed (HMAC-SHA256) with a key derived from the server's secret for this
//! purpose only: it cannot be forged, altered to name someone else or another topic, or
//! taken for any other credential. The link's id makes it work once: its use is recorded.

use api_types::NotificationTopic;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// What the derivation of the key is for; another purpose derives another key.
const PURPOSE: &[u8] = b"pst unsubscribe link v1";

/// The key that signs and checks unsubscribe tokens.
#[derive(Clone)]
pub struct UnsubscribeKey([u8; 32]);

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey(…)")
    }
}

/// What a token says: this link stops this person's e-mails of this topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnsubscribeClaim {
    pub link: Uuid,
    pub user: Uuid,
    pub topic: NotificationTopic,
}

impl UnsubscribeKey {
    /// The key of the server's secret (`PST_JWT_SECRET`): changing the secret ends the
    /// links of the e-mails sent before.
    pub fn derive(secret: &[u8]) -> Self {
        Self(mac(secret, PURPOSE))
    }

    /// A new link's token for this person and topic.
    pub fn issue(&self, user: Uuid, topic: NotificationTopic) -> (UnsubscribeClaim, String) {
        let claim = UnsubscribeClaim {
            link: Uuid::new_v4(),
            user,
            topic,
        };
        (claim, self.sign(&claim))
    }

    /// `payload.signature`, both base64url: the link's and the person's ids, then the topic.
    pub fn sign(&self, claim: &UnsubscribeClaim) -> String {
        let payload = payload(claim);
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(mac(&self.0, &payload))
        )
    }

    /// The claim of a token this key signed; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<UnsubscribeClaim> {
        let (payload, signature) = token.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let mut check = Hmac::<Sha256>::new_from_slice(&self.0).ok()?;
        check.update(&payload);
        // Compared in constant time.
        check.verify_slice(&signature).ok()?;
        let (ids, topic) = payload.split_at_checked(32)?;
        Some(UnsubscribeClaim {
            link: Uuid::from_slice(&ids[..16]).ok()?,
            user: Uuid::from_slice(&ids[16..]).ok()?,
            topic: std::str::from_utf8(topic).ok()?.parse().ok()?,
        })
    }
}

fn payload(claim: &UnsubscribeClaim) -> Vec<u8> {
    let mut payload = Vec::with_capacity(48);
    payload.extend_from_slice(claim.link.as_bytes());
    payload.extend_from_slice(claim.user.as_bytes());
    payload.extend_from_slice(claim.topic.as_str().as_bytes());
    payload
}

fn mac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> UnsubscribeKey {
        UnsubscribeKey::derive(b"a long and random enough server secret, 0123456789")
    }

    #[test]
    fn a_token_reads_back_as_its_claim_with_its_key_only() {
        let user = Uuid::new_v4();
        let (claim, token) = key().issue(user, NotificationTopic::Decisions);
        assert_eq!(key().verify(&token), Some(claim));
        assert_eq!(claim.user, user);
        let other = UnsubscribeKey::derive(b"another long and random server secret, 98765");
        assert_eq!(other.verify(&token), None);
    }

    #[test]
    fn an_altered_token_is_refused() {
        let (claim, token) = key().issue(Uuid::new_v4(), NotificationTopic::Mentions);
        // The same signature over another topic, or another person.
        let signature = token.split_once('.').expect("two parts").1;
        for altered in [
            UnsubscribeClaim {
                topic: NotificationTopic::Tasks,
                ..claim
            },
            UnsubscribeClaim {
                user: Uuid::new_v4(),
                ..claim
            },
        ] {
            let forged = format!("{}.{signature}", URL_SAFE_NO_PAD.encode(payload(&altered)));
            assert_eq!(key().verify(&forged), None);
        }
        for garbage in ["", ".", "abc", "abc.def", &token[..token.len() - 2]] {
            assert_eq!(key().verify(garbage), None, "{garbage}");
        }
    }

    #[test]
    fn the_key_is_not_the_secret() {
        let secret = b"a long and random enough server secret, 0123456789";
        assert_ne!(&UnsubscribeKey::derive(secret).0[..], &secret[..32]);
    }
}
