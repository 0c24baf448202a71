//! Recognition speed, natively: a 5 MB page of prose, markup, hex IDs and CSRF-like strings with
//! one Passport token at the end, and 5 MB of one small JWT repeated, where every window decodes.
//! Run with `cargo bench -p token-saver --bench recognise`.

use std::time::{Duration, Instant};
use token_saver::recognise::{find, Context};

const SIZE: usize = 5 << 20;
const RUNS: usize = 15;

fn main() {
    let token = include_str!("../tests/fixtures/passport.jwt").trim();
    let block = "<tr><td>Deploy</td><td>4f1c3e8a9b2d7f6e5a4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c</td>\
                 <td>Token erstellen, Erstellen, wXv0b6S3l4b0r5c9Yq2Zx8Jk1Mn7Pq4Rs6Tu9Vw3</td></tr>\n";
    let mut page = block.repeat(SIZE / block.len());
    page.push_str(token);
    let adversarial = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.".repeat(SIZE / 36);

    for (what, text, expected) in [("page", &page, 1), ("JWT-shaped", &adversarial, 1)] {
        let median = median_time(|| assert_eq!(find(text, Context::NewSecret).len(), expected));
        let mb = text.len() as f64 / (1 << 20) as f64;
        println!(
            "{what:<11} {mb:.1} MB: median {:.1} ms, {:.0} MB/s",
            median.as_secs_f64() * 1e3,
            mb / median.as_secs_f64()
        );
    }
}

fn median_time(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}
