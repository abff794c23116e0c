//! Who may do what. veille learns who runs it from the system (the process's real
//! user id), never from what is typed; every command and the sign-in screen ask here,
//! so that a role is checked in one place.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::domain::Role;
use crate::store::{Operator, Store, StoreError};

/// The Unix account behind this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub uid: u32,
    pub account: String,
}

impl Caller {
    pub fn of_process() -> Caller {
        Caller {
            uid: crate::process::uid(),
            account: crate::process::account().to_string(),
        }
    }
}

/// What a caller is to one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// root, or the account that owns the database file: it can read and change the
    /// file without veille, so veille's checks would protect nothing from it. It may act
    /// as any operator, or as the program's administrator for coordinator work.
    Administrator,
    /// A demo database holds invented people: anyone may act as any of them.
    Demo,
    /// Anyone else acts as the operator linked to their account, and only as them.
    Linked(Operator),
    /// An account linked to no operator may do nothing.
    Unlinked,
}

/// What an action asks of whoever does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any operator of the program.
    Operator,
    /// A coordinator: imports, settings, cohorts, teams, tenant fixes, purge, backup,
    /// exports, the audit log, program figures, reading notes outside a call.
    Coordinator,
}

/// Who acts, once allowed: the operator written in the audit log, or nobody when the
/// administrator acts in their own name (the audit log then names the account alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub operator: Option<Operator>,
}

impl Actor {
    pub fn id(&self) -> Option<i64> {
        self.operator.as_ref().map(|o| o.id)
    }

    /// Checks that the actor may read another operator's work (a shift summary): their
    /// own, or anyone's for a coordinator or the administrator.
    pub fn may_read_work_of(&self, subject: &str) -> Result<(), AccessError> {
        match &self.operator {
            Some(me) if !may_coordinate(me) && me.login != subject => Err(AccessError::NotYours {
                login: me.login.clone(),
                subject: subject.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// The operator, for actions that must be done by one (a referral is made by
    /// someone).
    pub fn operator(&self) -> Result<&Operator, AccessError> {
        self.operator.as_ref().ok_or(AccessError::NameOperator)
    }
}

/// Why an action is refused to whoever runs veille, told in their language.
#[derive(Debug)]
pub enum AccessError {
    Unlinked {
        account: String,
        coordinators: String,
    },
    NotYou {
        account: String,
        name: String,
        login: String,
        named: String,
    },
    NotCoordinator {
        name: String,
        login: String,
        coordinators: String,
    },
    NotYours {
        login: String,
        subject: String,
    },
    NameOperator,
    Store(StoreError),
}

impl From<StoreError> for AccessError {
    fn from(e: StoreError) -> Self {
        AccessError::Store(e)
    }
}

impl std::error::Error for AccessError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AccessError::Store(e) => e.source(),
            _ => None,
        }
    }
}

impl std::fmt::Display for AccessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            AccessError::Unlinked {
                account,
                coordinators,
            } => crate::tr!(
                "le compte « {account} » n'est lié à aucun opérateur du programme : veille ne \
                 sait pas qui vous êtes. Demandez à un coordinateur{coordinators} de le lier : \
                 veille operators link IDENTIFIANT {account}",
                "the account '{account}' is not linked to any operator of this program, so \
                 veille does not know who you are. Ask a coordinator{coordinators} to link it: \
                 veille operators link LOGIN {account}"
            ),
            AccessError::NotYou {
                account,
                name,
                login,
                named,
            } => crate::tr!(
                "ce compte (« {account} ») est {name} ({login}) dans le programme : veille agit \
                 seulement en tant que {login}, pas en tant que « {named} »",
                "this computer account ('{account}') is {name} ({login}) in the program: veille \
                 acts only as {login}, not as '{named}'"
            ),
            AccessError::NotCoordinator {
                name,
                login,
                coordinators,
            } => crate::tr!(
                "c'est le travail d'un coordinateur et {name} ({login}) est opérateur : \
                 demandez à un coordinateur{coordinators}",
                "this is a coordinator's work and {name} ({login}) is an operator: ask a \
                 coordinator{coordinators}"
            ),
            AccessError::NotYours { login, subject } => crate::tr!(
                "{login} voit son propre travail ; seul un coordinateur lit celui de {subject}",
                "{login} sees their own work; only a coordinator reads {subject}'s"
            ),
            AccessError::NameOperator => crate::tr!(
                "dites quel opérateur fait ceci : --operator IDENTIFIANT (voir `veille operators`)",
                "say which operator does this: --operator LOGIN (see `veille operators`)"
            ),
            AccessError::Store(e) => return e.fmt(f),
        };
        f.write_str(&text)
    }
}

/// Where `caller` stands on the database `store` opened from `path`.
pub fn standing(store: &Store, path: &Path, caller: &Caller) -> Result<Standing, AccessError> {
    let owner = std::fs::metadata(path).map(|m| m.uid()).ok();
    if caller.uid == 0 || owner == Some(caller.uid) {
        return Ok(Standing::Administrator);
    }
    if store.is_demo()? {
        return Ok(Standing::Demo);
    }
    Ok(match store.operator_of_account(&caller.account)? {
        Some(op) => Standing::Linked(op),
        None => Standing::Unlinked,
    })
}

/// Decides whether the caller, standing as `standing`, may do an action that needs
/// `need`, as the operator `named` (login or number) if one is named.
pub fn authorize(
    store: &Store,
    caller: &Caller,
    standing: &Standing,
    named: Option<&str>,
    need: Need,
) -> Result<Actor, AccessError> {
    let operator = match standing {
        Standing::Administrator | Standing::Demo => named.map(|n| store.operator(n)).transpose()?,
        Standing::Unlinked => {
            return Err(AccessError::Unlinked {
                account: caller.account.clone(),
                coordinators: coordinators(store)?,
            });
        }
        Standing::Linked(me) => {
            if let Some(named) = named {
                let other = store.operator(named)?;
                if other.id != me.id {
                    return Err(AccessError::NotYou {
                        account: caller.account.clone(),
                        name: me.name.clone(),
                        login: me.login.clone(),
                        named: named.to_string(),
                    });
                }
            }
            Some(me.clone())
        }
    };
    if need == Need::Coordinator
        && let Some(op) = &operator
        && !may_coordinate(op)
    {
        return Err(AccessError::NotCoordinator {
            name: op.name.clone(),
            login: op.login.clone(),
            coordinators: coordinators(store)?,
        });
    }
    Ok(Actor { operator })
}

/// Whether an operator may do a coordinator's work (also what the screens offer).
pub fn may_coordinate(op: &Operator) -> bool {
    op.role == Role::Coordinator
}

/// The coordinators to ask, as " (Name, Name)", or nothing when there is none.
fn coordinators(store: &Store) -> Result<String, StoreError> {
    let names: Vec<String> = store
        .operators()?
        .into_iter()
        .filter(may_coordinate)
        .map(|o| o.name)
        .take(5)
        .collect();
    Ok(if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewOperator;

    fn program() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("veille.db")).unwrap();
        let op = |login: &str, name: &str, role, account: &str| NewOperator {
            login: login.into(),
            name: name.into(),
            organisation: String::new(),
            role,
            phone: None,
            email: None,
            unix_account: Some(account.into()),
        };
        store
            .upsert_operators(
                &[
                    op("amartin", "Alice Martin", Role::Operator, "alice"),
                    op("cdubois", "Claire Dubois", Role::Coordinator, "claire"),
                ],
                chrono::Utc::now(),
            )
            .unwrap();
        (dir, store)
    }

    fn caller(account: &str) -> Caller {
        Caller {
            uid: 1000,
            account: account.into(),
        }
    }

    fn linked(store: &Store, account: &str) -> Standing {
        Standing::Linked(store.operator_of_account(account).unwrap().unwrap())
    }

    #[test]
    fn a_linked_account_acts_as_its_operator_only() {
        let (_dir, store) = program();
        let alice = linked(&store, "alice");
        let me = authorize(&store, &caller("alice"), &alice, None, Need::Operator).unwrap();
        assert_eq!(me.operator.unwrap().login, "amartin");
        let named = authorize(
            &store,
            &caller("alice"),
            &alice,
            Some("AMARTIN"),
            Need::Operator,
        );
        assert_eq!(named.unwrap().operator.unwrap().login, "amartin");
        for other in ["cdubois", "2"] {
            let err = authorize(
                &store,
                &caller("alice"),
                &alice,
                Some(other),
                Need::Operator,
            )
            .unwrap_err();
            assert!(matches!(err, AccessError::NotYou { .. }), "{err}");
        }
    }

    #[test]
    fn coordinator_work_needs_a_coordinator() {
        let (_dir, store) = program();
        let alice = linked(&store, "alice");
        let err = authorize(&store, &caller("alice"), &alice, None, Need::Coordinator).unwrap_err();
        assert!(
            err.to_string()
                .contains("ask a coordinator (Claire Dubois)"),
            "{err}"
        );
        let claire = linked(&store, "claire");
        let ok = authorize(&store, &caller("claire"), &claire, None, Need::Coordinator);
        assert_eq!(ok.unwrap().operator.unwrap().login, "cdubois");
        // The administrator acting as an operator has that operator's role.
        let err = authorize(
            &store,
            &caller("root"),
            &Standing::Administrator,
            Some("amartin"),
            Need::Coordinator,
        )
        .unwrap_err();
        assert!(matches!(err, AccessError::NotCoordinator { .. }), "{err}");
        let own_name = authorize(
            &store,
            &caller("root"),
            &Standing::Administrator,
            None,
            Need::Coordinator,
        );
        assert_eq!(own_name.unwrap().operator, None);
    }

    #[test]
    fn an_unlinked_account_is_told_whom_to_ask() {
        let (_dir, store) = program();
        let err = authorize(
            &store,
            &caller("dora"),
            &Standing::Unlinked,
            Some("amartin"),
            Need::Operator,
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("'dora' is not linked") && text.contains("(Claire Dubois)"),
            "{text}"
        );
    }

    #[test]
    fn standing_comes_from_the_account_and_the_file() {
        let (dir, store) = program();
        let path = dir.path().join("veille.db");
        let owner = std::fs::metadata(&path).unwrap().uid();
        let mut someone = caller("alice");
        someone.uid = owner;
        assert_eq!(
            standing(&store, &path, &someone).unwrap(),
            Standing::Administrator
        );
        let stranger = |account: &str| Caller {
            uid: owner.wrapping_add(4242).max(1),
            account: account.into(),
        };
        assert_eq!(
            standing(&store, &path, &stranger("alice")).unwrap(),
            linked(&store, "alice")
        );
        assert_eq!(
            standing(&store, &path, &stranger("dora")).unwrap(),
            Standing::Unlinked
        );
    }
}
