//! Reading the knowledge directory from disk, within limits: the `.md` files of a folder,
//! no links that lead outside the directory, no special files, nothing too large or too
//! many, and UTF-8 text only. Each refused file is a `Diagnostic`, not an error.

use std::path::{Path, PathBuf};

use super::validate::Diagnostic;
use super::LoadError;

/// Files larger than this are refused rather than read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// A directory with more files than this is refused.
pub const MAX_FILES: usize = 50_000;

/// The knowledge directory being read, and how many files have been seen so far.
pub(super) struct Files {
    root: PathBuf,
    seen: usize,
}

impl Files {
    /// Opens the directory `dir`, which must exist and have a `roles/` folder.
    pub fn open(dir: &Path) -> Result<Files, LoadError> {
        let unreadable = |source| LoadError::Unreadable {
            path: dir.to_path_buf(),
            source,
        };
        let root = dir.canonicalize().map_err(unreadable)?;
        if !root.is_dir() {
            return Err(unreadable(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a directory",
            )));
        }
        if !dir.join("roles").is_dir() {
            return Err(LoadError::NoRoles {
                path: dir.to_path_buf(),
            });
        }
        Ok(Files { root, seen: 0 })
    }

    /// Reads and parses every `.md` file directly inside `folder`, in name order, with
    /// `parse`; what cannot be read or parsed is reported and left out.
    pub fn parse_folder<T>(
        &mut self,
        folder: &Path,
        problems: &mut Vec<Diagnostic>,
        parse: fn(&Path, &str, &mut Vec<Diagnostic>) -> Option<T>,
    ) -> Vec<(PathBuf, T)> {
        let mut parsed = Vec::new();
        for path in self.markdown_files(folder, problems) {
            if let Some(text) = read_file(&path, problems) {
                if let Some(value) = parse(&path, &text, problems) {
                    parsed.push((path, value));
                }
            }
        }
        parsed
    }

    /// The `.md` files directly inside `dir`, sorted, skipping READMEs. Links that lead
    /// outside the knowledge root are refused.
    fn markdown_files(&mut self, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(Diagnostic::new(dir, 0, format!("cannot list folder: {e}")));
                return Vec::new();
            }
        };
        let mut files = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let is_md = path.extension().is_some_and(|e| e == "md");
            let is_readme = path.file_stem().is_some_and(|s| s.eq_ignore_ascii_case("readme"));
            if !is_md || is_readme {
                continue;
            }
            self.seen += 1;
            if self.seen > MAX_FILES {
                let message = format!("more than {MAX_FILES} files; the rest are not read");
                problems.push(Diagnostic::new(&path, 0, message));
                break;
            }
            match path.canonicalize() {
                Ok(real) if real.starts_with(&self.root) && real.is_file() => files.push(path),
                Ok(_) => problems.push(Diagnostic::new(
                    &path,
                    0,
                    "links outside the knowledge directory or is not a regular file; not read",
                )),
                Err(e) => problems.push(Diagnostic::new(&path, 0, format!("cannot read: {e}"))),
            }
        }
        files.sort();
        files
    }
}

/// The text of the file at `path`, or `None` with the problem reported: too large,
/// unreadable, or not UTF-8 (reported at the line of the first bad byte).
pub(crate) fn read_file(path: &Path, problems: &mut Vec<Diagnostic>) -> Option<String> {
    let cannot_read = |e: std::io::Error| Diagnostic::new(path, 0, format!("cannot read: {e}"));
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            let message = format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", meta.len());
            problems.push(Diagnostic::new(path, 0, message));
            return None;
        }
        Err(e) => {
            problems.push(cannot_read(e));
            return None;
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(cannot_read(e));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            problems.push(Diagnostic::new(path, line, "not valid UTF-8 text"));
            None
        }
    }
}
