//! Tables named through ORM models, query-builder instances and Prisma
//! schemas defined in other files.

use super::{ProjectModel, Symbol};
use crate::facts::tables::TableSet;

/// Largest `schema.prisma` read.
const SCHEMA_LIMIT: u64 = 4 << 20;

/// Where a monorepo keeps its Prisma schema, below the project root.
const SCHEMA_FOLDERS: &[&str] = &["packages", "apps", "libs", "services"];

impl ProjectModel {
    /// Whether `name` as written in the file at `path` is a model of a
    /// table `table` names.
    pub fn model_is(&self, path: &str, name: &str, table: &str) -> bool {
        let Some(Symbol::Defined { path, name }) = self.resolve_name(path, name) else {
            return false;
        };
        let Some(defined) = self
            .module(&path)
            .and_then(|f| f.models.model(&name).map(str::to_string))
        else {
            return false;
        };
        names_table(table, &defined)
    }

    /// Whether `name` as written in the file at `path` is a Knex instance.
    pub fn knex_instance(&self, path: &str, name: &str) -> bool {
        let Some(Symbol::Defined { path, name }) = self.resolve_name(path, name) else {
            return false;
        };
        self.module(&path)
            .is_some_and(|f| f.models.instance(&name).is_some())
    }

    /// Whether the Prisma model accessed as `accessor` maps to a table
    /// `table` names, by the first `schema.prisma` found: beside the file
    /// or in an ancestor folder (also in its `prisma/`), held in memory, or
    /// in a workspace package's `prisma/`.
    pub fn prisma_table_is(&self, path: &str, accessor: &str, table: &str) -> bool {
        let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let key = (folder.to_string(), accessor.to_string());
        let known = self
            .prisma_tables
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let mapped = known.unwrap_or_else(|| {
            let mapped = self.prisma_schemas(path).iter().find_map(|schema| {
                self.resolver()
                    .text(schema, SCHEMA_LIMIT)
                    .and_then(|text| crate::facts::orm::prisma_table(&text, accessor))
            });
            self.prisma_tables
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, mapped.clone());
            mapped
        });
        mapped.is_some_and(|mapped| names_table(table, &mapped))
    }

    fn prisma_schemas(&self, path: &str) -> Vec<String> {
        let mut candidates: Vec<String> = Vec::new();
        let mut folder = path;
        while let Some((parent, _)) = folder.rsplit_once('/') {
            candidates.push(format!("{parent}/prisma/schema.prisma"));
            candidates.push(format!("{parent}/schema.prisma"));
            folder = parent;
        }
        candidates.push("prisma/schema.prisma".to_string());
        candidates.push("schema.prisma".to_string());
        candidates.extend(
            self.resolver()
                .text_paths()
                .filter(|p| p.ends_with("schema.prisma"))
                .cloned(),
        );
        if let Some(root) = self.resolver().root() {
            for folder in SCHEMA_FOLDERS {
                let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
                    continue;
                };
                for entry in entries.flatten().take(256) {
                    if let Some(name) = entry.file_name().to_str() {
                        candidates.push(format!("{folder}/{name}/prisma/schema.prisma"));
                    }
                }
            }
        }
        candidates
    }
}

/// Whether `value` (a table as code names it) is the configured `table`.
fn names_table(table: &str, value: &str) -> bool {
    TableSet::new("tables", std::slice::from_ref(&table.to_string()))
        .is_ok_and(|set| set.find_string(value).is_some())
}
