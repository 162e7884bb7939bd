//! Extractors shared by the handlers.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{AcceptLanguage, Header, Quality};
use actix_web::{FromRequest, HttpRequest, web};
use api_types::{Language, ProblemCode};

use crate::domain::text::has_control_character;
use crate::error::ApiError;

/// A JSON request body: `web::Json` (same size limit, content type and errors, a key named
/// twice refused), except that it must be an object, and that a whole number written with a fraction (`2.0`) is read as
/// the integer it is: JSON Schema, and so the API document, counts `2.0` an integer, and a
/// client's serialiser may write one.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let value = web::Json::<StrictValue>::from_request(req, payload);
        Box::pin(async move {
            let mut value = value.await?.into_inner().0;
            // Every body of the API is an object; serde would also fill a struct from an
            // array, by position.
            if !value.is_object() {
                return Err(ApiError::bad_request(
                    ProblemCode::InvalidJson,
                    "the body must be a JSON object",
                )
                .into());
            }
            whole_numbers_as_integers(&mut value);
            if let Some(field) = control_character_at(&value, "") {
                return Err(ApiError::invalid_field(
                    field,
                    ProblemCode::ControlCharacters,
                    "no control characters (only line feed, carriage return and tab in texts)",
                )
                .into());
            }
            serde_path_to_error::deserialize(value)
                .map(Json)
                .map_err(|error| body_error(error).into())
        })
    }
}

/// An optional JSON body: `None` when the request has none (no `Content-Length`, or 0, and
/// no chunked body); otherwise a [`Json`], with its errors: a malformed body is refused, not
/// taken for an absent one.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        use actix_web::http::header;
        let length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
        if length.unwrap_or(0) == 0 && !chunked {
            return Box::pin(async { Ok(Self(None)) });
        }
        let body = Json::<T>::from_request(req, payload);
        Box::pin(async move { Ok(Self(Some(body.await?.into_inner()))) })
    }
}

/// The path (`a.b.0`) of the first key or text of `value` holding a control character
/// ([`has_control_character`]: line breaks and tabs are allowed).
fn control_character_at(value: &serde_json::Value, path: &str) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) if has_control_character(text) => Some(path.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| control_character_at(item, &join(&i.to_string()))),
        serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
            if has_control_character(key) {
                Some(join(key))
            } else {
                control_character_at(item, &join(key))
            }
        }),
        _ => None,
    }
}

/// The problem of a body that is JSON but not of the operation's shape: a refused date
/// names its field (422); anything else is a malformed request (400).
fn body_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let field = pointer(error.path());
    let message = error.inner().to_string();
    match api_types::PlanDateError::from_message(&message) {
        Some(date) => ApiError::invalid_field(field, date.code(), date.to_string()),
        None => ApiError::bad_request(
            ProblemCode::InvalidJson,
            format!("Json deserialize error: {message} (at {field})"),
        ),
    }
}

/// The field as the problems name it: `tasks/3/due_on` (serde says `tasks[3].due_on`).
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let segments: Vec<String> = path
        .iter()
        .map(|segment| match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => "?".to_owned(),
        })
        .collect();
    segments.join("/")
}

/// A JSON value, refused when an object names a key twice (which of the two would count?).
struct StrictValue(serde_json::Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(value) = map.next_value()?;
            if fields.insert(key.clone(), value).is_some() {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate field `{key}`"
                )));
            }
        }
        Ok(serde_json::Value::Object(fields))
    }
}

/// Rewrites every whole float (`2.0`, `-1e3`) as an integer, where it is exactly one.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    /// Beyond 2^53 a float no longer spells one integer.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64())
                && float.fract() == 0.0
                && float.abs() <= EXACT
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{StrictValue, whole_numbers_as_integers};

    #[test]
    fn whole_floats_become_integers_and_others_stay() {
        let mut value = serde_json::json!({"a": 2.0, "b": [-1e3, 1.5], "c": 7, "d": 1e300});
        whole_numbers_as_integers(&mut value);
        assert_eq!(
            value.to_string(),
            r#"{"a":2,"b":[-1000,1.5],"c":7,"d":1e+300}"#
        );
    }

    #[test]
    fn a_key_named_twice_is_refused_at_any_depth() {
        let read = |json: &str| serde_json::from_str::<StrictValue>(json).map(|v| v.0);
        assert!(read(r#"{"a": 1, "a": 2}"#).is_err());
        assert!(read(r#"{"a": [{"b": 1, "b": 1}]}"#).is_err());
        let value = read(r#"{"a": [1, {"b": null}], "c": "d"}"#).expect("valid");
        assert_eq!(value.to_string(), r#"{"a":[1,{"b":null}],"c":"d"}"#);
    }
}

/// The language a document is written in: `?lang=` when the request names one (another
/// value than `fr`, `nl`, `en` is refused, 400 `unsupported_language`), else the language
/// of `Accept-Language` with the highest weight among those (`q=0` excluded), else French.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLanguage(pub Language);

/// The `lang` query parameter of every document, for the OpenAPI document (the value is
/// read by [`DocumentLanguage`]).
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LanguageQuery {
    /// The document's language. Without it, the best match of `Accept-Language`, else
    /// `fr`. Another value: 400 `unsupported_language`.
    #[param(inline)]
    pub lang: Option<Language>,
}

impl FromRequest for DocumentLanguage {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(document_language(req).map(DocumentLanguage))
    }
}

fn document_language(req: &HttpRequest) -> Result<Language, ApiError> {
    #[derive(serde::Deserialize)]
    struct Asked {
        lang: Option<String>,
    }
    let asked = web::Query::<Asked>::from_query(req.query_string())
        .map_err(|e| ApiError::bad_request(ProblemCode::InvalidQuery, e.to_string()))?;
    if let Some(lang) = &asked.lang {
        return lang.parse::<Language>().map_err(|_| {
            ApiError::bad_request(
                ProblemCode::UnsupportedLanguage,
                format!("documents are written in fr, nl or en, not `{lang}`"),
            )
        });
    }
    // A header that does not parse is no preference: French.
    let preferred = AcceptLanguage::parse(req).ok().and_then(|accepted| {
        let mut ranked: Vec<_> = accepted
            .0
            .into_iter()
            .filter(|item| item.quality > Quality::ZERO)
            .collect();
        // Stable: among equal weights, the header's order.
        ranked.sort_by_key(|item| std::cmp::Reverse(item.quality));
        ranked.into_iter().find_map(|item| {
            let tag = item.item.item()?;
            tag.primary_language()
                .to_ascii_lowercase()
                .parse::<Language>()
                .ok()
        })
    });
    Ok(preferred.unwrap_or(Language::Fr))
}

/// The `Content-Length` a request announces, if it is a number.
pub fn announced_length(request: &HttpRequest) -> Option<usize> {
    request
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
}

/// A raw request body of at most `limit` bytes, refused with `too_large()` as soon as it
/// is known to be over: by its `Content-Length`, or while it arrives.
pub async fn read_body(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    too_large: impl Fn() -> ApiError,
) -> Result<web::Bytes, ApiError> {
    use futures_util::StreamExt;
    let announced = announced_length(request);
    if announced.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(announced.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(ProblemCode::Unreadable, e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
