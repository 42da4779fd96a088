//! Jupyter notebooks (`.ipynb`): their code cells read as one source file of
//! the notebook's language, with the place in the notebook file each byte
//! of that source came from, so a finding in a cell is reported at the line
//! and column of the notebook's JSON where the code is written.

use std::ops::Range;

use serde_json::Value;

/// Whether a path names a Jupyter notebook.
pub fn is_notebook(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("ipynb"))
}

/// The extension of the language a notebook's kernel runs (`py`, `ts`,
/// ...), from `metadata.kernelspec.language` or
/// `metadata.language_info.name`; Python when neither is given, as Jupyter
/// assumes. `None` for a kernel plumbline does not read (R, Julia, ...).
pub fn kernel_extension(notebook: &Value) -> Option<&'static str> {
    let language = notebook
        .pointer("/metadata/kernelspec/language")
        .or_else(|| notebook.pointer("/metadata/language_info/name"))
        .and_then(Value::as_str)
        .unwrap_or("python")
        .to_ascii_lowercase();
    Some(match language.as_str() {
        "python" => "py",
        "typescript" => "ts",
        "javascript" => "js",
        "rust" => "rs",
        "sql" => "sql",
        _ => return None,
    })
}

/// Why a `.ipynb` file could not be read as a notebook.
#[derive(Debug, PartialEq, Eq)]
pub enum NotNotebook {
    /// The file is not JSON, or not an object with a `cells` list.
    Malformed(String),
    /// The kernel's language is one plumbline does not read.
    Kernel(String),
}

/// The code cells of a notebook as one source, cells separated by a line
/// break, with where each byte came from.
#[derive(Debug)]
pub struct NotebookCode {
    /// The extension of the cells' language (`py`, `ts`, ...).
    pub extension: &'static str,
    /// The code of every code cell, in order.
    pub code: String,
    /// For each byte of `code`, the byte range of the notebook text that
    /// produced it (an escape such as `\n` is several bytes there); a byte
    /// plumbline added (a cell separator) maps to an empty range.
    origin: Vec<Range<u32>>,
}

impl NotebookCode {
    /// Reads the code cells of notebook text `text`.
    pub fn read(text: &str) -> Result<NotebookCode, NotNotebook> {
        let notebook: Value =
            serde_json::from_str(text).map_err(|e| NotNotebook::Malformed(e.to_string()))?;
        let Some(cells) = notebook.get("cells").and_then(Value::as_array) else {
            return Err(NotNotebook::Malformed("it has no `cells` list".to_string()));
        };
        let extension = kernel_extension(&notebook).ok_or_else(|| {
            let kernel = notebook
                .pointer("/metadata/kernelspec/language")
                .or_else(|| notebook.pointer("/metadata/language_info/name"))
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            NotNotebook::Kernel(kernel.to_string())
        })?;
        let is_code: Vec<bool> = cells
            .iter()
            .map(|c| c.get("cell_type").and_then(Value::as_str) == Some("code"))
            .collect();
        let mut sources: Vec<Vec<Range<usize>>> = vec![Vec::new(); cells.len()];
        locate_sources(text, &mut |cell, raw| {
            if let Some(strings) = sources.get_mut(cell) {
                strings.push(raw);
            }
        });
        let mut builder = Builder::default();
        for (cell, strings) in sources.iter().enumerate() {
            if !is_code[cell] || strings.is_empty() {
                continue;
            }
            let mut lines = Builder::default();
            for raw in strings {
                decode_string(text, raw.clone(), &mut lines);
            }
            builder.push_cell(lines, extension == "py");
        }
        Ok(NotebookCode {
            extension,
            code: builder.code,
            origin: builder.origin,
        })
    }

    /// The range of the notebook text that produced `range` of the code.
    pub fn to_notebook(&self, range: Range<usize>) -> Range<usize> {
        let at = |offset: usize| -> Option<&Range<u32>> {
            self.origin
                .get(offset.min(self.origin.len().checked_sub(1)?))
        };
        let Some(first) = at(range.start) else {
            return 0..0;
        };
        let start = if range.start >= self.origin.len() {
            first.end
        } else {
            first.start
        } as usize;
        let end = if range.end > range.start {
            at(range.end - 1).map_or(start, |last| last.end as usize)
        } else {
            start
        };
        start..end.max(start)
    }
}

/// The code being assembled, with each byte's origin.
#[derive(Default)]
struct Builder {
    code: String,
    origin: Vec<Range<u32>>,
}

impl Builder {
    fn push(&mut self, c: char, raw: Range<usize>) {
        let raw = raw.start as u32..raw.end as u32;
        self.code.push(c);
        for _ in 0..c.len_utf8() {
            self.origin.push(raw.clone());
        }
    }

    /// The end of the last byte pushed, as an empty range.
    fn end_mark(&self) -> Range<usize> {
        let end = self.origin.last().map_or(0, |r| r.end as usize);
        end..end
    }

    /// Appends one cell's code, ending it with a line break. In a Python
    /// notebook, IPython's magics and shell escapes (`%time`, `!pip`, a
    /// `%%bash` cell) are not Python: they become comments, keeping every
    /// other byte where it was.
    fn push_cell(&mut self, cell: Builder, python: bool) {
        let cell_magic = python && cell.code.trim_start().starts_with("%%");
        let mut at = 0;
        for line in cell.code.split_inclusive('\n') {
            let indent = line.len() - line.trim_start().len();
            let first = line.trim_start().chars().next();
            let magic = python && matches!(first, Some('%' | '!' | '?'));
            for (offset, c) in line.char_indices() {
                let origin = cell.origin[at + offset].clone();
                let raw = origin.start as usize..origin.end as usize;
                if offset == indent && magic {
                    self.push('#', raw);
                } else {
                    if offset == 0 && cell_magic && !magic {
                        self.push('#', raw.start..raw.start);
                    }
                    self.push(c, raw);
                }
            }
            at += line.len();
        }
        if !self.code.is_empty() && !self.code.ends_with('\n') {
            let mark = self.end_mark();
            self.push('\n', mark);
        }
    }
}

/// Appends the value of the JSON string at `raw` (quotes included) to
/// `out`, each char mapped to the bytes of `text` that wrote it.
fn decode_string(text: &str, raw: Range<usize>, out: &mut Builder) {
    let body = raw.start + 1..raw.end.saturating_sub(1).max(raw.start + 1);
    let bytes = text.as_bytes();
    let mut i = body.start;
    while i < body.end {
        let start = i;
        if bytes[i] != b'\\' {
            match text.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => {
                    i += c.len_utf8();
                    out.push(c, start..i);
                }
                None => i += 1,
            }
            continue;
        }
        let escape = bytes.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        let c = match escape {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'u' => {
                let unit = |at: usize| {
                    text.get(at..at + 4)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                };
                let high = unit(i).unwrap_or(0xfffd);
                i += 4;
                if (0xd800..0xdc00).contains(&high)
                    && text.get(i..i + 2) == Some("\\u")
                    && unit(i + 2).is_some_and(|low| (0xdc00..0xe000).contains(&low))
                {
                    let low = unit(i + 2).unwrap_or(0xdc00);
                    i += 6;
                    char::from_u32(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))
                        .unwrap_or('\u{fffd}')
                } else {
                    char::from_u32(high).unwrap_or('\u{fffd}')
                }
            }
            other => other as char,
        };
        i = i.min(body.end);
        out.push(c, start..i);
    }
}

/// Calls `found(cell, raw)` for every string of `cells[cell].source` (a
/// string or a list of strings) in valid JSON `text`, in order, with the
/// string's byte range, quotes included.
fn locate_sources(text: &str, found: &mut dyn FnMut(usize, Range<usize>)) {
    let mut walker = Walker {
        text: text.as_bytes(),
        at: 0,
    };
    walker.value(&mut Vec::new(), found);
}

/// Where a value sits: under an object key or at a list index.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A reader of JSON that serde_json has already accepted, so it needs no
/// error handling beyond not running past the end; its depth is bounded by
/// serde_json's recursion limit.
struct Walker<'a> {
    text: &'a [u8],
    at: usize,
}

impl Walker<'_> {
    fn skip_space(&mut self) {
        while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    /// The range of the string starting at the cursor, quotes included.
    fn string(&mut self) -> Range<usize> {
        let start = self.at;
        self.at += 1;
        while let Some(&b) = self.text.get(self.at) {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => break,
                _ => {}
            }
        }
        start..self.at.min(self.text.len())
    }

    fn value(&mut self, path: &mut Vec<Step>, found: &mut dyn FnMut(usize, Range<usize>)) {
        self.skip_space();
        match self.text.get(self.at) {
            Some(b'{') => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(b'"') => {
                            let key = self.string();
                            let key = String::from_utf8_lossy(
                                &self.text[key.start + 1..key.end.saturating_sub(1)],
                            )
                            .into_owned();
                            self.skip_space();
                            self.at += 1; // the colon
                            path.push(Step::Key(key));
                            self.value(path, found);
                            path.pop();
                        }
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.text.get(self.at) {
                        Some(b']') => {
                            self.at += 1;
                            return;
                        }
                        Some(b',') => {
                            self.at += 1;
                            index += 1;
                        }
                        Some(_) => {
                            path.push(Step::Index(index));
                            self.value(path, found);
                            path.pop();
                        }
                        None => return,
                    }
                }
            }
            Some(b'"') => {
                let raw = self.string();
                if let Some(cell) = source_cell(path) {
                    found(cell, raw);
                }
            }
            Some(_) => {
                while self
                    .text
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']'))
                {
                    self.at += 1;
                }
            }
            None => {}
        }
    }
}

/// The cell index when `path` is `cells[i].source` or `cells[i].source[j]`.
fn source_cell(path: &[Step]) -> Option<usize> {
    match path {
        [Step::Key(cells), Step::Index(cell), Step::Key(source), rest @ ..]
            if cells == "cells" && source == "source" =>
        {
            matches!(rest, [] | [Step::Index(_)]).then_some(*cell)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notebook(cells: &str, language: &str) -> String {
        format!(
            "{{\n \"cells\": [{cells}],\n \"metadata\": {{\"kernelspec\": {{\"language\": \"{language}\"}}}},\n \"nbformat\": 4\n}}\n"
        )
    }

    #[test]
    fn code_cells_join_and_map_back_to_their_json_strings() {
        let text = notebook(
            r##"
  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "see api.example.com"]},
  {"cell_type": "code", "metadata": {}, "outputs": [{"text": ["x = 1\n"]}], "source": ["import os\n", "token = \"ab\\\"c\"\n", "print(token)"]},
  {"cell_type": "code", "metadata": {}, "source": "y = '\u00e9\ud83d\ude00'"}
"##,
            "python",
        );
        let code = NotebookCode::read(&text).unwrap();
        assert_eq!(code.extension, "py");
        assert_eq!(
            code.code,
            "import os\ntoken = \"ab\\\"c\"\nprint(token)\ny = 'é😀'\n"
        );
        let print = code.code.find("print(token)").unwrap();
        let raw = code.to_notebook(print..print + "print(token)".len());
        assert_eq!(&text[raw], "print(token)");
        let escaped = code.code.find("ab\\\"c").unwrap();
        let raw = code.to_notebook(escaped..escaped + 5);
        assert_eq!(&text[raw], "ab\\\\\\\"c");
        let accent = code.code.find('é').unwrap();
        let raw = code.to_notebook(accent..code.code.len() - 2);
        assert_eq!(&text[raw], "\\u00e9\\ud83d\\ude00");
    }

    #[test]
    fn magics_become_comments_in_python_notebooks() {
        let text = notebook(
            r#"{"cell_type": "code", "source": ["%time x = 1\n", "  !pip install x\n", "y = 2"]},
               {"cell_type": "code", "source": ["%%bash\n", "curl https://old.example.com\n"]}"#,
            "python",
        );
        let code = NotebookCode::read(&text).unwrap();
        assert_eq!(
            code.code,
            "#time x = 1\n  #pip install x\ny = 2\n#%bash\n#curl https://old.example.com\n"
        );
        let curl = code.code.find("curl").unwrap();
        assert_eq!(&text[code.to_notebook(curl..curl + 4)], "curl");
    }

    #[test]
    fn other_kernels_and_malformed_files_are_not_read() {
        assert_eq!(
            NotebookCode::read(&notebook("", "R")).unwrap_err(),
            NotNotebook::Kernel("R".to_string())
        );
        assert!(matches!(
            NotebookCode::read("{\"cells\": [").unwrap_err(),
            NotNotebook::Malformed(_)
        ));
        assert!(matches!(
            NotebookCode::read("[1, 2]").unwrap_err(),
            NotNotebook::Malformed(_)
        ));
        let empty = NotebookCode::read(&notebook("", "python")).unwrap();
        assert_eq!(empty.code, "");
        assert_eq!(empty.to_notebook(0..3), 0..0);
    }

    /// Every truncation and many random byte edits of a notebook: reading
    /// never panics, and every range it maps back lies inside the text on
    /// char boundaries.
    #[test]
    fn mutated_notebooks_map_inside_the_text() {
        let text = notebook(
            r#"{"cell_type": "code", "source": ["x = \"\u00e9\\n\"\n", "%time y\n", "é = '\ud83d\ude00'"]},
               {"cell_type": "code", "source": "z = 1"}"#,
            "python",
        );
        let check = |candidate: &str| {
            if let Ok(code) = NotebookCode::read(candidate) {
                for start in 0..=code.code.len() + 1 {
                    for end in start..=(start + 3).min(code.code.len() + 1) {
                        let raw = code.to_notebook(start..end);
                        assert!(raw.start <= raw.end && raw.end <= candidate.len());
                        assert!(candidate.is_char_boundary(raw.start));
                        assert!(candidate.is_char_boundary(raw.end));
                    }
                }
            }
        };
        for cut in 0..=text.len() {
            if text.is_char_boundary(cut) {
                check(&text[..cut]);
            }
        }
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = b"\\\"u0d8ae{}[],: \n%!#";
        for _ in 0..3000 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..rng.usize(1..4) {
                let at = rng.usize(..bytes.len());
                bytes[at] = alphabet[rng.usize(..alphabet.len())];
            }
            if let Ok(candidate) = String::from_utf8(bytes) {
                check(&candidate);
            }
        }
    }
}
