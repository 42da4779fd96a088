//! The `required-member` rule kind.

use crate::facts::units::{Body, Contract, Lookup, Model};
use crate::finding::Condition;
use crate::lang::{Family, ParsedFile};
use crate::project::Query;
use crate::rules::{declare_kind, Check, Kind, OptionDoc, OptionError, Report, Reporter};

declare_kind! {
    /// ## What it does
    /// Checks that every implementation of an interface defines the members
    /// the contract requires. Implementations are TS/JS classes that
    /// `implements` the interface (or extend a class that does, or that is
    /// the interface's own definition), object literals typed as the
    /// interface (`const x: Connector = {…}`, `satisfies`, `as`, returned
    /// from a function declared to return it), Python classes listing it (or
    /// a class that implements it) as a base, and Rust `impl Trait for
    /// Type` blocks. The interface may be named as the contract names it or
    /// under any alias an import gives it (`import type {
    /// IntegrationConnector as IC }`, `ns.IntegrationConnector`, a Rust `use
    /// … as`), or through an interface that extends it: the project model
    /// follows imports, aliases, re-exports and interface `extends`
    /// across files and packages (Rust: `use` and `pub use` through
    /// `crate::`, `super::`, child modules and other workspace crates, as
    /// in `use integrations::IntegrationConnector as Api; impl Api for
    /// Notion`), and a base class in another file counts when its own bases
    /// or `implements` reach the contract.
    ///
    /// An implementation lacking several members is one finding naming
    /// them (the first eight, then how many more).
    ///
    /// A member counts when the implementation or a base (in the file or,
    /// through imports, in another) defines it as a method, a field or a
    /// property. An abstract declaration counts for abstract classes only.
    /// A member the TS interface declares optional (`revoke?()`) is still
    /// required: an optional declaration supplies no implementation, and
    /// neither does a class field declared without a value (`revoke?: () =>
    /// Promise<void>;`). Only a real default body cancels the requirement: a
    /// base class method with a body, or a default in the interface's own
    /// definition (`class Connector(ABC)`, `trait Connector`) that really
    /// does something (not `pass`, `Ok(())` or `todo!()`), wherever in the
    /// project it is defined. Not reported, because the member may come
    /// from something plumbline cannot read: a base class from outside the
    /// project or from an import that cannot be followed, an object with a
    /// spread, an object cast through another type (`as unknown as
    /// Connector`). Test code (`tests/`, `__tests__/`, `*.test.*`,
    /// `*.spec.*`, `test_*.py`,
    /// `#[cfg(test)]`) is skipped: fakes implement contracts partially on
    /// purpose.
    ///
    /// ## Why is this bad?
    /// An interface member that an implementation lacks is a path the
    /// contract promises and the code does not take: for a connector without
    /// `revoke`, disconnecting deletes our copy of the token and leaves the
    /// grant alive at the provider.
    ///
    /// ## Example
    /// ```ts
    /// export class GmailConnector implements Connector {
    ///   async fetchSignals() { /* ... */ }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```ts
    /// export class GmailConnector implements Connector {
    ///   async fetchSignals() { /* ... */ }
    ///   async revoke(token: string) {
    ///     await fetch(`https://oauth2.googleapis.com/revoke?token=${token}`, { method: 'POST' });
    ///   }
    /// }
    /// ```
    ///
    /// ## Options
    /// - `interfaces`: names of the interfaces, base classes or traits that
    ///   form the contract, without module path (`["Connector"]`).
    /// - `members`: members every implementation must define (`["revoke"]`).
    /// - `classes`: globs over class names (`["*Provider"]`): a TS/JS or
    ///   Python class whose name matches must define the members whatever it
    ///   implements (its in-file and imported bases still count). Give
    ///   `interfaces`, `classes` or both. `{interface}` in the message is
    ///   then the glob the class matched.
    pub struct RequiredMember;
}

const OPTIONS: &[OptionDoc] = &[
    OptionDoc {
        name: "interfaces",
        description:
            "Interface, base class or trait names that form the contract (bare identifiers)",
    },
    OptionDoc {
        name: "members",
        description: "Members every implementation must define",
    },
    OptionDoc {
        name: "classes",
        description: "Globs over class names (`*Provider`) whose classes must define the members",
    },
];

impl Kind for RequiredMember {
    fn id(&self) -> &'static str {
        "required-member"
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
        Ok(Box::new(RequiredMemberCheck {
            contract: Contract::compile(options)?,
        }))
    }
}

struct RequiredMemberCheck {
    contract: Contract,
}

impl Check for RequiredMemberCheck {
    fn literals(&self) -> Vec<String> {
        self.contract.literals()
    }

    /// The interface is named by its identifier, spelled as configured.
    fn literals_match_case(&self) -> bool {
        true
    }

    fn check(&self, file: &ParsedFile, out: &mut Reporter<'_>) {
        let Some(model) = Model::of(file, &self.contract) else {
            return;
        };
        // A real default in the interface's own definition supplies the
        // member to implementations in other files.
        for unit in model.units.iter().filter(|u| u.is_definition) {
            for member in &self.contract.members {
                let real = matches!(unit.member(member), Some(m) if matches!(m.body, Body::Value | Body::Code(None)));
                if real {
                    out.fact(model.default_fact(&unit.name, member));
                }
            }
        }
        for (index, unit) in model.units.iter().enumerate() {
            let claims = model.claims(index, &self.contract);
            if claims.is_empty() {
                continue;
            }
            // Each missing member with what would supply it from other
            // files: a real default in the interface's definition, a base
            // class in another module.
            let mut missing: Vec<(&String, Vec<Condition>)> = Vec::new();
            for member in &self.contract.members {
                let (unless, bases) = match model.lookup(index, member, &self.contract) {
                    Lookup::Found {
                        owner,
                        member: found,
                    } => {
                        let inherited = owner != index;
                        let usable = match found.body {
                            Body::Abstract => !inherited || unit.is_abstract,
                            Body::Code(Some(_)) => !model.units[owner].is_definition,
                            Body::Code(None) | Body::Value => true,
                        };
                        if usable {
                            continue;
                        }
                        (None, Vec::new())
                    }
                    Lookup::Missing { unless, bases } => (unless, bases),
                    Lookup::Unknown => continue,
                };
                let mut conditions = Vec::new();
                if let Some(base) = &unless {
                    conditions.push(Condition::Unless(model.default_fact(base, member)));
                }
                if !bases.is_empty() {
                    conditions.push(Condition::Project(Query::BasesLack {
                        bases,
                        member: member.clone(),
                        definitions: self.contract.interfaces.clone(),
                        abstract_supplies: unit.is_abstract,
                    }));
                }
                missing.push((member, conditions));
            }
            if missing.is_empty() {
                continue;
            }
            // One finding per implementation (and contract it claims),
            // naming every missing member.
            for claim in &claims {
                let interface = &claim.interface;
                let mut report = Report::at(unit.span.clone())
                    .var("name", &unit.name)
                    .var("interface", interface)
                    .label(format!("`{interface}` implementation without `{{member}}`"));
                for (member, conditions) in &missing {
                    report = report.item("member", member.as_str(), conditions.clone());
                }
                if let Some(reaches) = &claim.reaches {
                    report = report.requires_project(reaches.clone());
                }
                out.report(report);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::facts::units::lint;

    const RULE: &str = "connector-missing-revoke";

    /// The flagged text of each finding, over one file.
    fn flagged(path: &str, text: &str) -> Vec<String> {
        flagged_in(&[(path, text)])
    }

    fn flagged_in(files: &[(&str, &str)]) -> Vec<String> {
        lint(RULE, files)
            .into_iter()
            .map(|f| {
                f.split(": ")
                    .next()
                    .unwrap_or_default()
                    .split(':')
                    .nth(1)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn message_names_class_interface_and_member() {
        let found = lint(
            RULE,
            &[(
                "src/a.ts",
                "export class Gmail implements ns.Connector<Cfg> { id = 'g'; }",
            )],
        );
        assert_eq!(
            found,
            ["src/a.ts:Gmail: `Gmail` implements `Connector` but has no `revoke`"]
        );
    }

    #[test]
    fn ts_class_shapes() {
        let src = r#"
            export default class implements Connector { id = 'x'; }
            const Expr = class implements Connector {};
            @Injectable()
            export class Decorated implements Disposable, Connector { }
            class Getter implements Connector { get revoke() { return this.r; } }
            class Param implements Connector { constructor(private readonly revoke: () => Promise<void>) {} }
            class Assigned implements Connector { constructor() { this.revoke = makeRevoke(); } }
            class Field implements Connector { revoke = revokeToken; }
            class Quoted implements Connector { 'revoke'() { return fetch(u); } }
            class Overloaded implements Connector { revoke(): void; revoke(t?: string) { call(t); } }
            class Other implements ConnectorFactory { }
            class Foreign extends ExternalBase implements Connector { }
            class Mixed extends withRetry(Base) implements Connector { }
            interface Connector { revoke(): Promise<void>; }
        "#;
        assert_eq!(flagged("src/a.ts", src), ["class", "Expr", "Decorated"]);
    }

    #[test]
    fn ts_inheritance_and_abstract_members() {
        let src = r#"
            abstract class Base implements Connector { abstract revoke(): Promise<void>; }
            abstract class StillAbstract extends Base { }
            class Concrete extends StillAbstract { }
            class Done extends Base { async revoke() { await fetch(u); } }
            class Helper { revoke() { return api.revoke(); } }
            class ViaHelper extends Helper implements Connector { }
        "#;
        assert_eq!(flagged("src/a.ts", src), ["Concrete"]);
    }

    #[test]
    fn ts_object_literals() {
        let src = r#"
            const a: Connector = { id: 'a' };
            const cast = { id: 'cast' } as unknown as Connector;
            const any: Connector = { id: 'any' } as any;
            const b = { id: 'b' } as const satisfies Connector;
            const c = <Connector>{ id: 'c' };
            const d: Connector = ({ id: 'd', 'revoke': revokeD });
            const e: Connector = { ...base, id: 'e' };
            const f: Connector = { id: 'f', revoke };
            const g: Connector = { id: 'g', ['revoke']: async () => api.revoke() };
            const h: Partial<Connector> = { id: 'h' };
            export function make(): Promise<Connector> { return { id: 'make' }; }
            export async function maybe(): Promise<Connector | null> { if (x) return null; return ({ id: 'maybe' }); }
            const arrow = (): Connector => ({ id: 'arrow' });
            const list: Connector[] = [{ id: 'l1' }, { id: 'l2', revoke }];
            const byId: Record<string, Connector> = { gmail: { id: 'gmail' }, slack };
            function notTyped() { return { id: 'n' }; }
        "#;
        let found = flagged("src/a.ts", src);
        assert_eq!(
            found,
            ["a", "b", "c", "{", "{", "{", "{", "gmail"],
            "{found:?}"
        );
        let messages = lint(
            RULE,
            &[("src/a.ts", "function make(): Connector { return {}; }")],
        );
        assert!(messages[0].contains("`make()` implements"), "{messages:?}");
    }

    #[test]
    fn js_with_jsdoc_and_base_classes() {
        let src = r#"
            /** @implements {Connector} */
            export class Documented { fetch() {} }
            /** @type {import('./connector').Connector} */
            const typed = { id: 'typed' };
            class Plain extends Connector { fetch() {} }
            class Other { fetch() {} }
        "#;
        assert_eq!(flagged("src/a.js", src), ["Documented", "typed"]);
    }

    #[test]
    fn ts_base_classes_named_like_the_interface() {
        let base =
            "export abstract class Connector { async revoke() { await gateway.revoke(this.id); } }";
        let stub = "export abstract class Connector { async revoke() {} }";
        let abstract_base = "export abstract class Connector { abstract revoke(): Promise<void>; }";
        // From another file the project model reads the base the same way.
        let user = "import { Connector } from './base';\nexport class Gmail extends Connector { }";
        let there =
            |definition: &str| flagged_in(&[("src/base.ts", definition), ("src/gmail.ts", user)]);
        assert!(there(base).is_empty());
        assert_eq!(there(stub), ["Gmail"]);
        assert_eq!(there(abstract_base), ["Gmail"]);
        // A base from outside the project may supply anything.
        let external =
            "import { Connector } from '@vendor/sdk';\nexport class Gmail extends Connector { }";
        assert!(flagged_in(&[("src/gmail.ts", external)]).is_empty());
        // In the same file the definition is read: a stub default or an
        // abstract declaration does not supply the member.
        let here = |definition: &str| {
            flagged(
                "src/a.ts",
                &format!("{definition}\nclass Gmail extends Connector {{}}"),
            )
        };
        assert!(here(base).is_empty());
        assert_eq!(here(stub), ["Gmail"]);
        assert_eq!(here(abstract_base), ["Gmail"]);
    }

    #[test]
    fn optional_members_do_not_satisfy_the_contract() {
        let optional = "export interface Connector { id: string; revoke?(): Promise<void>; }";
        let required = "export interface Connector { id: string; revoke(): Promise<void>; }";
        let user = "export class Gmail implements Connector { id = 'g'; }";
        for types in [optional, required] {
            assert_eq!(
                flagged_in(&[("src/types.ts", types), ("src/gmail.ts", user)]),
                ["Gmail"]
            );
        }
        let alias = "type Connector = { revoke?: () => Promise<void> };\nconst c: Connector = {};";
        assert_eq!(flagged("src/a.ts", alias), ["c"]);
        let declared_only = "class Gmail implements Connector { revoke?: () => Promise<void>; }";
        assert_eq!(flagged("src/a.ts", declared_only), ["Gmail"]);
        let assigned = "class Gmail implements Connector { revoke?: () => Promise<void> = async () => { await fetch(url); }; }";
        assert!(flagged("src/a.ts", assigned).is_empty());
    }

    #[test]
    fn interfaces_extending_or_aliasing_the_contract() {
        let contract = "export interface Connector { id: string; revoke(): Promise<void>; }";
        let extended = "import type { Connector } from './contract';\n\
            export interface IntegrationConnector extends Connector { scopes: string[] }\n\
            export type Pair = Connector & { pair: true };";
        let user = "import type { IntegrationConnector, Pair } from './extended';\n\
            interface Local extends IntegrationConnector {}\n\
            type Plain = { id: string };\n\
            export class A implements IntegrationConnector { id = 'a'; scopes = []; }\n\
            export class B implements Local { id = 'b'; scopes = []; }\n\
            export const c = { id: 'c', pair: true } satisfies Pair;\n\
            export class D implements Plain { id = 'd'; }";
        assert_eq!(
            flagged_in(&[
                ("src/contract.ts", contract),
                ("src/extended.ts", extended),
                ("src/user.ts", user)
            ]),
            ["A", "B", "c"]
        );
    }

    #[test]
    fn test_code_is_skipped() {
        let fake = "const fake = { id: 'x' } as Connector;";
        for path in [
            "src/__tests__/a.ts",
            "src/a.test.ts",
            "web/a.spec.tsx",
            "tests/a.ts",
        ] {
            assert!(flagged(path, fake).is_empty(), "{path}");
        }
        let py = "class Fake(Connector):\n    pass\n";
        for path in [
            "tests/fakes.py",
            "app/test_sync.py",
            "app/sync_test.py",
            "conftest.py",
        ] {
            assert!(flagged(path, py).is_empty(), "{path}");
        }
        assert_eq!(flagged("app/contest.py", py), ["Fake"]);
        let rs = "#[cfg(test)]\nmod tests { impl Connector for Mock {} }\n#[tokio::test]\nasync fn t() { struct M; impl Connector for M {} }\n#[cfg(feature = \"testing\")]\nimpl Connector for Real {}";
        assert_eq!(flagged("src/a.rs", rs), ["Real"]);
    }

    #[test]
    fn python_classes() {
        let src = r#"
from abc import ABC, abstractmethod

@dataclass(frozen=True)
class Data(Connector):
    id: str = "data"

class Generic(base.Connector[Config]):
    pass

class WithMixin(Connector, ExternalMixin):
    pass

class Foreign(ExternalBase):
    pass

class Attr(Connector):
    revoke = staticmethod(revoke_token)

class InInit(Connector):
    def __init__(self, fn):
        self.revoke = fn

class Good(Connector):
    async def revoke(self) -> None:
        await self.http.post("/revoke")

class Child(Good):
    pass

class Loose(Connector):
    id = "loose"

class LooseChild(Loose, ExternalMixin):
    pass

class AbstractBase(Connector, ABC):
    @abstractmethod
    async def revoke(self) -> None: ...

class ConcreteChild(AbstractBase):
    pass

class AbstractChild(AbstractBase, ABC):
    pass

class ConnectorError(Exception):
    pass
"#;
        assert_eq!(
            flagged("app/a.py", src),
            ["Data", "Generic", "WithMixin", "Loose", "ConcreteChild"]
        );
    }

    #[test]
    fn python_definitions() {
        let protocol = "class Connector(Protocol):\n    async def revoke(self) -> None: ...\n\nclass Impl(Connector):\n    id = 'x'\n";
        assert_eq!(flagged("app/a.py", protocol), ["Impl"]);
        let real =
            "class Connector(ABC):\n    def revoke(self):\n        self.gateway.revoke(self.id)\n";
        let user = "from .base import Connector\n\nclass Impl(Connector):\n    id = 'x'\n";
        assert!(flagged_in(&[("app/base.py", real), ("app/impl.py", user)]).is_empty());
        let stub =
            "class Connector(ABC):\n    def revoke(self):\n        raise NotImplementedError\n";
        assert_eq!(
            flagged_in(&[("app/base.py", stub), ("app/impl.py", user)]),
            ["Impl"]
        );
        assert!(flagged("app/a.pyi", user).is_empty());
    }

    #[test]
    fn rust_impls() {
        let src = r#"
            #[async_trait]
            impl Connector for Good {
                async fn revoke(&self, token: &str) -> anyhow::Result<()> { self.http.post(URL).send().await?; Ok(()) }
            }
            #[async_trait::async_trait]
            impl<T: Send> crate::connector::Connector for Generic<T> { fn id(&self) -> &str { "g" } }
            mod nested { impl super::Connector for Inner {} }
            impl Connector for ByMacro { delegate_revoke!(); }
            impl fmt::Display for Unrelated { fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { Ok(()) } }
        "#;
        assert_eq!(flagged("src/a.rs", src), ["Generic<T>", "Inner"]);
        let broken =
            "impl Connector for Broken { fn id(&self) -> &str { \"b\" }\n fn oops( -> u32 {} }";
        assert!(flagged("src/b.rs", broken).is_empty());
    }

    #[test]
    fn rust_trait_defaults_across_files() {
        let real = "pub trait Connector { fn http(&self) -> &Client; async fn revoke(&self) -> Result<()> { self.http().post(URL).send().await?; Ok(()) } }";
        let stub = "pub trait Connector { async fn revoke(&self) -> Result<()> { tracing::warn!(\"no revoke\"); Ok(()) } }";
        let bare = "pub trait Connector { async fn revoke(&self) -> Result<()>; }";
        let user = "impl Connector for Slack { fn http(&self) -> &Client { &self.http } }";
        assert!(flagged_in(&[("src/connector.rs", real), ("src/slack.rs", user)]).is_empty());
        assert_eq!(
            flagged_in(&[("src/connector.rs", stub), ("src/slack.rs", user)]),
            ["Slack"]
        );
        assert_eq!(
            flagged_in(&[("src/connector.rs", bare), ("src/slack.rs", user)]),
            ["Slack"]
        );
        assert_eq!(flagged_in(&[("src/slack.rs", user)]), ["Slack"]);
        // Within one file the trait decides, whatever other files say.
        assert_eq!(
            flagged_in(&[
                ("src/connector.rs", real),
                ("src/a.rs", &format!("{stub}\n{user}"))
            ]),
            ["Slack"]
        );
        assert!(flagged("src/a.rs", &format!("{real}\n{user}")).is_empty());
    }

    #[test]
    fn options_are_validated() {
        use crate::rules::Kind;
        let kind = super::RequiredMember;
        let table = |s: &str| -> toml::Table { toml::from_str(s).expect("toml") };
        assert!(kind
            .compile(&table("interfaces = ['Connector']\nmembers = ['revoke']"))
            .is_ok());
        let empty = kind
            .compile(&table("interfaces = []\nmembers = ['revoke']"))
            .err()
            .expect("error");
        assert_eq!(empty.option.as_deref(), Some("interfaces"));
        let dotted = kind
            .compile(&table(
                "interfaces = ['ns.Connector']\nmembers = ['revoke']",
            ))
            .err()
            .expect("error");
        assert_eq!(dotted.option.as_deref(), Some("interfaces"));
        assert!(kind
            .compile(&table("interfaces = ['C']\nmembers = ['r']\nextra = 1"))
            .is_err());
        assert!(kind.compile(&table("interfaces = ['C']")).is_err());
    }
}
