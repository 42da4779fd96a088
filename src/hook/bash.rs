//! What a shell command an agent wants to run would write, and the words it
//! would send elsewhere (URLs, SQL), read without executing anything.
//!
//! The command is read by a small POSIX-shell lexer: quotes and escapes
//! group words, the control operators (`;`, `&`, `&&`, `|`, `||`, newline)
//! end a simple command, redirections (`>`, `>|`, `>>`, `&>`, `<<`, `<<-`,
//! `<<<`) are their own tokens, and here-document bodies are taken from the
//! lines after the command that opens them, as the shell does. (The shell
//! parser crates were weighed: `shell-words` splits words but knows no
//! operators, `conch-parser` is unmaintained, and `yash-syntax` and
//! `brush-parser` build a full AST with async or heavy dependencies that
//! the hook's start-up budget does not need.)

/// A file a command writes with content plumbline can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWrite {
    pub path: String,
    pub content: String,
    /// `>>` or `tee -a`: the content is appended.
    pub append: bool,
}

/// A redirection of a simple command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// `>`, `>|`, `>>`, `&>`, `&>>`, `<`, `<<`, `<<-`, `<<<`, `>&`.
    pub op: String,
    /// The file, here-document delimiter, or here-string.
    pub target: String,
}

/// One simple command: its words, its redirections, the here-document it
/// reads, and whether its input comes from the previous command's pipe.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    pub words: Vec<String>,
    pub redirects: Vec<Redirect>,
    pub heredoc: Option<String>,
    pub piped_from_previous: bool,
}

impl SimpleCommand {
    /// The program run, past `sudo`, `env`, `command`, `exec` and
    /// `NAME=value` assignments, without its folder.
    pub fn program(&self) -> Option<&str> {
        let mut words = self.words.iter().map(String::as_str);
        loop {
            let w = words.next()?;
            let assignment = w.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if assignment || matches!(w, "sudo" | "env" | "command" | "exec" | "nohup" | "time") {
                continue;
            }
            return Some(w.rsplit('/').next().unwrap_or(w));
        }
    }

    /// The words after the program.
    pub fn args(&self) -> &[String] {
        let Some(program) = self.program() else {
            return &[];
        };
        let at = self
            .words
            .iter()
            .position(|w| w.rsplit('/').next() == Some(program))
            .unwrap_or(0);
        &self.words[at + 1..]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    /// A control operator: `;`, `&`, `&&`, `|`, `||` or a newline.
    Control(String),
    Redirect(String),
}

/// Splits `text` into tokens, and collects here-document bodies in the
/// order their operators appear.
fn lex(text: &str) -> (Vec<Token>, Vec<String>) {
    let mut tokens = Vec::new();
    let mut bodies = Vec::new();
    // Delimiters (and tab stripping) waiting for the next newline.
    let mut pending: Vec<(String, bool)> = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let flush = |current: &mut String, in_word: &mut bool, tokens: &mut Vec<Token>| {
        if *in_word {
            tokens.push(Token::Word(std::mem::take(current)));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    current.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    current.push(chars[i]);
                    i += 1;
                }
            }
            '\\' => {
                in_word = true;
                if i + 1 < chars.len() && chars[i + 1] != '\n' {
                    current.push(chars[i + 1]);
                }
                i += 1;
            }
            '#' if !in_word => {
                while i + 1 < chars.len() && chars[i + 1] != '\n' {
                    i += 1;
                }
            }
            '\n' => {
                flush(&mut current, &mut in_word, &mut tokens);
                tokens.push(Token::Control("\n".into()));
                // Here-document bodies follow the line that opened them.
                for (delimiter, strip_tabs) in std::mem::take(&mut pending) {
                    let mut body = String::new();
                    i += 1;
                    loop {
                        if i >= chars.len() {
                            break;
                        }
                        let end = chars[i..]
                            .iter()
                            .position(|&c| c == '\n')
                            .map_or(chars.len(), |p| i + p);
                        let line: String = chars[i..end].iter().collect();
                        let line = if strip_tabs {
                            line.trim_start_matches('\t').to_string()
                        } else {
                            line
                        };
                        i = end;
                        if line.trim_end_matches('\r') == delimiter {
                            break;
                        }
                        body.push_str(&line);
                        body.push('\n');
                        i += 1;
                    }
                    bodies.push(body);
                }
            }
            c if c.is_whitespace() => flush(&mut current, &mut in_word, &mut tokens),
            ';' | '|' | '&' | '<' | '>' => {
                // `2>`, `2>>`: a file-descriptor number belongs to the operator.
                let fd_prefix = in_word
                    && (c == '>' || c == '<')
                    && !current.is_empty()
                    && current.chars().all(|d| d.is_ascii_digit());
                if fd_prefix {
                    current.clear();
                    in_word = false;
                }
                flush(&mut current, &mut in_word, &mut tokens);
                let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
                let op = [
                    "&>>", "<<<", "<<-", "&&", "||", ";;", ">>", ">|", ">&", "&>", "<<", "<&",
                    "<>", ";", "|", "&", "<", ">",
                ]
                .into_iter()
                .find(|op| rest.starts_with(op))
                .unwrap_or(";");
                i += op.chars().count() - 1;
                if matches!(op, ";" | "|" | "&" | "&&" | "||" | ";;") {
                    tokens.push(Token::Control(op.to_string()));
                } else {
                    tokens.push(Token::Redirect(op.to_string()));
                    if op == "<<" || op == "<<-" {
                        // The delimiter is the next word, with quotes removed.
                        let mut j = i + 1;
                        while j < chars.len() && (chars[j] == ' ' || chars[j] == '\t') {
                            j += 1;
                        }
                        let start = j;
                        while j < chars.len()
                            && !chars[j].is_whitespace()
                            && !";|&<>()".contains(chars[j])
                        {
                            j += 1;
                        }
                        let raw: String = chars[start..j].iter().collect();
                        let delimiter: String = raw
                            .chars()
                            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                            .collect();
                        tokens.push(Token::Word(delimiter.clone()));
                        pending.push((delimiter, op == "<<-"));
                        i = j - 1;
                    }
                }
            }
            _ => {
                in_word = true;
                current.push(c);
            }
        }
        i += 1;
    }
    flush(&mut current, &mut in_word, &mut tokens);
    (tokens, bodies)
}

/// The simple commands of `text`, in order.
pub fn commands(text: &str) -> Vec<SimpleCommand> {
    let (tokens, bodies) = lex(text);
    let mut bodies = bodies.into_iter();
    let mut out = Vec::new();
    let mut current = SimpleCommand::default();
    let mut piped = false;
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(w) => current.words.push(w),
            Token::Redirect(op) => {
                let target = match tokens.peek() {
                    Some(Token::Word(_)) => match tokens.next() {
                        Some(Token::Word(w)) => w,
                        _ => String::new(),
                    },
                    _ => String::new(),
                };
                if op == "<<" || op == "<<-" {
                    current.heredoc = bodies.next();
                }
                current.redirects.push(Redirect { op, target });
            }
            Token::Control(op) => {
                if !current.words.is_empty() || !current.redirects.is_empty() {
                    current.piped_from_previous = piped;
                    out.push(std::mem::take(&mut current));
                }
                piped = op == "|";
            }
        }
    }
    if !current.words.is_empty() || !current.redirects.is_empty() {
        current.piped_from_previous = piped;
        out.push(current);
    }
    out
}

/// The text `echo`/`printf` prints, when it is plain.
fn printed_text(command: &SimpleCommand) -> Option<String> {
    match command.program()? {
        "echo" | "printf" => {
            let args: Vec<&str> = command
                .args()
                .iter()
                .map(String::as_str)
                .filter(|t| !t.starts_with('-'))
                .collect();
            let mut content = args.join(" ");
            content.push('\n');
            Some(content)
        }
        _ => None,
    }
}

/// Files written with content plumbline can see: here-documents
/// (`cat > f <<'EOF'`, `cat <<EOF >| f; cmd`, `tee [-a] f <<EOF`),
/// here-strings, and `echo`/`printf` redirected or piped into `tee`.
pub fn writes(command: &str) -> Vec<ShellWrite> {
    let mut out = Vec::new();
    let mut previous_output: Option<String> = None;
    for cmd in commands(command) {
        let input = cmd
            .heredoc
            .clone()
            .or_else(|| {
                cmd.redirects
                    .iter()
                    .find(|r| r.op == "<<<")
                    .map(|r| format!("{}\n", r.target))
            })
            .or_else(|| {
                cmd.piped_from_previous
                    .then(|| previous_output.clone())
                    .flatten()
            });
        let output = match cmd.program() {
            Some("cat") if cmd.args().iter().all(|a| a.starts_with('-')) => input.clone(),
            Some("echo" | "printf") => printed_text(&cmd),
            Some("tee") => {
                let append = cmd.args().iter().any(|a| a == "-a" || a == "--append");
                if let Some(content) = &input {
                    for file in cmd.args().iter().filter(|a| !a.starts_with('-')) {
                        out.push(ShellWrite {
                            path: file.clone(),
                            content: content.clone(),
                            append,
                        });
                    }
                }
                input.clone()
            }
            _ => None,
        };
        if let Some(content) = &output {
            for r in &cmd.redirects {
                let append = matches!(r.op.as_str(), ">>" | "&>>");
                if matches!(r.op.as_str(), ">" | ">|" | ">>" | "&>" | "&>>") && !r.target.is_empty()
                {
                    out.push(ShellWrite {
                        path: r.target.clone(),
                        content: content.clone(),
                        append,
                    });
                }
            }
        }
        previous_output = output;
    }
    out
}

/// Paths a command deletes, replaces, truncates or rewrites in ways the
/// hook cannot reproduce: the operands of `rm`, `mv`, `cp`/`install`
/// (destination), `ln` (link name), `truncate`, `sed -i`/`perl -i`, `tee`,
/// `dd of=`, `find … -delete`, `git rm`/`checkout`/`restore`, and every
/// output redirection. For `find`, the name patterns stand for the files.
pub fn destroyed_paths(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    for cmd in commands(command) {
        for r in &cmd.redirects {
            if matches!(r.op.as_str(), ">" | ">|" | ">>" | "&>" | "&>>" | "<>") {
                out.push(r.target.clone());
            }
        }
        let operands: Vec<String> = cmd
            .args()
            .iter()
            .filter(|a| !a.starts_with('-'))
            .cloned()
            .collect();
        match cmd.program() {
            Some("rm" | "unlink" | "shred" | "truncate" | "mv" | "tee" | "rmdir") => {
                out.extend(operands)
            }
            Some("cp" | "install" | "ln" | "rsync") => out.extend(operands.last().cloned()),
            Some("sed" | "perl" | "gsed")
                if cmd
                    .args()
                    .iter()
                    .any(|a| a.starts_with("-i") || a == "--in-place") =>
            {
                out.extend(operands)
            }
            Some("dd") => out.extend(
                cmd.args()
                    .iter()
                    .filter_map(|a| a.strip_prefix("of="))
                    .map(str::to_string),
            ),
            Some("find") => {
                let args = cmd.args();
                let deletes = args.iter().any(|a| a == "-delete")
                    || args.windows(2).any(|w| {
                        matches!(w[0].as_str(), "-exec" | "-execdir" | "-ok")
                            && matches!(w[1].as_str(), "rm" | "mv" | "truncate" | "shred")
                    });
                if deletes {
                    let names: Vec<String> = args
                        .windows(2)
                        .filter(|w| {
                            matches!(
                                w[0].as_str(),
                                "-name" | "-iname" | "-path" | "-ipath" | "-wholename" | "-regex"
                            )
                        })
                        .map(|w| w[1].clone())
                        .collect();
                    if names.is_empty() {
                        // Everything under the roots goes.
                        out.push("*".into());
                    }
                    out.extend(names);
                }
            }
            Some("git") => {
                let sub = operands.first().map(String::as_str);
                if matches!(
                    sub,
                    Some("rm" | "mv" | "checkout" | "restore" | "reset" | "stash" | "clean")
                ) {
                    out.extend(operands.iter().skip(1).cloned());
                    if matches!(sub, Some("clean" | "stash" | "reset")) {
                        out.push("*".into());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Every word of the command, quotes removed (operators excluded).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for cmd in commands(text) {
        out.extend(cmd.words);
        for r in cmd.redirects {
            if !r.target.is_empty() {
                out.push(r.target);
            }
        }
        if let Some(body) = cmd.heredoc {
            out.push(body);
        }
    }
    out
}

/// Words of the command that read as SQL (`psql -c "select ..."`), to be
/// linted as a migration would be.
pub fn sql_fragments(command: &str) -> Vec<String> {
    const VERBS: &[&str] = &[
        "select ",
        "insert ",
        "update ",
        "delete ",
        "create ",
        "alter ",
        "drop ",
        "truncate ",
        "grant ",
    ];
    words(command)
        .into_iter()
        .filter(|w| {
            let lower = w.to_ascii_lowercase();
            VERBS
                .iter()
                .any(|v| lower.trim_start().starts_with(v) || lower.contains(&format!(" {v}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_heredoc_writes() {
        let cmd = "mkdir -p src && cat > src/x.ts <<'EOF'\nconst a = 1;\nEOF\ntee -a notes.md <<EOF\nhello\nEOF\ncat <<-END > y.py\n\tprint(1)\n\tEND\n";
        let w = writes(cmd);
        assert_eq!(
            w,
            [
                ShellWrite {
                    path: "src/x.ts".into(),
                    content: "const a = 1;\n".into(),
                    append: false
                },
                ShellWrite {
                    path: "notes.md".into(),
                    content: "hello\n".into(),
                    append: true
                },
                ShellWrite {
                    path: "y.py".into(),
                    content: "print(1)\n".into(),
                    append: false
                },
            ]
        );
    }

    #[test]
    fn reads_what_split_on_operators_used_to_hide() {
        let w = writes("cat <<'EOF' >| src/x.ts\nconst u = 1;\nEOF\n");
        assert_eq!(w[0].path, "src/x.ts");
        let w = writes("cat <<'EOF' > src/x.ts; echo done\nconst u = 1;\nEOF\n");
        assert_eq!(w[0].path, "src/x.ts");
        assert_eq!(w[0].content, "const u = 1;\n");
        let w = writes("echo \"a; b | c\" > src/x.ts");
        assert_eq!(w[0].content, "a; b | c\n");
        let w = writes("echo hi | tee -a src/x.ts >/dev/null");
        assert_eq!(w[0].path, "src/x.ts");
        assert!(w[0].append);
    }

    #[test]
    fn reads_echo_redirections() {
        let w = writes("echo 'GATEWAY=https://x.dev' >> .env && ls");
        assert_eq!(w[0].path, ".env");
        assert!(w[0].append);
        assert_eq!(w[0].content, "GATEWAY=https://x.dev\n");
        assert!(writes("ls -la 2>/dev/null").is_empty());
    }

    #[test]
    fn finds_destroyed_paths() {
        assert_eq!(destroyed_paths("rm -f plumbline*"), ["plumbline*"]);
        assert_eq!(
            destroyed_paths("ln -sf /dev/null plumbline.toml"),
            ["plumbline.toml"]
        );
        assert_eq!(
            destroyed_paths("find . -name 'plumbline.toml' -delete"),
            ["plumbline.toml"]
        );
        assert_eq!(
            destroyed_paths("sed -i 's/a/b/' x.toml"),
            ["s/a/b/", "x.toml"]
        );
        assert_eq!(destroyed_paths(": >| plumbline.toml"), ["plumbline.toml"]);
        assert!(destroyed_paths("sed 's/a/b/' x.toml").is_empty());
    }

    #[test]
    fn splits_words_and_finds_sql() {
        assert_eq!(
            words(r#"psql -c "select * from t" 'a b'"#),
            ["psql", "-c", "select * from t", "a b"]
        );
        assert_eq!(
            sql_fragments(r#"psql "$DB" -c "SELECT id FROM cloud_provider_integrations""#).len(),
            1
        );
        assert!(sql_fragments("ls -la").is_empty());
    }
}
