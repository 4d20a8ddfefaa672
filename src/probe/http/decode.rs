//! The body as the assertions see it: Content-Encoding undone chunk by chunk into at most
//! `max_body` bytes, then text from the charset (BOM, then Content-Type, then UTF-8 or
//! windows-1252). Must not judge anything.

/// `Content-Encoding`s this probe undoes, offered unless the check sets its own Accept-Encoding.
pub(super) const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// Undoes a Content-Encoding chunk by chunk into at most `limit` bytes. Headers stay as sent
/// (an HTTP client that decodes drops Content-Encoding, which a check may assert).
pub(super) struct Decoder {
    /// "gzip", "deflate", "br", or "identity".
    pub(super) coding: String,
    /// The coding when it is one this probe cannot undo (the body is kept as sent).
    pub(super) undecoded: Option<String>,
    state: Decoding,
    /// Some bytes came (an empty body with a Content-Encoding, as HEAD gets, is fine).
    pushed: bool,
}

enum Decoding {
    Identity(Capped),
    Gzip(Box<flate2::write::MultiGzDecoder<Capped>>),
    /// zlib-wrapped (as RFC 9110 says) or raw (as some servers send): the first bytes decide.
    Deflate(DeflateStart),
    Zlib(Box<flate2::write::ZlibDecoder<Capped>>),
    RawDeflate(Box<flate2::write::DeflateDecoder<Capped>>),
    Brotli(Box<brotli_decompressor::DecompressorWriter<Capped>>),
}

/// The first bytes of a deflate body, until there are enough to tell zlib from raw deflate.
struct DeflateStart {
    first: Vec<u8>,
    out: Capped,
}

/// A writer that keeps the first `limit` bytes and notes that more came.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
    cut: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.limit.saturating_sub(self.bytes.len());
        if buf.len() > room {
            self.cut = true;
        }
        self.bytes.extend_from_slice(&buf[..buf.len().min(room)]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Decoder {
    pub(super) fn new(content_encoding: Option<&str>, limit: usize) -> Decoder {
        let out = Capped {
            bytes: Vec::new(),
            limit,
            cut: false,
        };
        let codings: Vec<String> = content_encoding
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty() && c != "identity")
            .collect();
        let (coding, state) = match codings.as_slice() {
            [] => ("identity", Decoding::Identity(out)),
            [c] if c == "gzip" || c == "x-gzip" => (
                "gzip",
                Decoding::Gzip(Box::new(flate2::write::MultiGzDecoder::new(out))),
            ),
            [c] if c == "deflate" => (
                "deflate",
                Decoding::Deflate(DeflateStart {
                    first: Vec::new(),
                    out,
                }),
            ),
            [c] if c == "br" => (
                "br",
                Decoding::Brotli(Box::new(brotli_decompressor::DecompressorWriter::new(
                    out, 8192,
                ))),
            ),
            _ => {
                let all = codings.join(", ");
                return Decoder {
                    coding: all.clone(),
                    undecoded: Some(all),
                    state: Decoding::Identity(out),
                    pushed: false,
                };
            }
        };
        Decoder {
            coding: coding.to_string(),
            undecoded: None,
            state,
            pushed: false,
        }
    }

    pub(super) fn push(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        self.pushed |= !chunk.is_empty();
        match &mut self.state {
            Decoding::Identity(out) => out.write_all(chunk),
            Decoding::Gzip(d) => d.write_all(chunk),
            Decoding::Zlib(d) => d.write_all(chunk),
            Decoding::RawDeflate(d) => d.write_all(chunk),
            Decoding::Brotli(d) => d.write_all(chunk),
            Decoding::Deflate(start) => {
                start.first.extend_from_slice(chunk);
                if start.first.len() >= 2 {
                    self.start_deflate()?;
                }
                Ok(())
            }
        }
    }

    /// Chooses zlib or raw deflate from the first two bytes and feeds it what came so far.
    fn start_deflate(&mut self) -> std::io::Result<()> {
        use std::io::Write;
        let placeholder = Decoding::Identity(Capped {
            bytes: Vec::new(),
            limit: 0,
            cut: false,
        });
        let Decoding::Deflate(start) = std::mem::replace(&mut self.state, placeholder) else {
            return Ok(());
        };
        let zlib = match start.first.as_slice() {
            [cmf, flg, ..] => cmf & 0x0F == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
            _ => false,
        };
        self.state = if zlib {
            let mut d = flate2::write::ZlibDecoder::new(start.out);
            d.write_all(&start.first)?;
            Decoding::Zlib(Box::new(d))
        } else {
            let mut d = flate2::write::DeflateDecoder::new(start.out);
            d.write_all(&start.first)?;
            Decoding::RawDeflate(Box::new(d))
        };
        Ok(())
    }

    fn out(&self) -> &Capped {
        match &self.state {
            Decoding::Identity(out) => out,
            Decoding::Gzip(d) => d.get_ref(),
            Decoding::Zlib(d) => d.get_ref(),
            Decoding::RawDeflate(d) => d.get_ref(),
            Decoding::Brotli(d) => d.get_ref(),
            Decoding::Deflate(start) => &start.out,
        }
    }

    /// `max_body` bytes are there: reading more would only be thrown away.
    pub(super) fn is_full(&self) -> bool {
        self.out().cut
    }

    /// The decoded bytes and whether they were cut at the limit. A cut body is not flushed: its
    /// compressed stream is incomplete by design.
    pub(super) fn finish(mut self) -> std::io::Result<(Vec<u8>, bool)> {
        if self.is_full() || !self.pushed {
            let out = self.out();
            return Ok((out.bytes.clone(), out.cut));
        }
        if matches!(self.state, Decoding::Deflate(_)) {
            self.start_deflate()?;
        }
        let out = match self.state {
            Decoding::Identity(out) => out,
            Decoding::Deflate(start) => start.out,
            Decoding::Gzip(d) => (*d).finish()?,
            Decoding::Zlib(d) => (*d).finish()?,
            Decoding::RawDeflate(d) => (*d).finish()?,
            Decoding::Brotli(mut d) => {
                d.close()?;
                d.into_inner().unwrap_or_else(|out| out)
            }
        };
        Ok((out.bytes, out.cut))
    }
}

/// The body as text, and the same bytes read as UTF-8 when its charset is another one, and as
/// UTF-16 when they look like it (every other byte zero) whatever the label says.
pub(crate) struct BodyText {
    pub(crate) text: String,
    pub(super) as_utf8: Option<String>,
    pub(super) as_utf16: Option<String>,
}

/// The body as text: a byte-order mark decides, then the Content-Type charset, then UTF-8 —
/// or windows-1252 (latin-1) for bytes that are not UTF-8, as browsers read undeclared pages.
pub(crate) fn decode_body(
    body: &[u8],
    headers: &reqwest::header::HeaderMap,
    cut: bool,
) -> BodyText {
    let (encoding, start) = match encoding_rs::Encoding::for_bom(body) {
        Some((encoding, bom)) => (encoding, bom),
        None => {
            let declared = headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(charset)
                .and_then(|label| {
                    encoding_rs::Encoding::for_label_no_replacement(label.as_bytes())
                });
            let encoding = declared.unwrap_or_else(|| match std::str::from_utf8(body) {
                Ok(_) => encoding_rs::UTF_8,
                // A character cut at max_body is still UTF-8.
                Err(e) if cut && e.error_len().is_none() => encoding_rs::UTF_8,
                Err(_) => encoding_rs::WINDOWS_1252,
            });
            (encoding, 0)
        }
    };
    let text = encoding
        .decode_without_bom_handling(&body[start..])
        .0
        .into_owned();
    let as_utf8 = (encoding != encoding_rs::UTF_8)
        .then(|| String::from_utf8_lossy(body).into_owned())
        .filter(|utf8| *utf8 != text);
    let as_utf16 = utf16_without_label(body)
        .map(|e| e.decode_without_bom_handling(body).0.into_owned())
        .filter(|utf16| *utf16 != text);
    BodyText {
        text,
        as_utf8,
        as_utf16,
    }
}

/// UTF-16 (little or big endian) when at least a third of the bytes at odd (or even) places are
/// zero: ASCII text in UTF-16, which a wrong label (`charset=utf-8`) would otherwise hide.
fn utf16_without_label(body: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if body.len() < 4 {
        return None;
    }
    let zeros = |parity: usize| {
        body.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = body.len() / 2;
    if zeros(1) * 3 >= half {
        Some(encoding_rs::UTF_16LE)
    } else if zeros(0) * 3 >= half {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The `charset` parameter of a Content-Type value.
fn charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_come_from_the_bom_then_the_content_type() {
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(decode_body(b"Caf\xc3\xa9", &headers, false).text, "Café");
        assert_eq!(decode_body(b"Caf\xe9", &headers, false).text, "Café");
        assert_eq!(
            decode_body(b"Caf\xc3", &headers, true).text,
            "Caf\u{fffd}",
            "a cut character"
        );
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("text/plain; Charset=\"latin1\""),
        );
        let latin = decode_body(b"Caf\xe9 Traceback", &headers, false);
        assert_eq!(latin.text, "Café Traceback");
        assert_eq!(latin.as_utf8.as_deref(), Some("Caf\u{fffd} Traceback"));
        assert_eq!(
            decode_body(b"\xef\xbb\xbfCaf\xc3\xa9", &headers, false).text,
            "Café"
        );
    }

    #[test]
    fn decoding_stops_at_the_limit() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b'a'; 1 << 20]).expect("gzip");
        let compressed = gz.finish().expect("gzip");
        let mut decoder = Decoder::new(Some("GZIP"), 1000);
        for chunk in compressed.chunks(64) {
            decoder.push(chunk).expect("decodes");
            if decoder.is_full() {
                break;
            }
        }
        assert!(decoder.is_full());
        let (body, cut) = decoder.finish().expect("finish");
        assert_eq!((body.len(), cut), (1000, true));
        let mut unknown = Decoder::new(Some("gzip, zstd"), 1000);
        unknown.push(b"raw").expect("kept as is");
        assert_eq!(unknown.undecoded.as_deref(), Some("gzip, zstd"));
        assert_eq!(unknown.finish().expect("raw").0, b"raw");
    }
}
