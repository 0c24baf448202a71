//! The harness's one error type: what went wrong talking to a driver, a browser or a file.

use std::fmt;
use std::time::Duration;

/// Shorthand for results of harness calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a harness call failed; the message names the next step where there is one.
pub enum Error {
    /// A binary, folder or port the harness needs is not there.
    Setup(String),
    /// The driver answered a command with a WebDriver error object.
    WebDriver {
        command: String,
        error: String,
        message: String,
    },
    /// The driver could not be reached, or answered something that is not WebDriver JSON.
    Transport { command: String, detail: String },
    /// A condition did not come true in time.
    Timeout {
        what: String,
        waited: Duration,
        last: String,
    },
    /// A file or socket failed.
    Io(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Setup(message) => write!(f, "setup: {message}"),
            Error::WebDriver {
                command,
                error,
                message,
            } => write!(f, "{command}: {error}: {message}"),
            Error::Transport { command, detail } => write!(f, "{command}: {detail}"),
            Error::Timeout { what, waited, last } => {
                write!(
                    f,
                    "timed out after {waited:?} waiting for {what}; last seen: {last}"
                )
            }
            Error::Io(err) => write!(f, "i/o: {err}"),
        }
    }
}

// Tests that return `Result` print the error with `Debug`; the readable message is the useful one.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Io(err)
    }
}
