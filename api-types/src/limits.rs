//! The rules the server applies to texts, as JSON Schema (`schema_with` on the fields), so
//! that a client — or a fuzzer — generating from the document sends only what the server
//! accepts. The server's own parsers (`backend/src/domain/text.rs`) are the rule; these
//! state it, and the schema fuzzing (`cargo xtask fuzz`) checks that they agree.
//!
//! Patterns are ECMA-262 and spell their character classes out: `\s` and `\d` mean
//! different things to ECMA, Python and Rust. "Control character" is Rust's
//! `char::is_control` (U+0000–U+001F, U+007F–U+009F); "blank" is what `str::trim` removes.

use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

/// A single-line text: no control character at all.
const LINE_CHAR: &str = r"[^\x00-\x1f\x7f-\x9f]";
/// A character of a multi-line text: no control character but tab, line feed and carriage
/// return.
const TEXT_CHAR: &str = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]";
/// A character that is neither blank (Unicode White_Space) nor a control character.
const VISIBLE_CHAR: &str =
    r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

fn string(max_chars: usize, pattern: String, nullable: bool) -> Object {
    let schema_type = if nullable {
        SchemaType::Array(vec![Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(schema_type)
        .max_length(Some(max_chars))
        .pattern(Some(pattern))
        .build()
}

/// A label (a name, a title): one line, not blank, at most `MAX` characters.
pub fn label<const MAX: usize>() -> Object {
    let mut schema = string(
        MAX,
        format!("^{LINE_CHAR}*{VISIBLE_CHAR}{LINE_CHAR}*$"),
        false,
    );
    schema.min_length = Some(1);
    schema
}

/// A label a patch may leave out, or send as `null`: unchanged.
pub fn label_or_null<const MAX: usize>() -> Object {
    nullable(label::<MAX>())
}

/// `schema`, or `null` (an optional field the server reads as absent when it is `null`).
fn nullable(mut schema: Object) -> Object {
    schema.schema_type = SchemaType::Array(vec![Type::String, Type::Null]);
    schema
}

/// A text of several lines (a reason, an opinion): not blank, at most `MAX` characters.
pub fn text<const MAX: usize>() -> Object {
    let mut schema = string(
        MAX,
        format!("^{TEXT_CHAR}*{VISIBLE_CHAR}{TEXT_CHAR}*$"),
        false,
    );
    schema.min_length = Some(1);
    schema
}

/// An optional line (a unit, a reference): blank or `null` count as none.
pub fn optional_line<const MAX: usize>() -> Object {
    string(MAX, format!("^{LINE_CHAR}*$"), true)
}

/// An optional line that `null` clears (a lead).
pub fn nullable_line<const MAX: usize>() -> Object {
    string(MAX, format!("^{LINE_CHAR}*$"), true)
}

/// An optional telephone number: digits, spaces and `+ . / ( ) -`; blank or `null` count
/// as none.
pub fn phone() -> Object {
    string(
        crate::PHONE_MAX_CHARS,
        format!("^[{}]*$", crate::PHONE_CHARS),
        true,
    )
}

/// An optional text of several lines: blank or `null` count as none.
pub fn optional_text<const MAX: usize>() -> Object {
    string(MAX, format!("^{TEXT_CHAR}*$"), true)
}

/// An optional text of several lines that `null` clears.
pub fn nullable_text<const MAX: usize>() -> Object {
    string(MAX, format!("^{TEXT_CHAR}*$"), true)
}

/// Any text without control characters but line breaks and tabs (a password, what every
/// JSON body's strings must be).
pub fn any_text<const MAX: usize>() -> Object {
    string(MAX, format!("^{TEXT_CHAR}*$"), false)
}

/// Any text without control characters but line breaks and tabs, of any length.
pub fn plain_text() -> Object {
    let mut schema = any_text::<0>();
    schema.max_length = None;
    schema
}

/// The UN Sustainable Development Goals of an action: numbers 1 to 17.
pub fn sdgs() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                    utoipa::openapi::schema::KnownFormat::Int32,
                )))
                .minimum(Some(1))
                .maximum(Some(17)),
        )
        .build()
}

/// A password to set: 12 to 256 characters (their strength is checked by the server: 422
/// `weak_password` or `too_common`).
pub fn new_password() -> Object {
    let mut schema = any_text::<{ crate::PASSWORD_MAX_CHARS }>();
    schema.min_length = Some(crate::PASSWORD_MIN_CHARS);
    schema
}

/// A password an account may be created with, or none (`null`): the person sets it.
pub fn new_password_or_null() -> Object {
    nullable(new_password())
}

/// An e-mail address: visible ASCII, one `@`, a domain with a dot inside it.
pub fn email() -> Object {
    let local = r"[!-?A-~]+";
    let domain = r"[!-\-/-?A-~][!-?A-~]*\.[!-?A-~]*[!-\-/-?A-~]";
    string(254, format!("^{local}@{domain}$"), false)
}

/// A code a patch may leave out or send as `null`: unchanged.
pub fn code_or_null() -> Object {
    nullable(code())
}

/// A CPAS's URL name: lowercase letters and digits in words joined by single dashes.
pub fn slug() -> Object {
    let mut schema = string(63, r"^[a-z0-9]+(-[a-z0-9]+)*$".to_owned(), false);
    schema.min_length = Some(1);
    schema
}

/// A code of an objective or an action (`OSe1`, `Pe17`): letters, digits, `.`, `_`, `-`,
/// starting with a letter or digit.
pub fn code() -> Object {
    let mut schema = string(32, r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$".to_owned(), false);
    schema.min_length = Some(1);
    schema
}

/// A webhook's address: `https://`, a host name (no credentials), an optional port, and a
/// path (at least `/`) of characters a URL keeps as they are, so that the address stored is
/// as long as the one sent: 2000 characters at most. Whether the host resolves to a public
/// address is the server's check (422 `not_public_address`, or `invalid_url`).
pub fn https_url() -> Object {
    string(
        2000,
        r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[!$-&(-;=?-\[\]-_a-z|~]*$".to_owned(),
        false,
    )
}

/// A webhook's new address, or `null`: unchanged.
pub fn https_url_or_null() -> Object {
    nullable(https_url())
}

/// An OpenID provider's issuer: `https://`, a host name, an optional port and path, no
/// query or fragment (OpenID Connect Discovery). Plain `http://` only to loopback, when the
/// server allows it (`PST_OIDC_ALLOW_LOOPBACK_HTTP`, development and tests).
pub fn issuer_url() -> Object {
    string(
        crate::ISSUER_MAX_CHARS,
        r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!$-&(-;=@-\[\]-_a-z|~]*)?$".to_owned(),
        false,
    )
}

/// A note or a password: any text without control characters but line breaks and tabs;
/// `null` counts as none.
pub fn any_text_or_null<const MAX: usize>() -> Object {
    nullable(any_text::<MAX>())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_patterns_compile() {
        for schema in [
            super::label::<10>(),
            super::text::<10>(),
            super::email(),
            super::slug(),
            super::code(),
            super::https_url(),
            super::issuer_url(),
        ] {
            let pattern = schema.pattern.expect("a pattern");
            assert!(
                pattern.starts_with('^') && pattern.ends_with('$'),
                "{pattern}"
            );
        }
    }
}
