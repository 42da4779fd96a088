//! Hosts assembled from constants: `${LEGACY_HOST}.${DOMAIN}` with the
//! constants defined in this file or imported from another module.

use super::{ProjectModel, Query};
use crate::finding::{Condition, Finding};

impl ProjectModel {
    /// The forbidden host `value` (asked from the file at `path`) builds
    /// once each substitution `names` names is spelled out as its constant.
    pub fn built_host(
        &self,
        path: &str,
        value: &str,
        names: &[Option<String>],
        hosts: &[String],
    ) -> Option<String> {
        let hosts = crate::facts::hosts::HostNames::new(hosts).ok()?;
        let constants: Vec<Option<String>> = names
            .iter()
            .map(|name| {
                name.as_deref()
                    .and_then(|name| self.constant_value(path, name))
            })
            .collect();
        if constants.iter().all(Option::is_none) {
            return None;
        }
        crate::facts::hosts::built_host(&hosts, value, &constants)
    }

    /// A finding about a host built from constants: kept with the host in
    /// its message in place of the string as written, or dropped when the
    /// constants do not build a forbidden host. Other findings pass
    /// unchanged.
    pub fn place_host(&self, mut finding: Finding) -> Option<Finding> {
        let Some(index) = finding
            .conditions
            .iter()
            .position(|c| matches!(c, Condition::Project(Query::BuiltHost { .. })))
        else {
            return Some(finding);
        };
        let Condition::Project(Query::BuiltHost {
            value,
            names,
            hosts,
            written,
        }) = finding.conditions.remove(index)
        else {
            return Some(finding);
        };
        let host = self.built_host(finding.source.project_path(), &value, &names, &hosts)?;
        finding.message = finding.message.replacen(&written, &host, 1);
        finding.help = finding.help.replacen(&written, &host, 1);
        Some(finding)
    }
}
