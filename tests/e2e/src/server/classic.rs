//! A server-rendered token page: a real form post, answered with a redirect to a page that
//! renders the new token into its HTML once, the way a Blade view with a session flash does.

use std::collections::HashMap;

use super::http::{Request, Response};
use super::kind::TokenKind;
use super::{lock, Issued, State};

/// Where the page lives; the form posts back to the same address.
pub const PATH: &str = "/profil/oauth/classic/";

/// Tokens created but not yet shown, per host: Laravel keeps them in the session for exactly
/// one following request.
#[derive(Default)]
pub struct Flash(std::sync::Mutex<HashMap<String, Issued>>);

/// `GET`: the page, with the token created just before, if any, rendered into it.
pub fn page(request: &Request, state: &State) -> Response {
    let created = lock(&state.flash.0).remove(&super::routes::request_host(request));
    let (alert, row) = match &created {
        Some(issued) => (created_alert(&issued.token), token_row(issued)),
        None => (String::new(), String::new()),
    };
    super::routes::fixture(
        PATH,
        request,
        state,
        &[("{{created}}", &alert), ("{{new_row}}", &row)],
    )
}

/// `POST`: checks the CSRF field, issues a Passport token and redirects back to the page.
pub fn create(request: &Request, state: &State) -> Response {
    if request.form("_token").as_deref() != Some(state.csrf_token.as_str()) {
        return Response::text(419, "page expired: the form's _token is missing or stale");
    }
    let back = Response::new(302, "text/plain; charset=utf-8", "").with_header("Location", PATH);
    let name = request.form("name").unwrap_or_default();
    if name.trim().is_empty() {
        // Laravel sends a failed validation back to the form; the page then shows no token.
        return back;
    }
    let issued = state.issue(TokenKind::Passport, request, name.trim(), "");
    lock(&state.flash.0).insert(issued.host.clone(), issued);
    back
}

fn created_alert(token: &str) -> String {
    format!(
        "<div class=\"alert alert-success\" role=\"alert\">\n\
         <p>Ihr neuer persönlicher Zugriffstoken. Er wird nur dieses eine Mal angezeigt.</p>\n\
         <code>{}</code>\n</div>",
        escape(token)
    )
}

fn token_row(issued: &Issued) -> String {
    format!(
        "<tr><td>{}</td><td class=\"token-id\">{}</td></tr>",
        escape(&issued.name),
        escape(&issued.id)
    )
}

/// Text as HTML; names come from the form and may hold anything.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_name_is_rendered_as_text() {
        assert_eq!(
            escape("<b>\"A&B\"</b>"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
    }
}
