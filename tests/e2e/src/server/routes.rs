//! What the replica answers: fixture pages, the classic form page, and Passport's endpoint that
//! creates a token.

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};

use super::classic;
use super::http::{Request, Response};
use super::kind::TokenKind;
use super::{passport, Issued, State};

/// The header `?csp=strict` adds: page scripts only from the page's own origin, no inline code.
const STRICT_CSP: &str = "script-src 'self'";

/// The page-cost benchmark's page, also served where the content script is active.
const BENCH_PAGE: &str = "/bench/";
const BENCH_PAGE_ON_TOKEN_PATH: &str = "/profil/oauth/bench/";

pub(super) fn respond(request: &Request, state: &State) -> Response {
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/oauth/personal-access-tokens") => create_token(request, state),
        ("GET", classic::PATH) => classic::page(request, state),
        ("POST", classic::PATH) => classic::create(request, state),
        ("GET", BENCH_PAGE_ON_TOKEN_PATH) => fixture(BENCH_PAGE, request, state, &[]),
        ("GET", path) => fixture(path, request, state, &[]),
        _ => Response::text(405, "method not allowed"),
    }
}

/// Serves a file under the fixtures folder; a path ending in `/` means its `index.html`.
///
/// HTML gets its placeholders filled: the CSRF token, the decoys, and `extra`.
pub(super) fn fixture(
    path: &str,
    request: &Request,
    state: &State,
    extra: &[(&str, &str)],
) -> Response {
    let Some(file) = fixture_file(&state.fixtures, path) else {
        return Response::text(404, "not found");
    };
    let Ok(bytes) = fs::read(&file) else {
        return Response::text(404, "not found");
    };
    let content_type = content_type(&file);
    let body = if content_type.starts_with("text/html") {
        let mut page = String::from_utf8_lossy(&bytes).replace("{{csrf_token}}", &state.csrf_token);
        for (placeholder, value) in extra {
            page = page.replace(placeholder, value);
        }
        state.decoys.fill(&page).into_bytes()
    } else {
        bytes
    };
    let response = Response::new(200, content_type, body);
    match request.query("csp") {
        Some("strict") => response.with_header("Content-Security-Policy", STRICT_CSP),
        _ => response,
    }
}

fn fixture_file(root: &Path, path: &str) -> Option<PathBuf> {
    let relative = path.trim_start_matches('/');
    if relative.split('/').any(|segment| segment == "..") {
        return None;
    }
    let file = root.join(relative);
    Some(if path.ends_with('/') {
        file.join("index.html")
    } else {
        file
    })
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `POST /oauth/personal-access-tokens`, answered the way Passport's controller does.
///
/// `?token_kind=sanctum|hs256` (and `sanctum_prefix=`) hand out another kind of secret in the
/// same answer, so one page script can show every kind.
fn create_token(request: &Request, state: &State) -> Response {
    if request.header("x-csrf-token") != Some(state.csrf_token.as_str()) {
        return Response::json(419, &json!({ "message": "CSRF token mismatch." }));
    }
    let Some(kind) = TokenKind::from_param(request.query("token_kind")) else {
        return Response::json(400, &json!({ "message": "unknown token_kind" }));
    };
    let Some(name) = requested_name(&request.body) else {
        let required = "Das Feld Name muss ausgefüllt sein.";
        let errors = json!({ "message": required, "errors": { "name": [required] } });
        return Response::json(422, &errors);
    };
    if let Some(delay) = request.query("delay_ms").and_then(|ms| ms.parse().ok()) {
        thread::sleep(Duration::from_millis(delay));
    }
    let prefix = request.query("sanctum_prefix").unwrap_or_default();
    let issued = state.issue(kind, request, &name, prefix);
    Response::json(200, &created_body(&issued))
}

fn requested_name(body: &[u8]) -> Option<String> {
    let body: Value = serde_json::from_slice(body).ok()?;
    let name = body["name"].as_str()?.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The `Host` a request came to, without port.
pub(super) fn request_host(request: &Request) -> String {
    let host = request.header("host").unwrap_or_default();
    host.split(':').next().unwrap_or_default().to_owned()
}

fn created_body(issued: &Issued) -> Value {
    json!({
        "accessToken": issued.token,
        "token": {
            "id": issued.id,
            "user_id": passport::SUBJECT.parse::<u32>().unwrap_or_default(),
            "client_id": 1,
            "name": issued.name,
            "scopes": [],
            "revoked": false,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_paths_mean_their_index_and_parent_steps_are_refused() {
        let root = Path::new("/fixtures");

        let page = fixture_file(root, "/profil/oauth/");
        let escape = fixture_file(root, "/profil/../../etc/passwd");

        assert_eq!(
            page,
            Some(PathBuf::from("/fixtures/profil/oauth/index.html"))
        );
        assert_eq!(escape, None);
    }

    #[test]
    fn a_blank_name_is_no_name() {
        assert_eq!(requested_name(br#"{"name":"  "}"#), None);
        assert_eq!(
            requested_name(br#"{"name":"CI Deploy"}"#).as_deref(),
            Some("CI Deploy")
        );
    }
}
