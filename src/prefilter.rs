//! One Aho-Corasick pass over a file's bytes decides which rules could fire
//! on it; files no rule can fire on are never parsed.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::deferred::{deferred, Deferred};
use crate::globs::LazyGlobSet;
use crate::lang::Family;
use crate::rules::CompiledRule;

mod near;
pub use near::{meets, Near, Region};

/// Set by front doors that lint a file or two per process (the agent and
/// git hooks): the matcher is then a contiguous NFA, which builds in a
/// fraction of a DFA's time and scans at half its speed, the right trade
/// when the build dominates. Whole-tree runs always build the DFA: the
/// library's own choice past a hundred patterns is the NFA, which doubled
/// the prefilter's share of a scan.
static FEW_FILES: AtomicBool = AtomicBool::new(false);

/// Past this many literals (ten thousand forbidden hosts make 370,000) a
/// DFA takes seconds and hundreds of megabytes to build: the contiguous
/// NFA is used whatever the run.
const MAX_DFA_LITERALS: usize = 20_000;

pub fn optimize_for_few_files() {
    FEW_FILES.store(true, Ordering::Relaxed);
}

/// The marker every suppression comment contains.
pub const SUPPRESSION_MARKER: &str = "plumbline-ignore";

/// Two passes keep common words cheap: the first looks only for each
/// rule's main literals (and the suppression marker); the second, for the
/// further groups a rule requires (`Check::required_literals`), runs only
/// on files where such a rule's main literal was found. Words like `log`
/// or `delete` would otherwise be matched thousands of times per file.
pub struct Prefilter {
    matcher: Option<AhoCorasick>,
    /// Pattern index → (rule index, literal group) it satisfies. The last
    /// pattern is the suppression marker and satisfies none.
    pattern_rules: Vec<Vec<Target>>,
    /// The further groups' literals, built the first time a file needs
    /// them (an agent hook's clean edit never does).
    required: Deferred<Option<AhoCorasick>>,
    required_rules: Vec<Vec<Target>>,
    /// Per rule: the bit mask of its literal groups that must all match.
    full_masks: Vec<u32>,
    path_triggers: Vec<(LazyGlobSet, usize)>,
    /// Rules with no literals at all: they must see every file of their
    /// languages.
    always: Vec<usize>,
    /// The literals of every rule's [`Near`] requirement, searched (once)
    /// only in files where such a rule's literal groups all matched.
    near: Deferred<Option<AhoCorasick>>,
    /// Pattern index → (rule index, whether it is an anchor).
    near_patterns: Vec<Vec<(usize, bool)>>,
    /// Per rule: the region its `Near` requirement asks for.
    near_regions: Vec<Option<Region>>,
    /// Per rule: whether its `within` literals count only where they end a
    /// word.
    near_ends_word: Vec<bool>,
    rule_count: usize,
}

/// A rule's literal group that a literal of the matcher satisfies.
struct Target {
    rule: usize,
    group: u32,
    /// The literal as written, for a rule whose literals match case
    /// (`Check::literals_match_case`): a match spelled otherwise does not
    /// count for it.
    exact: Option<Box<[u8]>>,
}

impl Target {
    fn spelled(&self, bytes: &[u8], range: std::ops::Range<usize>) -> bool {
        self.exact
            .as_deref()
            .is_none_or(|exact| bytes.get(range) == Some(exact))
    }
}

/// What the prefilter found in one file.
pub struct Triggered {
    pub rules: Vec<bool>,
    pub has_suppression: bool,
}

impl Triggered {
    pub fn any_rule(&self) -> bool {
        self.rules.iter().any(|&r| r)
    }
}

impl Prefilter {
    pub fn build(rules: &[CompiledRule]) -> Prefilter {
        let mut literals: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<Target>> = Vec::new();
        let mut required_literals: Vec<String> = Vec::new();
        let mut required_rules: Vec<Vec<Target>> = Vec::new();
        // Index of each literal in its list: a linear search per literal
        // made building quadratic in the number of forbidden hosts.
        let mut positions: [std::collections::HashMap<String, usize>; 2] = Default::default();
        let mut full_masks = Vec::new();
        let mut path_triggers = Vec::new();
        let mut always = Vec::new();
        let mut near_literals: Vec<String> = Vec::new();
        let mut near_patterns: Vec<Vec<(usize, bool)>> = Vec::new();
        let mut near_positions: std::collections::HashMap<String, usize> = Default::default();
        let mut near_regions = Vec::new();
        let mut near_ends_word = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let near = rule
                .check
                .near()
                .filter(|n| has_literal(&n.anchors) && has_literal(&n.within));
            near_regions.push(near.as_ref().map(|n| n.region));
            near_ends_word.push(near.as_ref().is_some_and(|n| n.within_ends_word));
            for (literals, anchor) in near
                .iter()
                .flat_map(|n| [(&n.anchors, true), (&n.within, false)])
            {
                for literal in literals {
                    let literal = literal.to_ascii_lowercase();
                    if literal.is_empty() {
                        continue;
                    }
                    match near_positions.get(&literal) {
                        Some(&i) => near_patterns[i].push((index, anchor)),
                        None => {
                            near_positions.insert(literal.clone(), near_literals.len());
                            near_literals.push(literal);
                            near_patterns.push(vec![(index, anchor)]);
                        }
                    }
                }
            }
            let mut groups = vec![rule.check.literals()];
            groups.extend(
                rule.check
                    .required_literals()
                    .into_iter()
                    .filter(|g| !g.is_empty()),
            );
            groups.truncate(32);
            if groups[0].is_empty() {
                always.push(index);
            }
            full_masks.push(if groups.len() == 32 {
                u32::MAX
            } else {
                (1u32 << groups.len()) - 1
            });
            let match_case = rule.check.literals_match_case();
            for (group, group_literals) in groups.into_iter().enumerate() {
                for written in group_literals {
                    let literal = written.to_ascii_lowercase();
                    if literal.is_empty() {
                        continue;
                    }
                    let target = Target {
                        rule: index,
                        group: group as u32,
                        exact: (match_case && group == 0).then(|| written.into_bytes().into()),
                    };
                    let (literals, pattern_rules, positions) = if group == 0 {
                        (&mut literals, &mut pattern_rules, &mut positions[0])
                    } else {
                        (
                            &mut required_literals,
                            &mut required_rules,
                            &mut positions[1],
                        )
                    };
                    match positions.get(&literal) {
                        Some(&i) => pattern_rules[i].push(target),
                        None => {
                            positions.insert(literal.clone(), literals.len());
                            literals.push(literal);
                            pattern_rules.push(vec![target]);
                        }
                    }
                }
            }
            let globs = rule.check.path_triggers();
            if !globs.is_empty() {
                if let Ok(set) = LazyGlobSet::new(globs.iter().map(String::as_str)) {
                    path_triggers.push((set, index));
                }
            }
        }
        literals.push(SUPPRESSION_MARKER.to_string());
        pattern_rules.push(Vec::new());
        Prefilter {
            matcher: build_matcher(&literals),
            pattern_rules,
            required: deferred(move || {
                (!required_literals.is_empty())
                    .then(|| build_matcher(&required_literals))
                    .flatten()
            }),
            required_rules,
            full_masks,
            path_triggers,
            always,
            near: deferred(move || {
                (!near_literals.is_empty())
                    .then(|| build_matcher(&near_literals))
                    .flatten()
            }),
            near_patterns,
            near_regions,
            near_ends_word,
            rule_count: rules.len(),
        }
    }

    /// Which rules `bytes` at `project_path`, in a language of `family`,
    /// may trigger; `applicable` says which rules read the file's language
    /// at all.
    pub fn scan(
        &self,
        project_path: &str,
        bytes: &[u8],
        family: Family,
        applicable: &[bool],
    ) -> Triggered {
        let mut rules = vec![false; self.rule_count];
        let mut remaining = applicable.iter().filter(|&&a| a).count();
        for &i in &self.always {
            if applicable[i] && !rules[i] {
                rules[i] = true;
                remaining -= 1;
            }
        }
        for (set, i) in &self.path_triggers {
            if applicable[*i] && !rules[*i] && set.is_match(project_path) {
                rules[*i] = true;
                remaining -= 1;
            }
        }
        // Rules a path or the lack of literals triggered: no `Near`
        // requirement applies to them.
        let unconditional = rules.clone();
        let mut has_suppression = false;
        let mut masks = vec![0u32; self.rule_count];
        if let Some(matcher) = &self.matcher {
            for m in matcher.find_overlapping_iter(bytes) {
                let targets = &self.pattern_rules[m.pattern().as_usize()];
                if targets.is_empty() {
                    has_suppression = true;
                }
                for target in targets {
                    let (i, group) = (target.rule, target.group);
                    if applicable[i] && !rules[i] && target.spelled(bytes, m.range()) {
                        masks[i] |= 1 << group;
                        if masks[i] == self.full_masks[i] {
                            rules[i] = true;
                            remaining -= 1;
                        }
                    }
                }
                if remaining == 0 && has_suppression {
                    break;
                }
            }
        }
        // Rules whose main literal matched and that need more groups.
        let mut pending = (0..self.rule_count)
            .filter(|&i| !rules[i] && masks[i] & 1 == 1)
            .count();
        let required = if pending > 0 {
            self.required.as_ref()
        } else {
            None
        };
        if let Some(required) = required {
            for m in required.find_overlapping_iter(bytes) {
                for target in &self.required_rules[m.pattern().as_usize()] {
                    let (i, group) = (target.rule, target.group);
                    if !rules[i] && masks[i] & 1 == 1 && target.spelled(bytes, m.range()) {
                        masks[i] |= 1 << group;
                        if masks[i] == self.full_masks[i] {
                            rules[i] = true;
                            pending -= 1;
                        }
                    }
                }
                if pending == 0 {
                    break;
                }
            }
        }
        self.require_near(bytes, family, &unconditional, &mut rules);
        Triggered {
            rules,
            has_suppression,
        }
    }

    /// Turns off the triggered rules whose [`Near`] literals do not meet in
    /// `bytes`, with one pass of the near matcher for all of them.
    fn require_near(
        &self,
        bytes: &[u8],
        family: Family,
        unconditional: &[bool],
        rules: &mut [bool],
    ) {
        let pending: Vec<usize> = (0..self.rule_count)
            .filter(|&i| rules[i] && !unconditional[i] && self.near_regions[i].is_some())
            .collect();
        if pending.is_empty() {
            return;
        }
        let Some(matcher) = self.near.as_ref() else {
            return;
        };
        // Per pending rule: anchor and within match starts, in order.
        let mut found: Vec<(Vec<usize>, Vec<usize>)> = vec![Default::default(); self.rule_count];
        for m in matcher.find_overlapping_iter(bytes) {
            for &(i, anchor) in &self.near_patterns[m.pattern().as_usize()] {
                if !rules[i] || unconditional[i] {
                    continue;
                }
                if anchor {
                    found[i].0.push(m.start());
                } else if !self.near_ends_word[i] || near::ends_word(bytes, m.end()) {
                    found[i].1.push(m.start());
                }
            }
        }
        for i in pending {
            let Some(region) = self.near_regions[i] else {
                continue;
            };
            let (anchors, within) = &mut found[i];
            // Overlapping matches arrive by end offset: order by start.
            anchors.sort_unstable();
            anchors.dedup();
            within.sort_unstable();
            rules[i] = near::meets(bytes, family, region, anchors, within);
        }
    }
}

/// A case-insensitive matcher for `literals`: a DFA for whole-tree runs, a
/// contiguous NFA for a file or two (see [`FEW_FILES`]).
fn build_matcher(literals: &[String]) -> Option<AhoCorasick> {
    let nfa = FEW_FILES.load(Ordering::Relaxed) || literals.len() > MAX_DFA_LITERALS;
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .kind(Some(if nfa {
            AhoCorasickKind::ContiguousNFA
        } else {
            AhoCorasickKind::DFA
        }))
        .match_kind(MatchKind::Standard)
        .build(literals)
        .ok()
}

fn has_literal(literals: &[String]) -> bool {
    literals.iter().any(|l| !l.is_empty())
}
