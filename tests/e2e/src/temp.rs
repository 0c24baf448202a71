//! Folders a test needs for a while: a browser profile, a download folder, a copy of the
//! extension to change.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::Result;

/// An empty folder in the system's temporary folder, removed with everything in it on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a folder whose name starts with `label`; unique per process and call.
    pub fn new(label: &str) -> Result<TempDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let name = format!("token-saver-e2e-{label}-{}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
        fs::create_dir(&path)?;
        Ok(TempDir { path })
    }

    /// A new folder holding a copy of everything in `source`.
    pub fn copy_of(source: &Path, label: &str) -> Result<TempDir> {
        let dir = TempDir::new(label)?;
        copy_tree(source, &dir.path)?;
        Ok(dir)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn copy_tree(source: &Path, target: &Path) -> Result<()> {
    for entry in fs::read_dir(source)? {
        let entry = entry?;
        let to = target.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            fs::create_dir(&to)?;
            copy_tree(&entry.path(), &to)?;
        } else {
            fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
