//! miette reports: one per finding, with the rule id as the code, a label on
//! the exact span, a help line and the docs link.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::excerpt::Cropped;
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

/// A finding seen through miette's eyes.
pub struct FindingDiagnostic<'a>(pub &'a Finding);

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&*self.0.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    /// The help line, then where the rule's full documentation is.
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "{}\ndocs: plumbline explain {}",
            self.0.help, self.0.rule
        )))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&*self.0.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.0;
        let primary_text = if f.label.is_empty() {
            None
        } else {
            Some(f.label.clone())
        };
        let primary = LabeledSpan::new_primary_with_span(primary_text, span(&f.span));
        let secondary = f
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), span(&l.span)));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

fn span(range: &std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::new(range.start.into(), range.len())
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.display_path().to_string(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// How reports are drawn.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

pub fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
        .with_links(false)
        .with_context_lines(1)
}

/// Renders one finding to a string (also used by the snapshot tests).
pub fn render(finding: &Finding, style: Style) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = handler(style).render_report(&mut out, &Cropped::new(&FindingDiagnostic(finding)));
    out
}

pub fn write(out: &mut dyn Write, findings: &[Finding], style: Style) -> io::Result<()> {
    let handler = handler(style);
    for f in findings {
        let mut text = String::new();
        let _ = handler.render_report(&mut text, &Cropped::new(&FindingDiagnostic(f)));
        writeln!(out, "{text}")?;
    }
    Ok(())
}
