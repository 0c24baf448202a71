//! A local HTTPS replica of an intratool tenant: accepts connections, one thread each.

mod classic;
mod decoys;
mod hs256;
mod http;
mod kind;
pub mod passport;
mod routes;
mod sanctum;
mod tls;

use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::error::Result;
use crate::paths;
use crate::random;
use crate::wait::wait_until;

pub use classic::PATH as CLASSIC_PATH;
pub use decoys::{Decoy, Decoys};
pub use kind::TokenKind;

/// The tenant host names tests use; browsers map exactly these (Firefox) or all of
/// `*.intratool.de` (Chromium) to 127.0.0.1.
pub const HOSTS: [&str; 2] = ["acme.intratool.de", "beta.intratool.de"];

/// Database ids of new tokens start here; the pages list a few older ones.
const FIRST_ROW_ID: u64 = 17;

/// A token the replica issued, for comparing with what the extension saved.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The `Host` the request came to, without port.
    pub host: String,
    /// The name typed into the form.
    pub name: String,
    /// Which kind of secret this is.
    pub kind: TokenKind,
    /// Passport's 80-hex token id; for the other kinds the database row id.
    pub id: String,
    /// The secret the page showed.
    pub token: String,
}

impl Issued {
    /// The tenant part of the host, e.g. `acme`.
    pub fn tenant(&self) -> &str {
        self.host.split('.').next().unwrap_or_default()
    }
}

/// What request handlers share.
struct State {
    csrf_token: String,
    fixtures: std::path::PathBuf,
    decoys: Decoys,
    issued: Mutex<Vec<Issued>>,
    flash: classic::Flash,
}

impl State {
    /// Issues a token of `kind` named `name` to the host `request` came to, and records it.
    fn issue(&self, kind: TokenKind, request: &http::Request, name: &str, prefix: &str) -> Issued {
        let mut issued = lock(&self.issued);
        let row = FIRST_ROW_ID + issued.len() as u64;
        let minted = kind::mint(kind, row, prefix, SystemTime::now());
        let new = Issued {
            host: routes::request_host(request),
            name: name.to_owned(),
            kind,
            id: minted.id,
            token: minted.token,
        };
        issued.push(new.clone());
        new
    }
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
            decoys: Decoys::new(SystemTime::now()),
            issued: Mutex::new(Vec::new()),
            flash: classic::Flash::default(),
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

    /// The token issued as number `index` (from 0), once the server has issued it.
    pub fn wait_for_issued(&self, index: usize, timeout: Duration) -> Result<Issued> {
        let what = format!("the replica to issue token number {}", index + 1);
        wait_until(&what, timeout, || Ok(self.issued().get(index).cloned()))
    }

    /// What the decoy page shows that must never be saved, and a token for a test to type.
    pub fn decoys(&self) -> &Decoys {
        &self.state.decoys
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
