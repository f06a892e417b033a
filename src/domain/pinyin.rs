//! Pinyin initials (拼音首字母) for the search box: `张三丰` → `zsf`.

use ::pinyin::ToPinyin;

/// Pinyin initials of a name or text, lower case.
///
/// Each Chinese character becomes the first letter of its (most common) reading;
/// ASCII letters and digits are kept, lower-cased; everything else is skipped.
/// Full-width letters and digits count as ASCII. `张三丰` → `zsf`, `李A` → `la`.
pub fn initials(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = to_half_width(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(first) = c
            .to_pinyin()
            .and_then(|py| py.first_letter().chars().next())
            .filter(char::is_ascii_alphabetic)
        {
            out.push(first.to_ascii_lowercase());
        }
    }
    out
}

/// Full-width ASCII (`！`..`～`) to half-width; other characters unchanged.
fn to_half_width(c: char) -> char {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(initials("张三丰"), "zsf");
        assert_eq!(initials("李A"), "la");
        assert_eq!(initials("欧阳娜娜"), "oynn");
        assert_eq!(initials("吕布"), "lb");
        assert_eq!(initials("王小明"), "wxm");
    }

    #[test]
    fn mixed_and_skipped() {
        assert_eq!(initials("3栋2单元1502"), "3d2dy1502");
        assert_eq!(initials("Tom 陈"), "tomc");
        assert_eq!(initials("ＡＢ１"), "ab1");
        assert_eq!(initials("·—，。!@#"), "");
        assert_eq!(initials(""), "");
        assert_eq!(initials("😀张"), "z");
    }
}
