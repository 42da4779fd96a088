//! Glob sets compiled when first asked about a path that could match.
//!
//! Compiling a [`GlobSet`] builds a regular expression set, which costs
//! more than everything else an agent-hook run does for a clean edit. Most
//! of a rule set's globs are never asked (a rule that the prefilter does not
//! trigger never looks at its path globs), and most paths cannot match a
//! glob that spells a word (`**/*callback*/**` needs `callback` in the
//! path): [`LazyGlobSet`] answers those from the spelled words alone and
//! compiles the set only for a path that holds one.

use std::sync::OnceLock;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::build_glob;

pub struct LazyGlobSet {
    globs: Vec<Glob>,
    /// For each glob, the longest run of characters every match contains;
    /// `None` when some glob has none (`**/*`), so every path is asked.
    needles: Option<Vec<String>>,
    set: OnceLock<GlobSet>,
}

impl LazyGlobSet {
    /// Parses every pattern now, so a malformed one is reported at once;
    /// the set itself is compiled on first use.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<LazyGlobSet, String> {
        let mut globs = Vec::new();
        let mut needles = Some(Vec::new());
        for pattern in patterns {
            globs.push(build_glob(pattern)?);
            match (required_run(pattern), needles.as_mut()) {
                (Some(run), Some(list)) => list.push(run),
                (None, _) => needles = None,
                (Some(_), None) => {}
            }
        }
        Ok(LazyGlobSet {
            globs,
            needles,
            set: OnceLock::new(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    pub fn is_match(&self, path: &str) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        if let Some(needles) = &self.needles {
            if !needles.iter().any(|n| path.contains(n.as_str())) {
                return false;
            }
        }
        self.set().is_match(path)
    }

    fn set(&self) -> &GlobSet {
        self.set.get_or_init(|| {
            let mut builder = GlobSetBuilder::new();
            for glob in &self.globs {
                builder.add(glob.clone());
            }
            // Each glob parsed; a set too large for the regex engine's
            // limits matches nothing rather than stopping the run.
            builder.build().unwrap_or_else(|_| GlobSet::empty())
        })
    }
}

/// The longest run of literal characters that every path matching
/// `pattern` contains: outside `{…}` alternatives and `[…]` classes, not
/// across `*`, `?` or an escape, and split at `/` (a `**/` may match no
/// folder at all, so a separator next to it is not required).
fn required_run(pattern: &str) -> Option<String> {
    let mut best = String::new();
    let mut run = String::new();
    let (mut braces, mut in_class) = (0usize, false);
    let mut keep = |run: &mut String| {
        if run.len() > best.len() {
            best = run.clone();
        }
        run.clear();
    };
    for c in pattern.chars() {
        if in_class {
            in_class = c != ']';
            continue;
        }
        match c {
            '{' => {
                braces += 1;
                keep(&mut run);
            }
            '}' => braces = braces.saturating_sub(1),
            '[' => {
                in_class = true;
                keep(&mut run);
            }
            '*' | '?' | '\\' | '/' | ',' => keep(&mut run),
            _ if braces > 0 => {}
            _ => run.push(c),
        }
    }
    keep(&mut run);
    (!best.is_empty()).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_runs_are_in_every_match() {
        assert_eq!(
            required_run("**/app/**/*callback*/**/{route,page}.*").as_deref(),
            Some("callback")
        );
        assert_eq!(
            required_run("**/*.manifest.ts").as_deref(),
            Some(".manifest.ts")
        );
        assert_eq!(
            required_run("**/.env.test.*").as_deref(),
            Some(".env.test.")
        );
        assert_eq!(required_run("**/[ab]xyz/**").as_deref(), Some("xyz"));
        assert_eq!(required_run("**/*"), None);
        assert_eq!(required_run("{a,b}/**"), None);
    }

    #[test]
    fn answers_as_the_compiled_set_does() {
        let patterns = [
            "**/app/**/*callback*/**/{route,page}.*",
            "**/pages/api/**/*callback*",
            "**/test_*.py",
            "src/registry/index.ts",
        ];
        let lazy = LazyGlobSet::new(patterns).unwrap();
        let eager = crate::config::build_globset(patterns).unwrap();
        for path in [
            "app/api/oauth/callback/route.ts",
            "apps/web/app/x/oauth-callback/y/page.tsx",
            "pages/api/google/callback.ts",
            "services/api/tests/test_auth.py",
            "src/registry/index.ts",
            "lib/registry.ts",
            "src/lib/invoices.ts",
            "app/callback.ts",
        ] {
            assert_eq!(lazy.is_match(path), eager.is_match(path), "{path}");
        }
        // A path that cannot match never compiles the set.
        let fresh = LazyGlobSet::new(patterns).unwrap();
        assert!(!fresh.is_match("src/lib/invoices.ts"));
        assert!(fresh.set.get().is_none());
        let everything = LazyGlobSet::new(["**/*"]).unwrap();
        assert!(everything.is_match("a/b.ts"));
        assert!(!LazyGlobSet::new([]).unwrap().is_match("a"));
    }

    #[test]
    fn malformed_patterns_are_reported_at_once() {
        assert!(LazyGlobSet::new(["a/[b"]).is_err());
    }
}
