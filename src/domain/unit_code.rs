//! Unit codes (房号) such as `3栋2单元1502`, `12栋0801`, `商铺A-12`, `车位B1-023`.

use std::cmp::Ordering;

/// Longest accepted unit code, in characters.
const MAX_CHARS: usize = 30;

/// Normalizes a unit code as typed: trims, turns full-width ASCII into half-width,
/// upper-cases latin letters and removes inner spaces. Must end up 1–30 characters
/// without control characters. The error is a short Chinese sentence for the form.
pub fn normalize_unit_code(s: &str) -> Result<String, String> {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_control() {
            return Err("房号里有无法识别的字符".to_string());
        }
        out.push(to_half_width(c).to_ascii_uppercase());
    }
    let n = out.chars().count();
    if n == 0 {
        return Err("请填写房号".to_string());
    }
    if n > MAX_CHARS {
        return Err("房号太长（最多30个字）".to_string());
    }
    Ok(out)
}

/// Full-width ASCII (`！`..`～`) to half-width; other characters unchanged.
fn to_half_width(c: char) -> char {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// The building part of a unit code: the prefix up to and including the first
/// `栋`, `幢`, `座` or `号楼` (`3栋2单元1502` → `3栋`, `5号楼301` → `5号楼`,
/// `A座1201` → `A座`). `None` when there is none, e.g. for shops and parking spaces.
pub fn building_of(code: &str) -> Option<String> {
    let end = ["栋", "幢", "座", "号楼"]
        .iter()
        .filter_map(|m| code.find(m).map(|i| i + m.len()))
        .min()?;
    let building = &code[..end];
    let marker_only = ["栋", "幢", "座", "号楼"].contains(&building);
    if marker_only {
        None
    } else {
        Some(building.to_string())
    }
}

/// One piece of a natural-sort key: `(is_text, number, text)`.
///
/// Digit runs are `(false, value, digits)`; other runs are `(true, 0, text)`, so at the
/// same position a number sorts before text, and numbers compare by value.
pub type WalkPart = (bool, u64, String);

/// Natural-sort key of a unit code, so `3栋2单元902` sorts before `3栋2单元1502`
/// and `10栋` after `9栋`. Splits the code into runs of ASCII digits and other characters.
pub fn walk_key(code: &str) -> Vec<WalkPart> {
    let mut parts: Vec<WalkPart> = Vec::new();
    let mut run = String::new();
    let mut run_is_digit = false;
    for c in code.chars() {
        let is_digit = c.is_ascii_digit();
        if !run.is_empty() && is_digit != run_is_digit {
            parts.push(make_part(std::mem::take(&mut run), run_is_digit));
        }
        run_is_digit = is_digit;
        run.push(c);
    }
    if !run.is_empty() {
        parts.push(make_part(run, run_is_digit));
    }
    parts
}

/// Builds one key part from a run.
fn make_part(run: String, is_digit: bool) -> WalkPart {
    if is_digit {
        let value = run.chars().fold(0u64, |acc, c| {
            acc.saturating_mul(10)
                .saturating_add(u64::from(c.to_digit(10).unwrap_or(0)))
        });
        (false, value, run)
    } else {
        (true, 0, run)
    }
}

/// Compares two unit codes in natural ("walking the building") order.
pub fn cmp_unit_codes(a: &str, b: &str) -> Ordering {
    walk_key(a).cmp(&walk_key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn normalizing() {
        assert_eq!(
            normalize_unit_code(" 3栋 2单元 1502 "),
            Ok("3栋2单元1502".into())
        );
        assert_eq!(
            normalize_unit_code("３栋２单元１５０２"),
            Ok("3栋2单元1502".into())
        );
        assert_eq!(normalize_unit_code("商铺ａ－12"), Ok("商铺A-12".into()));
        assert_eq!(normalize_unit_code("车位b1-023"), Ok("车位B1-023".into()));
        assert_eq!(
            normalize_unit_code("\u{3000}12栋0801\u{3000}"),
            Ok("12栋0801".into())
        );
    }

    #[test]
    fn normalizing_rejects() {
        assert_eq!(normalize_unit_code(""), Err("请填写房号".into()));
        assert_eq!(normalize_unit_code("  \u{3000} "), Err("请填写房号".into()));
        assert_eq!(
            normalize_unit_code(&"栋".repeat(31)),
            Err("房号太长（最多30个字）".into())
        );
        assert!(normalize_unit_code(&"栋".repeat(30)).is_ok());
        assert!(normalize_unit_code("3栋\u{0}1502").is_err());
        assert!(normalize_unit_code("3栋\u{7f}1502").is_err());
    }

    #[test]
    fn buildings() {
        assert_eq!(building_of("3栋2单元1502").as_deref(), Some("3栋"));
        assert_eq!(building_of("12栋0801").as_deref(), Some("12栋"));
        assert_eq!(building_of("5号楼301").as_deref(), Some("5号楼"));
        assert_eq!(building_of("A座1201").as_deref(), Some("A座"));
        assert_eq!(building_of("7幢1单元101").as_deref(), Some("7幢"));
        // The first marker wins.
        assert_eq!(building_of("B座3栋101").as_deref(), Some("B座"));
        assert_eq!(building_of("商铺A-12"), None);
        assert_eq!(building_of("车位B1-023"), None);
        assert_eq!(building_of("栋101"), None);
        assert_eq!(building_of(""), None);
    }

    #[test]
    fn natural_order() {
        let mut codes = vec![
            "3栋2单元1502",
            "10栋101",
            "3栋2单元902",
            "9栋101",
            "3栋10单元101",
            "3栋2单元0901",
            "商铺A-12",
            "商铺A-2",
        ];
        codes.sort_by(|a, b| cmp_unit_codes(a, b));
        assert_eq!(
            codes,
            vec![
                "3栋2单元0901",
                "3栋2单元902",
                "3栋2单元1502",
                "3栋10单元101",
                "9栋101",
                "10栋101",
                "商铺A-2",
                "商铺A-12",
            ]
        );
    }

    #[test]
    fn walk_key_parts() {
        assert_eq!(
            walk_key("3栋0801"),
            vec![
                (false, 3, "3".to_string()),
                (true, 0, "栋".to_string()),
                (false, 801, "0801".to_string()),
            ]
        );
        assert!(walk_key("").is_empty());
        // Huge digit runs saturate instead of overflowing.
        assert_eq!(walk_key("99999999999999999999999")[0].1, u64::MAX);
        // Same value, different zero padding: still a total, stable order.
        assert_eq!(cmp_unit_codes("801", "0801"), Ordering::Greater);
    }
}
