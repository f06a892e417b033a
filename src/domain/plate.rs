//! Mainland vehicle number plates (车牌), ordinary and new-energy.

/// Province abbreviations that open a mainland plate.
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/// Special last characters of ordinary plates (trailer, coach, police, HK, Macau, consulate).
const SPECIAL_LAST: &str = "挂学警港澳领";
/// Message for any plate that does not fit.
const PLATE_MSG: &str = "车牌格式不对，如 粤B12345 或新能源 粤BD12345";

/// Validates a mainland plate and returns it normalized (`粤B12345`, `粤BD12345`).
///
/// Spaces, `·`, `•`, `.` are removed and latin letters upper-cased (full-width
/// letters and digits are accepted). Ordinary plates have 5 characters after the
/// province and issuing letter (letters without I/O, or digits; the last may be one of
/// 挂学警港澳领); new-energy plates have 6: `[DABCEFGHJK]` + letter/digit + 4 digits for
/// small cars, or 5 digits + `D`/`F` for large vehicles.
pub fn validate_plate(s: &str) -> Result<String, String> {
    let plate: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '.' | '．' | '-'))
        .map(to_half_width)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if plate.is_empty() {
        return Err("请填写车牌号".to_string());
    }
    let chars: Vec<char> = plate.chars().collect();
    if !PROVINCES.contains(chars[0]) {
        return Err("车牌第一个字应是省份简称，如 粤B12345".to_string());
    }
    if !chars.get(1).is_some_and(char::is_ascii_uppercase) {
        return Err(PLATE_MSG.to_string());
    }
    let tail = &chars[2..];
    let ok = match tail.len() {
        5 => is_ordinary(tail),
        6 => is_new_energy(tail),
        _ => false,
    };
    if ok {
        Ok(plate)
    } else {
        Err(PLATE_MSG.to_string())
    }
}

/// Full-width ASCII (`！`..`～`) to half-width; other characters unchanged.
fn to_half_width(c: char) -> char {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// A plate letter or digit: A–Z without I and O, or 0–9.
fn is_plate_alnum(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// The 5 characters after province and issuing letter of an ordinary plate.
fn is_ordinary(tail: &[char]) -> bool {
    let (last, head) = match tail.split_last() {
        Some(x) => x,
        None => return false,
    };
    head.iter().all(|&c| is_plate_alnum(c))
        && (is_plate_alnum(*last) || SPECIAL_LAST.contains(*last))
}

/// The 6 characters after province and issuing letter of a new-energy plate.
fn is_new_energy(tail: &[char]) -> bool {
    let small = "DABCEFGHJK".contains(tail[0])
        && is_plate_alnum(tail[1])
        && tail[2..].iter().all(char::is_ascii_digit);
    let large = tail[..5].iter().all(char::is_ascii_digit) && matches!(tail[5], 'D' | 'F');
    small || large
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        validate_plate(s).unwrap()
    }

    #[test]
    fn ordinary_plates() {
        assert_eq!(ok("粤B12345"), "粤B12345");
        assert_eq!(ok(" 粤b·12345 "), "粤B12345");
        assert_eq!(ok("京A.A1B2C"), "京AA1B2C");
        assert_eq!(ok("沪Ｃ ９９９９９"), "沪C99999");
        assert_eq!(ok("苏E1234挂"), "苏E1234挂");
        assert_eq!(ok("粤Z1234港"), "粤Z1234港");
        assert_eq!(ok("川A1234学"), "川A1234学");
    }

    #[test]
    fn new_energy_plates() {
        assert_eq!(ok("粤BD12345"), "粤BD12345");
        assert_eq!(ok("粤bfa1234"), "粤BFA1234");
        assert!(validate_plate("粤BD1A234").is_err());
        assert_eq!(ok("京AK12345"), "京AK12345");
        assert_eq!(ok("沪A12345D"), "沪A12345D");
        assert_eq!(ok("沪A12345F"), "沪A12345F");
    }

    #[test]
    fn bad_plates() {
        let msg = Err(PLATE_MSG.to_string());
        assert_eq!(validate_plate("粤B1234"), msg); // too short
        assert_eq!(validate_plate("粤B1234567"), msg); // too long
        assert_eq!(validate_plate("粤BI2345"), msg); // letter I
        assert_eq!(validate_plate("粤B1234O"), msg); // letter O
        assert_eq!(validate_plate("粤112345"), msg); // issuing letter missing
        assert_eq!(validate_plate("粤B12挂45"), msg); // special char not last
        assert_eq!(validate_plate("粤BL12345"), msg); // L is no new-energy class
        assert_eq!(validate_plate("粤BD1234A"), msg); // new energy must end in digits
        assert_eq!(validate_plate("粤B12345A"), msg); // large new energy only D/F
        assert_eq!(validate_plate("粤B"), msg);
    }

    #[test]
    fn bad_province_and_empty() {
        assert_eq!(
            validate_plate("AB12345"),
            Err("车牌第一个字应是省份简称，如 粤B12345".to_string())
        );
        assert_eq!(
            validate_plate("港B12345"),
            Err("车牌第一个字应是省份简称，如 粤B12345".to_string())
        );
        assert_eq!(validate_plate(" · "), Err("请填写车牌号".to_string()));
    }

    #[test]
    fn every_province_is_accepted() {
        for p in PROVINCES.chars() {
            assert_eq!(ok(&format!("{p}A12345")), format!("{p}A12345"));
        }
        assert_eq!(PROVINCES.chars().count(), 31);
    }
}
