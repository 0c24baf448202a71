//! End-to-end harness: headless browsers with the built extension, driven over WebDriver,
//! against a local HTTPS replica of intratool's token page.

pub mod bench;
mod browser;
mod classic_page;
mod driver;
mod error;
mod expect;
mod notice;
mod oauth_page;
mod paths;
mod random;
mod server;
mod storage;
mod temp;
mod wait;
mod webdriver;

pub use browser::{chromium_extension_id, Browser, Kind, Options, GECKO_ID};
pub use classic_page::ClassicPage;
pub use error::{Error, Result};
pub use expect::{
    assert_nothing_saved, assert_record, assert_saved_among, assert_saved_once, create_and_wait,
    dump_text, expect_notice, expect_saved_notice, expect_saved_record, SAVE_TIMEOUT,
};
pub use notice::{wait_for_notice, Notice};
pub use oauth_page::{
    secrets_on_page, After, OauthPage, PageOptions, Show, DASHBOARD, READING_THE_PAGE,
};
pub use paths::extension_dir;
pub use server::passport::mint as mint_passport_token;
pub use server::{Decoy, Decoys, Issued, Server, TokenKind, HOSTS};
pub use storage::{token_entries, token_records};
pub use temp::TempDir;
pub use wait::wait_until;
pub use webdriver::{keys, Element, Session};

/// Runs each scenario once per browser, as `chromium::<name>` and `firefox::<name>`.
///
/// Each scenario is a `fn(e2e::Kind) -> e2e::Result<()>` at the top of the test file.
#[macro_export]
macro_rules! in_each_browser {
    ($($scenario:ident),* $(,)?) => {
        mod chromium {
            $( #[test] fn $scenario() -> e2e::Result<()> { super::$scenario(e2e::Kind::Chromium) } )*
        }
        mod firefox {
            $( #[test] fn $scenario() -> e2e::Result<()> { super::$scenario(e2e::Kind::Firefox) } )*
        }
    };
}
