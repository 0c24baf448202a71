//! A WebDriver server (chromedriver or geckodriver) running as a child process on a free port.

use std::fs::{self, File};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::paths;
use crate::wait::wait_until;

/// A running driver; killed on drop.
pub struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Driver {
    /// Starts `command` with `--port=<free port>` added and waits until `/status` says ready.
    ///
    /// Its output goes to `target/e2e-logs/<name>-<port>.log`, which is where a browser's own
    /// complaints (and Firefox's console) end up.
    pub fn start(mut command: Command, name: &str) -> Result<Driver> {
        let port = free_port()?;
        let log = log_path(name, port);
        let out = File::create(&log)?;
        let child = command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .map_err(|err| Error::Setup(format!("cannot start {name}: {err}")))?;
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log: log.clone(),
        };
        driver.wait_ready(name, &log)?;
        Ok(driver)
    }

    /// The driver's base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The file the driver's and the browser's output go to.
    pub fn log(&self) -> &std::path::Path {
        &self.log
    }

    fn wait_ready(&mut self, name: &str, log: &std::path::Path) -> Result<()> {
        let status_url = format!("{}/status", self.url);
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(2))
            .build();
        let what = format!("{name} to answer /status (log: {})", log.display());
        wait_until(&what, Duration::from_secs(20), || {
            if let Some(status) = self.child.try_wait()? {
                return Err(Error::Setup(format!("{name} exited with {status}")));
            }
            let ready = agent.get(&status_url).call().ok().and_then(|response| {
                let body: serde_json::Value = response.into_json().ok()?;
                body["value"]["ready"].as_bool()
            });
            Ok(ready.filter(|ready| *ready))
        })
        .map(drop)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Killing an already exited child fails harmlessly; wait reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now; the short gap before the driver binds it is acceptable.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn log_path(name: &str, port: u16) -> PathBuf {
    let dir = paths::target_dir().join("e2e-logs");
    // A missing log folder must not stop a test; File::create reports the real problem.
    let _ = fs::create_dir_all(&dir);
    dir.join(format!("{name}-{port}.log"))
}
