//! Names a value is bound to: their words, globs over words, and what a
//! name says about its value.

/// Splits an identifier into lowercase words: `openaiApiKey`,
/// `OPENAI_API_KEY`, `x-api-key` and `spring.datasource.password` all
/// split at case changes and punctuation. Trailing number words
/// (`API_KEY_2`) are dropped: a numbered key is still a key.
pub(super) fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
                || (prev.is_numeric() && cur.is_uppercase() && next_lower);
            if boundary {
                words.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        if start < chars.len() {
            words.push(chars[start..].iter().collect::<String>().to_lowercase());
        }
    }
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.chars().all(|c| c.is_numeric()))
    {
        words.pop();
    }
    words
}

/// A glob over identifier words (see [`split_words`]): a `*` stands for any
/// run of words, including none.
#[derive(Clone, Debug)]
pub(super) struct WordGlob {
    /// `None` is a `*`.
    words: Vec<Option<String>>,
}

impl WordGlob {
    pub(super) fn new(pattern: &str) -> Option<WordGlob> {
        let mut words = Vec::new();
        for (i, part) in pattern.split('*').enumerate() {
            if i > 0 && words.last() != Some(&None) {
                words.push(None);
            }
            words.extend(split_words(part).into_iter().map(Some));
        }
        words
            .iter()
            .any(Option::is_some)
            .then_some(WordGlob { words })
    }

    pub(super) fn is_match(&self, name: &str) -> bool {
        fn go(glob: &[Option<String>], words: &[String]) -> bool {
            match glob.split_first() {
                None => words.is_empty(),
                Some((None, rest)) => (0..=words.len()).any(|skip| go(rest, &words[skip..])),
                Some((Some(w), rest)) => words.first() == Some(w) && go(rest, &words[1..]),
            }
        }
        let words = split_words(name);
        !words.is_empty() && go(&self.words, &words)
    }

    /// Literals one of which every spelling of a matching name contains.
    /// Two adjacent fixed words are far rarer in code than either alone
    /// (`api` and `key` are everywhere, `api_key` is not): adjacent words
    /// of a name meet at a case change or at separators, so the pair's
    /// spellings with nothing, `_`, `-`, `.`, a space, `__` (.NET and
    /// pydantic nesting: `Api__Key`) or `:` between cover every name but
    /// one with rarer punctuation inside it (`api/key`). Without a pair,
    /// the longest fixed word.
    pub(super) fn literals(&self) -> Vec<String> {
        let pair = self
            .words
            .windows(2)
            .filter_map(|w| match w {
                [Some(a), Some(b)] => Some((a, b)),
                _ => None,
            })
            .max_by_key(|(a, b)| a.len() + b.len());
        if let Some((a, b)) = pair {
            return ["", "_", "-", ".", " ", "__", ":"]
                .iter()
                .map(|joint| format!("{a}{joint}{b}"))
                .collect();
        }
        self.words
            .iter()
            .flatten()
            .rev()
            .max_by_key(|w| w.len())
            .map(|w| vec![w.clone()])
            .unwrap_or_default()
    }
}

pub(super) fn any_match(globs: &[WordGlob], name: &str) -> bool {
    globs.iter().any(|g| g.is_match(name))
}

/// A name as code and config spell them (`OPENAI_API_KEY`, `x-api-key`,
/// `spring.datasource.password`, `$apiKey`), not a label such as
/// `AWS::ApiGateway::ApiKey` or `API key` that only mentions one.
pub(super) fn is_identifier_like(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$' || c == '@')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$' | b'@'))
}

/// Whether a value's name says it is text a form shows in an empty field
/// (`placeholder: "sk-…"`): an example of the shape, never a key.
pub(super) fn is_display_text_name(name: &str) -> bool {
    split_words(name).last().is_some_and(|w| w == "placeholder")
}
