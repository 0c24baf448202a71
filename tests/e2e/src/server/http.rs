//! Just enough HTTP/1.1 for one request per connection: read a request, write a response.

use std::io::{self, BufRead, Write};

/// Requests larger than this are refused; the replica only ever receives small JSON bodies.
const MAX_BODY: usize = 1 << 20;

/// One parsed request.
pub struct Request {
    pub method: String,
    pub path: String,
    query: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Reads one request; `None` when the peer closed without sending one (browsers open
    /// connections speculatively).
    pub fn read(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let mut words = line.split_whitespace();
        let (Some(method), Some(target)) = (words.next(), words.next()) else {
            return Err(invalid(format!("bad request line {line:?}")));
        };
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut request = Request {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: read_headers(reader)?,
            body: Vec::new(),
        };
        request.body = read_body(reader, request.content_length()?)?;
        Ok(Some(request))
    }

    /// The first value of a query parameter; values are used as sent, without decoding.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find_map(|(key, value)| (key == name).then_some(value))
    }

    /// A field of an `application/x-www-form-urlencoded` body, decoded.
    pub fn form(&self, name: &str) -> Option<String> {
        let body = String::from_utf8_lossy(&self.body);
        body.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| form_decode(key) == name)
            .map(|(_, value)| form_decode(value))
    }

    /// A header's value, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn content_length(&self) -> io::Result<usize> {
        let length = self.header("content-length").unwrap_or("0");
        let length = length
            .parse()
            .map_err(|_| invalid(format!("bad length {length:?}")))?;
        if length > MAX_BODY {
            return Err(invalid(format!("body of {length} bytes is too large")));
        }
        Ok(length)
    }
}

fn read_headers(reader: &mut impl BufRead) -> io::Result<Vec<(String, String)>> {
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            return Ok(headers);
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("bad header {line:?}")))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
}

fn read_body(reader: &mut impl BufRead, length: usize) -> io::Result<Vec<u8>> {
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(body)
}

/// Undoes a browser's form encoding: `+` for space and `%XX` for other bytes.
fn form_decode(encoded: &str) -> String {
    let raw = encoded.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        let escaped = raw
            .get(at + 1..at + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (raw[at], escaped) {
            (b'%', Some(byte)) => {
                bytes.push(byte);
                at += 3;
                continue;
            }
            (b'+', _) => bytes.push(b' '),
            (other, _) => bytes.push(other),
        }
        at += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// A complete response; every one closes its connection.
pub struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    /// A response with a body of the given content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
        }
    }

    /// A plain-text response, for errors.
    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", body)
    }

    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Response {
        Response::new(status, "application/json", body.to_string())
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Writes status line, headers and body.
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        // Fixtures change while tests are written; a cached copy would hide the change.
        head.push_str("Cache-Control: no-store\r\nConnection: close\r\n\r\n");
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        419 => "Page Expired",
        422 => "Unprocessable Content",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_post_with_query_headers_and_body() {
        let raw = "POST /oauth/personal-access-tokens?delay_ms=250 HTTP/1.1\r\n\
                   Host: acme.intratool.de:4443\r\nContent-Length: 15\r\n\r\n\
                   {\"name\":\"Demo\"}";

        let request = Request::read(&mut raw.as_bytes()).unwrap().unwrap();

        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/oauth/personal-access-tokens");
        assert_eq!(request.query("delay_ms"), Some("250"));
        assert_eq!(request.header("HOST"), Some("acme.intratool.de:4443"));
        assert_eq!(request.body, b"{\"name\":\"Demo\"}");
    }

    #[test]
    fn decodes_form_fields_as_browsers_encode_them() {
        let raw = "POST /profil/oauth/classic/ HTTP/1.1\r\nContent-Length: 46\r\n\r\n\
                   _token=a%2Bb&name=Zeiterfassung+%C3%9Cbersicht";

        let request = Request::read(&mut raw.as_bytes()).unwrap().unwrap();

        assert_eq!(request.form("_token").as_deref(), Some("a+b"));
        assert_eq!(
            request.form("name").as_deref(),
            Some("Zeiterfassung Übersicht")
        );
        assert_eq!(request.form("missing"), None);
    }

    #[test]
    fn a_closed_connection_is_no_request() {
        let request = Request::read(&mut "".as_bytes()).unwrap();

        assert!(request.is_none());
    }
}
