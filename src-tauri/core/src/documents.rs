//! Professionals' identity/qualification documents: checked by content, stored by hash.

use crate::error::{AppError, AppResult};
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;
use std::path::{Path, PathBuf};

/// Largest accepted document: 5 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// A document as the registration form sends it.
#[derive(Debug, Clone, Serialize, Deserialize, Type, schemars::JsonSchema)]
pub struct DocumentUpload {
    /// The file's name on the user's machine: shown to admins, never used as a path.
    pub file_name: String,
    /// The file's bytes, base64-encoded.
    pub content_base64: String,
}

/// A validated document, ready to store.
#[derive(Debug, Clone)]
pub struct CheckedDocument {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub mime: &'static str,
    pub extension: &'static str,
    pub display_name: String,
}

/// Decodes and checks an upload: size, and type sniffed from the content (PDF, PNG, JPEG).
pub fn check(upload: &DocumentUpload) -> AppResult<CheckedDocument> {
    // Reject before decoding anything large: base64 is 4 bytes per 3.
    if upload.content_base64.len() > MAX_DOCUMENT_BYTES.div_ceil(3) * 4 + 4 {
        return Err(AppError::validation(
            "document",
            "The document must be at most 5 MiB.",
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(upload.content_base64.trim())
        .map_err(|_| {
            AppError::validation(
                "document",
                "The document could not be read. Please choose the file again.",
            )
        })?;
    if bytes.is_empty() {
        return Err(AppError::validation(
            "document",
            "Please attach your identity or qualification document.",
        ));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::validation(
            "document",
            "The document must be at most 5 MiB.",
        ));
    }
    let (mime, extension) = match infer::get(&bytes).map(|k| k.mime_type()) {
        Some("application/pdf") => ("application/pdf", "pdf"),
        Some("image/png") => ("image/png", "png"),
        Some("image/jpeg") => ("image/jpeg", "jpg"),
        _ => return Err(AppError::validation(
            "document",
            "The document must be a PDF, PNG or JPEG file (checked by its content, not its name).",
        )),
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(CheckedDocument {
        bytes,
        sha256,
        mime,
        extension,
        display_name: display_name(&upload.file_name, extension),
    })
}

/// A safe label for the original file name: its last path component, printable, bounded.
fn display_name(raw: &str, extension: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(120).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        format!("document.{extension}")
    } else {
        clean.to_string()
    }
}

/// Where a document with this hash lives under `documents_dir`.
pub fn stored_path(documents_dir: &Path, sha256: &str, extension: &str) -> PathBuf {
    documents_dir
        .join(&sha256[..2])
        .join(format!("{sha256}.{extension}"))
}

/// Writes the document under its hash (temp file + rename, so a crash leaves no partial
/// file); an identical file already stored is reused.
pub async fn store(documents_dir: &Path, doc: &CheckedDocument) -> AppResult<PathBuf> {
    let path = stored_path(documents_dir, &doc.sha256, doc.extension);
    if tokio::fs::try_exists(&path).await? {
        return Ok(path);
    }
    let dir = path
        .parent()
        .ok_or_else(|| AppError::internal("document path has no parent"))?
        .to_path_buf();
    tokio::fs::create_dir_all(&dir).await?;
    let tmp = dir.join(format!(".{}.{}.tmp", doc.sha256, rand::random::<u32>()));
    tokio::fs::write(&tmp, &doc.bytes).await?;
    let file = tokio::fs::File::open(&tmp).await?;
    file.sync_all().await?;
    tokio::fs::rename(&tmp, &path).await?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str, bytes: &[u8]) -> DocumentUpload {
        DocumentUpload {
            file_name: name.into(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    #[test]
    fn type_comes_from_content_not_name() {
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF";
        let d = check(&upload("id.txt", pdf)).unwrap();
        assert_eq!(d.mime, "application/pdf");
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
        ];
        assert_eq!(check(&upload("x.pdf", &png)).unwrap().mime, "image/png");
        let err = check(&upload("cert.pdf", b"MZ\x90\x00 an exe pretending")).unwrap_err();
        assert_eq!(err.fields(), ["document"]);
    }

    #[test]
    fn size_limits_and_bad_base64() {
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, b'a');
        assert!(check(&upload("big.pdf", &big)).is_err());
        let mut ok = b"%PDF-1.4\n".to_vec();
        ok.resize(MAX_DOCUMENT_BYTES, b'a');
        assert!(check(&upload("max.pdf", &ok)).is_ok());
        assert!(check(&upload("empty.pdf", b"")).is_err());
        let bad = DocumentUpload {
            file_name: "x".into(),
            content_base64: "!!not base64!!".into(),
        };
        assert!(check(&bad).is_err());
    }

    #[test]
    fn display_name_drops_paths() {
        assert_eq!(display_name("../../etc/passwd", "pdf"), "passwd");
        assert_eq!(display_name("C:\\Users\\a\\cert.pdf", "pdf"), "cert.pdf");
        assert_eq!(display_name("  ", "png"), "document.png");
    }
}
