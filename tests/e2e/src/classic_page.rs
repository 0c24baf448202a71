//! Driving the server-rendered token page: a form post, a redirect, the token in the new HTML.

use std::time::Duration;

use crate::error::Result;
use crate::server::{Issued, Server, CLASSIC_PATH};
use crate::wait::wait_until;
use crate::webdriver::Session;

/// How long the post, the redirect and the new page may take together.
const STEP: Duration = Duration::from_secs(10);

/// The classic page, loaded in a session's current tab.
pub struct ClassicPage<'s> {
    session: &'s Session,
    server: &'s Server,
}

impl<'s> ClassicPage<'s> {
    /// Loads the page of tenant `host` in the current tab.
    pub fn open(session: &'s Session, server: &'s Server, host: &str) -> Result<ClassicPage<'s>> {
        session.navigate(&server.url(host, CLASSIC_PATH))?;
        Ok(ClassicPage { session, server })
    }

    /// Types `name`, clicks "Erstellen" and waits for the page the redirect leads to; returns
    /// the token as issued, once the new page shows it.
    pub fn create_token(&self, name: &str) -> Result<Issued> {
        let before = self.server.issued().len();
        self.session.find("#token-name")?.send_keys(name)?;
        self.session
            .find("#create-token button[type=submit]")?
            .click()?;
        let issued = self.server.wait_for_issued(before, STEP)?;
        wait_until("the redirected page to show the token", STEP, || {
            let shown = self.session.find_all(".alert-success code")?;
            match shown.first() {
                Some(code) => Ok(Some(code.text()?)),
                None => Ok(None),
            }
        })?;
        Ok(issued)
    }
}
