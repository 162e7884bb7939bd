//! Text values with rules: built only by `parse`, which names the offending field.

use crate::error::ApiError;
use api_types::ProblemCode;

/// A lowercased e-mail address of plausible shape, in visible ASCII.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// The longest address, in bytes (RFC 5321).
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= Self::MAX_LEN
            // Visible ASCII only, as the document's pattern says: its length in bytes is then
            // its length in characters.
            && email.bytes().all(|b| b.is_ascii_graphic())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Self(email))
        } else {
            Err(ApiError::invalid_field(
                field,
                ProblemCode::InvalidEmail,
                "not an e-mail address",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A trimmed, non-empty, single-line label of bounded length (a name, a title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

impl Label {
    pub fn parse(raw: &str, field: &str, max_chars: usize) -> Result<Self, ApiError> {
        let label = raw.trim();
        if label.is_empty() {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::Required,
                "must not be empty",
            ));
        }
        if label.chars().count() > max_chars {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::TooLong,
                format!("at most {max_chars} characters"),
            ));
        }
        if label.chars().any(char::is_control) {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::ControlCharacters,
                "must not contain control characters",
            ));
        }
        Ok(Self(label.to_owned()))
    }

    /// An optional line: absent or blank is none, else a label within `max_chars`.
    pub fn optional(
        raw: Option<&str>,
        field: &str,
        max_chars: usize,
    ) -> Result<Option<String>, ApiError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(line) => Self::parse(line, field, max_chars).map(|l| Some(l.0)),
        }
    }

    /// A free text (several lines allowed), trimmed and non-empty.
    pub fn parse_text(raw: &str, field: &str, max_chars: usize) -> Result<String, ApiError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::Required,
                "must not be empty",
            ));
        }
        if text.chars().count() > max_chars {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::TooLong,
                format!("at most {max_chars} characters"),
            ));
        }
        if has_control_character(text) {
            return Err(ApiError::invalid_field(
                field,
                ProblemCode::ControlCharacters,
                "must not contain control characters",
            ));
        }
        Ok(text.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A code of an objective or an action, unique within its plan: `OSe1`, `Pe17`, `A3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        let code = raw.trim();
        let valid = (1..=32).contains(&code.len())
            && code
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if valid {
            Ok(Self(code.to_owned()))
        } else {
            Err(ApiError::invalid_field(
                field,
                ProblemCode::InvalidCode,
                "letters, digits, '.', '_' or '-', at most 32, starting with a letter or digit",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tenant's URL name: lowercase letters, digits and single dashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        let valid = (1..=63).contains(&raw.len())
            && raw.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ApiError::invalid_field(
                field,
                ProblemCode::InvalidSlug,
                "lowercase letters, digits and single dashes, at most 63 characters",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Does `text` hold a control character other than line feed, carriage return and tab?
///
/// Line breaks and tabs are what multi-line texts (descriptions, notes) hold — clients on
/// Windows send CRLF; single-line labels refuse them in their own parser. Every other
/// control character (NUL first) has no place in a plan and breaks PostgreSQL, logs and
/// documents.
pub fn has_control_character(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse("  PCS@CPAS-A.example ", "email")
                .ok()
                .map(|e| e.0),
            Some("pcs@cpas-a.example".to_owned())
        );
        for bad in ["", "no-at", "a@b", "a@@b.be", "a b@c.be", "@c.be", "a@.be"] {
            assert!(Email::parse(bad, "email").is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_and_slugs_follow_their_rules() {
        assert!(Label::parse("  CPAS de Paliseul ", "name", 10).is_err());
        assert_eq!(
            Label::parse(" DEFITS ", "name", 10).ok().map(|l| l.0),
            Some("DEFITS".to_owned())
        );
        assert!(Label::parse("a\u{0}b", "name", 10).is_err());
        assert!(Slug::parse("cpas-a", "slug").is_ok());
        for bad in ["", "CPAS", "a--b", "-a", "a-", "é"] {
            assert!(Slug::parse(bad, "slug").is_err(), "{bad}");
        }
    }
}
