//! The part a file plays in its project, read from path conventions.
//!
//! Reviewers read a test, a docs example or a seed script differently from
//! the code that ships: a fake key in a unit test, an authorize URL in a mock
//! or a `print(credentials)` in a tutorial is not a defect. Rules that read
//! everyday code name the roles they skip (`skip_roles` in a rule's options);
//! [`classify`] decides a file's role from its project path alone.

use std::fmt;

/// What a file is for, as a project's reviewer would read its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Code that ships: everything no convention below claims.
    Production,
    /// Tests and their mocks: `tests/`, `__tests__/`, `*.test.*`, `*.spec.*`,
    /// `test_*.py`, `conftest.py`, `__mocks__/`, `mock.ts`.
    Test,
    /// Test data: `fixtures/`, `__fixtures__/`, `testdata/`.
    Fixture,
    /// Documentation and its snippets: `docs/`, `docs_src/`, `snippets/`, `*.md`.
    Docs,
    /// Example programs and sample data: `examples/`, `samples/`,
    /// `*-example.*`, `*_samples.*`, `*.example.ts`.
    Example,
    /// Developer scripts and seed data: `scripts/`, `seed.*`, `populate.*`, `seeds/`.
    Script,
    /// Generated code: `generated/`, `__generated__/`, `*.generated.*`, `*_pb2.py`.
    Generated,
    /// Third-party code kept in the tree: `vendor/`, `third_party/`, `node_modules/`.
    Vendored,
}

impl Role {
    /// Every role, in the order [`classify`] tries them.
    pub const ALL: [Role; 8] = [
        Role::Vendored,
        Role::Generated,
        Role::Fixture,
        Role::Test,
        Role::Example,
        Role::Docs,
        Role::Script,
        Role::Production,
    ];

    /// The role's name in configuration (`skip_roles = ["test"]`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Production => "production",
            Role::Test => "test",
            Role::Fixture => "fixture",
            Role::Docs => "docs",
            Role::Example => "example",
            Role::Script => "script",
            Role::Generated => "generated",
            Role::Vendored => "vendored",
        }
    }

    /// The role a configuration name stands for.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Every role's name, comma-separated, for error messages.
    pub fn names() -> String {
        Role::ALL.map(Role::name).join(", ")
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The role of a file from its `/`-separated path relative to the project
/// root. Folder names decide first (the innermost claim of the strongest
/// role wins: `tests/fixtures/a.json` is a fixture, `docs/examples/a.py` an
/// example), then the file name.
pub fn classify(project_path: &str) -> Role {
    let mut segments: Vec<&str> = project_path.split('/').collect();
    let name = segments.pop().unwrap_or(project_path);
    let folder_roles: Vec<Role> = segments.iter().filter_map(|s| folder_role(s)).collect();
    let file = file_role(name);
    Role::ALL
        .into_iter()
        .find(|role| folder_roles.contains(role) || file == Some(*role))
        .unwrap_or(Role::Production)
}

/// Whether a file is something other than shipped code.
pub fn is_production(project_path: &str) -> bool {
    classify(project_path) == Role::Production
}

/// The role a folder name gives everything below it.
fn folder_role(segment: &str) -> Option<Role> {
    let lower = segment.to_ascii_lowercase();
    Some(match lower.as_str() {
        "vendor" | "vendored" | "third_party" | "third-party" | "node_modules"
        | "site-packages" => Role::Vendored,
        "generated" | "__generated__" | "gen" => Role::Generated,
        "fixtures" | "__fixtures__" | "fixture" | "testdata" | "test-data" | "test_data" => {
            Role::Fixture
        }
        "test" | "tests" | "__tests__" | "__test__" | "__mocks__" | "mocks" | "e2e" | "cypress"
        | "integration-tests" | "integration_tests" | "testing" => Role::Test,
        "examples" | "example" | "samples" | "sample" => Role::Example,
        "docs" | "doc" | "docs_src" | "documentation" | "snippets" => Role::Docs,
        "scripts" | "script" | "seeds" | "seed" | "seeders" => Role::Script,
        _ => return None,
    })
}

/// The role a file name alone gives, if any.
fn file_role(name: &str) -> Option<Role> {
    let lower = name.to_ascii_lowercase();
    let mut parts = lower.split('.');
    let stem = parts.next().unwrap_or("");
    let inner: Vec<&str> = parts.collect();
    // `a.test.ts`, `a.spec.tsx`, `a.unit.test.ts`: a marker between stem and extension.
    let marked = |markers: &[&str]| {
        inner.len() > 1 && inner[..inner.len() - 1].iter().any(|p| markers.contains(p))
    };
    let python = lower.ends_with(".py");
    if marked(&["generated", "gen", "pb"]) || (python && stem.ends_with("_pb2")) {
        return Some(Role::Generated);
    }
    if marked(&["test", "spec", "mock", "mocks", "stub", "e2e"])
        || matches!(stem, "mock" | "mocks" | "conftest")
        || (python && (stem.starts_with("test_") || stem.ends_with("_test")))
    {
        return Some(Role::Test);
    }
    if marked(&["seed"]) || matches!(stem, "seed" | "seeds" | "populate") {
        return Some(Role::Script);
    }
    // `config.example.ts`, `petstore-example.ts`, `request_samples.py`:
    // sample data and programs named as such.
    let example_suffix = ["example", "examples", "sample", "samples"]
        .iter()
        .any(|word| {
            stem.strip_suffix(word)
                .is_some_and(|head| head.ends_with(['-', '_']) && head.len() > 1)
        });
    if marked(&["example", "sample"]) || example_suffix {
        return Some(Role::Example);
    }
    if matches!(inner.last(), Some(&("md" | "mdx" | "rst"))) {
        return Some(Role::Docs);
    }
    None
}

/// Parses a rule's `skip_roles` option: role names, checked.
pub fn parse_roles(names: &[String]) -> Result<Vec<Role>, String> {
    names
        .iter()
        .map(|n| {
            Role::from_name(n)
                .ok_or_else(|| format!("unknown file role `{n}`; the roles are {}", Role::names()))
        })
        .collect()
}

/// The roles a rule does not read (its `skip_roles` option).
#[derive(Clone, Debug, Default)]
pub struct SkipRoles(Vec<Role>);

impl SkipRoles {
    /// Checks the option's role names.
    pub fn parse(names: &[String]) -> Result<Self, String> {
        parse_roles(names).map(SkipRoles)
    }

    /// Whether the rule leaves the file at `project_path` alone.
    pub fn skips(&self, project_path: &str) -> bool {
        !self.0.is_empty() && self.0.contains(&classify(project_path))
    }
}

/// Whether a path is test code by the narrow convention the contract and
/// caching rules use (`tests/`, `test/`, `__tests__/`, `__mocks__/`,
/// `mocks/`, `*.test.*`, `*.spec.*`, `test_*.py`, `*_test.py`,
/// `conftest.py`): tests, mocks and fakes implement contracts partially or
/// with no-op members on purpose.
pub fn is_test_path(path: &str) -> bool {
    let mut segments = path.split('/');
    let name = segments.next_back().unwrap_or(path);
    let in_test_dir =
        segments.any(|s| matches!(s, "tests" | "test" | "__tests__" | "__mocks__" | "mocks"));
    let stem = name.split('.').next().unwrap_or(name);
    in_test_dir
        || name.contains(".test.")
        || name.contains(".spec.")
        || (name.ends_with(".py")
            && (stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_files_and_folders() {
        for path in [
            "tests/test_logging.py",
            "src/__tests__/a.ts",
            "packages/server/lib/webhook/google-webhook-routing.unit.test.ts",
            "app/settings/google.test.ts",
            "lib/slack.spec.tsx",
            "api/conftest.py",
            "pkg/client_test.py",
            "packages/connectors/connector-alipay-web/src/mock.ts",
            "src/__mocks__/googleapis.ts",
            "packages/integration-tests/src/tests/api/oidc/a.test.ts",
        ] {
            assert_eq!(classify(path), Role::Test, "{path}");
        }
    }

    #[test]
    fn other_roles() {
        assert_eq!(classify("tests/fixtures/key.json"), Role::Fixture);
        assert_eq!(
            classify("docs/examples/archive/sql_query.py"),
            Role::Example
        );
        assert_eq!(classify("docs/script.js"), Role::Docs);
        assert_eq!(classify("docs_src/tutorial/app.py"), Role::Docs);
        assert_eq!(classify("examples/oauth/src/main.rs"), Role::Example);
        for path in [
            "src/mock-server/constants/mock-server-coll-request-example.ts",
            "config/settings.example.ts",
            "lib/webhook_samples.py",
        ] {
            assert_eq!(classify(path), Role::Example, "{path}");
        }
        assert_eq!(classify("apps/web/scripts/dev/simulate.ts"), Role::Script);
        assert_eq!(classify("prisma/seed.ts"), Role::Script);
        assert_eq!(classify("apps/webapp/prisma/populate.ts"), Role::Script);
        assert_eq!(
            classify("fern/snippets/authentication/python/connected-accounts.py"),
            Role::Docs
        );
        assert_eq!(classify("vendor/lib/a.js"), Role::Vendored);
        assert_eq!(classify("src/api/types.generated.ts"), Role::Generated);
        assert_eq!(classify("proto/service_pb2.py"), Role::Generated);
        assert_eq!(classify("README.md"), Role::Docs);
    }

    #[test]
    fn production_code_stays_production() {
        for path in [
            "apps/web/lib/integrations/google-ads/oauth.ts",
            "src/prefect/runner/_limit_manager.py",
            "packages/connectors/connector-google/src/index.ts",
            "src/testimonials/page.tsx",
            "src/contest.py",
            "lib/test-utils-free/latest.ts",
            "app/api/google-sheet/callback/route.ts",
            "src/mockingbird.ts",
            "src/tests.rs",
            "src/examples.ts",
            "src/sampler.py",
            "app/api/create-example-route.ts",
        ] {
            assert_eq!(classify(path), Role::Production, "{path}");
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.name()), Some(role));
        }
        assert!(parse_roles(&["tests".to_string()])
            .unwrap_err()
            .contains("test, "));
    }
}
