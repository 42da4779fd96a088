//! Excerpts of very long lines, like ripgrep's `--max-columns`: before a
//! diagnostic is drawn, every line of its snippet longer than
//! [`MAX_LINE_BYTES`] is cut to a window around its labels. A finding in a
//! minified file then prints a few hundred bytes instead of the whole line,
//! and miette never sees a column it cannot render.

use std::fmt;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

/// Lines up to this many bytes are shown whole.
pub const MAX_LINE_BYTES: usize = 240;

/// Bytes of context kept on each side of the labels on a cut line.
const RADIUS: usize = 80;

/// The mark that stands for the cut part of a line.
const ELLIPSIS: &str = "…";

/// One line of the excerpt and where it came from.
struct LineMap {
    /// Offset of the line in the excerpt's text.
    excerpt_start: usize,
    /// Bytes of the leading [`ELLIPSIS`] (0 when the line starts whole).
    lead: usize,
    /// Offset of the line in the original source.
    original_start: usize,
    /// The kept window, as offsets within the original line.
    from: usize,
    to: usize,
    /// Length of the original line, without its line break.
    len: usize,
    /// Characters of the original line before `from`.
    from_chars: usize,
}

/// The text miette draws: the snippet's lines, long ones cut.
pub struct Excerpt {
    name: Option<String>,
    text: String,
    /// Line number (0-based) of the excerpt's first line in the source.
    first_line: usize,
    lines: Vec<LineMap>,
}

impl Excerpt {
    /// Where the original `offset` is in the excerpt; offsets in a cut part
    /// of a line move to the nearest kept byte.
    fn map(&self, offset: usize) -> usize {
        let index = self
            .lines
            .partition_point(|l| l.original_start <= offset)
            .saturating_sub(1);
        let Some(line) = self.lines.get(index) else {
            return 0;
        };
        let relative = offset.saturating_sub(line.original_start);
        let kept = relative.clamp(line.from, line.to.max(line.from));
        let past_end = if relative > line.len && line.to == line.len {
            // The line break (and, for a span's end, the next line's start).
            relative - line.len
        } else {
            0
        };
        line.excerpt_start + line.lead + (kept - line.from) + past_end
    }

    /// The column, in characters of the original line, of an excerpt offset.
    fn column(&self, offset: usize) -> usize {
        let index = self
            .lines
            .partition_point(|l| l.excerpt_start <= offset)
            .saturating_sub(1);
        let Some(line) = self.lines.get(index) else {
            return 0;
        };
        let window_start = line.excerpt_start + line.lead;
        let within = self
            .text
            .get(window_start..offset.max(window_start))
            .map_or(0, |s| s.chars().count());
        line.from_chars + within
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let line = inner.line() + self.first_line;
        // miette's `line_count` counts line breaks from the start of the
        // source, so it shifts with the line number.
        let line_count = inner.line_count() + self.first_line;
        let column = self.column(inner.span().offset());
        Ok(Box::new(match &self.name {
            Some(name) => MietteSpanContents::new_named(
                name.clone(),
                inner.data(),
                *inner.span(),
                line,
                column,
                line_count,
            ),
            None => MietteSpanContents::new(inner.data(), *inner.span(), line, column, line_count),
        }))
    }
}

/// A diagnostic whose snippet is an [`Excerpt`], everything else as is.
pub struct Cropped<'d> {
    inner: &'d dyn Diagnostic,
    excerpt: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
}

impl<'d> Cropped<'d> {
    /// Cuts the long lines of `inner`'s snippet. When its labels cannot be
    /// read from its source, the diagnostic is drawn without a snippet.
    pub fn new(inner: &'d dyn Diagnostic) -> Self {
        let labels: Vec<LabeledSpan> = inner.labels().map(Iterator::collect).unwrap_or_default();
        let excerpt = inner
            .source_code()
            .filter(|_| !labels.is_empty())
            .and_then(|source| build_excerpt(source, &labels));
        let labels = match &excerpt {
            Some(excerpt) => labels
                .iter()
                .map(|l| {
                    let start = excerpt.map(l.offset());
                    let end = excerpt.map(l.offset() + l.len()).max(start);
                    let span = SourceSpan::new(start.into(), end - start);
                    LabeledSpan::new_with_span(l.label().map(str::to_string), span)
                        .with_primary(l.primary())
                })
                .collect(),
            None => Vec::new(),
        };
        Cropped {
            inner,
            excerpt,
            labels,
        }
    }
}

/// `with_primary` for labels, which miette builds only through constructors.
trait WithPrimary {
    fn with_primary(self, primary: bool) -> Self;
}

impl WithPrimary for LabeledSpan {
    fn with_primary(self, primary: bool) -> Self {
        if primary {
            LabeledSpan::new_primary_with_span(self.label().map(str::to_string), *self.inner())
        } else {
            self
        }
    }
}

/// One line of the source as read around the labels.
struct SourceLine {
    start: usize,
    text: String,
}

/// Reads the lines from the first label's to the last one's (with one line
/// of context on each side) and builds the excerpt. `None` when they
/// cannot be read.
fn build_excerpt(source: &dyn SourceCode, labels: &[LabeledSpan]) -> Option<Excerpt> {
    let first = labels.iter().map(LabeledSpan::offset).min()?;
    let last = labels.iter().map(|l| l.offset() + l.len()).max()?;
    let contents = source
        .read_span(&SourceSpan::new(first.into(), last - first), 1, 1)
        .ok()?;
    let data = String::from_utf8_lossy(contents.data());
    // The last line's break ends the data; it does not start a line.
    let data = data.strip_suffix('\n').unwrap_or(&data);
    let mut excerpt = Excerpt {
        name: contents.name().map(str::to_string),
        text: String::new(),
        first_line: contents.line(),
        lines: Vec::new(),
    };
    let mut start = contents.span().offset();
    for text in data.split('\n') {
        let line = SourceLine {
            start,
            text: text.to_string(),
        };
        start += text.len() + 1;
        let (from, to) = window(&line, labels);
        let kept = line.text.get(from..to).unwrap_or("");
        let lead = if from > 0 { ELLIPSIS } else { "" };
        let trail = if to < line.text.len() { ELLIPSIS } else { "" };
        excerpt.lines.push(LineMap {
            excerpt_start: excerpt.text.len(),
            lead: lead.len(),
            original_start: line.start,
            from,
            to,
            len: line.text.len(),
            from_chars: line.text.get(..from).map_or(0, |s| s.chars().count()),
        });
        excerpt.text.push_str(lead);
        excerpt.text.push_str(kept);
        excerpt.text.push_str(trail);
        excerpt.text.push('\n');
    }
    Some(excerpt)
}

/// The part of `line` to show: all of it when short, else a window around
/// the labels on it (the primary label's when they are far apart), or the
/// start of a context line.
fn window(line: &SourceLine, labels: &[LabeledSpan]) -> (usize, usize) {
    let text = &line.text;
    if text.len() <= MAX_LINE_BYTES {
        return (0, text.len());
    }
    let end_of_line = line.start + text.len();
    let on_line: Vec<&LabeledSpan> = labels
        .iter()
        .filter(|l| l.offset() <= end_of_line && l.offset() + l.len() >= line.start)
        .collect();
    let relative = |offset: usize| offset.saturating_sub(line.start).min(text.len());
    let (low, high) = match on_line.iter().find(|l| l.primary()).or(on_line.first()) {
        None => (0, 0),
        Some(main) => {
            let low = on_line
                .iter()
                .map(|l| relative(l.offset()))
                .min()
                .unwrap_or(0);
            let high = on_line
                .iter()
                .map(|l| relative(l.offset() + l.len()))
                .max()
                .unwrap_or(0);
            if high - low <= MAX_LINE_BYTES {
                (low, high)
            } else {
                let start = relative(main.offset());
                let end = relative(main.offset() + main.len()).min(start + MAX_LINE_BYTES);
                (start, end)
            }
        }
    };
    let from = floor_boundary(text, low.saturating_sub(RADIUS));
    let to = ceil_boundary(text, (high + RADIUS).max(from + 2 * RADIUS).min(text.len()));
    (from, to)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

impl fmt::Debug for Cropped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for Cropped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for Cropped<'_> {}

impl Diagnostic for Cropped<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.url()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt.as_ref().map(|e| e as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.inner.related()
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Probe {
        text: String,
        span: std::ops::Range<usize>,
    }

    impl fmt::Display for Probe {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("probe")
        }
    }

    impl std::error::Error for Probe {}

    impl Diagnostic for Probe {
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(&self.text)
        }

        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            let span = SourceSpan::new(self.span.start.into(), self.span.len());
            Some(Box::new(std::iter::once(
                LabeledSpan::new_primary_with_span(Some("here".into()), span),
            )))
        }
    }

    fn render(diagnostic: &dyn Diagnostic) -> String {
        let mut out = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, &Cropped::new(diagnostic))
            .unwrap();
        out
    }

    #[test]
    fn a_label_past_column_65535_renders_in_a_window() {
        let text = format!(
            "first\n{}needle{}\nlast\n",
            " é".repeat(40_000),
            "x".repeat(9000)
        );
        let start = text.find("needle").unwrap();
        let out = render(&Probe {
            text: text.clone(),
            span: start..start + 6,
        });
        assert!(out.contains("needle"), "{out}");
        assert!(out.contains("here"), "{out}");
        assert!(out.len() < 2000, "{} bytes", out.len());
        // The header names the real line and column.
        assert!(out.contains("2:80001]"), "{out}");
    }

    #[derive(Debug)]
    struct TwoLabels {
        text: String,
        spans: [std::ops::Range<usize>; 2],
    }

    impl fmt::Display for TwoLabels {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("two")
        }
    }

    impl std::error::Error for TwoLabels {}

    impl Diagnostic for TwoLabels {
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(&self.text)
        }

        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            let [a, b] = &self.spans;
            Some(Box::new(
                [
                    LabeledSpan::new_primary_with_span(
                        Some("first".into()),
                        SourceSpan::new(a.start.into(), a.len()),
                    ),
                    LabeledSpan::new_with_span(
                        Some("second".into()),
                        SourceSpan::new(b.start.into(), b.len()),
                    ),
                ]
                .into_iter(),
            ))
        }
    }

    #[test]
    fn labels_on_lines_two_apart_render_as_before() {
        let text = "a\nb = one\n\nd = two\n\nf\n".to_string();
        let one = text.find("one").unwrap();
        let two = text.find("two").unwrap();
        let diagnostic = TwoLabels {
            text: text.clone(),
            spans: [one..one + 3, two..two + 3],
        };
        let mut plain = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .render_report(&mut plain, &diagnostic)
            .unwrap();
        assert_eq!(render(&diagnostic), plain);
    }

    #[test]
    fn short_lines_render_as_before() {
        let text = "let a = 1;\nlet b = needle;\nlet c = 3;\n".to_string();
        let start = text.find("needle").unwrap();
        let probe = Probe {
            text: text.clone(),
            span: start..start + 6,
        };
        let mut plain = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .render_report(&mut plain, &probe)
            .unwrap();
        assert_eq!(render(&probe), plain);
    }
}
