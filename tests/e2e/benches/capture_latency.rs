//! Time from the page showing a token to the extension's notice appearing, per browser, and in
//! Chromium also under a strict page CSP, where the content script relays to the background.
//!
//! Both instants are `performance.now()` in the page (see the fixture's oauth.js), so the
//! figure includes the extension noticing the token, saving it and inserting its notice.

use std::process::ExitCode;
use std::time::Duration;

use e2e::{bench, Browser, Kind, OauthPage, PageOptions, Server};

const TOKENS_PER_BROWSER: usize = 10;
const HOST: &str = "acme.intratool.de";
const NOTICE_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    bench::each_browser(|server, kind| {
        let cases = match kind {
            // Firefox compiles wasm in the content script whatever the page's CSP says.
            Kind::Firefox => vec![false],
            Kind::Chromium => vec![false, true],
        };
        let results = measure(server, kind, &cases)?;
        Ok(cases
            .into_iter()
            .zip(results)
            .map(|(strict_csp, samples)| summary(kind, strict_csp, samples))
            .collect())
    })
}

/// Per case (strict CSP or not), latencies in milliseconds, one per token, each on a freshly
/// loaded page; one browser for all cases.
fn measure(server: &Server, kind: Kind, cases: &[bool]) -> e2e::Result<Vec<Vec<f64>>> {
    let browser = Browser::launch(kind)?;
    let latency = |strict_csp: bool, run: usize| {
        let options = PageOptions {
            strict_csp,
            ..PageOptions::default()
        };
        let page = OauthPage::open(browser.session(), server, HOST, options)?;
        page.create_token(&format!("Benchmark {run}"))?;
        page.notice_latency_ms(NOTICE_TIMEOUT)
    };
    cases
        .iter()
        .map(|&strict_csp| {
            (0..TOKENS_PER_BROWSER)
                .map(|run| latency(strict_csp, run))
                .collect()
        })
        .collect()
}

fn summary(kind: Kind, strict_csp: bool, mut samples: Vec<f64>) -> String {
    samples.sort_by(f64::total_cmp);
    let count = samples.len();
    let median = bench::median(&samples);
    let case = if strict_csp { " (strict CSP)" } else { "" };
    format!(
        "{:<9} token shown -> notice{case}: min {:.1} ms, median {:.1} ms, max {:.1} ms \
         ({count} tokens)",
        kind.name(),
        samples[0],
        median,
        samples[count - 1],
    )
}
