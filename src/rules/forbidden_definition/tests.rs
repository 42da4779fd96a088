fn flagged(path: &str, text: &str) -> Vec<String> {
    crate::rules::lint_with_only("supabase-save-integration-status", &[(path, text)])
        .iter()
        .map(|f| format!("{}: {}", &text[f.span.clone()], f.message))
        .collect()
}

fn names(path: &str, text: &str) -> Vec<String> {
    flagged(path, text)
        .into_iter()
        .map(|f| f.split(':').next().unwrap().to_string())
        .collect()
}

#[test]
fn js_definitions() {
    let src = "export async function saveGcpIntegrationStatus() {}\n\
               export default function saveIntegrationStatus() {}\n\
               export const saveAwsIntegrationStatus = async (a: string): Promise<void> => {};\n\
               const saveAzureIntegrationStatus = async function () {};\n\
               const saveOciIntegrationStatus = useCallback(async () => {}, []);\n\
               class S { async saveAIntegrationStatus() {} saveBIntegrationStatus = () => 1; #saveCIntegrationStatus() {} }\n\
               const o = { saveDIntegrationStatus() {}, saveEIntegrationStatus: async () => {}, 'saveFIntegrationStatus': function () {} };\n\
               exports.saveGIntegrationStatus = function () {};\n\
               import { saveHIntegrationStatus } from './x';\n\
               await saveHIntegrationStatus(1);\n\
               const r = { saveIIntegrationStatus };\n\
               interface I { saveJIntegrationStatus(): void }\n\
               function saveKIntegrationStatus(a: string): void;\n\
               const saveLIntegrationStatus = other;\n\
               function saveIntegrationStatusHistory() {}\n\
               function getGcpIntegrationStatus() {}\n\
               function save_gcp_integration_status() {}\n";
    assert_eq!(
        names("a.ts", src),
        vec![
            "saveGcpIntegrationStatus",
            "saveIntegrationStatus",
            "saveAwsIntegrationStatus",
            "saveAzureIntegrationStatus",
            "saveOciIntegrationStatus",
            "saveAIntegrationStatus",
            "saveBIntegrationStatus",
            "#saveCIntegrationStatus",
            "saveDIntegrationStatus",
            "saveEIntegrationStatus",
            "'saveFIntegrationStatus'",
            "saveGIntegrationStatus",
        ]
    );
    assert_eq!(
        flagged("a.ts", "function saveGcpIntegrationStatus() {}")[0],
        "saveGcpIntegrationStatus: `saveGcpIntegrationStatus` saves integration status; such helpers must not exist"
    );
}

#[test]
fn python_definitions() {
    let src = "def save_gcp_integration_status(a):\n    pass\n\
               async def save_integration_status():\n    def save_aws_integration_status(): pass\n\
               class R:\n    @staticmethod\n    def save_oci_integration_status(self): pass\n\
               def saveAzureIntegrationStatus(): pass\n\
               save_x_integration_status = lambda a: a\n\
               from m import save_y_integration_status\n\
               save_y_integration_status(1)\n\
               def get_gcp_integration_status(): pass\n\
               def save_integration_settings(): pass\n";
    assert_eq!(
        names("a.py", src),
        vec![
            "save_gcp_integration_status",
            "save_integration_status",
            "save_aws_integration_status",
            "save_oci_integration_status",
            "saveAzureIntegrationStatus",
            "save_x_integration_status",
        ]
    );
}

#[test]
fn options_are_validated() {
    use crate::rules::Kind;
    let compile = |text: &str| super::ForbiddenDefinition.compile(&toml::from_str(text).unwrap());
    assert_eq!(
        compile("names = []").err().unwrap().option.as_deref(),
        Some("names")
    );
    assert_eq!(
        compile("names = ['*']").err().unwrap().option.as_deref(),
        Some("names")
    );
    assert_eq!(
        compile("names = ['save Status']")
            .err()
            .unwrap()
            .option
            .as_deref(),
        Some("names")
    );
    let check = compile("names = ['save*IntegrationStatus']").ok().unwrap();
    assert_eq!(
        check.literals(),
        vec!["IntegrationStatus", "_integration_status"]
    );
    assert!(compile("names = ['a*b']")
        .ok()
        .unwrap()
        .literals()
        .is_empty());
}
