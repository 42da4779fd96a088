//! The `stub-body` rule kind.

use crate::facts::units::{Body, Contract, Lookup, Model};
use crate::lang::{Family, ParsedFile};
use crate::rules::{declare_kind, Check, Kind, OptionDoc, OptionError, Report, Reporter};

declare_kind! {
    /// ## What it does
    /// Flags a required member of an interface implementation whose body does
    /// nothing: it is empty, only returns a constant, only logs, only throws
    /// or raises a not-implemented error, or is `pass`, `...`, a docstring,
    /// `todo!()`, `unimplemented!()` or `Ok(())` alone, or a mix of these.
    /// Comments do not count. A body that makes any other call counts as an
    /// implementation.
    ///
    /// Implementations are found as for `required-member`: TS/JS classes and
    /// typed object literals, Python subclasses and Rust `impl` blocks,
    /// including those that name the interface under an alias or reach it
    /// through a base class in another file, plus the in-file base classes
    /// they inherit the member from. Abstract
    /// declarations and the interface's own definition (a `Protocol`, an
    /// ABC, a trait's default method) are not implementations. Test code
    /// (`tests/`, `__tests__/`, `*.test.*`, `*.spec.*`, `test_*.py`,
    /// `#[cfg(test)]`) is skipped: mocks are stubs on purpose.
    ///
    /// ## Why is this bad?
    /// A stub looks done: the contract is satisfied, the type checker is
    /// quiet, and the call does nothing. A `revoke` that only logs leaves the
    /// provider grant alive just like a missing one.
    ///
    /// ## Example
    /// ```ts
    /// class SlackConnector implements Connector {
    ///   async revoke() {
    ///     console.log('TODO: revoke slack token');
    ///   }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// class SlackConnector implements Connector {
    ///   async revoke(token: string) {
    ///     await this.slack.auth.revoke({ token });
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// - `interfaces`: names of the interfaces, base classes or traits that
    ///   form the contract, without module path (`["Connector"]`).
    /// - `members`: members whose implementations must not be stubs
    ///   (`["revoke"]`).
    /// - `classes`: globs over class names (`["*Provider"]`): TS/JS and
    ///   Python classes whose name matches count as implementations whatever
    ///   they implement.
    pub struct StubBody;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "interfaces",
        description:
            "Interface, base class or trait names that form the contract (bare identifiers)",
    },
    OptionDoc {
        name: "members",
        description: "Members whose implementations must not be stubs",
    },
    OptionDoc {
        name: "classes",
        description: "Globs over class names (`*Provider`) whose classes count as implementations",
    },
];

impl Kind for StubBody {
    fn id(&self) -> &'static str {
        "stub-body"
    }

    fn docs(&self) -> &'static str {
        Self::DOCS
    }

    fn families(&self) -> &'static [Family] {
        &[Family::Js, Family::Python, Family::Rust]
    }

    fn options(&self) -> &'static [OptionDoc] {
        OPTIONS
    }

    fn compile(&self, options: &toml::Table) -> Result<Box<dyn Check>, OptionError> {
        Ok(Box::new(StubBodyCheck {
            contract: Contract::compile(options)?,
        }))
    }
}

struct StubBodyCheck {
    contract: Contract,
}

impl Check for StubBodyCheck {
    fn literals(&self) -> Vec<String> {
        self.contract.literals()
    }

    /// The interface is named by its identifier, spelled as configured.
    fn literals_match_case(&self) -> bool {
        true
    }

    /// A stub is reported on a member's body in this file, so the file
    /// spells the member's name: a file that names the interface but no
    /// member is never parsed for this rule.
    fn required_literals(&self) -> Vec<Vec<String>> {
        vec![self.contract.members.clone()]
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(model) = Model::of(file, &self.contract) else {
            return;
        };
        let mut reported = Vec::new();
        for index in 0..model.units.len() {
            let claims = model.claims(index, &self.contract);
            if claims.is_empty() {
                continue;
            }
            for member in &self.contract.members {
                let Lookup::Found {
                    owner,
                    member: found,
                } = model.lookup(index, member, &self.contract)
                else {
                    continue;
                };
                let owner = &model.units[owner];
                let Body::Code(Some(why)) = found.body else {
                    continue;
                };
                if owner.is_definition {
                    continue;
                }
                for claim in &claims {
                    let key = (found.span.start, claim.reaches.clone());
                    if reported.contains(&key) {
                        continue;
                    }
                    let mut report = Report::at(found.span.clone())
                        .var("name", &owner.name)
                        .var("member", member)
                        .var("why", why)
                        .label(why);
                    if let Some(reaches) = &claim.reaches {
                        report = report.requires_project(reaches.clone());
                    }
                    out.report(report);
                    reported.push(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::facts::units::lint;

    const RULE: &str = "connector-revoke-stub";

    /// `flagged text (why)` for each finding in one file.
    fn stubs(path: &str, text: &str) -> Vec<String> {
        lint(RULE, &[(path, text)])
            .into_iter()
            .map(|f| {
                let flagged = f
                    .split(": ")
                    .next()
                    .unwrap_or_default()
                    .split(':')
                    .nth(1)
                    .unwrap_or_default();
                let why = f
                    .split_once(" is a stub (")
                    .map_or("", |(_, w)| w.strip_suffix(')').unwrap_or(w));
                format!("{flagged} ({why})")
            })
            .collect()
    }

    fn ts_class(name: &str, body: &str) -> String {
        format!("class {name} implements Connector {{\n  async revoke(token: string) {{\n{body}\n  }}\n}}\n")
    }

    #[test]
    fn message_names_member_class_and_reason() {
        let found = lint(RULE, &[("src/a.ts", &ts_class("Gmail", ""))]);
        assert_eq!(
            found,
            ["src/a.ts:revoke: `revoke` of `Gmail` is a stub (empty body)"]
        );
    }

    #[test]
    fn ts_stub_bodies() {
        let cases = [
            ("// TODO", "empty body"),
            (";", "empty body"),
            ("return;", "only returns"),
            ("return undefined;", "only returns"),
            ("return void 0;", "only returns"),
            ("return this.revoked;", "only returns"),
            ("return Promise.resolve();", "only returns"),
            ("return `done`;", "only returns"),
            ("return { revoked: true, token };", "only returns"),
            ("console.log('revoke', token);", "only logs"),
            (
                "this.logger?.warn({ token }, 'skip'); return false;",
                "only logs",
            ),
            ("await logger.info(`revoke ${this.id}`);", "only logs"),
            (
                "throw new Error('not implemented');",
                "only throws a not-implemented error",
            ),
            (
                "throw new Error(`${this.id}: revoke not yet implemented`);",
                "only throws a not-implemented error",
            ),
            (
                "throw new NotImplementedError();",
                "only throws a not-implemented error",
            ),
            (
                "log.debug('x'); throw new Error('TODO');",
                "only throws a not-implemented error",
            ),
        ];
        for (body, why) in cases {
            assert_eq!(
                stubs("src/a.ts", &ts_class("C", body)),
                [format!("revoke ({why})")],
                "{body}"
            );
        }
        let real = [
            "await fetch(`https://oauth2.googleapis.com/revoke?token=${token}`);",
            "await this.client.revokeToken(token);",
            "logger.info('revoking'); await gatewayRevoke(this.id);",
            "return this.http.post('/revoke', { token });",
            "return Promise.resolve(this.client.revoke(token));",
            "await super.revoke(token);",
            "this.token = undefined;",
            "throw new Error('revocation failed');",
            "if (!token) return; await revokeIt(token);",
            "return `${await this.client.revoke(token)}`;",
            "return { revoked: await this.client.revoke(token) };",
        ];
        for body in real {
            assert!(stubs("src/a.ts", &ts_class("C", body)).is_empty(), "{body}");
        }
    }

    #[test]
    fn ts_shapes() {
        let src = r#"
            abstract class Declared implements Connector { abstract revoke(): Promise<void>; }
            class Getter implements Connector { get revoke() { return this.fn; } }
            class Unrelated { revoke() {} }
            abstract class Connector { async revoke() {} }
            class Sub extends Connector { }
            class Arrow implements Connector { revoke = async () => {}; }
            class Helper { revoke() { return true; } }
            class UsesHelper extends Helper implements Connector { }
            class Shadowed { revoke() {} }
            class Overrides extends Shadowed implements Connector { revoke() { return api.revoke(); } }
            export default class implements Connector { revoke() {} }
            const obj: Connector = { revoke: () => Promise.resolve() };
            const fn: Connector = { async revoke() { console.info('noop'); } };
            const viaFn = (): Connector => ({ revoke: async function () {} });
        "#;
        assert_eq!(
            stubs("src/a.ts", src),
            [
                "revoke (empty body)",
                "revoke (only returns)",
                "revoke (empty body)",
                "revoke (only returns)",
                "revoke (only logs)",
                "revoke (empty body)",
            ]
        );
        let lines: Vec<String> = lint(RULE, &[("src/a.ts", src)]);
        assert!(lines[1].contains("of `Helper`"), "{lines:?}");
        assert!(lines[2].contains("of `export default class`"), "{lines:?}");
    }

    #[test]
    fn js_extends_interface_base() {
        let src = "export class Gmail extends Connector {\n  async revoke() {}\n}\n";
        assert_eq!(stubs("src/gmail.js", src), ["revoke (empty body)"]);
    }

    #[test]
    fn python_stub_bodies() {
        let class = |decorator: &str, body: &str| {
            format!("class C(Connector):\n    {decorator}\n    async def revoke(self) -> None:\n        {body}\n")
        };
        let cases = [
            ("pass", "only `pass`"),
            ("...", "only `...`"),
            ("\"\"\"Nothing to do.\"\"\"", "only a docstring"),
            (
                "raise NotImplementedError",
                "only raises a not-implemented error",
            ),
            (
                "raise NotImplementedError()",
                "only raises a not-implemented error",
            ),
            (
                "raise RuntimeError('revoke is not supported')",
                "only raises a not-implemented error",
            ),
            ("print('revoke')", "only logs"),
            (
                "self.logger.warning('skip %s', self.id)\n        return None",
                "only logs",
            ),
            ("logging.getLogger(__name__).info('x')", "only logs"),
            ("return True", "only returns"),
            ("return {'revoked': False}", "only returns"),
            ("# comment\n        return", "only returns"),
        ];
        for (body, why) in cases {
            assert_eq!(
                stubs("app/c.py", &class("", body)),
                [format!("revoke ({why})")],
                "{body}"
            );
        }
        assert_eq!(
            stubs("app/c.py", &class("@staticmethod", "pass")),
            ["revoke (only `pass`)"]
        );
        for (decorator, body) in [
            ("", "await self.http.post('/revoke')"),
            ("", "self._token = None"),
            ("", "raise ValueError('no token')"),
            ("@abstractmethod", "raise NotImplementedError"),
            ("@property", "return self._revoke"),
        ] {
            assert!(
                stubs("app/c.py", &class(decorator, body)).is_empty(),
                "{decorator} {body}"
            );
        }
    }

    #[test]
    fn python_definitions_are_not_stubs() {
        let src = r#"
class Connector(ABC):
    def revoke(self):
        raise NotImplementedError

class Proto(Connector, Protocol):
    def revoke(self): ...

class Base:
    def revoke(self):
        pass

@dataclass
class Impl(Base, Connector):
    id: str = "impl"
"#;
        assert_eq!(stubs("app/c.py", src), ["revoke (only `pass`)"]);
        assert!(lint(RULE, &[("app/c.py", src)])[0].contains("of `Base`"));
    }

    #[test]
    fn rust_stub_bodies() {
        let imp = |body: &str| {
            format!("#[async_trait]\nimpl Connector for X {{\n    async fn revoke(&self, token: &str) -> Result<()> {{ {body} }}\n}}\n")
        };
        let cases = [
            ("", "empty body"),
            ("Ok(())", "only returns `Ok(())`"),
            ("let _ = token; Ok(())", "only returns `Ok(())`"),
            ("return Ok(());", "only returns `Ok(())`"),
            ("todo!()", "todo!()"),
            ("unimplemented!(\"later\")", "unimplemented!()"),
            ("tracing::warn!(token, \"skip\"); Ok(())", "only logs"),
            ("info!(\"skip\"); Ok(())", "only logs"),
            ("println!(\"skip\"); Ok(())", "only logs"),
            (
                "Err(anyhow!(\"revoke not supported\"))",
                "only fails with a not-implemented error",
            ),
            (
                "Err(Error::NotImplemented)",
                "only fails with a not-implemented error",
            ),
            (
                "anyhow::bail!(\"not implemented\")",
                "only fails with a not-implemented error",
            ),
            ("Box::pin(async move { Ok(()) })", "only returns `Ok(())`"),
        ];
        for (body, why) in cases {
            assert_eq!(
                stubs("src/x.rs", &imp(body)),
                [format!("revoke ({why})")],
                "{body}"
            );
        }
        for body in [
            "self.http.post(URL).bearer_auth(token).send().await?; Ok(())",
            "self.vault.revoke_upstream(token).await",
            "Err(anyhow!(\"token expired\"))",
            "if token.is_empty() { return Ok(()); } revoke(token).await",
            "drop(token); Ok(())",
        ] {
            assert!(stubs("src/x.rs", &imp(body)).is_empty(), "{body}");
        }
        assert_eq!(
            stubs(
                "src/x.rs",
                "impl Connector for X { fn revoke(&self) -> bool { false } }"
            ),
            ["revoke (only returns)"]
        );
    }

    #[test]
    fn rust_trait_defaults_and_other_traits_are_not_stubs() {
        let src = r#"
            pub trait Connector { fn revoke(&self) -> Result<()> { Ok(()) } }
            impl Connector for Relies {}
            impl Revocable for Other { fn revoke(&self) -> Result<()> { Ok(()) } }
        "#;
        assert!(stubs("src/x.rs", src).is_empty());
    }
}
