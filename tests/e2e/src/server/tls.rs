//! The replica's TLS set-up: a self-signed certificate for the tenant hosts, made at start.

use std::sync::Arc;

use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

use crate::error::{Error, Result};

/// A server configuration with a new certificate for `hosts` and `*.intratool.de`.
///
/// Browsers are launched to accept any certificate, so nothing needs to trust this one.
pub fn config(hosts: &[&str]) -> Result<Arc<ServerConfig>> {
    let mut names = vec![String::from("*.intratool.de")];
    names.extend(hosts.iter().map(|host| host.to_string()));
    let certified = rcgen::generate_simple_self_signed(names).map_err(setup)?;
    let key = PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der());
    // Named explicitly so the build never depends on which provider another crate enables.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(setup)?
        .with_no_client_auth()
        .with_single_cert(
            vec![certified.cert.der().clone()],
            PrivateKeyDer::Pkcs8(key),
        )
        .map_err(setup)?;
    Ok(Arc::new(config))
}

fn setup(err: impl std::fmt::Display) -> Error {
    Error::Setup(format!("cannot make the replica's certificate: {err}"))
}
