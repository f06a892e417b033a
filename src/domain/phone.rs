//! Phone numbers typed at the desk: mainland mobiles, landlines with area code,
//! local numbers without area code, and 400/800 service numbers.

/// General message when nothing matches.
const GENERAL_MSG: &str = "电话号码格式不对：手机11位，座机如 0755-12345678";

/// Validates a phone number and returns it normalized.
///
/// Accepted (spaces ignored, full-width digits allowed):
/// - mobile `1[3-9]` + 9 digits, optionally prefixed `+86`/`86`, dashes allowed → `13812345678`;
/// - landline with area code (`010`, `020`–`029` are 3 digits, other `0xxx` are 4 digits),
///   optional dash, 7–8 digit number, optional extension after `-` or
///   `转` of 1–6 digits → `0755-12345678` or `0755-12345678-123`;
/// - local 7–8 digit number not starting with 0 or 1 (same extension rule) → `88886666`;
/// - service numbers `400`/`800` + 7 digits → `400-123-4567`.
///
/// The error is a short Chinese sentence for the form.
pub fn validate_phone(s: &str) -> Result<String, String> {
    let t = normalize_chars(s);
    if t.is_empty() {
        return Err("请填写电话号码".to_string());
    }
    let t = strip_country_code(&t);
    let digits_only: String = t.chars().filter(|&c| c != '-').collect();
    let all_digits = digits_only.chars().all(|c| c.is_ascii_digit());

    if all_digits && digits_only.starts_with('1') {
        return validate_mobile(&digits_only);
    }
    if all_digits
        && digits_only.len() == 10
        && (digits_only.starts_with("400") || digits_only.starts_with("800"))
    {
        return Ok(format!(
            "{}-{}-{}",
            &digits_only[..3],
            &digits_only[3..6],
            &digits_only[6..]
        ));
    }
    if t.starts_with('0') {
        return validate_landline(&t)
            .ok_or_else(|| "座机号格式不对，如 0755-12345678 或 0755-12345678-123".to_string());
    }
    if t.starts_with(|c: char| ('2'..='9').contains(&c)) {
        if all_digits && (7..=8).contains(&digits_only.len()) {
            return Ok(digits_only);
        }
        if let Some((number, ext)) = parse_subscriber(&t, true) {
            return Ok(join_ext(number, ext));
        }
    }
    Err(GENERAL_MSG.to_string())
}

/// Removes whitespace and brackets, turns full-width digits/signs into ASCII and
/// every kind of dash into `-`.
fn normalize_chars(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）'))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '＋' => '+',
            '－' | '—' | '–' | '‐' => '-',
            _ => c,
        })
        .collect()
}

/// Removes a leading `+86` / `0086`, or a bare `86` when what follows is a mobile number.
fn strip_country_code(t: &str) -> String {
    let trim_dash = |r: &str| r.trim_start_matches('-').to_string();
    if let Some(rest) = t.strip_prefix("+86").or_else(|| t.strip_prefix("0086")) {
        return trim_dash(rest);
    }
    if let Some(rest) = t.strip_prefix("86") {
        let rest = rest.trim_start_matches('-');
        let digits: String = rest.chars().filter(|&c| c != '-').collect();
        if digits.len() == 11 && digits.starts_with('1') {
            return rest.to_string();
        }
    }
    t.to_string()
}

/// Checks a mainland mobile number given as digits only.
fn validate_mobile(digits: &str) -> Result<String, String> {
    if digits.len() != 11 {
        return Err("手机号应为11位，以1开头".to_string());
    }
    if !matches!(digits.as_bytes().get(1), Some(b'3'..=b'9')) {
        return Err("手机号第二位不对，请核对号码".to_string());
    }
    Ok(digits.to_string())
}

/// Parses `0` + area code, optional dash, subscriber number, optional extension.
fn validate_landline(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let area_len = match (b.get(1), b.get(2)) {
        (Some(b'1'), Some(b'0')) | (Some(b'2'), _) => 3,
        _ => 4,
    };
    let area = t.get(..area_len)?;
    if !area.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = t.get(area_len..)?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if let Some((number, ext)) = parse_subscriber(rest, false) {
        return Some(format!("{area}-{}", join_ext(number, ext)));
    }
    // Number written in groups, e.g. `0755-2234-5678`: no extension possible then.
    let digits: String = rest.chars().filter(|&c| c != '-').collect();
    if !rest.starts_with('-')
        && !rest.ends_with('-')
        && (7..=8).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        return Some(format!("{area}-{digits}"));
    }
    None
}

/// Parses a 7–8 digit subscriber number with an optional extension after `-` or `转`
/// (1–6 digits). With `local`, the number must not start with 0 or 1.
fn parse_subscriber(t: &str, local: bool) -> Option<(&str, Option<&str>)> {
    let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, rest) = t.split_at(end);
    if !(7..=8).contains(&number.len()) {
        return None;
    }
    if local && !number.starts_with(|c: char| ('2'..='9').contains(&c)) {
        return None;
    }
    if rest.is_empty() {
        return Some((number, None));
    }
    let ext = rest.strip_prefix('-').or_else(|| rest.strip_prefix('转'))?;
    if (1..=6).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_digit()) {
        Some((number, Some(ext)))
    } else {
        None
    }
}

/// Joins a number and an optional extension with a dash.
fn join_ext(number: &str, ext: Option<&str>) -> String {
    match ext {
        Some(e) => format!("{number}-{e}"),
        None => number.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        validate_phone(s).unwrap()
    }

    #[test]
    fn mobiles() {
        assert_eq!(ok("13812345678"), "13812345678");
        assert_eq!(ok(" 138 1234 5678 "), "13812345678");
        assert_eq!(ok("138-1234-5678"), "13812345678");
        assert_eq!(ok("+86 13812345678"), "13812345678");
        assert_eq!(ok("+86-138-1234-5678"), "13812345678");
        assert_eq!(ok("8613812345678"), "13812345678");
        assert_eq!(ok("008619912345678"), "19912345678");
        assert_eq!(ok("１３８１２３４５６７８"), "13812345678");
    }

    #[test]
    fn bad_mobiles() {
        let len_msg = Err("手机号应为11位，以1开头".to_string());
        assert_eq!(validate_phone("1381234567"), len_msg);
        assert_eq!(validate_phone("138123456789"), len_msg);
        assert_eq!(validate_phone("+861381234567"), len_msg);
        assert!(validate_phone("12012345678").is_err());
        assert!(validate_phone("10012345678").is_err());
    }

    #[test]
    fn landlines() {
        assert_eq!(ok("0755-12345678"), "0755-12345678");
        assert_eq!(ok("0755-2234-5678"), "0755-22345678");
        assert_eq!(ok("0755-22345678"), "0755-22345678");
        assert_eq!(ok("075522345678"), "0755-22345678");
        assert_eq!(ok("010-62345678"), "010-62345678");
        assert_eq!(ok("01062345678"), "010-62345678");
        assert_eq!(ok("021 5234 5678"), "021-52345678");
        assert_eq!(ok("(0755)2234567"), "0755-2234567");
        assert_eq!(ok("0755-22345678-123"), "0755-22345678-123");
        assert_eq!(ok("0755-22345678转8001"), "0755-22345678-8001");
        assert_eq!(ok("0571－8765432１"), "0571-87654321");
    }

    #[test]
    fn bad_landlines() {
        // Two dashes between area code and number.
        assert!(validate_phone("0755--22345678").is_err());
        // Too short / too long.
        assert!(validate_phone("0755-223456").is_err());
        assert!(validate_phone("0755-223456789").is_err());
        // Extension too long or not digits.
        assert!(validate_phone("0755-22345678-1234567").is_err());
        assert!(validate_phone("0755-22345678-").is_err());
        assert!(validate_phone("0755-22345678转ab").is_err());
        // 3-digit area code given where a 4-digit one is required.
        assert!(validate_phone("075-22345678").is_err());
        assert_eq!(
            validate_phone("0755-223"),
            Err("座机号格式不对，如 0755-12345678 或 0755-12345678-123".to_string())
        );
    }

    #[test]
    fn local_numbers() {
        assert_eq!(ok("88886666"), "88886666");
        assert_eq!(ok("8888666"), "8888666");
        assert_eq!(ok("8888-6666"), "88886666");
        assert!(validate_phone("18886666").is_err());
        assert!(validate_phone("08886666").is_err());
        assert_eq!(ok("88886666转12"), "88886666-12");
        assert!(validate_phone("888866").is_err());
        assert!(validate_phone("888866667").is_err());
    }

    #[test]
    fn service_numbers() {
        assert_eq!(ok("4001234567"), "400-123-4567");
        assert_eq!(ok("400-123-4567"), "400-123-4567");
        assert_eq!(ok("800 820 8820"), "800-820-8820");
        assert!(validate_phone("40012345678").is_err());
    }

    #[test]
    fn garbage_and_empty() {
        assert_eq!(validate_phone("   "), Err("请填写电话号码".to_string()));
        assert_eq!(validate_phone("abc"), Err(GENERAL_MSG.to_string()));
        assert_eq!(validate_phone("电话"), Err(GENERAL_MSG.to_string()));
        assert!(validate_phone("138１２３4567８x").is_err());
    }
}
