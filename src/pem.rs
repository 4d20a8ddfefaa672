//! Trusted certificates a suite names (`ca_cert`), read from PEM: config reads them once to
//! report a bad file at load time, the TLS and HTTP probes read them to build their roots.
//! Owns reading only; must not verify anything.

use std::path::Path;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

/// Certificates from a PEM file.
pub fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read CA certificate {}: {e}", path.display()))?
        .collect();
    let certs = certs.map_err(|e| format!("cannot read CA certificate {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", path.display()));
    }
    Ok(certs)
}
