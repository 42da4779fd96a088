//! The `forbidden-column-read` rule kind: columns that should not be read,
//! found in query-builder column lists and filters and in SQL that reads
//! them.

use std::collections::HashSet;

use serde::Deserialize;

use crate::facts::column_reads;
use crate::facts::columns::ColumnGlobs;
use crate::lang::{Family, ParsedFile};
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags reads of columns that should not be read. In
    /// TypeScript/JavaScript and Python it looks at:
    ///
    /// - column lists given to `.select(…)`: every column of a PostgREST
    ///   select string (`'id, integration_gcp_status'`), including columns
    ///   of embedded resources (`organizations(integration_gcp_status)`),
    ///   renamed ones (`status:integration_gcp_status`), casts and JSON
    ///   paths; supabase-py's `.select("a", "b")` and knex's
    ///   `.select('a', 'b')` alike;
    /// - filters and ordering on a query that starts with `.from('t')`
    ///   (supabase-js) or `.table("t")` / `.from_("t")` (supabase-py): the
    ///   column named by the first argument of `.eq`, `.neq`, `.gt`, `.gte`,
    ///   `.lt`, `.lte`, `.like`, `.ilike`, `.is`, `.in`, `.contains`,
    ///   `.containedBy`, `.overlaps`, `.textSearch`, `.not`, `.filter`,
    ///   `.order` and friends (Python's `is_`, `in_`, `contained_by`, …), the
    ///   keys of `.match({…})`, and the columns of an `.or('a.eq.x,b.is.null')`
    ///   filter string;
    /// - SQL (`.sql` files, SQL in `` sql`…` `` templates or `.query('…')`, and
    ///   Python `execute("…")`/`text("…")`): column names in `select`
    ///   statements and views, in `where`/`returning` clauses of `update`,
    ///   `delete` and `insert … select`, in policies and in plpgsql bodies.
    ///
    /// A string counts when it is a literal, a template literal or f-string
    /// (substitutions stand for any text, so `` `integration_${p}_status` ``
    /// matches), or a constant of the same file; `.select(COLUMNS.join(','))`
    /// over a constant array is read too. One finding per mention, labelled
    /// on the column name inside the string.
    ///
    /// Not flagged: writes (the keys of `.update/.insert/.upsert`, SQL `set`
    /// targets, `insert` column lists and new columns, which
    /// `forbidden-column-write` reports) and any mention of a column in a
    /// query or statement that also writes that column; schema changes
    /// (`alter table`, `drop`, `create index`, `comment on`, `grant`, table
    /// and function definitions); reads in a SQL file that also drops the
    /// column (a migration moving its data out); `.select('*')`; comments
    /// and prose.
    ///
    /// ## Why is this bad?
    /// A column that mirrors state owned by another system is stale the
    /// moment it is written. Code that reads it shows users a copy that may
    /// be wrong, and keeps the column (and its writers) alive.
    ///
    /// ## Example
    /// ```ts
    /// const { data } = await supabase
    ///   .from('accounts')
    ///   .select('id, legacy_sync_status')
    ///   .eq('legacy_sync_status', 'done');
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// const status = await api.get(`/v1/accounts/${id}/sync`);
    /// ```
    ///
    /// ## Options
    /// - `columns`: globs over column names; `*` matches any run of
    ///   characters, so `legacy_*_status` matches `legacy_sync_status` but not
    ///   `legacy_status`. Matching ignores ASCII case.
    pub struct ForbiddenColumnRead;
}

const OPTIONS: &[OptionDoc] = &[OptionDoc {
    name: "columns",
    description:
        "Globs over the column names that must not be read (`*` matches any run of characters).",
}];

impl Kind for ForbiddenColumnRead {
    fn id(&self) -> &'static str {
        "forbidden-column-read"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Sql]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(ForbiddenColumnReadCheck {
            columns: ColumnGlobs::new("columns", &options.columns)?,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    columns: Vec<String>,
}

struct ForbiddenColumnReadCheck {
    columns: ColumnGlobs,
}

impl Check for ForbiddenColumnReadCheck {
    fn literals(&self) -> Vec<String> {
        self.columns.literals()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let reads = column_reads::read(file, &|name| self.columns.is_match(name));
        let mut seen = HashSet::new();
        for read in reads {
            if self.columns.is_match(&read.name) && seen.insert(read.span.clone()) {
                out.report(
                    Report::at(read.span)
                        .var("column", read.display)
                        .label("read here"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
