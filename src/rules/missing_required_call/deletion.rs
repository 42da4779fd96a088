//! What deletes a stored credential and what makes a required call, decided
//! on call shapes, SQL texts and names.

use super::data::{
    DATA_LAYER_WORDS, DELETE_VERBS, NOT_MODEL_WORDS, NOT_STORAGE, NOT_STORAGE_ROOTS, SESSION_WORDS,
    STORE_WORDS, TABLE_METHODS,
};
use super::MissingRequiredCallCheck;
use crate::facts::function_bodies::{sql_deleted_tables, CallShape};
use crate::facts::names::snake_case;
use crate::lang::Family;

/// Lower-case words of a name or string: `oauthTokens` → `oauth`, `tokens`.
pub(super) fn words(name: &str) -> Vec<String> {
    snake_case(name)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "conn" | "conns" => "connection".to_string(),
            "cred" | "creds" => "credential".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// Whether `words` holds one of the phrases, the phrase's last word also
/// in the plural.
pub(super) fn mentions(words: &[String], phrases: &[Vec<String>]) -> bool {
    phrases.iter().any(|phrase| {
        words.windows(phrase.len()).any(|window| {
            window.iter().zip(phrase).enumerate().all(|(i, (w, p))| {
                w == p
                    || (i + 1 == phrase.len()
                        && (w.strip_suffix('s') == Some(p.as_str())
                            || w.strip_suffix("es") == Some(p.as_str())))
            })
        })
    })
}

impl MissingRequiredCallCheck {
    pub(super) fn strong(&self, name: &str) -> bool {
        mentions(&words(name), &self.deletes)
    }

    pub(super) fn record(&self, name: &str) -> bool {
        mentions(&words(name), &self.deletes_records)
    }

    pub(super) fn any_target(&self, name: &str) -> bool {
        self.strong(name) || self.record(name)
    }

    /// Whether a call with this shape deletes a stored credential.
    pub(super) fn deletes(&self, call: &CallShape) -> bool {
        let name_words = words(&call.name);
        let verb = name_words
            .iter()
            .any(|w| DELETE_VERBS.contains(&w.as_str()))
            || [
                "findOneAndDelete",
                "findByIdAndDelete",
                "findOneAndRemove",
                "findByIdAndRemove",
            ]
            .contains(&call.name.as_str());
        if !verb || name_words.iter().any(|w| NOT_STORAGE.contains(&w.as_str())) {
            return false;
        }
        if call
            .receiver
            .first()
            .is_some_and(|root| NOT_STORAGE_ROOTS.contains(&root.to_ascii_lowercase().as_str()))
            && !call.receiver.iter().skip(1).any(|r| self.strong(r))
        {
            return false;
        }
        // `deleteToken(…)`, `vault.deleteSecret(…)`. (`deleteConnection(…)`
        // alone says nothing: websocket connections are deleted that way.)
        if self.strong(&call.name) {
            return true;
        }
        // `this.repo.deleteConnection(id)`, `db.deleteIntegration(id)`: a
        // data-access object deleting a record (a bare `deleteConnection()`
        // may be a websocket's).
        if self.record(&call.name) && name_words[0] == "delete" {
            let data_access = call.receiver.last().is_some_and(|last| {
                words(last).iter().any(|w| {
                    STORE_WORDS.contains(&w.as_str())
                        || DATA_LAYER_WORDS.contains(&w.as_str())
                        || SESSION_WORDS.contains(&w.as_str())
                })
            });
            if data_access {
                return true;
            }
        }
        // `tokenStore.delete(id)`, `prisma.oauthToken.deleteMany()`
        if call.receiver.iter().any(|r| self.strong(r)) {
            return true;
        }
        if let Some(last) = call.receiver.last() {
            if self.record(last) {
                let prisma_like = call.receiver.len() >= 2
                    && (call.first_is_object_with_where || call.name == "deleteMany");
                let class = last.starts_with(|c: char| c.is_ascii_uppercase());
                let store = words(last)
                    .iter()
                    .any(|w| STORE_WORDS.contains(&w.as_str()));
                let instance = call.name == "delete" && call.arg_count == 0;
                if prisma_like || class || store || instance {
                    return true;
                }
            }
        }
        // `Connection.objects.filter(…).delete()`, `Token.query.filter(…).delete()`
        if call.receiver.first().is_some_and(|root| {
            root.starts_with(|c: char| c.is_ascii_uppercase())
                && self.any_target(root)
                && !words(root)
                    .iter()
                    .any(|w| NOT_MODEL_WORDS.contains(&w.as_str()))
        }) {
            return true;
        }
        // `supabase.from('connections').delete()`, `session.query(Token)…delete()`
        for (method, string, name) in &call.chain {
            let table = TABLE_METHODS.contains(&method.as_str()) || method.is_empty();
            if table && string.as_deref().is_some_and(|s| self.any_target(s)) {
                return true;
            }
            if method == "query" && name.as_deref().is_some_and(|n| self.any_target(n)) {
                return true;
            }
        }
        // `db.deleteFrom('integrations')`
        if TABLE_METHODS.contains(&call.name.as_str())
            && call
                .first_string
                .as_deref()
                .is_some_and(|s| self.any_target(s))
        {
            return true;
        }
        // `session.delete(conn)`, `db.delete(oauthTokens)`, SQLAlchemy `delete(Token)`
        if call.name == "delete" || call.name == "remove" {
            let session = match call.receiver.last() {
                None => !call.has_receiver,
                Some(last) => {
                    let w = words(last);
                    w.last()
                        .is_some_and(|l| SESSION_WORDS.contains(&l.as_str()))
                        || matches!(last.as_str(), "sa" | "sqlalchemy")
                }
            };
            let target = call.first_name.as_deref().is_some_and(|n| {
                let w = words(n);
                self.any_target(n)
                    && !w
                        .last()
                        .is_some_and(|l| matches!(l.as_str(), "id" | "ids" | "key" | "keys"))
            });
            if session
                && target
                && (call.has_receiver
                    || call
                        .first_name
                        .as_deref()
                        .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_uppercase())))
            {
                return true;
            }
        }
        // `redis.del(`oauth:tokens:${id}`)`: a key string, not a URL path.
        if let Some(key) = &call.first_string {
            let path_like = key.starts_with('/') || key.contains("://") || key.starts_with('.');
            if !path_like && self.strong(key) {
                return true;
            }
        }
        false
    }

    /// `delete from t` in a SQL string, with `t` a credential table.
    pub(super) fn sql_deletes(&self, value: &str) -> Option<String> {
        sql_deleted_tables(value)
            .into_iter()
            .find(|deleted| self.any_target(&deleted.table))
            .map(|deleted| deleted.written)
    }

    /// Whether a name (callee, argument) is a required call.
    pub(super) fn is_required_name(&self, family: Family, name: &str) -> bool {
        self.required.is_match(family, name)
            || (name.chars().any(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| !c.is_ascii_lowercase())
                && words(name)
                    .iter()
                    .any(|w| self.required_words.iter().any(|r| r == w)))
    }

    /// Whether a URL string names a required call in its path
    /// (`https://oauth2.googleapis.com/revoke`).
    pub(super) fn is_required_url(&self, value: &str) -> bool {
        (value.contains("://") || value.starts_with('/'))
            && words(value)
                .iter()
                .any(|w| self.required_words.iter().any(|r| r == w))
    }
}
