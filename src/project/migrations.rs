//! Replaying a folder of SQL migrations: whether a column an earlier
//! migration declares is still there after the ones that follow it (not
//! dropped, renamed away, retyped to a type the question refuses, or gone
//! with its table). Migrations run in the order of their paths under the
//! nearest `migrations` folder (`supabase/migrations/2024…_init.sql`,
//! Prisma's `migrations/2024…_init/migration.sql`), or of the file's own
//! folder when there is none.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::facts::schema_changes::{self, SchemaChanges};

use super::ProjectModel;

/// Largest migration file read.
const MIGRATION_LIMIT: u64 = 4 << 20;

/// Most migration files listed under one folder.
const MAX_MIGRATIONS: usize = 20_000;

/// What the model has read of migrations, shared across queries.
#[derive(Default)]
pub struct MigrationCache {
    /// The SQL files under a migrations folder, in order.
    folders: Mutex<HashMap<String, Arc<Vec<String>>>>,
    changes: Mutex<HashMap<String, Option<Arc<SchemaChanges>>>>,
}

impl ProjectModel {
    /// Whether `column` of `table`, as the migration at `path` declares it,
    /// survives every later migration of its folder with a type
    /// `text_types` lists. Unknown (no folder to read) counts as alive.
    pub fn column_lives(
        &self,
        path: &str,
        table: &str,
        column: &str,
        text_types: &[String],
    ) -> bool {
        let folder = migrations_folder(path);
        let files = self.migration_files(folder);
        let keeps_type = |ty: &str| {
            let ty = schema_changes::normalize_type(ty);
            text_types.contains(&ty)
        };
        files
            .iter()
            .filter(|other| other.as_str() > path)
            .filter_map(|other| self.schema_changes(other))
            .all(|changes| !changes.ends(table, column, keeps_type))
    }

    fn migration_files(&self, folder: &str) -> Arc<Vec<String>> {
        let cache = &self.migrations;
        if let Some(known) = cache
            .folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(folder)
        {
            return known.clone();
        }
        let mut files: Vec<String> = self
            .resolver
            .text_paths()
            .filter(|p| is_sql(p) && is_under(p, folder))
            .cloned()
            .collect();
        if let Some(root) = self.resolver.root() {
            list_sql(root, folder, &mut files);
        }
        files.sort();
        files.dedup();
        let files = Arc::new(files);
        cache
            .folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(folder.to_string(), files.clone());
        files
    }

    fn schema_changes(&self, path: &str) -> Option<Arc<SchemaChanges>> {
        let cache = &self.migrations;
        if let Some(known) = cache
            .changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return known.clone();
        }
        let changes = self
            .resolver
            .text(path, MIGRATION_LIMIT)
            .map(|text| Arc::new(schema_changes::read(&text)));
        cache
            .changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), changes.clone());
        changes
    }
}

/// The folder whose SQL files run in order with the migration at `path`:
/// the nearest ancestor named `migrations`, else the file's own folder.
fn migrations_folder(path: &str) -> &str {
    let mut end = path.len();
    while let Some(slash) = path.get(..end).and_then(|p| p.rfind('/')) {
        let folder = &path[..slash];
        let name = folder.rsplit('/').next().unwrap_or(folder);
        if name.eq_ignore_ascii_case("migrations") {
            return folder;
        }
        end = slash;
    }
    super::resolve::parent(path)
}

fn is_sql(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("sql"))
}

fn is_under(path: &str, folder: &str) -> bool {
    folder.is_empty()
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Adds the `.sql` files under project folder `folder` (two levels deep,
/// as migration tools lay them out) to `out`, as project paths.
fn list_sql(root: &Path, folder: &str, out: &mut Vec<String>) {
    let mut pending = vec![(folder.to_string(), 0)];
    while let Some((dir, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            if out.len() >= MAX_MIGRATIONS {
                return;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && depth < 2 && !name.starts_with('.') {
                pending.push((child, depth + 1));
            } else if kind.is_file() && is_sql(&name) {
                out.push(child);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_migrations_run_in() {
        assert_eq!(
            migrations_folder("db/prisma/migrations/2024_init/migration.sql"),
            "db/prisma/migrations"
        );
        assert_eq!(
            migrations_folder("supabase/migrations/2024_init.sql"),
            "supabase/migrations"
        );
        assert_eq!(
            migrations_folder("schema/tables/users.sql"),
            "schema/tables"
        );
        assert_eq!(migrations_folder("init.sql"), "");
    }

    #[test]
    fn a_column_dropped_later_is_gone_and_one_kept_lives() {
        let files = [
            (
                "db/migrations/001_init/migration.sql",
                "create table \"User\" (id text, \"accessToken\" text, \"apiKey\" text);",
            ),
            (
                "db/migrations/002_drop/migration.sql",
                "ALTER TABLE \"User\" DROP COLUMN \"accessToken\";",
            ),
            (
                "db/migrations/003_retype/migration.sql",
                "alter table \"User\" alter column \"apiKey\" type varchar(64);",
            ),
        ];
        let mut model = ProjectModel::new(None);
        for (path, text) in files {
            model.add_text(path, Arc::from(text));
        }
        let text = vec!["text".to_string(), "varchar".to_string()];
        let first = files[0].0;
        assert!(!model.column_lives(first, "User", "accessToken", &text));
        assert!(model.column_lives(first, "User", "apiKey", &text));
        assert!(!model.column_lives(first, "User", "apiKey", &text[..1]));
        assert!(model.column_lives(files[1].0, "User", "accessToken", &text));
    }
}
