//! What a shell command an agent wants to run would write, and the words it
//! would send elsewhere (URLs, SQL), read without executing anything.

/// A file a command writes with content plumbline can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWrite {
    pub path: String,
    pub content: String,
    /// `>>` or `tee -a`: the content is appended.
    pub append: bool,
}

/// Files written through here-documents (`cat > f <<'EOF'`, `cat <<EOF > f`,
/// `tee [-a] f <<EOF`) and single-line `echo`/`printf` redirections.
pub fn writes(command: &str) -> Vec<ShellWrite> {
    let mut out = Vec::new();
    let lines: Vec<&str> = command.split('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if let Some((delimiter, strip_tabs)) = heredoc_delimiter(line) {
            let mut body = String::new();
            while i < lines.len() {
                let raw = lines[i];
                i += 1;
                let candidate = if strip_tabs {
                    raw.trim_start_matches('\t')
                } else {
                    raw
                };
                if candidate.trim_end_matches('\r') == delimiter {
                    break;
                }
                body.push_str(candidate);
                body.push('\n');
            }
            if let Some((path, append)) = heredoc_target(line) {
                out.push(ShellWrite {
                    path,
                    content: body,
                    append,
                });
            }
            continue;
        }
        for segment in line.split([';', '&', '|']) {
            if let Some(write) = echo_write(segment) {
                out.push(write);
            }
        }
    }
    out
}

/// The delimiter of a `<<`/`<<-` here-document on this line, unquoted.
fn heredoc_delimiter(line: &str) -> Option<(String, bool)> {
    let at = line.find("<<")?;
    let rest = &line[at + 2..];
    if rest.starts_with('<') {
        return None; // here-string `<<<`
    }
    let (rest, strip_tabs) = match rest.strip_prefix('-') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let word = words(rest.trim_start()).into_iter().next()?;
    (!word.is_empty()).then_some((word, strip_tabs))
}

/// Where the here-document on `line` goes: `> path`, `>> path` or `tee path`.
fn heredoc_target(line: &str) -> Option<(String, bool)> {
    let at = line.find("<<")?;
    let before = &line[..at];
    let after_delim: String = {
        let rest = line[at + 2..].trim_start_matches('-').trim_start();
        let mut w = words(rest);
        if !w.is_empty() {
            w.remove(0);
        }
        w.join(" ")
    };
    let command = format!("{before} {after_delim}");
    let tokens = words(&command);
    let mut iter = tokens.iter().peekable();
    while let Some(token) = iter.next() {
        match token.as_str() {
            ">" | ">|" => return iter.next().map(|p| (p.clone(), false)),
            ">>" => return iter.next().map(|p| (p.clone(), true)),
            t if t.starts_with(">>") && t.len() > 2 => return Some((t[2..].to_string(), true)),
            t if t.starts_with('>') && t.len() > 1 && !t.starts_with(">&") => {
                return Some((t[1..].to_string(), false))
            }
            "tee" => {
                let mut append = false;
                for arg in iter.by_ref() {
                    if arg == "-a" || arg == "--append" {
                        append = true;
                    } else if !arg.starts_with('-') {
                        return Some((arg.clone(), append));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// `echo 'text' > path` and `printf '%s' "text" > path` on one line.
fn echo_write(segment: &str) -> Option<ShellWrite> {
    let tokens = words(segment);
    let first = tokens.first()?;
    if first != "echo" && first != "printf" {
        return None;
    }
    let redirect = tokens.iter().position(|t| t.starts_with('>'))?;
    let (path, append) = match tokens[redirect].as_str() {
        ">" | ">|" => (tokens.get(redirect + 1)?.clone(), false),
        ">>" => (tokens.get(redirect + 1)?.clone(), true),
        t if t.starts_with(">>") => (t[2..].to_string(), true),
        t => (t[1..].to_string(), false),
    };
    let args: Vec<&str> = tokens[1..redirect]
        .iter()
        .map(String::as_str)
        .filter(|t| !t.starts_with('-'))
        .collect();
    let mut content = args.join(" ");
    content.push('\n');
    Some(ShellWrite {
        path,
        content,
        append,
    })
}

/// Splits like a POSIX shell: quotes group, backslashes escape, and the
/// redirection operators stand as their own words.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    current.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                current.push(n);
                            }
                        }
                        _ => current.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '>' => {
                if in_word && !current.is_empty() && !current.chars().all(|c| c.is_ascii_digit()) {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
                current.push('>');
                if chars.peek() == Some(&'>') {
                    chars.next();
                    current.push('>');
                }
                out.push(std::mem::take(&mut current));
                in_word = false;
            }
            _ => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        out.push(current);
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
    fn reads_echo_redirections() {
        let w = writes("echo 'GATEWAY=https://x.dev' >> .env && ls");
        assert_eq!(w[0].path, ".env");
        assert!(w[0].append);
        assert_eq!(w[0].content, "GATEWAY=https://x.dev\n");
        assert!(
            writes("ls -la 2>/dev/null").is_empty()
                || writes("ls -la 2>/dev/null")[0].path == "/dev/null"
        );
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
