//! What the benchmarks share: one replica server, each browser in turn, report lines on
//! standard output, and the median.

use std::process::ExitCode;

use crate::browser::Kind;
use crate::error::Result;
use crate::server::Server;

/// Runs `report` for each browser against one replica server and prints its lines. A browser
/// that fails is named on standard error and the others still run; the exit code says whether
/// any failed.
pub fn each_browser(report: impl Fn(&Server, Kind) -> Result<Vec<String>>) -> ExitCode {
    let server = match Server::start() {
        Ok(server) => server,
        Err(err) => {
            eprintln!("replica server: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for kind in Kind::ALL {
        match report(&server, kind) {
            Ok(lines) => lines.iter().for_each(|line| println!("{line}")),
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

/// The median of `sorted`, which must be sorted and not empty: the middle sample, or the mean
/// of the two middle ones.
pub fn median(sorted: &[f64]) -> f64 {
    let count = sorted.len();
    (sorted[(count - 1) / 2] + sorted[count / 2]) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
    }
}
