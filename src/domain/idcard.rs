//! Resident ID numbers (居民身份证号码, GB 11643-1999): validation, check digit, masking.

use chrono::NaiveDate;

/// Weights of the first 17 digits in the GB 11643-1999 check digit.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check digit for each `sum mod 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Computes the check digit (`0`–`9` or `X`) for the first 17 digits of an ID number.
///
/// Returns `None` unless `first17` is exactly 17 ASCII digits.
pub fn id_check_digit(first17: &str) -> Option<char> {
    if first17.chars().count() != WEIGHTS.len() {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// Validates an 18-character resident ID number and returns it normalized
/// (no spaces, upper-case `X`). The error is a short Chinese sentence for the form.
pub fn validate_id_number(s: &str) -> Result<String, String> {
    let normalized: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == 'x' { 'X' } else { c })
        .collect();
    if normalized.is_empty() {
        return Err("请填写身份证号".to_string());
    }
    let chars: Vec<char> = normalized.chars().collect();
    if chars.len() != 18 {
        return Err(format!("身份证号应为18位（现在是{}位）", chars.len()));
    }
    let body_ok = chars[..17].iter().all(char::is_ascii_digit);
    let last_ok = chars[17].is_ascii_digit() || chars[17] == 'X';
    if !body_ok || !last_ok {
        return Err("身份证号只能是数字，最后一位可以是X".to_string());
    }
    // All 18 chars are ASCII now, so byte slicing is safe.
    if normalized.starts_with('0') {
        return Err("身份证号开头的地区码不对".to_string());
    }
    if !birth_date_ok(&normalized[6..14]) {
        return Err("身份证号中的出生日期不对".to_string());
    }
    match id_check_digit(&normalized[..17]) {
        Some(c) if c == chars[17] => Ok(normalized),
        _ => Err("身份证号校验位不对，请核对号码".to_string()),
    }
}

/// True if `yyyymmdd` (8 ASCII digits) is a real date between 1900 and 2100.
fn birth_date_ok(yyyymmdd: &str) -> bool {
    let (Ok(y), Ok(m), Ok(d)) = (
        yyyymmdd[0..4].parse::<i32>(),
        yyyymmdd[4..6].parse::<u32>(),
        yyyymmdd[6..8].parse::<u32>(),
    ) else {
        return false;
    };
    (1900..=2100).contains(&y) && NaiveDate::from_ymd_opt(y, m, d).is_some()
}

/// Masks an ID number for display: `110101********1234` for 18 characters;
/// other lengths keep the first 3 and last 2 characters and star the middle.
/// Works on characters, never panics; an empty string stays empty.
pub fn mask_id_number(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    if n == 18 {
        let head: String = chars[..6].iter().collect();
        let tail: String = chars[14..].iter().collect();
        return format!("{head}********{tail}");
    }
    if n <= 5 {
        // Too short to keep anything meaningful visible.
        return "*".repeat(n);
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[n - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 5))
}

/// Masks every 18-digit ID number found inside a longer text (an audit entry, a note), so
/// that lists never show one in full.
#[must_use]
pub fn mask_ids_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let window = chars.get(i..i + 18);
        let is_id = window.is_some_and(|w| {
            w.iter().take(17).all(char::is_ascii_digit)
                && w.get(17)
                    .is_some_and(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        });
        let before_ok = i == 0 || chars.get(i - 1).is_none_or(|c| !c.is_ascii_digit());
        let after_ok = chars.get(i + 18).is_none_or(|c| !c.is_ascii_digit());
        if is_id && before_ok && after_ok {
            let id: String = window.map(|w| w.iter().collect()).unwrap_or_default();
            out.push_str(&mask_id_number(&id));
            i += 18;
        } else if let Some(c) = chars.get(i) {
            out.push(*c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn make(first17: &str) -> String {
        format!("{first17}{}", id_check_digit(first17).unwrap())
    }

    #[test]
    fn known_valid_number() {
        // Widely published sample number from GB 11643-1999.
        assert_eq!(id_check_digit("11010519491231002"), Some('X'));
        assert_eq!(
            validate_id_number("11010519491231002X"),
            Ok("11010519491231002X".to_string())
        );
        assert_eq!(id_check_digit("44052418800101001"), Some('4'));
    }

    #[test]
    fn normalizes_spaces_and_lowercase_x() {
        assert_eq!(
            validate_id_number("  110105 19491231 002x "),
            Ok("11010519491231002X".to_string())
        );
    }

    #[test]
    fn wrong_length() {
        assert_eq!(
            validate_id_number("11010519491231002"),
            Err("身份证号应为18位（现在是17位）".to_string())
        );
        assert_eq!(
            validate_id_number("110105194912310021X"),
            Err("身份证号应为18位（现在是19位）".to_string())
        );
        assert_eq!(validate_id_number("  "), Err("请填写身份证号".to_string()));
    }

    #[test]
    fn bad_characters() {
        let msg = Err("身份证号只能是数字，最后一位可以是X".to_string());
        assert_eq!(validate_id_number("1101051949123100XX"), msg);
        assert_eq!(validate_id_number("11010519491231002Y"), msg);
        // Full-width digits are not accepted as digits.
        assert_eq!(validate_id_number("１1010519491231002X"), msg);
    }

    #[test]
    fn region_must_not_start_with_zero() {
        let id = make("01010519491231002");
        assert!(validate_id_number(&id).is_err());
    }

    #[test]
    fn bad_birth_dates() {
        let msg = Err("身份证号中的出生日期不对".to_string());
        assert_eq!(validate_id_number(&make("11010519490230002")), msg); // Feb 30
        assert_eq!(validate_id_number(&make("11010518991231002")), msg); // 1899
        assert_eq!(validate_id_number(&make("11010521010101002")), msg); // 2101
        assert_eq!(validate_id_number(&make("11010519491301002")), msg); // month 13
        assert_eq!(validate_id_number(&make("11010519490100002")), msg); // day 0
        assert_eq!(validate_id_number(&make("11010519010229002")), msg); // 1901 not leap
    }

    #[test]
    fn leap_day_and_range_edges_are_accepted() {
        assert!(validate_id_number(&make("11010520000229002")).is_ok());
        assert!(validate_id_number(&make("11010519000101002")).is_ok());
        assert!(validate_id_number(&make("11010521001231002")).is_ok());
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(
            validate_id_number("110105194912310021"),
            Err("身份证号校验位不对，请核对号码".to_string())
        );
    }

    #[test]
    fn check_digit_rejects_bad_input() {
        assert_eq!(id_check_digit("1101051949123100"), None);
        assert_eq!(id_check_digit("110105194912310021"), None);
        assert_eq!(id_check_digit("1101051949123100A"), None);
        assert_eq!(id_check_digit("１101051949123100"), None);
    }

    #[test]
    fn every_check_value_is_reachable() {
        let mut seen = std::collections::BTreeSet::new();
        for seq in 0..200 {
            let first17 = format!("1101051990010{seq:04}");
            seen.insert(id_check_digit(&first17).unwrap());
        }
        assert_eq!(seen.len(), 11);
    }

    #[test]
    fn masking() {
        assert_eq!(mask_id_number("110101199001011234"), "110101********1234");
        assert_eq!(mask_id_number("110105490101001"), "110**********01");
        assert_eq!(mask_id_number(""), "");
        assert_eq!(mask_id_number("12345"), "*****");
        assert_eq!(mask_id_number("123456"), "123*56");
        // Multi-byte characters do not panic.
        assert_eq!(mask_id_number("身份证号码不详啊"), "身份证***详啊");
    }

    #[test]
    fn ids_inside_text_are_masked_and_other_numbers_kept() {
        let text = r#"{"name":"张三","id_number":"11010119900307123X","phone":"13800138000","n":"1234567890123456789"}"#;
        let masked = mask_ids_in_text(text);
        assert!(masked.contains("110101********123X"), "{masked}");
        assert!(masked.contains("13800138000"));
        assert!(
            masked.contains("1234567890123456789"),
            "19 digits is not an ID"
        );
    }
}
