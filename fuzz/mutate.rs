//! Mutation of seed text: byte edits, dictionary insertions, splices,
//! repetition of a chunk (which turns one nesting level into hundreds) and
//! line shuffles. Every operation keeps the result under `MAX_LEN`.

use crate::gen::{size, word};
use fastrand::Rng;

/// The largest input a mutation produces.
pub const MAX_LEN: usize = 2 << 20;

/// Applies one to four mutations to `input`; `other` is a second seed to
/// splice from.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = input.to_vec();
    let rounds = rng.usize(1..5);
    for _ in 0..rounds {
        data = mutate_once(rng, data, other);
        data.truncate(MAX_LEN);
    }
    data
}

fn mutate_once(rng: &mut Rng, mut data: Vec<u8>, other: &[u8]) -> Vec<u8> {
    match rng.u8(..12) {
        0 if !data.is_empty() => {
            let at = rng.usize(..data.len());
            data[at] ^= 1 << rng.u8(..8);
        }
        1 if !data.is_empty() => {
            let at = rng.usize(..data.len());
            data[at] = pick_byte(rng);
        }
        2 => {
            let at = char_boundary(rng, &data);
            data.splice(at..at, word(rng).bytes());
        }
        3 if !data.is_empty() => {
            let (start, end) = chunk(rng, &data);
            data.drain(start..end);
        }
        4 if !data.is_empty() => {
            // Repeat a chunk: `{` becomes `{{{{…`, a line becomes many lines.
            let (start, end) = chunk(rng, &data);
            let piece = data[start..end].to_vec();
            let times = size(rng).min(MAX_LEN / piece.len().max(1));
            let repeated: Vec<u8> = piece
                .iter()
                .copied()
                .cycle()
                .take(piece.len() * times)
                .collect();
            data.splice(end..end, repeated);
        }
        5 if !other.is_empty() => {
            let (start, end) = chunk(rng, other);
            let at = char_boundary(rng, &data);
            data.splice(at..at, other[start..end].iter().copied());
        }
        6 => {
            // Wrap a chunk in brackets many times.
            let (open, close) = match rng.u8(..5) {
                0 => ("(", ")"),
                1 => ("[", "]"),
                2 => ("{", "}"),
                3 => ("`${", "}`"),
                _ => ("if x:\n ", "\n"),
            };
            let levels = size(rng);
            let (start, end) = if data.is_empty() {
                (0, 0)
            } else {
                chunk(rng, &data)
            };
            let mut wrapped = open.repeat(levels).into_bytes();
            wrapped.extend_from_slice(&data[start..end]);
            wrapped.extend_from_slice(close.repeat(levels).as_bytes());
            data.splice(start..end, wrapped);
        }
        7 => {
            let at = char_boundary(rng, &data);
            let text = match rng.u8(..4) {
                0 => "\n".repeat(size(rng)),
                1 => " ".repeat(size(rng) * 16),
                2 => "é".repeat(size(rng)),
                _ => "x".repeat(rng.usize(60_000..70_000)),
            };
            data.splice(at..at, text.into_bytes());
        }
        8 => {
            // Swap two lines.
            let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            if lines.len() > 1 {
                let a = rng.usize(..lines.len());
                let b = rng.usize(..lines.len());
                lines.swap(a, b);
            }
            data = lines.join(&b'\n');
        }
        9 => {
            // Line endings and encodings the front ends must survive.
            match rng.u8(..3) {
                0 => {
                    let text = String::from_utf8_lossy(&data).replace('\n', "\r\n");
                    data = text.into_bytes();
                }
                1 => {
                    data.splice(0..0, "\u{feff}".bytes());
                }
                _ => {
                    let at = rng.usize(..=data.len());
                    data.splice(at..at, [0xff, 0xfe]);
                }
            }
        }
        10 if !data.is_empty() => {
            let cut = rng.usize(..data.len());
            data.truncate(cut);
        }
        _ => {
            let at = char_boundary(rng, &data);
            let duplicate = word(rng).repeat(size(rng));
            data.splice(at..at, duplicate.into_bytes());
        }
    }
    data
}

fn pick_byte(rng: &mut Rng) -> u8 {
    *[
        b'{', b'}', b'(', b')', b'"', b'\'', b'`', b'\\', b'\n', b'#', b'/', b'*', 0, 0xc3, 0x80,
        b' ',
    ]
    .get(rng.usize(..16))
    .unwrap_or(&b'x')
}

/// A random position, moved back to a UTF-8 character boundary so that an
/// insertion does not by itself make the text invalid.
fn char_boundary(rng: &mut Rng, data: &[u8]) -> usize {
    let mut at = rng.usize(..=data.len());
    while at > 0 && at < data.len() && (data[at] & 0xc0) == 0x80 {
        at -= 1;
    }
    at
}

/// A random non-empty range, mostly short.
fn chunk(rng: &mut Rng, data: &[u8]) -> (usize, usize) {
    let start = rng.usize(..data.len());
    let longest = (data.len() - start).min(if rng.bool() { 16 } else { 512 });
    let end = start + rng.usize(1..=longest.max(1));
    (start, end.min(data.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutation_is_deterministic_and_bounded() {
        let seed = b"export const URL = 'https://chi-gateway.example.workers.dev';\n";
        for index in 0..500 {
            let first = mutate(&mut Rng::with_seed(index), seed, b"other");
            let second = mutate(&mut Rng::with_seed(index), seed, b"other");
            assert_eq!(first, second);
            assert!(first.len() <= MAX_LEN);
        }
    }

    #[test]
    fn mutation_changes_the_input_most_of_the_time() {
        let seed = b"def f():\n    return 1\n";
        let changed = (0..200)
            .filter(|&index| mutate(&mut Rng::with_seed(index), seed, b"x = 2\n") != seed)
            .count();
        assert!(changed > 150, "{changed} of 200");
    }
}
