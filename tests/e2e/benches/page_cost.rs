//! What the extension costs a busy page, per browser: the bench page times its own 200 batches
//! of 100 DOM mutations (fixtures/bench/mutations.js), with the extension loaded and without.
//!
//! Three pages: the token page's path, where the content script works; another tenant page,
//! where it is injected but should stay idle; and the token path under a strict CSP, where
//! Chromium's content script relays the page's text to the background instead.

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use e2e::{bench, Browser, Kind, Options, Server};
use serde_json::json;

const RUNS: usize = 5;
const HOST: &str = "acme.intratool.de";
const PAGES: [&str; 3] = [
    "/profil/oauth/bench/",
    "/bench/",
    "/profil/oauth/bench/?csp=strict",
];

/// Time for the content script to start before the page gets busy.
const SETTLE: Duration = Duration::from_secs(1);

const RUN_BENCH: &str = "
    const done = arguments[arguments.length - 1];
    window.runBench().then(done, (err) => done({ error: String(err) }));";

fn main() -> ExitCode {
    bench::each_browser(compare)
}

/// One report line per page: medians without and with the extension, and their difference.
fn compare(server: &Server, kind: Kind) -> e2e::Result<Vec<String>> {
    let without = measure(server, kind, false)?;
    let with = measure(server, kind, true)?;
    let lines = PAGES.iter().zip(without.iter().zip(&with));
    Ok(lines
        .map(|(page, ((bare, batches), (loaded, _)))| {
            let per_batch = (loaded - bare) / *batches as f64;
            format!(
                "{:<9} {page:<32} without {bare:7.1} ms, with {loaded:7.1} ms: \
                 {:+.1} ms, {per_batch:+.3} ms per batch (medians of {RUNS} runs)",
                kind.name(),
                loaded - bare,
            )
        })
        .collect())
}

/// Per page, the median total in milliseconds and the number of batches.
fn measure(server: &Server, kind: Kind, extension: bool) -> e2e::Result<Vec<(f64, u64)>> {
    let options = Options {
        extension,
        ..Options::default()
    };
    let browser = Browser::launch_with(kind, &options)?;
    let session = browser.session();
    PAGES
        .iter()
        .map(|page| {
            let mut totals = Vec::with_capacity(RUNS);
            let mut batches = 0;
            for _ in 0..RUNS {
                session.navigate(&server.url(HOST, page))?;
                thread::sleep(SETTLE);
                let result = session.execute_async(RUN_BENCH, json!([]))?;
                if let Some(error) = result["error"].as_str() {
                    return Err(e2e::Error::Setup(format!("bench page {page}: {error}")));
                }
                totals.push(result["totalMs"].as_f64().unwrap_or(f64::NAN));
                batches = result["batches"].as_u64().unwrap_or(1);
            }
            totals.sort_by(f64::total_cmp);
            Ok((bench::median(&totals), batches))
        })
        .collect()
}
