//! Request bodies against Discord's own OpenAPI description (`../shared/discord/openapi.json`,
//! read at run time; skipped with a note on stderr where it is absent): a body must match the
//! JSON Schema of its path and method, validated by the `jsonschema` crate.
//!
//! The spec's schemas are JSON Schema 2020-12 whose `$ref`s all point at
//! `#/components/schemas/…` in the same document, so the validator of a route and method is
//! built (on first use) from the route's body schema with the spec's `components` beside it.
//! Nothing is fetched: no remote `$ref` resolving is compiled in.
//!
//! What Discord does differently from the letter of its spec, kept here with the reason:
//! - An empty list is treated like an absent field, and serenity sends some (`"choices": []`,
//!   `"channel_types": []` on every command option; see `../shared/discord/README.md`). So
//!   every `[]` field is removed from the body's objects before validation: it is neither
//!   checked nor counted as present (`required`, `minProperties`, `maxProperties`).
//! - A multipart/form-data body's `payload_json` is the same JSON as the JSON body: the
//!   `application/json` schema is used where there is one.
//! - `format` (`snowflake`, `int64`, `date-time`, …) is an annotation, not checked: a
//!   formatted value is just a string or a number.
//! - The route that a path matches prefers literal segments over parameters
//!   (`/messages/@original` over `/messages/{message_id}`).
//!
//! Numbers compare exactly (ids and permission masks exceed f64), and `1` equals `1.0`, as the
//! crate does by itself.

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::{Map, Value};

/// Where Discord's OpenAPI description is (beside the clone, see `../shared/discord/README.md`).
pub(super) const OPENAPI_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/discord/openapi.json");

/// Discord's OpenAPI description: its request body schemas by route and method.
pub(super) struct OpenApi {
    routes: Vec<Route>,
    /// The spec's `components`, where `$ref`s point; each validator carries a copy.
    components: Value,
}

/// One templated path of the spec, e.g. `/interactions/{interaction_id}/{interaction_token}/callback`.
pub(super) struct Route {
    pub(super) template: String,
    /// `None` for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    /// By upper-case method.
    bodies: HashMap<String, RequestBody>,
}

/// The request body of one route and method.
struct RequestBody {
    /// The JSON Schema of the body (of `payload_json` for a multipart body).
    schema: Value,
    /// Whether the spec requires a body.
    required: bool,
    /// Built on first use: each carries all of the spec's `components`.
    validator: OnceLock<Validator>,
}

/// The spec, read once per test binary; `None` (said once on stderr) if the file is absent.
pub(super) fn spec() -> Option<&'static OpenApi> {
    static SPEC: OnceLock<Option<OpenApi>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let bytes = match std::fs::read(OPENAPI_PATH) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!(
                    "fake Discord: {OPENAPI_PATH} is absent ({error}); request bodies are NOT checked against Discord's OpenAPI schema"
                );
                return None;
            }
        };
        let doc: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|error| panic!("fake Discord: {OPENAPI_PATH} is not JSON: {error}"));
        Some(OpenApi::new(doc))
    })
    .as_ref()
}

impl OpenApi {
    fn new(mut doc: Value) -> OpenApi {
        let components = doc
            .get_mut("components")
            .map(Value::take)
            .filter(|c| c.get("schemas").is_some_and(Value::is_object))
            .unwrap_or_else(|| panic!("fake Discord: {OPENAPI_PATH} has no components.schemas"));
        let routes = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(template, item)| Route {
                template: template.clone(),
                segments: template
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                    .collect(),
                bodies: request_bodies(item),
            })
            .collect();
        OpenApi { routes, components }
    }

    /// The route that `path` (without `/api/v10`) matches, preferring literal segments over
    /// parameters (`/messages/@original` over `/messages/{message_id}`).
    pub(super) fn route(&self, path: &str) -> Option<&Route> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.routes
            .iter()
            .filter(|route| {
                route.segments.len() == segments.len()
                    && route
                        .segments
                        .iter()
                        .zip(&segments)
                        .all(|(template, segment)| template.as_deref().is_none_or(|t| t == *segment))
            })
            .max_by_key(|route| route.segments.iter().filter(|s| s.is_some()).count())
    }
}

/// The JSON body schemas of one path item's operations, by upper-case method.
fn request_bodies(item: &Value) -> HashMap<String, RequestBody> {
    let mut bodies = HashMap::new();
    for (method, operation) in item.as_object().into_iter().flatten() {
        let Some(body) = operation.get("requestBody") else {
            continue;
        };
        let content = &body["content"];
        // `payload_json` of a multipart body is the same JSON as the JSON body.
        let schema = ["application/json", "multipart/form-data"]
            .iter()
            .find_map(|kind| content.get(*kind).and_then(|c| c.get("schema")));
        if let Some(schema) = schema {
            let request = RequestBody {
                schema: schema.clone(),
                required: body.get("required").and_then(Value::as_bool).unwrap_or(false),
                validator: OnceLock::new(),
            };
            bodies.insert(method.to_uppercase(), request);
        }
    }
    bodies
}

impl RequestBody {
    fn validator(&self, components: &Value) -> &Validator {
        self.validator.get_or_init(|| {
            let mut schema = self.schema.clone();
            if let Some(schema) = schema.as_object_mut() {
                schema.insert("components".to_string(), components.clone());
            }
            jsonschema::draft202012::options()
                .should_validate_formats(false)
                .build(&schema)
                .unwrap_or_else(|error| {
                    panic!("fake Discord: a schema of {OPENAPI_PATH} does not build: {error}")
                })
        })
    }
}

/// Checks a request body against the spec's schema for its path and method; one line per
/// mismatch, naming the place in the body, what is wrong, and the schema rule it breaks.
pub(super) fn check(method: &str, route: &str, body: &Value, at: &str) -> Vec<String> {
    let Some(spec) = spec() else {
        return Vec::new();
    };
    let Some(matched) = spec.route(route) else {
        return if body.is_null() {
            Vec::new()
        } else {
            vec![format!("{at}: OpenAPI: no such path in Discord's API")]
        };
    };
    let Some(request) = matched.bodies.get(method) else {
        return Vec::new();
    };
    let location = format!(
        "paths[{}].{}.requestBody",
        matched.template,
        method.to_lowercase()
    );
    if body.is_null() {
        return if request.required {
            vec![format!("{at}: OpenAPI: no JSON body, but {location} is required")]
        } else {
            Vec::new()
        };
    }
    let body = without_empty_lists(body);
    let mut mismatches = Vec::new();
    for error in request.validator(&spec.components).iter_errors(&body) {
        report(&error, &location, &mut mismatches);
    }
    mismatches
        .into_iter()
        .map(|mismatch| format!("{at}: OpenAPI: {mismatch}"))
        .collect()
}

/// `value` without the empty lists in its objects, at any depth (Discord reads `[]` as absent).
fn without_empty_lists(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, field)| !field.as_array().is_some_and(Vec::is_empty))
                .map(|(key, field)| (key.clone(), without_empty_lists(field)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty_lists).collect()),
        other => other.clone(),
    }
}

/// Adds the mismatches to report for `error` to `out`, one line each: for an `anyOf` or
/// `oneOf` that no alternative matches, those of the alternative meant for the value (see
/// `closest`), else the error itself. `location` names the route's body schema, where rules
/// outside `components` are.
fn report(error: &ValidationError<'_>, location: &str, out: &mut Vec<String>) {
    if let ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } =
        error.kind()
    {
        if let Some(alternative) = closest(context, error.instance_path().as_str()) {
            for error in alternative {
                report(error, location, out);
            }
            return;
        }
    }
    let place = error.instance_path().as_str();
    let place = if place.is_empty() { "(body)" } else { place };
    out.push(format!(
        "{place}: {} [schema {}]",
        message(error),
        rule(error, location)
    ));
}

/// The alternative meant for a value at `at`, from the mismatches of each: not one whose
/// discriminator (a `const`/`enum` field such as `type`) or JSON type differs, and then the one
/// whose first mismatch is deepest.
fn closest<'c>(
    alternatives: &'c [Vec<ValidationError<'static>>],
    at: &str,
) -> Option<&'c Vec<ValidationError<'static>>> {
    let other_kind = |errors: &[ValidationError<'static>]| {
        errors.iter().any(|e| {
            let place = e.instance_path().as_str();
            let child = place.rsplit_once('/').is_some_and(|(parent, _)| parent == at);
            let keyword = e.kind().keyword();
            (place == at && keyword == "type") || (child && matches!(keyword, "enum" | "const"))
        })
    };
    alternatives.iter().max_by_key(|errors| {
        let shallowest = errors
            .iter()
            .map(|e| e.instance_path().as_str().matches('/').count())
            .min();
        (!other_kind(errors), shallowest)
    })
}

/// What is wrong, naming the value only when it is short (objects, lists and long strings
/// would drown the line).
fn message(error: &ValidationError<'_>) -> String {
    let value = error.instance();
    let text = value.to_string();
    match value.as_ref() {
        Value::Object(_) => error.masked_with("an object").to_string(),
        Value::Array(items) => error
            .masked_with(format!("an array of {} items", items.len()))
            .to_string(),
        Value::String(s) if text.chars().count() > 80 => error
            .masked_with(format!("a string of {} chars", s.chars().count()))
            .to_string(),
        _ => error.to_string(),
    }
}

/// The schema rule broken, as a place in the spec: `#/components/schemas/RichEmbed/properties/title/maxLength`,
/// or under `location` for a rule of the route's own schema.
fn rule(error: &ValidationError<'_>, location: &str) -> String {
    // The rule's place in the document the validator was built from: the route's schema with
    // the spec's `components` beside it.
    let path = error.schema_path().as_str();
    if path.starts_with("/components/") {
        format!("#{path}")
    } else {
        format!("{location}{path}")
    }
}

/// The OpenAPI validator on hand-made bodies: it finds what Discord rejects and accepts what
/// Discord accepts (including serenity's empty lists).
#[cfg(test)]
mod tests {
    use super::*;

    fn check(method: &str, route: &str, body: Value) -> Vec<String> {
        if spec().is_none() {
            return Vec::new();
        }
        super::check(method, route, &body, "test")
    }

    fn has(errors: &[String], needle: &str) -> bool {
        errors.iter().any(|e| e.contains(needle))
    }

    #[test]
    fn routes_prefer_literal_segments() {
        let Some(spec) = spec() else { return };
        let route = |path: &str| spec.route(path).map(|r| r.template.as_str());
        assert_eq!(
            route("/webhooks/1/tok/messages/@original"),
            Some("/webhooks/{webhook_id}/{webhook_token}/messages/@original")
        );
        assert_eq!(
            route("/interactions/5/tok-5/callback"),
            Some("/interactions/{interaction_id}/{interaction_token}/callback")
        );
        assert_eq!(route("/applications/@me"), Some("/applications/@me"));
    }

    #[test]
    fn valid_bodies_pass_and_empty_lists_count_as_absent() {
        let reply = serde_json::json!({"type": 4, "data": {
            "content": "hi",
            "embeds": [{"title": "T", "description": "D", "color": 5, "fields": [{"name": "a", "value": "b", "inline": true}]}],
            "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "rc:x"}]}],
            "allowed_mentions": {"parse": [], "replied_user": false},
            "flags": 64
        }});
        assert_eq!(
            check("POST", "/interactions/5/tok-5/callback", reply),
            Vec::<String>::new()
        );
        let commands = serde_json::json!([{"name": "ask", "description": "Ask", "type": 1, "options": [
            {"type": 3, "name": "q", "description": "Q", "required": true, "choices": [], "channel_types": []}
        ]}]);
        assert_eq!(
            check("PUT", "/applications/1/commands", commands),
            Vec::<String>::new()
        );
    }

    #[test]
    fn invalid_bodies_are_reported_with_the_schema_rule() {
        if spec().is_none() {
            // Without Discord's spec beside the project there is nothing to check against.
            eprintln!("{OPENAPI_PATH} is missing: the schema checks cannot be tested here");
            return;
        }
        let long_title = serde_json::json!({"type": 4, "data": {"embeds": [{"title": "x".repeat(300)}]}});
        let errors = check("POST", "/interactions/5/tok-5/callback", long_title);
        assert!(
            has(
                &errors,
                "/data/embeds/0/title: a string of 300 chars is longer than 256 characters"
            ) && has(
                &errors,
                "#/components/schemas/RichEmbed/properties/title/maxLength"
            ),
            "{errors:#?}"
        );
        let bad_type = serde_json::json!({"type": 99});
        assert!(!check("POST", "/interactions/5/tok-5/callback", bad_type).is_empty());
        let empty_row = serde_json::json!({"content": "x", "components": [{"type": 1, "components": []}]});
        let errors = check("POST", "/channels/1/messages", empty_row);
        assert!(
            has(&errors, "/components/0: \"components\" is a required property"),
            "{errors:#?}"
        );
        let bad_reference = serde_json::json!({"content": "x", "message_reference": {"message_id": "01"}});
        let errors = check("POST", "/channels/1/messages", bad_reference);
        assert!(
            has(&errors, "/message_reference/message_id: \"01\" does not match")
                && has(&errors, "SnowflakeType/pattern"),
            "{errors:#?}"
        );
        let wrong_kind = serde_json::json!({"content": 5});
        assert!(has(
            &check("PATCH", "/webhooks/1/t/messages/@original", wrong_kind),
            "/content: 5 is not of types \"null\", \"string\""
        ));
        assert!(has(
            &check("POST", "/channels/1/messages", Value::Null),
            "no JSON body"
        ));
    }
}
