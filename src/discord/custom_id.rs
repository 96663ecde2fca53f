//! The format of the `custom_id`s on the bot's buttons and select menus.
//!
//! A custom id carries everything a click needs (which roles, which aspect, which page, who
//! may delete), so buttons keep working across restarts and across processes. Discord
//! limits a custom id to [`limits::CUSTOM_ID`] characters: a role id that would not fit is
//! written as a digest of the id instead, and found again by digesting the known ids.
//!
//! Formats: `rc:view:ROLE+ROLE`, `rc:ask:ASPECT:ROLE`, `rc:roles:PAGE`, `rc:del:USER`, where
//! `ROLE` is a role id or `~` and 16 hex digits (its digest).

use crate::discord::limits;
use crate::engine::aspect::Aspect;
use crate::engine::knowledge::Knowledge;

/// What a component asks for when someone clicks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show these roles on the aspect the user picks in the menu.
    View(Vec<RoleRef>),
    /// Answer about one role on one aspect ("did you mean" and career-path buttons).
    Ask(RoleRef, Aspect),
    /// Show a page (from 0) of the role list.
    Roles(usize),
    /// Delete this answer; only the member with this user id may.
    Delete(u64),
}

/// A role as a custom id names it: its id, or the digest of an id too long to fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleRef {
    Id(String),
    Digest(u64),
}

const PREFIX: &str = "rc:";
/// Role ids longer than this are written as digests, so that three of them (the most one
/// answer shows) always fit in a custom id.
const MAX_INLINE_ID: usize = 28;

impl RoleRef {
    /// The reference for role `id`.
    pub fn of(id: &str) -> RoleRef {
        if id.len() <= MAX_INLINE_ID && !id.contains([':', '+', '~']) {
            RoleRef::Id(id.to_string())
        } else {
            RoleRef::Digest(digest(id))
        }
    }

    /// The id of the role this refers to, if `knowledge` has it.
    pub fn resolve<'k>(&self, knowledge: &'k Knowledge) -> Option<&'k str> {
        match self {
            RoleRef::Id(id) => knowledge.role(id).map(|r| r.id.as_str()),
            RoleRef::Digest(wanted) => knowledge
                .roles
                .iter()
                .find(|r| digest(&r.id) == *wanted)
                .map(|r| r.id.as_str()),
        }
    }

    fn encode(&self) -> String {
        match self {
            RoleRef::Id(id) => id.clone(),
            RoleRef::Digest(d) => format!("~{d:016x}"),
        }
    }

    fn decode(text: &str) -> Option<RoleRef> {
        match text.strip_prefix('~') {
            Some(hex) if hex.len() == 16 => u64::from_str_radix(hex, 16).ok().map(RoleRef::Digest),
            Some(_) => None,
            None if !text.is_empty() => Some(RoleRef::Id(text.to_string())),
            None => None,
        }
    }
}

impl Action {
    /// A `View` of the roles with these ids.
    pub fn view(ids: &[String]) -> Action {
        Action::View(ids.iter().map(|id| RoleRef::of(id)).collect())
    }

    /// An `Ask` about the role with this id.
    pub fn ask(id: &str, aspect: Aspect) -> Action {
        Action::Ask(RoleRef::of(id), aspect)
    }

    /// The `custom_id` for this action, at most [`limits::CUSTOM_ID`] characters.
    pub fn custom_id(&self) -> String {
        let id = match self {
            Action::View(roles) => {
                let roles: Vec<String> = roles.iter().map(RoleRef::encode).collect();
                format!("{PREFIX}view:{}", roles.join("+"))
            }
            Action::Ask(role, aspect) => format!("{PREFIX}ask:{}:{}", aspect.id(), role.encode()),
            Action::Roles(page) => format!("{PREFIX}roles:{page}"),
            Action::Delete(user) => format!("{PREFIX}del:{user}"),
        };
        debug_assert!(id.len() <= limits::CUSTOM_ID, "custom id too long: {id}");
        id
    }

    /// Reads a `custom_id`; `None` for ids this bot did not make.
    pub fn parse(custom_id: &str) -> Option<Action> {
        let mut parts = custom_id.strip_prefix(PREFIX)?.splitn(3, ':');
        match (parts.next()?, parts.next(), parts.next()) {
            ("view", Some(roles), None) => roles
                .split('+')
                .map(RoleRef::decode)
                .collect::<Option<Vec<_>>>()
                .map(Action::View),
            ("ask", Some(aspect), Some(role)) => {
                Some(Action::Ask(RoleRef::decode(role)?, Aspect::parse(aspect)?))
            }
            ("roles", Some(page), None) => page.parse().ok().map(Action::Roles),
            ("del", Some(user), None) => user.parse().ok().map(Action::Delete),
            _ => None,
        }
    }
}

/// The 64-bit FNV-1a digest of `text`: stable across builds and platforms, unlike std's
/// hasher, so a button made by one version of the bot is read by the next.
/// Source: Fowler, Noll and Vo, "FNV hash" (offset basis 0xcbf29ce484222325, prime
/// 0x100000001b3).
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_as_itself() {
        let long = "a".repeat(64);
        let actions = [
            Action::view(&["line-producer".into(), "executive-producer".into()]),
            Action::view(&[long.clone(), long.clone(), "producer".into()]),
            Action::ask("producer", Aspect::Salary),
            Action::ask(&long, Aspect::Environment),
            Action::Roles(3),
            Action::Delete(1234567890123456789),
        ];
        for action in actions {
            let id = action.custom_id();
            assert!(id.len() <= limits::CUSTOM_ID, "{id}");
            assert_eq!(Action::parse(&id), Some(action), "{id}");
        }
    }

    #[test]
    fn ids_made_before_digests_still_read() {
        assert_eq!(
            Action::parse("rc:view:producer+line-producer"),
            Some(Action::view(&["producer".into(), "line-producer".into()]))
        );
        assert_eq!(
            Action::parse("rc:ask:salary:producer"),
            Some(Action::ask("producer", Aspect::Salary))
        );
    }

    #[test]
    fn foreign_and_broken_ids_are_not_actions() {
        for id in [
            "",
            "rc:",
            "rc:view:",
            "rc:ask:pay:producer",
            "rc:roles:x",
            "rc:del:-1",
            "other:view:a",
            "rc:view:~12",
        ] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
    }

    #[test]
    fn the_digest_is_fnv_1a() {
        // Published test vectors of 64-bit FNV-1a.
        assert_eq!(digest(""), 0xcbf29ce484222325);
        assert_eq!(digest("a"), 0xaf63dc4c8601ec8c);
    }
}
