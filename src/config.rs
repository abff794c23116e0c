//! Where veille keeps its files, and the small per-machine preferences file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The platform folders of veille (e.g. `~/.local/share/veille` on Linux).
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("fr", "veille", "veille")
}

/// The system's configuration of a setgid veille: only root may change it, because it
/// says which file the data's group rights are used for.
pub const SYSTEM_CONFIG: &str = "/etc/veille/veille.toml";

/// What the system's configuration names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {
    /// The program's database.
    pub database: PathBuf,
    /// The only folder a setgid veille writes backups into.
    #[serde(default)]
    pub backups: Option<PathBuf>,
}

/// The system's configuration: what a setgid veille opens and writes, whatever the user
/// passes. A configuration that someone other than root could have written is refused.
pub fn system_config() -> anyhow::Result<SystemConfig> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(SYSTEM_CONFIG).map_err(|e| {
        anyhow::anyhow!(crate::tr!(
            "ce veille est installé pour un programme (setgid) et lit sa base dans \
             {SYSTEM_CONFIG}, qui ne peut pas être lu ({e}) ; demandez à l'administrateur du serveur",
            "this veille is installed for a program (setgid) and reads its database from \
             {SYSTEM_CONFIG}, which cannot be read ({e}); ask the server's administrator"
        ))
    })?;
    if meta.uid() != 0 || meta.mode() & 0o022 != 0 {
        anyhow::bail!(crate::tr!(
            "{SYSTEM_CONFIG} doit appartenir à root et n'être modifiable que par root ; \
             demandez à l'administrateur du serveur",
            "{SYSTEM_CONFIG} must belong to root and be writable by root only; ask the \
             server's administrator"
        ));
    }
    let text = std::fs::read_to_string(SYSTEM_CONFIG)?;
    let config: SystemConfig = toml::from_str(&text).map_err(|_| {
        anyhow::anyhow!(crate::tr!(
            "{SYSTEM_CONFIG} doit contenir database = \"/srv/veille/veille.db\" et peut contenir \
             backups = \"/srv/veille/backups\"",
            "{SYSTEM_CONFIG} must hold database = \"/srv/veille/veille.db\" and may hold \
             backups = \"/srv/veille/backups\""
        ))
    })?;
    let absolute = |p: &PathBuf| p.is_absolute();
    if !absolute(&config.database) || !config.backups.as_ref().is_none_or(absolute) {
        anyhow::bail!(crate::tr!(
            "{SYSTEM_CONFIG} : la base et le dossier des sauvegardes doivent être des chemins absolus",
            "{SYSTEM_CONFIG}: the database and the backups folder must be absolute paths"
        ));
    }
    Ok(config)
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
    /// Dialled before every number, to hide the caller's own number: "#31#" in France,
    /// for volunteers who call from their own phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_id_prefix: Option<String>,
    /// A softphone's command line, `{number}` standing for the number: "linphonecsh dial
    /// {number}". Without it, the dial key copies the number to the clipboard only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial_command: Option<String>,
    /// `false` turns the mouse off, so that the terminal selects text (and the number)
    /// as usual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mouse: Option<bool>,
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
