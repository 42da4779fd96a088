//! The `cached-factory-result` rule kind: the result of a must-not-cache
//! factory kept somewhere that outlives one use.

use serde::Deserialize;

use crate::facts::function_names::FunctionNames;
use crate::facts::memo::{self, Place};
use crate::lang::{Family, ParsedFile};
use crate::roles::is_test_path;
use crate::rules::{
    declare_kind, parse_options, Check, Kind, OptionDoc, OptionError, Report, Reporter,
};

declare_kind! {
    /// ## What it does
    /// Flags the result of a call to one of `factories` (by default
    /// `getUncachable*Client`) stored where it outlives one use:
    ///
    /// - module scope: `const gmail = await getUncachableGmailClient()` at the
    ///   top of a module (also without `await`, destructured from
    ///   `Promise.all`, wrapped as `new GmailService(await …)`, inside an
    ///   exported object, or as the default export), and Python module-level
    ///   assignments (also in a top-level `try`/`with`);
    /// - a module-level variable assigned from anywhere, which covers the
    ///   memo `let c; … if (!c) c = await …`, `c ??= await …`, `c ||= …` and
    ///   Python's `global client` followed by an assignment;
    /// - a property of a module-level object, class or import
    ///   (`clients.gmail = …`, `GmailService.client = …`), and application
    ///   state (`app.state.gmail`, `app.locals.gmail`);
    /// - a global: `globalThis.x`, `global.x`, `window.x`;
    /// - a class static: `static client = …`, `this.client = …` in a static
    ///   method or static block, `this.constructor.client = …`, Python class
    ///   attributes and `cls.client = …`;
    /// - a keyed cache: `cache.set(key, await …)`, `cache[key] = …`,
    ///   `clients.push(…)`, `cache.setdefault(key, …)` on a module-level or
    ///   instance container;
    /// - a local of a setup function that a long-lived callback reads: a
    ///   route handler registered in it (`app.get('/path', …)`, FastAPI or
    ///   Flask `@app.get("/path")`), `app.use(…)` middleware, a
    ///   `setInterval` callback or a cron job (`cron.schedule`, `new
    ///   CronJob`), as in Express's `registerRoutes(app)`;
    /// - a closure's memo: `let c; return async () => (c ??= await …)`, a
    ///   guarded assignment to a variable of an enclosing function;
    /// - a memoizing wrapper: the result returned from a function decorated
    ///   with `@lru_cache`, `@cache`, `@functools.lru_cache(maxsize=…)`,
    ///   `@cached_property`, `@cached`, `@alru_cache`, `@st.cache_resource`,
    ///   or TS `@Memoize()`; a function (or the factory itself) passed to
    ///   `memoize`, `_.memoize`, `once`, `pMemoize`, `memoizeOne`, `moize`,
    ///   `mem`, or Python `functools.cache(…)`.
    ///
    /// Instance fields are a judgement call: an object made per request may
    /// keep a client for that request. So `this.client = …` (or
    /// `self.client = …`) is flagged only when the instance outlives
    /// requests or the field is used as a cache: the class is instantiated
    /// at module scope in the same file (`export const gmail = new
    /// GmailService()`), is a NestJS/typedi `@Injectable()`/`@Service()`
    /// singleton (not request- or transient-scoped), the assignment is a
    /// memo (`this.client ??= …`, `if (!this.client) this.client = …`,
    /// `if self._client is None: …`), or the field is a keyed cache.
    ///
    /// Not flagged: a local `const client = await getUncachableX()` in a
    /// function, returning it, passing it on, calling a method on it
    /// directly (`(await getUncachableX()).send(…)`), functions named like
    /// the factory, the factory's own definition, imports, a script's
    /// `if __name__ == "__main__":` block and loop bodies. Test files
    /// (`tests/`, `__tests__/`, `*.test.*`, `*.spec.*`, `test_*.py`) are
    /// skipped.
    ///
    /// The finding is labelled on the factory call (on the factory's name
    /// when the factory itself is handed to a memoizing wrapper); the
    /// message says where the result is kept.
    ///
    /// ## Why is this bad?
    /// Such factories build a client from a short-lived token that the
    /// platform refreshes behind the scenes. A cached client keeps the token
    /// it was built with and starts failing with 401s once that token
    /// expires, typically hours after a deploy and only in long-lived
    /// processes.
    ///
    /// ## Example
    /// ```ts
    /// const gmail = await getUncachableGmailClient();
    ///
    /// export async function sendDigest(to: string) {
    ///   await gmail.users.messages.send({ userId: 'me', requestBody: build(to) });
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// export async function sendDigest(to: string) {
    ///   const gmail = await getUncachableGmailClient();
    ///   await gmail.users.messages.send({ userId: 'me', requestBody: build(to) });
    /// }
    /// ```
    ///
    /// ## Options
    /// - `factories`: globs over the factory names, in camelCase; `*` matches
    ///   any run of characters and the glob must match the whole name.
    ///   Python calls also match the snake_case form
    ///   (`get_uncachable_*_client`).
    pub struct CachedFactoryResult;
}

const OPTIONS: &[OptionDoc] = &[OptionDoc {
    name: "factories",
    description: "Globs over the names of factories whose result must not be cached (camelCase; Python also matches snake_case).",
}];

impl Kind for CachedFactoryResult {
    fn id(&self) -> &'static str {
        "cached-factory-result"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        let options: Options = parse_options(options)?;
        Ok(Box::new(CachedFactoryCheck {
            factories: FunctionNames::new("factories", &options.factories)?,
        }))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    factories: Vec<String>,
}

struct CachedFactoryCheck {
    factories: FunctionNames,
}

/// Where a result is kept, for the message.
fn describe(place: &Place) -> String {
    match place {
        Place::Module(name) => format!("in module-scope `{name}`"),
        Place::ModuleCache(name) => format!("in module-scope cache `{name}`"),
        Place::AppState(name) => format!("in application state `{name}`"),
        Place::Global(name) => format!("in global `{name}`"),
        Place::ClassStatic(name) => format!("in class static `{name}`"),
        Place::InstanceMemo(name) => format!("in memoized field `{name}`"),
        Place::InstanceCache(name) => format!("in instance cache `{name}`"),
        Place::Singleton { field, instance } => {
            format!("in `{field}` of {instance}")
        }
        Place::Decorated {
            decorator,
            function,
        } => format!("by `{decorator}` on `{function}`"),
        Place::Wrapper(wrapper) => format!("by `{wrapper}(…)`"),
        Place::DefaultExport => "in the module's default export".to_string(),
        Place::ClosureMemo(name) => format!("in `{name}`, memoized by a closure"),
        Place::Captured { name, by, function } => {
            format!("in `{name}` of {function}, kept by {by}")
        }
    }
}

impl Check for CachedFactoryCheck {
    fn literals(&self) -> Vec<String> {
        self.factories.literals()
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        if is_test_path(file.path()) {
            return;
        }
        let family = file.language.family();
        for kept in memo::read(file, &|name| self.factories.is_match(family, name)) {
            out.report(
                Report::at(kept.span)
                    .var("factory", kept.factory)
                    .var("where", describe(&kept.place))
                    .label("cached here"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
