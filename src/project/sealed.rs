//! Columns the project's code fills with ciphertext: a credential column
//! declared as text holds no credential in clear when the code seals what
//! it writes there (`prisma.slackIntegration.create({ data: { botToken:
//! encrypt(token) } })`).

use std::collections::HashSet;

use aho_corasick::AhoCorasick;

use super::{ProjectModel, FILE_LIMIT};
use crate::facts::sealed_writes;
use crate::lang::{Family, Language};

impl ProjectModel {
    /// Whether the project's TS/JS and Python code never writes a column
    /// of `names` in a table of `tables` (both compared as
    /// [`sealed_writes::normalize`] spells them) with a sealed value. A
    /// project the model cannot read seals nothing it knows of: the column
    /// stays in clear.
    pub fn stored_in_clear(&self, names: &[String], tables: &[String]) -> bool {
        let sealed = self.sealed.get_or_init(|| self.read_sealed());
        let names: HashSet<String> = names.iter().map(|n| sealed_writes::normalize(n)).collect();
        let tables: HashSet<String> = tables.iter().map(|t| sealed_writes::normalize(t)).collect();
        !sealed.iter().any(|(key, into)| {
            names.contains(key)
                && into
                    .iter()
                    .any(|n| n == sealed_writes::ANY_TABLE || tables.contains(n))
        })
    }

    /// Every sealed write of the project: its key and the names of its
    /// writing call, normalized.
    fn read_sealed(&self) -> Vec<(String, Vec<String>)> {
        use rayon::prelude::*;
        let literals = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(sealed_writes::LITERALS)
            .expect("fixed literals");
        // Told the names up front: a file that spells none of them (as
        // written, without `_`, or in snake_case) writes none of them.
        let names = self.sealed_names.as_ref().map(|names| {
            let mut spellings: Vec<String> = Vec::new();
            for name in names {
                spellings.push(name.clone());
                spellings.push(name.replace(['_', '-'], ""));
                spellings.push(crate::facts::names::snake_case(name));
            }
            spellings.retain(|s| !s.is_empty());
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&spellings)
                .ok()
        });
        if names.as_ref().is_some_and(|n| n.is_none()) {
            return Vec::new();
        }
        let names = names.flatten();
        self.source_paths()
            .into_par_iter()
            .flat_map_iter(|path| {
                let writes = Language::from_path(&path)
                    .filter(|l| matches!(l.family(), Family::Js | Family::Python))
                    .and_then(|language| {
                        let text = self.resolver.text(&path, FILE_LIMIT)?;
                        if !literals.is_match(text.as_bytes())
                            || names.as_ref().is_some_and(|n| {
                                !may_seal(text.as_bytes(), &literals, n, language.family())
                            })
                            || crate::lang::nesting::too_deep(language, &text).is_some()
                        {
                            return None;
                        }
                        let tree = crate::lang::tree::parse(language, &text)?;
                        Some(sealed_writes::read(
                            language.family(),
                            tree.root_node(),
                            &text,
                        ))
                    })
                    .unwrap_or_default();
                writes.into_iter().map(|write| {
                    let into = write.into.iter().map(|n| sealed_writes::normalize(n));
                    (sealed_writes::normalize(&write.key), into.collect())
                })
            })
            .collect()
    }
}

/// How far apart a sealing word and a column's name may be in a file
/// that writes that column sealed: the key and its value are on one line,
/// a map of encrypted fields sits a few lines under its name.
const SEALED_WRITE_LINES: usize = 25;

/// Whether a file may write one of the asked names sealed: a sealing word
/// (`encrypt`, `hash`, …) within [`SEALED_WRITE_LINES`] of a name's
/// spelling, or an auth library's option that seals columns it names
/// itself (`encryptOAuthTokens`, `storeSCIMToken: "hashed"`).
fn may_seal(text: &[u8], literals: &AhoCorasick, names: &AhoCorasick, family: Family) -> bool {
    let lower = text.to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if has(b"encryptoauthtokens")
        || has(b"hashed\"")
        || has(b"hashed'")
        || has(b"encrypted\"")
        || has(b"encrypted'")
    {
        return true;
    }
    let starts = |matcher: &AhoCorasick| -> Vec<usize> {
        let mut found: Vec<usize> = matcher
            .find_overlapping_iter(text)
            .map(|m| m.start())
            .collect();
        found.sort_unstable();
        found
    };
    let within = starts(names);
    !within.is_empty()
        && crate::prefilter::meets(
            text,
            family,
            crate::prefilter::Region::Lines(SEALED_WRITE_LINES),
            &starts(literals),
            &within,
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn model(files: &[(&str, &str)]) -> ProjectModel {
        let mut model = ProjectModel::new(None);
        for (path, text) in files {
            model.add_text(path, Arc::from(*text));
        }
        model
    }

    #[test]
    fn a_column_the_code_seals_in_its_table_is_not_in_clear() {
        let model = model(&[
            (
                "src/slack.ts",
                "await db.slackIntegration.create({ data: { botToken: encrypt(token) } });",
            ),
            ("app/store.py", "Connection(refresh_token=fernet.encrypt(raw))"),
            (
                "src/plain.ts",
                "await db.account.create({ data: { accessToken: token } });\n\
                 await db.installedIntegration.update({ data: { credentials: { accessToken: encrypt(t) } } });",
            ),
        ]);
        let clear =
            |column: &str, table: &str| model.stored_in_clear(&[column.into()], &[table.into()]);
        assert!(!clear("bot_token", "slack_integrations"));
        assert!(!clear("refreshToken", "Connection"));
        assert!(clear("bot_token", "discord_integrations"), "another table");
        assert!(clear("access_token", "Account"));
        assert!(
            clear("access_token", "installed_integrations"),
            "a JSON field"
        );
    }
}
