//! Polling until a condition holds, with a message that says what never happened.

use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

const INTERVAL: Duration = Duration::from_millis(50);

/// Calls `probe` until it returns `Ok(Some(_))` or `timeout` runs out.
///
/// An `Err` from the probe counts as "not yet" (the browser may still be starting); the last
/// one seen ends up in the timeout message next to `what`.
pub fn wait_until<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<Option<T>>,
) -> Result<T> {
    let start = Instant::now();
    loop {
        let last = match probe() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => String::from("condition false"),
            Err(err) => err.to_string(),
        };
        if start.elapsed() >= timeout {
            return Err(Error::Timeout {
                what: what.to_owned(),
                waited: timeout,
                last,
            });
        }
        thread::sleep(INTERVAL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_first_value_the_probe_yields() {
        let mut calls = 0;

        let value = wait_until("third call", Duration::from_secs(5), || {
            calls += 1;
            Ok((calls == 3).then_some(calls))
        });

        assert_eq!(value.unwrap(), 3);
    }

    #[test]
    fn timeout_message_names_the_condition_and_the_last_error() {
        let result: Result<()> = wait_until("the moon", Duration::from_millis(120), || {
            Err(Error::Setup(String::from("no telescope")))
        });

        let message = result.unwrap_err().to_string();
        assert!(message.contains("the moon"), "{message}");
        assert!(message.contains("no telescope"), "{message}");
    }
}
