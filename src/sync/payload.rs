//! The decrypted payload: a stream of frames, each a one-byte tag, a 4-byte big-endian length
//! and that many bytes. Lengths are checked against caps before anything is allocated.
//!
//! `H` header (JSON, must repeat the manifest's bundle id, sender and destination), then any
//! number of `E` entries (JSON), `G` elided stretches (JSON) and `B` attachments (32-byte
//! SHA-256, then the bytes), and last `Z` (JSON counts). Nothing may follow `Z`.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Refusal;

/// Largest JSON frame (a header, an entry, a stretch, the trailer).
pub const MAX_JSON_FRAME: u32 = 8 << 20;
/// Largest attachment frame: a scan of at most 10 MB and its hash.
pub const MAX_BLOB_FRAME: u32 = crate::domain::document::MAX_BYTES as u32 + 32;

/// The payload's first frame: the sender named inside the ciphertext too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Must equal the manifest's.
    pub bundle_id: String,
    /// Sender workstation.
    pub sender: String,
    /// Destination workstation.
    pub destination: String,
}

/// One change entry as it travels: every field its hash covers, and the hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub origin: String,
    pub epoch: i64,
    pub seq: i64,
    pub actor: String,
    pub at: String,
    pub kind: String,
    pub entity: String,
    pub record_id: String,
    pub record: String,
    /// Hex.
    pub prev_hash: String,
    /// Hex.
    pub hash: String,
}

/// Entries `from..=to` of a chain that the destination gets by hash only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elided {
    pub origin: String,
    pub epoch: i64,
    pub from: i64,
    pub to: i64,
    /// Hash of entry `to`, hex: the next entry links to it.
    pub last_hash: String,
}

/// The last frame: counts, so a cut stream is noticed even inside a whole age chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trailer {
    pub entries: u64,
    pub elided: u64,
    pub attachments: u64,
}

/// One frame read back.
#[derive(Debug)]
pub enum Frame {
    Header(Header),
    Entry(Entry),
    Elided(Elided),
    Blob { sha256: [u8; 32], bytes: Vec<u8> },
    Trailer(Trailer),
}

/// Writes frames.
pub struct FrameWriter<W: Write> {
    out: W,
    /// Bytes written.
    pub written: u64,
}

impl<W: Write> FrameWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        FrameWriter { out, written: 0 }
    }

    fn frame(&mut self, tag: u8, parts: &[&[u8]]) -> io::Result<()> {
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let len32 = u32::try_from(len).map_err(|_| io::Error::other("frame too large"))?;
        self.out.write_all(&[tag])?;
        self.out.write_all(&len32.to_be_bytes())?;
        for p in parts {
            self.out.write_all(p)?;
        }
        self.written += 5 + len as u64;
        Ok(())
    }

    fn json<T: Serialize>(&mut self, tag: u8, v: &T) -> io::Result<()> {
        let bytes = serde_json::to_vec(v).map_err(io::Error::other)?;
        self.frame(tag, &[&bytes])
    }

    pub fn header(&mut self, h: &Header) -> io::Result<()> {
        self.json(b'H', h)
    }
    pub fn entry(&mut self, e: &Entry) -> io::Result<()> {
        self.json(b'E', e)
    }
    pub fn elided(&mut self, g: &Elided) -> io::Result<()> {
        self.json(b'G', g)
    }
    pub fn blob(&mut self, sha256: &[u8; 32], bytes: &[u8]) -> io::Result<()> {
        self.frame(b'B', &[sha256, bytes])
    }
    pub fn trailer(&mut self, t: &Trailer) -> io::Result<()> {
        self.json(b'Z', t)
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Reads frames, refusing anything out of shape.
pub struct FrameReader<R: Read> {
    input: R,
    ended: bool,
}

fn malformed(detail: &str) -> Refusal {
    Refusal::Malformed {
        detail: detail.to_string(),
    }
}

impl<R: Read> FrameReader<R> {
    /// A reader over decrypted bytes.
    pub fn new(input: R) -> Self {
        FrameReader {
            input,
            ended: false,
        }
    }

    /// The next frame; `None` after the trailer once the stream has ended cleanly.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, Refusal> {
        let mut head = [0u8; 5];
        if self.ended {
            // Nothing may follow the trailer.
            let mut probe = [0u8; 1];
            return match self.input.read(&mut probe) {
                Ok(0) => Ok(None),
                Ok(_) => Err(malformed("data after the end")),
                Err(_) => Err(Refusal::Decrypt),
            };
        }
        read_exact_or(&mut self.input, &mut head)?;
        let tag = head[0];
        let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
        let cap = if tag == b'B' {
            MAX_BLOB_FRAME
        } else {
            MAX_JSON_FRAME
        };
        if len > cap {
            return Err(Refusal::TooLarge {
                max_mib: u64::from(cap) >> 20,
            });
        }
        let mut body = vec![0u8; len as usize];
        read_exact_or(&mut self.input, &mut body)?;
        fn json<T: for<'de> Deserialize<'de>>(b: &[u8], what: &str) -> Result<T, Refusal> {
            serde_json::from_slice(b).map_err(|_| malformed(what))
        }
        let frame = match tag {
            b'H' => Frame::Header(json(&body, "header")?),
            b'E' => Frame::Entry(json(&body, "entry")?),
            b'G' => Frame::Elided(json(&body, "elided")?),
            b'B' => {
                if body.len() < 32 {
                    return Err(malformed("attachment"));
                }
                let bytes = body.split_off(32);
                let mut sha256 = [0u8; 32];
                sha256.copy_from_slice(&body);
                if <[u8; 32]>::from(Sha256::digest(&bytes)) != sha256 {
                    return Err(Refusal::AttachmentHash);
                }
                Frame::Blob { sha256, bytes }
            }
            b'Z' => {
                self.ended = true;
                Frame::Trailer(json(&body, "trailer")?)
            }
            _ => return Err(malformed("frame")),
        };
        Ok(Some(frame))
    }
}

fn read_exact_or(r: &mut impl Read, buf: &mut [u8]) -> Result<(), Refusal> {
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Refusal::Truncated
        } else {
            // age reports a failed chunk authentication as an I/O error.
            Refusal::Decrypt
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_nothing_may_follow_the_trailer() {
        let mut w = FrameWriter::new(Vec::new());
        w.header(&Header {
            bundle_id: "b".into(),
            sender: "s".into(),
            destination: "d".into(),
        })
        .unwrap();
        let blob = b"scan".to_vec();
        let sha: [u8; 32] = Sha256::digest(&blob).into();
        w.blob(&sha, &blob).unwrap();
        w.trailer(&Trailer {
            entries: 0,
            elided: 0,
            attachments: 1,
        })
        .unwrap();
        let mut bytes = w.into_inner();
        let mut r = FrameReader::new(bytes.as_slice());
        assert!(matches!(r.next_frame(), Ok(Some(Frame::Header(_)))));
        assert!(matches!(r.next_frame(), Ok(Some(Frame::Blob { .. }))));
        assert!(matches!(r.next_frame(), Ok(Some(Frame::Trailer(_)))));
        assert!(matches!(r.next_frame(), Ok(None)));
        bytes.push(0);
        let mut r = FrameReader::new(bytes.as_slice());
        for _ in 0..3 {
            r.next_frame().unwrap();
        }
        assert!(r.next_frame().is_err());
    }

    #[test]
    fn a_huge_declared_length_is_refused_before_allocating() {
        let bytes = [b'E', 0xff, 0xff, 0xff, 0xff];
        let mut r = FrameReader::new(&bytes[..]);
        assert!(matches!(r.next_frame(), Err(Refusal::TooLarge { .. })));
    }

    #[test]
    fn an_attachment_that_does_not_match_its_hash_is_refused() {
        let mut w = FrameWriter::new(Vec::new());
        w.blob(&[0u8; 32], b"scan").unwrap();
        let bytes = w.into_inner();
        let mut r = FrameReader::new(bytes.as_slice());
        assert!(matches!(r.next_frame(), Err(Refusal::AttachmentHash)));
    }
}
