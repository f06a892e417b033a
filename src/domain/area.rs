//! Building areas (建筑面积) as integer hundredths of a square metre.

/// Largest accepted area in hundredths of m² (99 999.99 m²).
const MAX_CENTI_M2: i64 = 9_999_999;

/// Parses an area typed at the desk into hundredths of m² (`"89.5"` → `8950`).
///
/// Accepts ASCII or full-width digits and point, an optional unit `㎡`, `m²`, `m2`,
/// `平方米` or `平米` at the end, and surrounding spaces. Parsed digit by digit, never
/// through floating point. The error is a short Chinese sentence for the form.
pub fn parse_area(s: &str) -> Result<i64, String> {
    let half: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' => '.',
            'Ｍ' => 'm',
            _ => c,
        })
        .collect();
    let mut t = half.trim();
    if t.is_empty() {
        return Err("请填写建筑面积".to_string());
    }
    for unit in ["平方米", "平米", "㎡", "m²", "M²", "m2", "M2"] {
        if let Some(rest) = t.strip_suffix(unit) {
            t = rest.trim_end();
            break;
        }
    }
    if t.is_empty() {
        return Err("请填写建筑面积".to_string());
    }
    if t.starts_with('-') {
        return Err("面积必须大于0".to_string());
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    let (int_part, frac_part) = t.split_once('.').unwrap_or((t, ""));
    let digits_ok = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !digits_ok(int_part)
        || !digits_ok(frac_part)
    {
        return Err("面积应为数字，如 89.50".to_string());
    }
    if frac_part.trim_end_matches('0').len() > 2 {
        return Err("面积最多保留两位小数".to_string());
    }
    let int_digits = int_part.trim_start_matches('0');
    if int_digits.len() > 5 {
        return Err("面积太大（最多99999.99平方米）".to_string());
    }
    let mut centi: i64 = 0;
    for c in int_digits.chars() {
        centi = centi * 10 + digit(c);
    }
    let mut frac = frac_part.chars();
    for _ in 0..2 {
        centi = centi * 10 + frac.next().map_or(0, digit);
    }
    if centi <= 0 {
        return Err("面积必须大于0".to_string());
    }
    if centi > MAX_CENTI_M2 {
        return Err("面积太大（最多99999.99平方米）".to_string());
    }
    Ok(centi)
}

/// Value of an ASCII digit (caller has checked it is one).
fn digit(c: char) -> i64 {
    i64::from(c.to_digit(10).unwrap_or(0))
}

/// Formats hundredths of m² with two decimals: `8950` → `"89.50"`.
pub fn format_area(centi_m2: i64) -> String {
    let sign = if centi_m2 < 0 { "-" } else { "" };
    let abs = centi_m2.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_area("89"), Ok(8900));
        assert_eq!(parse_area("89.5"), Ok(8950));
        assert_eq!(parse_area("89.50"), Ok(8950));
        assert_eq!(parse_area("89.05"), Ok(8905));
        assert_eq!(parse_area("0.01"), Ok(1));
        assert_eq!(parse_area(".5"), Ok(50));
        assert_eq!(parse_area("89."), Ok(8900));
        assert_eq!(parse_area("089.5"), Ok(8950));
        assert_eq!(parse_area(" 120.3 "), Ok(12030));
    }

    #[test]
    fn no_float_rounding() {
        // 0.29 * 100 is 28.999… in f64; parsing by hand must give exactly 29.
        assert_eq!(parse_area("0.29"), Ok(29));
        assert_eq!(parse_area("1.15"), Ok(115));
        assert_eq!(parse_area("99999.99"), Ok(9_999_999));
    }

    #[test]
    fn trailing_zeros_beyond_two_decimals_are_fine() {
        assert_eq!(parse_area("89.500"), Ok(8950));
        assert_eq!(
            parse_area("89.505"),
            Err("面积最多保留两位小数".to_string())
        );
    }

    #[test]
    fn full_width_and_units() {
        assert_eq!(parse_area("８９．５"), Ok(8950));
        assert_eq!(parse_area("89.5㎡"), Ok(8950));
        assert_eq!(parse_area("89.5 m²"), Ok(8950));
        assert_eq!(parse_area("89.5平方米"), Ok(8950));
        assert_eq!(parse_area("89.5平米"), Ok(8950));
        assert_eq!(parse_area("89.5m2"), Ok(8950));
    }

    #[test]
    fn rejects() {
        assert_eq!(parse_area(""), Err("请填写建筑面积".to_string()));
        assert_eq!(parse_area("  ㎡"), Err("请填写建筑面积".to_string()));
        assert_eq!(parse_area("0"), Err("面积必须大于0".to_string()));
        assert_eq!(parse_area("0.00"), Err("面积必须大于0".to_string()));
        assert_eq!(parse_area("-5"), Err("面积必须大于0".to_string()));
        assert_eq!(parse_area("abc"), Err("面积应为数字，如 89.50".to_string()));
        assert_eq!(parse_area("."), Err("面积应为数字，如 89.50".to_string()));
        assert_eq!(parse_area("8 9"), Err("面积应为数字，如 89.50".to_string()));
        assert_eq!(
            parse_area("1.2.3"),
            Err("面积应为数字，如 89.50".to_string())
        );
        assert_eq!(parse_area("1e3"), Err("面积应为数字，如 89.50".to_string()));
        assert_eq!(
            parse_area("100000"),
            Err("面积太大（最多99999.99平方米）".to_string())
        );
        assert_eq!(
            parse_area("99999999999999999999999"),
            Err("面积太大（最多99999.99平方米）".to_string())
        );
        assert_eq!(
            parse_area("0000000000089.5"),
            Ok(8950),
            "leading zeros do not count toward the size limit"
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(format_area(8950), "89.50");
        assert_eq!(format_area(1), "0.01");
        assert_eq!(format_area(0), "0.00");
        assert_eq!(format_area(9_999_999), "99999.99");
        assert_eq!(format_area(-150), "-1.50");
        assert_eq!(format_area(parse_area("120.3").unwrap()), "120.30");
    }
}
