//! Where veille keeps its files, and the small per-machine preferences file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The platform folders of veille (e.g. `~/.local/share/veille` on Linux).
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("fr", "veille", "veille")
}

/// `veille.db` in the platform data folder.
pub fn default_db_path() -> PathBuf {
    project_dirs().map_or_else(
        || PathBuf::from("veille.db"),
        |d| d.data_dir().join("veille.db"),
    )
}

/// The folder for logs and drafts.
pub fn data_dir() -> PathBuf {
    project_dirs().map_or_else(|| PathBuf::from("."), |d| d.data_dir().to_path_buf())
}

/// Preferences remembered on this machine (`config.toml` in the platform config folder).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The operator who signed in last, offered first next time.
    pub last_operator: Option<String>,
    /// "fr" or "en".
    pub language: Option<String>,
}

impl Config {
    pub fn path() -> Option<PathBuf> {
        project_dirs().map(|d| d.config_dir().join("config.toml"))
    }

    /// The saved preferences; defaults when the file is missing or unreadable.
    pub fn load() -> Config {
        Self::path()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|s| toml::from_str(&s).ok())
            .unwrap_or_default()
    }

    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = Self::path() else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = toml::to_string(self).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }
}
