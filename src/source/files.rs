//! Reading what a suite points at, safely: folders walked once each (a symlink loop is named,
//! not followed forever), only regular files read (a FIFO would block, `/dev/zero` never ends),
//! and each file size-capped. Every loader of outside files (suites, nrpe.cfg includes, Nagios
//! cfg_file/cfg_dir, .side projects) reads through here. Must not parse what it reads.

use std::collections::HashSet;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The largest file a suite may point at: far beyond any real suite or Nagios config.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What a walk found: the files, and what it refused (a path and why), each named once.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    pub refused: Vec<(PathBuf, String)>,
}

/// Files under `dir` (recursively, sorted by path) whose extension is one of `exts`. Hidden
/// entries (`.old/`, `.draft.cfg`) are passed over, as Nagios' `cfg_dir` does. A folder reached
/// again through a symlink is refused as a loop; a matching entry that is not a regular file is
/// refused.
pub fn walk(dir: &Path, exts: &[&str]) -> std::io::Result<Walked> {
    walk_with(dir, exts, Hidden::Skipped)
}

/// [`walk`], leaving out only the folders below `dir` whose names start with `.`, as NRPE's
/// `include_dir=` does (hidden files are read).
pub fn walk_skipping_hidden_dirs(dir: &Path, exts: &[&str]) -> std::io::Result<Walked> {
    walk_with(dir, exts, Hidden::FilesRead)
}

/// What a walk does with entries whose names start with `.`.
#[derive(Clone, Copy, PartialEq)]
enum Hidden {
    /// Files and folders passed over (Nagios' `cfg_dir`, suite folders).
    Skipped,
    /// Folders passed over, files read (NRPE's `include_dir`).
    FilesRead,
}

fn walk_with(dir: &Path, exts: &[&str], hidden: Hidden) -> std::io::Result<Walked> {
    let mut walked = Walked::default();
    let mut seen = HashSet::new();
    let meta = std::fs::metadata(dir)?;
    seen.insert((meta.dev(), meta.ino()));
    let mut path = vec![(dir.to_path_buf(), (meta.dev(), meta.ino()))];
    walk_into(dir, exts, hidden, &mut seen, &mut path, &mut walked)?;
    Ok(walked)
}

fn walk_into(
    dir: &Path,
    exts: &[&str],
    hidden: Hidden,
    seen: &mut HashSet<(u64, u64)>,
    path: &mut Vec<(PathBuf, (u64, u64))>,
    walked: &mut Walked,
) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        let dotted = entry
            .file_name()
            .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."));
        if dotted && hidden == Hidden::Skipped {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&entry) else {
            // A dangling symlink: nothing to read, and nothing a user meant as a suite file
            // unless it has the extension.
            if entry
                .extension()
                .is_some_and(|x| exts.iter().any(|e| x == *e))
            {
                walked
                    .refused
                    .push((entry, "a symlink to nothing".to_string()));
            }
            continue;
        };
        let id = (meta.dev(), meta.ino());
        if meta.is_dir() {
            if dotted {
                continue;
            }
            if let Some((ancestor, _)) = path.iter().find(|(_, a)| *a == id) {
                walked.refused.push((
                    entry.clone(),
                    format!("symlink loop: leads back to {}", ancestor.display()),
                ));
                continue;
            }
            if !seen.insert(id) {
                // The same folder by another way (two symlinks to it): walked once.
                continue;
            }
            path.push((entry.clone(), id));
            let result = walk_into(&entry, exts, hidden, seen, path, walked);
            path.pop();
            result?;
        } else if entry
            .extension()
            .is_some_and(|x| exts.iter().any(|e| x == *e))
        {
            if meta.is_file() {
                walked.files.push(entry);
            } else {
                walked
                    .refused
                    .push((entry, format!("not a regular file ({})", kind(&meta))));
            }
        }
    }
    Ok(())
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`] as bytes; the error says why not.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("not a regular file ({})", kind(&meta)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} bytes, more than the {} MiB a file may have here",
            meta.len(),
            MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    // A file that grows while we read is still cut at the cap.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "more than the {} MiB a file may have here",
            MAX_FILE_BYTES / 1024 / 1024
        ));
    }
    Ok(bytes)
}

/// [`read_bytes`] as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, String> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|_| "stream did not contain valid UTF-8".to_string())
}

/// The identity of a file, for reading each one once however it is named.
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_dir() {
        "a folder"
    } else {
        "not a plain file"
    }
}
