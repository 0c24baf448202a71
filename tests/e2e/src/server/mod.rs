//! A local HTTPS replica of an intratool tenant: accepts connections, one thread each.

mod http;
pub mod passport;
mod routes;
mod tls;

use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::error::Result;
use crate::paths;
use crate::random;

/// The tenant host names tests use; browsers map exactly these (Firefox) or all of
/// `*.intratool.de` (Chromium) to 127.0.0.1.
pub const HOSTS: [&str; 2] = ["acme.intratool.de", "beta.intratool.de"];

/// A token the replica issued, for comparing with what the extension saved.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The `Host` the request came to, without port.
    pub host: String,
    /// The name typed into the form.
    pub name: String,
    /// Passport's 80-hex token id.
    pub id: String,
    /// The JWT the page showed.
    pub token: String,
}

/// What request handlers share.
struct State {
    csrf_token: String,
    fixtures: std::path::PathBuf,
    issued: Mutex<Vec<Issued>>,
}

/// A running replica; stops accepting on drop.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts serving on a free port of 127.0.0.1.
    pub fn start() -> Result<Server> {
        let tls = tls::config(&HOSTS)?;
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let state = Arc::new(State {
            // Laravel's session CSRF token: a secret on the page the extension must leave alone.
            csrf_token: random::alphanumeric(40),
            fixtures: paths::fixtures_dir(),
            issued: Mutex::new(Vec::new()),
        });
        let stopping = Arc::new(AtomicBool::new(false));
        let addr = listener.local_addr()?;
        let acceptor = {
            let (state, stopping) = (Arc::clone(&state), Arc::clone(&stopping));
            thread::spawn(move || accept(listener, tls, state, stopping))
        };
        Ok(Server {
            addr,
            state,
            stopping,
            acceptor: Some(acceptor),
        })
    }

    /// The port the replica listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `https://<host>:<port><path>`, where `path` may carry a query.
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("https://{host}:{}{path}", self.port())
    }

    /// The CSRF token the pages carry in their meta tag and hidden `_token` input.
    pub fn csrf_token(&self) -> &str {
        &self.state.csrf_token
    }

    /// Every token issued so far, oldest first.
    pub fn issued(&self) -> Vec<Issued> {
        lock(&self.state.issued).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // accept() blocks; a connection of our own wakes it to see the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A handler that panicked left the list intact; keep serving.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn accept(listener: TcpListener, tls: Arc<ServerConfig>, state: Arc<State>, stop: Arc<AtomicBool>) {
    for tcp in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(tcp) = tcp else { continue };
        let (tls, state) = (Arc::clone(&tls), Arc::clone(&state));
        thread::spawn(move || serve(tcp, tls, &state));
    }
}

/// Answers one request. Failures only mean the browser gave up on a connection, which it
/// does routinely with speculative ones, so they are dropped.
fn serve(tcp: TcpStream, tls: Arc<ServerConfig>, state: &State) {
    // Idle speculative connections would otherwise keep their thread forever.
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(connection) = ServerConnection::new(tls) else {
        return;
    };
    let mut stream = StreamOwned::new(connection, tcp);
    let request = match http::Request::read(&mut BufReader::new(&mut stream)) {
        Ok(Some(request)) => request,
        _ => return,
    };
    let response = routes::respond(&request, state);
    if response.write_to(&mut stream).is_ok() {
        stream.conn.send_close_notify();
        let _ = stream.conn.complete_io(&mut stream.sock);
    }
}
