//! End-to-end harness: headless browsers with the built extension, driven over WebDriver,
//! against a local HTTPS replica of intratool's token page.

mod browser;
mod driver;
mod error;
mod oauth_page;
mod paths;
mod random;
mod server;
mod storage;
mod wait;
mod webdriver;

pub use browser::{chromium_extension_id, Browser, Kind, Options, GECKO_ID};
pub use error::{Error, Result};
pub use oauth_page::{OauthPage, PageOptions, Show};
pub use server::{Issued, Server, HOSTS};
pub use storage::token_records;
pub use wait::wait_until;
pub use webdriver::{keys, Element, Session};
