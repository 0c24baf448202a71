//! Time from the page showing a token to the extension's notice appearing, per browser.
//!
//! Both instants are `performance.now()` in the page (see the fixture's oauth.js), so the
//! figure includes the extension noticing the token, saving it and inserting its notice.

use std::process::ExitCode;
use std::time::Duration;

use e2e::{Browser, Kind, OauthPage, PageOptions, Server};

const TOKENS_PER_BROWSER: usize = 10;
const HOST: &str = "acme.intratool.de";
const NOTICE_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let server = match Server::start() {
        Ok(server) => server,
        Err(err) => {
            eprintln!("replica server: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for kind in Kind::ALL {
        match measure(&server, kind) {
            Ok(samples) => println!("{}", summary(kind, samples)),
            Err(err) => {
                eprintln!("{}: {err}", kind.name());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Latencies in milliseconds, one per token, each on a freshly loaded page.
fn measure(server: &Server, kind: Kind) -> e2e::Result<Vec<f64>> {
    let browser = Browser::launch(kind)?;
    (0..TOKENS_PER_BROWSER)
        .map(|run| {
            let page = OauthPage::open(browser.session(), server, HOST, PageOptions::default())?;
            page.create_token(&format!("Benchmark {run}"))?;
            page.notice_latency_ms(NOTICE_TIMEOUT)
        })
        .collect()
}

fn summary(kind: Kind, mut samples: Vec<f64>) -> String {
    samples.sort_by(f64::total_cmp);
    let count = samples.len();
    // The two middle samples, or the middle one twice when the count is odd.
    let median = (samples[(count - 1) / 2] + samples[count / 2]) / 2.0;
    format!(
        "{:<9} token shown -> notice: min {:.1} ms, median {:.1} ms, max {:.1} ms ({count} tokens)",
        kind.name(),
        samples[0],
        median,
        samples[count - 1],
    )
}
